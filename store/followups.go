package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"incidentbot"
)

// upsertFollowUp saves f by (incident, number); Number 0 takes the next
// number, read under the incident's lock that UpdateIncident holds. Its
// ticket is written on insert only: setTicket changes it.
func (db *DB) upsertFollowUp(ctx context.Context, tx *sqlx.Tx, f incidentbot.FollowUp) error {
	if f.Number == 0 {
		if err := tx.GetContext(ctx, &f.Number, tx.Rebind(`SELECT COALESCE(MAX(number), 0) + 1 FROM follow_ups WHERE incident_id = ?`), f.IncidentID); err != nil {
			return fmt.Errorf("number a follow-up: %w", mapErr(err))
		}
	}
	q := tx.Rebind(`INSERT INTO follow_ups (incident_id, number, text, type, priority, owner, due, ticket,
		created_by_id, created_by_name, created_at, done_by_id, done_by_name, done_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (incident_id, number) DO UPDATE SET text = excluded.text, type = excluded.type,
			priority = excluded.priority, owner = excluded.owner, due = excluded.due,
			done_by_id = excluded.done_by_id, done_by_name = excluded.done_by_name, done_at = excluded.done_at`)
	_, err := tx.ExecContext(ctx, q, f.IncidentID, f.Number, f.Text, string(f.Type), f.Priority, f.Owner, f.Due, f.Ticket,
		f.CreatedBy.ID, f.CreatedBy.Name, db.t(f.CreatedAt), f.DoneBy.ID, f.DoneBy.Name, db.tp(f.DoneAt))
	if err != nil {
		return fmt.Errorf("save follow-up %d: %w", f.Number, mapErr(err))
	}
	return nil
}

// setTicket records the ticket filed for follow-up t.Number.
func (db *DB) setTicket(ctx context.Context, tx *sqlx.Tx, incidentID int64, t incidentbot.FollowUpTicket) error {
	_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE follow_ups SET ticket = ? WHERE incident_id = ? AND number = ?`), t.Ticket, incidentID, t.Number)
	if err != nil {
		return fmt.Errorf("save the ticket of follow-up %d: %w", t.Number, mapErr(err))
	}
	return nil
}

type followUpRow struct {
	IncidentID    int64    `db:"incident_id"`
	Number        int      `db:"number"`
	Text          string   `db:"text"`
	Type          string   `db:"type"`
	Priority      int      `db:"priority"`
	Owner         string   `db:"owner"`
	Due           string   `db:"due"`
	Ticket        string   `db:"ticket"`
	CreatedByID   string   `db:"created_by_id"`
	CreatedByName string   `db:"created_by_name"`
	CreatedAt     dbTime   `db:"created_at"`
	DoneByID      string   `db:"done_by_id"`
	DoneByName    string   `db:"done_by_name"`
	DoneAt        nullTime `db:"done_at"`
}

// FollowUps returns the incident's follow-ups ordered by number.
func (db *DB) FollowUps(ctx context.Context, incidentID int64) ([]incidentbot.FollowUp, error) {
	var rows []followUpRow
	err := db.rd.SelectContext(ctx, &rows, db.x.Rebind(`SELECT incident_id, number, text, type, priority, owner, due, ticket,
		created_by_id, created_by_name, created_at, done_by_id, done_by_name, done_at
		FROM follow_ups WHERE incident_id = ? ORDER BY number`), incidentID)
	if err != nil {
		return nil, fmt.Errorf("follow-ups of incident %d: %w", incidentID, mapErr(err))
	}
	out := make([]incidentbot.FollowUp, len(rows))
	for i, r := range rows {
		out[i] = incidentbot.FollowUp{
			IncidentID: r.IncidentID, Number: r.Number, Text: r.Text, Type: incidentbot.FollowUpType(r.Type),
			Priority: r.Priority, Owner: r.Owner, Due: r.Due, Ticket: r.Ticket,
			CreatedBy: incidentbot.User{ID: r.CreatedByID, Name: r.CreatedByName}, CreatedAt: r.CreatedAt.Time,
			DoneBy: incidentbot.User{ID: r.DoneByID, Name: r.DoneByName}, DoneAt: r.DoneAt.P,
		}
	}
	return out, nil
}
