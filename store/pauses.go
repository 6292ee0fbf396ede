package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"

	"incidentbot"
)

// SavePauses upserts records by (incident, campaign key), in one
// transaction. A record without UpdatedAt is stamped now.
func (db *DB) SavePauses(ctx context.Context, pauses ...incidentbot.CampaignPause) error {
	if len(pauses) == 0 {
		return nil
	}
	return db.inTx(ctx, func(tx *sqlx.Tx) error { return db.savePauses(ctx, tx, pauses) })
}

// adsLockClass is the first key of the Postgres advisory locks that
// serialize pause and resume decisions, one per ad account (the second key
// is a hash of platform/account); two-key locks never meet the migration
// lock's one key, and the class differs from the rate locks'.
const adsLockClass = 0x61647361 // "adsa"

// DecidePauses lets pause and resume decide with nobody deciding on the
// same campaigns in between: in one transaction it locks the ad accounts
// of keys (on Postgres an advisory lock per account, taken in order so two
// runs never deadlock; on SQLite BEGIN IMMEDIATE holds the only write
// lock), reads every record in state paused, pausing or resuming with its
// incident, calls decide with them and saves what decide returns.
func (db *DB) DecidePauses(ctx context.Context, keys []incidentbot.CampaignKey,
	decide func(held []incidentbot.HeldPause) ([]incidentbot.CampaignPause, error)) error {
	accounts := make([]string, 0, len(keys))
	for _, k := range keys {
		accounts = append(accounts, k.Platform+"/"+k.Account)
	}
	slices.Sort(accounts)
	accounts = slices.Compact(accounts)
	return db.inTx(ctx, func(tx *sqlx.Tx) error {
		if db.dialect == Postgres {
			for _, a := range accounts {
				if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, adsLockClass, a); err != nil {
					return fmt.Errorf("lock ad account %s: %w", a, mapErr(err))
				}
			}
		}
		held, err := db.pausesInState(ctx, tx, incidentbot.PausePaused, incidentbot.PausePausing, incidentbot.PauseResuming)
		if err != nil {
			return err
		}
		pauses, err := decide(held)
		if err != nil {
			return err
		}
		return db.savePauses(ctx, tx, pauses)
	})
}

func (db *DB) savePauses(ctx context.Context, tx *sqlx.Tx, pauses []incidentbot.CampaignPause) error {
	if len(pauses) == 0 {
		return nil
	}
	now := db.now()
	q := tx.Rebind(`INSERT INTO campaign_pauses (incident_id, platform, account, campaign_id, name, status,
		raw_status, labels, daily_budget, currency, prior_status, prior_raw, state, shared, error,
		paused_at, resumed_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (incident_id, platform, account, campaign_id) DO UPDATE SET
			name = excluded.name, status = excluded.status, raw_status = excluded.raw_status,
			labels = excluded.labels, daily_budget = excluded.daily_budget, currency = excluded.currency,
			prior_status = excluded.prior_status, prior_raw = excluded.prior_raw, state = excluded.state,
			shared = excluded.shared, error = excluded.error, paused_at = excluded.paused_at,
			resumed_at = excluded.resumed_at, updated_at = excluded.updated_at`)
	// One statement for the whole batch: a pause can hold a thousand campaigns.
	stmt, err := tx.PrepareContext(ctx, q)
	if err != nil {
		return fmt.Errorf("prepare pause upsert: %w", mapErr(err))
	}
	defer stmt.Close()
	for _, p := range pauses {
		c := p.Campaign
		if p.State == "" {
			return incidentbot.Errorf(incidentbot.EINVALID, "Pause record for campaign %s has no state.", c.Key())
		}
		var labels []byte
		if c.Labels != nil {
			var err error
			if labels, err = json.Marshal(c.Labels); err != nil {
				return fmt.Errorf("encode labels of %s: %w", c.Key(), err)
			}
		}
		if p.UpdatedAt.IsZero() {
			p.UpdatedAt = now
		}
		_, err := stmt.ExecContext(ctx, p.IncidentID, c.Platform, c.Account, c.ID, c.Name, string(c.Status),
			c.RawStatus, jsonArg(labels), c.DailyBudget, c.Currency, string(p.PriorStatus), p.PriorRaw,
			string(p.State), p.Shared, p.Error, db.tp(p.PausedAt), db.tp(p.ResumedAt), db.t(p.UpdatedAt))
		if err != nil {
			return fmt.Errorf("save pause of %s: %w", c.Key(), mapErr(err))
		}
	}
	return nil
}

const pauseColumns = `p.incident_id, p.platform, p.account, p.campaign_id, p.name, p.status, p.raw_status,
	p.labels, p.daily_budget, p.currency, p.prior_status, p.prior_raw, p.state, p.shared, p.error,
	p.paused_at, p.resumed_at, p.updated_at`

