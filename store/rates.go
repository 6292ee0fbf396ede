package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"

	"incidentbot"
)

// rateLockClass is the first key of the Postgres advisory locks that
// serialize rate-limit counts, one per scope (the second key is a hash of
// the scope); two-key locks never meet the migration lock's one key.
const rateLockClass = 0x72617465 // "rate"

// takeRates counts one action at now against each limit, or refuses with
// EFORBIDDEN wrapping *RateLimitError and counts nothing (the caller's
// transaction rolls back). Reading the count and adding to it must not
// interleave between replicas: on Postgres a transaction-scoped advisory
// lock per scope serializes them (taken in scope order, so two limits never
// deadlock); on SQLite BEGIN IMMEDIATE already holds the only write lock.
// Counts that left their window are deleted on the way, so each scope
// keeps at most Max rows.
func (db *DB) takeRates(ctx context.Context, tx *sqlx.Tx, limits []incidentbot.RateLimit, now time.Time) error {
	if len(limits) == 0 {
		return nil
	}
	limits = slices.SortedFunc(slices.Values(limits), func(a, b incidentbot.RateLimit) int { return cmp.Compare(a.Scope, b.Scope) })
	for _, l := range limits {
		if l.Scope == "" || l.Max <= 0 || l.Window <= 0 {
			return incidentbot.Errorf(incidentbot.EINTERNAL, "A rate limit needs a scope, a positive maximum and a positive window.")
		}
		if db.dialect == Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, rateLockClass, l.Scope); err != nil {
				return fmt.Errorf("lock rate %s: %w", l.Scope, mapErr(err))
			}
		}
		ats, counted, err := db.countRate(ctx, tx, l, now)
		if err != nil {
			return fmt.Errorf("count rate %s: %w", l.Scope, mapErr(err))
		}
		if !counted {
			// Allowed again once all but Max-1 of the counted actions have left the window.
			wait := ats[len(ats)-l.Max].Add(l.Window).Sub(now)
			return incidentbot.WrapError(incidentbot.EFORBIDDEN, &incidentbot.RateLimitError{Limit: l, Wait: max(wait, time.Second)},
				"Too many at once: at most %d per %s. Try again in %s.", l.Max, l.Window, max(wait, time.Second).Round(time.Second))
		}
	}
	return nil
}

// countRate prunes the scope's counts that left l's window, and counts one
// more at now when fewer than l.Max remain. It returns the remaining
// counts' times in order (the new one left out) and whether it counted.
// On Postgres it is one statement (one round trip under the scope's lock
// instead of three): its clauses share one snapshot, so the remaining
// counts are those the pruning keeps.
func (db *DB) countRate(ctx context.Context, tx *sqlx.Tx, l incidentbot.RateLimit, now time.Time) ([]dbTime, bool, error) {
	since := db.t(now.Add(-l.Window))
	if db.dialect == Postgres {
		var rows []struct {
			At    dbTime `db:"at"`
			Added bool   `db:"added"`
		}
		err := tx.SelectContext(ctx, &rows, `WITH gone AS (DELETE FROM rate_events WHERE scope = $1 AND at <= $2),
			kept AS (SELECT at FROM rate_events WHERE scope = $1 AND at > $2),
			added AS (INSERT INTO rate_events (scope, at) SELECT $1::text, $3::timestamptz
				WHERE (SELECT count(*) FROM kept) < $4::int RETURNING at)
			SELECT at, false AS added FROM kept UNION ALL SELECT at, true FROM added ORDER BY at`,
			l.Scope, since, db.t(now), l.Max)
		if err != nil {
			return nil, false, err
		}
		var ats []dbTime
		counted := false
		for _, r := range rows {
			if r.Added {
				counted = true
				continue
			}
			ats = append(ats, r.At)
		}
		return ats, counted, nil
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM rate_events WHERE scope = ? AND at <= ?`), l.Scope, since); err != nil {
		return nil, false, err
	}
	var ats []dbTime
	if err := tx.SelectContext(ctx, &ats, tx.Rebind(`SELECT at FROM rate_events WHERE scope = ? ORDER BY at`), l.Scope); err != nil {
		return nil, false, err
	}
	if len(ats) >= l.Max {
		return ats, false, nil
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO rate_events (scope, at) VALUES (?, ?)`), l.Scope, db.t(now)); err != nil {
		return nil, false, err
	}
	return ats, true, nil
}
