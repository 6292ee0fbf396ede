-- The language each person chose with /incident lang, per chat platform,
-- workspace and user: replies only they see speak it.
CREATE TABLE user_languages (
	platform   TEXT NOT NULL,
	workspace  TEXT NOT NULL,
	user_id    TEXT NOT NULL,
	language   TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	PRIMARY KEY (platform, workspace, user_id)
);
