package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"incidentbot"
)

// Every private reply reads its reader's language choice, so the store
// keeps the answers (a choice, or none) in memory for languageTTL: the
// read costs no round trip to the database while the person acts again.
// A choice made through this process replaces its entry at once; one made
// through another replica sharing the database is seen within languageTTL
// (meanwhile the replies speak the earlier choice). At most languageMax
// people are kept.
const (
	languageTTL = 30 * time.Second
	languageMax = 10_000
)

type languageKey struct{ platform, workspace, user string }

type cachedLanguage struct {
	lang    string
	expires time.Time
}

// languageCache holds UserLanguage's answers; gen orders a read's answer
// after a write, so a read that started before a choice never stores the
// old value over the new one.
type languageCache struct {
	mu  sync.Mutex
	m   map[languageKey]cachedLanguage
	gen uint64
}

func (c *languageCache) get(k languageKey, now time.Time) (string, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if ok && now.Before(e.expires) {
		return e.lang, c.gen, true
	}
	return "", c.gen, false
}

// put keeps lang for k unless a write came since gen. A full cache starts
// afresh: its people's next replies read their choice again, once.
func (c *languageCache) put(k languageKey, lang string, gen uint64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.m == nil || len(c.m) >= languageMax {
		c.m = map[languageKey]cachedLanguage{}
	}
	c.m[k] = cachedLanguage{lang: lang, expires: now.Add(languageTTL)}
}

// forget drops k before a write, and moves gen so reads in flight keep
// their answers to themselves.
func (c *languageCache) forget(k languageKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.m, k)
}

// UserLanguage returns the language the person chose, "" when none.
func (db *DB) UserLanguage(ctx context.Context, platform, workspace, userID string) (string, error) {
	k := languageKey{platform, workspace, userID}
	lang, gen, ok := db.langs.get(k, db.now())
	if ok {
		return lang, nil
	}
	err := db.rd.GetContext(ctx, &lang, db.x.Rebind(`SELECT language FROM user_languages
		WHERE platform = ? AND workspace = ? AND user_id = ?`), platform, workspace, userID)
	if errors.Is(err, sql.ErrNoRows) {
		lang, err = "", nil
	}
	if err != nil {
		return "", fmt.Errorf("user language: %w", mapErr(err))
	}
	db.langs.put(k, lang, gen, db.now())
	return lang, nil
}

// SetUserLanguage stores the person's choice, or forgets it when lang is "".
func (db *DB) SetUserLanguage(ctx context.Context, platform, workspace, userID, lang string) error {
	if platform == "" || workspace == "" || userID == "" {
		return incidentbot.Errorf(incidentbot.EINVALID, "A language choice needs a platform, a workspace and a user.")
	}
	k := languageKey{platform, workspace, userID}
	db.langs.forget(k)
	// Forgotten again after the write: a read between the two forgets
	// may have kept the old choice.
	defer db.langs.forget(k)
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
