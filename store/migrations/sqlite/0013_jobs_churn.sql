-- The job table churns: every job is inserted, claimed and finished, and
-- the runner prunes finished ones. The poll and the pruner read only small
-- partial indexes, so neither slows down with history.
DROP INDEX IF EXISTS jobs_state_run_at;
-- The poll: live jobs, older incidents first (a saga's next step before a
-- newer saga's first), then by due time.
CREATE INDEX jobs_live ON jobs (incident_id, run_at, id) WHERE state IN ('pending', 'running');
-- The pruner: finished jobs by incident.
CREATE INDEX jobs_done ON jobs (incident_id) WHERE state = 'done';