type pauseRow struct {
	IncidentID  int64    `db:"incident_id"`
	Platform    string   `db:"platform"`
	Account     string   `db:"account"`
	CampaignID  string   `db:"campaign_id"`
	Name        string   `db:"name"`
	Status      string   `db:"status"`
	RawStatus   string   `db:"raw_status"`
	Labels      jsonCol  `db:"labels"`
	DailyBudget float64  `db:"daily_budget"`
	Currency    string   `db:"currency"`
	PriorStatus string   `db:"prior_status"`
	PriorRaw    string   `db:"prior_raw"`
	State       string   `db:"state"`
	Shared      bool     `db:"shared"`
	Error       string   `db:"error"`
	PausedAt    nullTime `db:"paused_at"`
	ResumedAt   nullTime `db:"resumed_at"`
	UpdatedAt   dbTime   `db:"updated_at"`
}

func (r *pauseRow) pause() (incidentbot.CampaignPause, error) {
	var labels []string
	if r.Labels != nil {
		if err := json.Unmarshal(r.Labels, &labels); err != nil {
			return incidentbot.CampaignPause{}, fmt.Errorf("decode labels of %s/%s/%s: %w", r.Platform, r.Account, r.CampaignID, err)
		}
	}
	return incidentbot.CampaignPause{
		IncidentID: r.IncidentID,
		Campaign: incidentbot.Campaign{
			Platform:    r.Platform,
			Account:     r.Account,
			ID:          r.CampaignID,
			Name:        r.Name,
			Status:      incidentbot.CampaignStatus(r.Status),
			RawStatus:   r.RawStatus,
			Labels:      labels,
			DailyBudget: r.DailyBudget,
			Currency:    r.Currency,
		},
		PriorStatus: incidentbot.CampaignStatus(r.PriorStatus),
		PriorRaw:    r.PriorRaw,
		State:       incidentbot.PauseState(r.State),
		Shared:      r.Shared,
		Error:       r.Error,
		PausedAt:    r.PausedAt.P,
		ResumedAt:   r.ResumedAt.P,
		UpdatedAt:   r.UpdatedAt.Time,
	}, nil
}

// Pauses returns one incident's records, by campaign key.
func (db *DB) Pauses(ctx context.Context, incidentID int64) ([]incidentbot.CampaignPause, error) {
	var rows []pauseRow
	err := db.rd.SelectContext(ctx, &rows, db.x.Rebind(`SELECT `+pauseColumns+` FROM campaign_pauses p
		WHERE p.incident_id = ? ORDER BY p.platform, p.account, p.campaign_id`), incidentID)
	if err != nil {
		return nil, fmt.Errorf("pauses of incident %d: %w", incidentID, mapErr(err))
	}
	return pauses(rows)
}

func pauses(rows []pauseRow) ([]incidentbot.CampaignPause, error) {
	out := make([]incidentbot.CampaignPause, len(rows))
	for i := range rows {
		var err error
		if out[i], err = rows[i].pause(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

type heldPauseRow struct {
	pauseRow
	IncidentStatus string `db:"incident_status"`
}

// PausesInState returns the records of every incident in any of the
// states, with the status of the incident that holds each, ordered by
// campaign key then incident.
func (db *DB) PausesInState(ctx context.Context, states ...incidentbot.PauseState) ([]incidentbot.HeldPause, error) {
	return db.pausesInState(ctx, db.x, states...)
}

func (db *DB) pausesInState(ctx context.Context, q sqlx.QueryerContext, states ...incidentbot.PauseState) ([]incidentbot.HeldPause, error) {
	if len(states) == 0 {
		return nil, nil
	}
	query, args, err := sqlx.In(`SELECT `+pauseColumns+`, i.status AS incident_status
		FROM campaign_pauses p JOIN incidents i ON i.id = p.incident_id
		WHERE p.state IN (?) ORDER BY p.platform, p.account, p.campaign_id, p.incident_id`, states)
	if err != nil {
		return nil, fmt.Errorf("pauses in state: %w", err)
	}
	var rows []heldPauseRow
	if err := sqlx.SelectContext(ctx, q, &rows, db.x.Rebind(query), args...); err != nil {
		return nil, fmt.Errorf("pauses in state: %w", mapErr(err))
	}
	out := make([]incidentbot.HeldPause, len(rows))
	for i := range rows {
		p, err := rows[i].pause()
		if err != nil {
			return nil, err
		}
		out[i] = incidentbot.HeldPause{
			CampaignPause:  p,
			IncidentKey:    incidentbot.IncidentKey(p.IncidentID),
			IncidentStatus: incidentbot.Status(rows[i].IncidentStatus),
		}
	}
	return out, nil
}
