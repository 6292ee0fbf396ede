-- One open incident per (platform, workspace, origin channel, title): the
-- guard is the normalised title (incidentbot.TitleGuard), NULL for
-- incidents declared with --force or by an alert and from the moment an
-- incident is resolved. The unique index makes two declarations at once
-- collide in the database, not in a read-then-write in the application.
ALTER TABLE incidents ADD COLUMN title_guard TEXT;
-- Open incidents of before: the newest of each title and channel keeps
-- the rule (lower() of a trimmed title is the guard for plain titles).
UPDATE incidents SET title_guard = lower(title)
	WHERE status IN ('investigating', 'mitigated') AND dedupe_key = '' AND id IN (
		SELECT max(id) FROM incidents WHERE status IN ('investigating', 'mitigated') AND dedupe_key = ''
		GROUP BY platform, workspace, origin_channel, lower(title));
CREATE UNIQUE INDEX incidents_open_title_guard ON incidents (platform, workspace, origin_channel, title_guard)
	WHERE title_guard IS NOT NULL;
-- A declaration's delivery (Slack trigger id) names the incident it made,
-- so a retry of the same request is answered with that incident.
ALTER TABLE deliveries ADD COLUMN incident_id BIGINT;
