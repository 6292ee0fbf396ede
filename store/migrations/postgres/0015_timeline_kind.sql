-- Status, summaries and the welcome read one kind of event (the last
-- status update) of timelines that can hold tens of thousands: an index
-- lookup, not a scan of the whole timeline.
CREATE INDEX timeline_events_incident_kind ON timeline_events (incident_id, kind, at, id);
