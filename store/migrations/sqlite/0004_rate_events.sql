-- Sliding-window rate limits (declarations per person, incidents opened by
-- alerts per minute): one row per counted action, written in the
-- transaction of the action itself. Times are fixed-width UTC text.
CREATE TABLE rate_events (
	scope TEXT NOT NULL,
	at    TEXT NOT NULL
) STRICT;
CREATE INDEX rate_events_scope_at ON rate_events (scope, at);
CREATE INDEX rate_events_at ON rate_events (at);
