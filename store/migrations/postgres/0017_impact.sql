-- The true impact: when customers were first affected, when a person said
-- so (else the detection time counts), and the share of sales lost, when
-- set in the incident (else the playbook's).
ALTER TABLE incidents ADD COLUMN impact_started_at TIMESTAMPTZ;
ALTER TABLE incidents ADD COLUMN revenue_share DOUBLE PRECISION;

-- Follow-ups (action items), numbered from 1 in each incident.
CREATE TABLE follow_ups (
	incident_id BIGINT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
	number      INTEGER NOT NULL,
	text        TEXT NOT NULL,
	type        TEXT NOT NULL,
	priority    INTEGER NOT NULL,
	owner       TEXT NOT NULL DEFAULT '',
	due         TEXT NOT NULL DEFAULT '',
	ticket      TEXT NOT NULL DEFAULT '',
	created_by_id   TEXT NOT NULL DEFAULT '',
	created_by_name TEXT NOT NULL DEFAULT '',
	created_at  TIMESTAMPTZ NOT NULL,
	done_by_id   TEXT NOT NULL DEFAULT '',
	done_by_name TEXT NOT NULL DEFAULT '',
	done_at     TIMESTAMPTZ,
	PRIMARY KEY (incident_id, number)
);
