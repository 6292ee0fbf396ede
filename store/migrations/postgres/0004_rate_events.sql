-- Sliding-window rate limits (declarations per person, incidents opened by
-- alerts per minute): one row per counted action, written in the
-- transaction of the action itself, so the limit holds across replicas.
CREATE TABLE rate_events (
	scope TEXT NOT NULL,
	at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX rate_events_scope_at ON rate_events (scope, at);
CREATE INDEX rate_events_at ON rate_events (at);
