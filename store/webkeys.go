package store

import (
	"context"
	"encoding/base64"
	"fmt"
)

// SigningKey returns the key stored under name, storing fresh under it if
// there is none yet: whichever process asks first, every process (replicas,
// restarts) then gets the same key.
func (db *DB) SigningKey(ctx context.Context, name string, fresh []byte) ([]byte, error) {
	if _, err := db.x.ExecContext(ctx, db.x.Rebind(`INSERT INTO web_keys (name, secret, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING`),
		name, base64.StdEncoding.EncodeToString(fresh), db.t(db.clock.Now())); err != nil {
		return nil, fmt.Errorf("store signing key %s: %w", name, mapErr(err))
	}
	var secret string
	if err := db.x.GetContext(ctx, &secret, db.x.Rebind(`SELECT secret FROM web_keys WHERE name = ?`), name); err != nil {
		return nil, fmt.Errorf("read signing key %s: %w", name, mapErr(err))
	}
	key, err := base64.StdEncoding.DecodeString(secret)
	if err != nil {
		return nil, fmt.Errorf("read signing key %s: %w", name, err)
	}
	return key, nil
}
