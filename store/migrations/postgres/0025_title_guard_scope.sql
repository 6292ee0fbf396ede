-- The title guard holds its scope: platform, workspace and origin channel
-- before the normalised title (store.titleGuard). The duplicate check of a
-- declaration is then an equality on one column that only its unique index
-- answers, whatever the planner's statistics say: with four columns, a new
-- table's empty statistics made Postgres take the tenant's history index
-- and read the whole channel on every declare.
DROP INDEX incidents_open_title_guard;
UPDATE incidents SET title_guard = platform || '/' || workspace || '/' || origin_channel || '/' || title_guard
	WHERE title_guard IS NOT NULL;
CREATE UNIQUE INDEX incidents_open_title_guard ON incidents (title_guard) WHERE title_guard IS NOT NULL;
-- The duplicate check of before 0011, unused since: one index less to keep
-- on every insert and update.
DROP INDEX incidents_origin_title;
