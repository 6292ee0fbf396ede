package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"incidentbot"
)

// UserLanguage returns the language the person chose, "" when none.
func (db *DB) UserLanguage(ctx context.Context, platform, workspace, userID string) (string, error) {
	var lang string
	err := db.x.GetContext(ctx, &lang, db.x.Rebind(`SELECT language FROM user_languages
		WHERE platform = ? AND workspace = ? AND user_id = ?`), platform, workspace, userID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("user language: %w", mapErr(err))
	}
	return lang, nil
}

// SetUserLanguage stores the person's choice, or forgets it when lang is "".
func (db *DB) SetUserLanguage(ctx context.Context, platform, workspace, userID, lang string) error {
	if platform == "" || workspace == "" || userID == "" {
		return incidentbot.Errorf(incidentbot.EINVALID, "A language choice needs a platform, a workspace and a user.")
	}
	var err error
	if lang == "" {
		_, err = db.x.ExecContext(ctx, db.x.Rebind(`DELETE FROM user_languages
			WHERE platform = ? AND workspace = ? AND user_id = ?`), platform, workspace, userID)
	} else {
		_, err = db.x.ExecContext(ctx, db.x.Rebind(`INSERT INTO user_languages (platform, workspace, user_id, language, updated_at)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (platform, workspace, user_id) DO UPDATE SET language = excluded.language, updated_at = excluded.updated_at`),
			platform, workspace, userID, lang, db.t(db.now()))
	}
	if err != nil {
		return fmt.Errorf("set user language: %w", mapErr(err))
	}
	return nil
}
