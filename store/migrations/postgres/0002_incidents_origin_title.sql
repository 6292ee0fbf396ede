-- The duplicate check on every declare looks for an open incident with the
-- same title in the same channel: keep it an index lookup as incidents pile up.
CREATE INDEX incidents_origin_title ON incidents (platform, workspace, origin_channel, lower(title))
	WHERE status <> 'closed';
