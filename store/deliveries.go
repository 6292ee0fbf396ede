package store

import (
	"context"
	"fmt"
	"time"

	"incidentbot"
)

// ClaimDelivery records source/id and reports whether it is the first time.
// ON CONFLICT DO NOTHING rather than a caught unique violation: an alert
// storm repeats deliveries thousands of times a minute, and a violation
// would fill the Postgres log with errors.
func (db *DB) ClaimDelivery(ctx context.Context, source, id string, at time.Time) (bool, error) {
	if source == "" || id == "" {
		return false, incidentbot.Errorf(incidentbot.EINVALID, "A delivery needs a source and an id (got source %q, id %q).", source, id)
	}
	res, err := db.x.ExecContext(ctx, db.x.Rebind(`INSERT INTO deliveries (source, id, at) VALUES (?, ?, ?)
		ON CONFLICT (source, id) DO NOTHING`), source, id, db.t(at))
	if err != nil {
		return false, fmt.Errorf("claim delivery %s: %w", source, mapErr(mapErr(err)))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim delivery %s: %w", source, mapErr(err))
	}
	return n == 1, nil
}

// PruneDeliveries forgets deliveries seen before the given time, and the
// rate-limit counts of scopes idle since then (active scopes prune their
// own as they count), and returns how many deliveries it forgot.
func (db *DB) PruneDeliveries(ctx context.Context, before time.Time) (int64, error) {
	if _, err := db.x.ExecContext(ctx, db.x.Rebind(`DELETE FROM rate_events WHERE at < ?`), db.t(before)); err != nil {
		return 0, fmt.Errorf("prune rate counts: %w", mapErr(err))
	}
	res, err := db.x.ExecContext(ctx, db.x.Rebind(`DELETE FROM deliveries WHERE at < ?`), db.t(before))
	if err != nil {
		return 0, fmt.Errorf("prune deliveries: %w", mapErr(mapErr(err)))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("prune deliveries: %w", mapErr(err))
	}
	return n, nil
}
