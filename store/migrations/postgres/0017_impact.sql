-- The true impact: when customers were first affected, when a person said
-- so (else the detection time counts), and the share of sales lost, when
-- set in the incident (else the playbook's).
ALTER TABLE incidents ADD COLUMN impact_started_at TIMESTAMPTZ;
ALTER TABLE incidents ADD COLUMN revenue_share DOUBLE PRECISION;
