-- Incidents and everything attached to them, the job queue, inbound
-- delivery dedupe and ad-campaign pause records.
--
-- Times are UTC text of fixed width (2006-01-02T15:04:05.000000Z), so
-- comparing and ordering them as text is comparing and ordering the times.
-- Booleans are 0 or 1; JSON is text.

CREATE TABLE incidents (
	id               INTEGER PRIMARY KEY AUTOINCREMENT,
	title            TEXT NOT NULL,
	severity         INTEGER NOT NULL,
	status           TEXT NOT NULL CHECK (status IN ('investigating', 'mitigated', 'resolved', 'closed')),
	type             TEXT NOT NULL DEFAULT '',
	drill            INTEGER NOT NULL DEFAULT 0,
	platform         TEXT NOT NULL DEFAULT '',
	workspace        TEXT NOT NULL DEFAULT '',
	origin_channel   TEXT NOT NULL DEFAULT '',
	war_room         TEXT NOT NULL DEFAULT '',
	dedupe_key       TEXT NOT NULL DEFAULT '',
	summary          TEXT NOT NULL DEFAULT '',
	impact           TEXT NOT NULL DEFAULT '',
	declared_by_id   TEXT NOT NULL DEFAULT '',
	declared_by_name TEXT NOT NULL DEFAULT '',
	detected_at      TEXT NOT NULL,
	declared_at      TEXT NOT NULL,
	acknowledged_at  TEXT,
	mitigated_at     TEXT,
	resolved_at      TEXT,
	closed_at        TEXT,
	next_reminder_at TEXT,
	reminders_off    INTEGER NOT NULL DEFAULT 0,
	last_update_at   TEXT
) STRICT;

-- One open incident per dedupe key: concurrent declarations from an alert
-- storm collide here, not in application code.
CREATE UNIQUE INDEX incidents_open_dedupe_key ON incidents (dedupe_key)
	WHERE status IN ('investigating', 'mitigated') AND dedupe_key <> '';
CREATE INDEX incidents_war_room ON incidents (platform, war_room) WHERE war_room <> '';
CREATE INDEX incidents_status ON incidents (status);

CREATE TABLE timeline_events (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
	at          TEXT NOT NULL,
	kind        TEXT NOT NULL,
	actor_id    TEXT NOT NULL DEFAULT '',
	actor_name  TEXT NOT NULL DEFAULT '',
	text        TEXT NOT NULL DEFAULT '',
	data        TEXT
) STRICT;
CREATE INDEX timeline_events_incident ON timeline_events (incident_id, at, id);

CREATE TABLE role_assignments (
	id               INTEGER PRIMARY KEY AUTOINCREMENT,
	incident_id      INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
	role             TEXT NOT NULL,
	user_id          TEXT NOT NULL DEFAULT '',
	user_name        TEXT NOT NULL DEFAULT '',
	assigned_by_id   TEXT NOT NULL DEFAULT '',
	assigned_by_name TEXT NOT NULL DEFAULT '',
	at               TEXT NOT NULL
) STRICT;
CREATE INDEX role_assignments_incident ON role_assignments (incident_id, role);

CREATE TABLE checklist_items (
	incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
	position    INTEGER NOT NULL,
	text        TEXT NOT NULL,
	state       TEXT NOT NULL,
	by_id       TEXT NOT NULL DEFAULT '',
	by_name     TEXT NOT NULL DEFAULT '',
	at          TEXT,
	PRIMARY KEY (incident_id, position)
) STRICT;

CREATE TABLE messages (
	incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
	purpose     TEXT NOT NULL,
	channel_id  TEXT NOT NULL,
	message_id  TEXT NOT NULL,
	PRIMARY KEY (incident_id, purpose)
) STRICT;

CREATE TABLE jobs (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	key          TEXT NOT NULL UNIQUE,
	kind         TEXT NOT NULL,
	incident_id  INTEGER REFERENCES incidents (id) ON DELETE CASCADE,
	payload      TEXT,
	state        TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed')),
	attempts     INTEGER NOT NULL DEFAULT 0,
	run_at       TEXT NOT NULL,
	locked_by    TEXT NOT NULL DEFAULT '',
	locked_until TEXT,
	last_error   TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL,
	updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX jobs_state_run_at ON jobs (state, run_at);
CREATE INDEX jobs_incident ON jobs (incident_id, id);

CREATE TABLE deliveries (
	source TEXT NOT NULL,
	id     TEXT NOT NULL,
	at     TEXT NOT NULL,
	PRIMARY KEY (source, id)
) STRICT;
CREATE INDEX deliveries_at ON deliveries (at);

CREATE TABLE campaign_pauses (
	incident_id  INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
	platform     TEXT NOT NULL,
	account      TEXT NOT NULL,
	campaign_id  TEXT NOT NULL,
	name         TEXT NOT NULL DEFAULT '',
	status       TEXT NOT NULL DEFAULT '',
	raw_status   TEXT NOT NULL DEFAULT '',
	labels       TEXT,
	daily_budget REAL NOT NULL DEFAULT 0,
	currency     TEXT NOT NULL DEFAULT '',
	prior_status TEXT NOT NULL DEFAULT '',
	prior_raw    TEXT NOT NULL DEFAULT '',
	state        TEXT NOT NULL,
	shared       INTEGER NOT NULL DEFAULT 0,
	error        TEXT NOT NULL DEFAULT '',
	paused_at    TEXT,
	resumed_at   TEXT,
	updated_at   TEXT NOT NULL,
	PRIMARY KEY (incident_id, platform, account, campaign_id)
) STRICT;
CREATE INDEX campaign_pauses_state ON campaign_pauses (state);
