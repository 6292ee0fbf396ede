package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"incidentbot"
)

// ClaimDelivery records source/id and reports whether it is the first time.
// ON CONFLICT DO NOTHING rather than a caught unique violation: an alert
// storm repeats deliveries thousands of times a minute, and a violation
// would fill the Postgres log with errors.
func (db *DB) ClaimDelivery(ctx context.Context, source, id string, at time.Time) (bool, error) {
	return db.claim(ctx, db.x, source, id, at)
}

func (db *DB) claim(ctx context.Context, x *sqlx.DB, source, id string, at time.Time) (bool, error) {
	if source == "" || id == "" {
		return false, incidentbot.Errorf(incidentbot.EINVALID, "A delivery needs a source and an id (got source %q, id %q).", source, id)
	}
	res, err := x.ExecContext(ctx, x.Rebind(`INSERT INTO deliveries (source, id, at) VALUES (?, ?, ?)
		ON CONFLICT (source, id) DO NOTHING`), source, id, db.t(at))
	if err != nil {
		return false, fmt.Errorf("claim delivery %s: %w", source, mapErr(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim delivery %s: %w", source, mapErr(err))
	}
	return n == 1, nil
}

// ClaimRequest is ClaimDelivery for an inbound request's replay record
// (incidentbot.RequestClaimer): on Postgres its commit does not wait for
// the WAL flush (synchronous_commit off on the claims pool), since the
// request's own writes flush it; SQLite in WAL mode waits for none anyway.
func (db *DB) ClaimRequest(ctx context.Context, source, id string, at time.Time) (bool, error) {
	return db.claim(ctx, db.claims, source, id, at)
}

// DeliveryClaimedAt is when source/id was claimed.
func (db *DB) DeliveryClaimedAt(ctx context.Context, source, id string) (time.Time, error) {
	var at dbTime
	err := db.x.GetContext(ctx, &at, db.x.Rebind(`SELECT at FROM deliveries WHERE source = ? AND id = ?`), source, id)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, incidentbot.Errorf(incidentbot.ENOTFOUND, "No claim of %s %s.", source, id)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("read claim %s: %w", source, mapErr(err))
	}
	return at.Time, nil
}

// claimChunk is how many ids one ClaimDeliveries statement claims: three
// parameters each, far under SQLite's 32,766 and Postgres' 65,535.
const claimChunk = 1000

// ClaimDeliveries records source/id for each id and reports which were
// first, in one statement per claimChunk ids (RETURNING names the rows
// inserted). Each statement is atomic, as ClaimDelivery is.
func (db *DB) ClaimDeliveries(ctx context.Context, source string, ids []string, at time.Time) ([]bool, error) {
	first := make([]bool, len(ids))
	index := make(map[string]int, len(ids)) // id -> its first position
	var unique []string
	for i, id := range ids {
		if source == "" || id == "" {
			return nil, incidentbot.Errorf(incidentbot.EINVALID, "A delivery needs a source and an id (got source %q, id %q).", source, id)
		}
		if _, ok := index[id]; !ok {
			index[id] = i
			unique = append(unique, id)
		}
	}
	stamp := db.t(at)
	for start := 0; start < len(unique); start += claimChunk {
		chunk := unique[start:min(start+claimChunk, len(unique))]
		var q strings.Builder
		q.WriteString("INSERT INTO deliveries (source, id, at) VALUES ")
		args := make([]any, 0, 3*len(chunk))
		for i, id := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?)")
			args = append(args, source, id, stamp)
		}
		q.WriteString(" ON CONFLICT (source, id) DO NOTHING RETURNING id")
		var inserted []string
		if err := db.x.SelectContext(ctx, &inserted, db.x.Rebind(q.String()), args...); err != nil {
			return nil, fmt.Errorf("claim deliveries %s: %w", source, mapErr(err))
		}
		for _, id := range inserted {
			first[index[id]] = true
		}
	}
	return first, nil
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
