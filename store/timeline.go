package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"incidentbot"
)

// events adds the insert of evs, in their order (their ids follow it).
func (db *DB) events(w *writes, evs []incidentbot.TimelineEvent) {
	rows := make([][]any, len(evs))
	for i, e := range evs {
		rows[i] = []any{incidentArg(e.IncidentID), db.t(e.At), string(e.Kind), e.Actor.ID, e.Actor.Name, e.Text, jsonArg(e.Data)}
	}
	w.rows(fmt.Sprintf("%d events", len(evs)), `INSERT INTO timeline_events (incident_id, at, kind, actor_id, actor_name, text, data)`, "", rows)
}

type eventRow struct {
	ID         int64   `db:"id"`
	IncidentID int64   `db:"incident_id"`
	At         dbTime  `db:"at"`
	Kind       string  `db:"kind"`
	ActorID    string  `db:"actor_id"`
	ActorName  string  `db:"actor_name"`
	Text       string  `db:"text"`
	Data       jsonCol `db:"data"`
}

// Timeline returns the incident's events ordered by At, then ID.
func (db *DB) Timeline(ctx context.Context, incidentID int64) ([]incidentbot.TimelineEvent, error) {
	evs, err := db.selectEvents(ctx, `incident_id = ? ORDER BY at, id`, incidentID)
	if err != nil {
		return nil, fmt.Errorf("timeline of incident %d: %w", incidentID, err)
	}
	return evs, nil
}

// selectEvents reads the events that where (conditions, order, limit)
// selects. Rows are scanned by hand: a post-mortem reads tens of
// thousands, and sqlx's reflection per row was a good part of the cost.
func (db *DB) selectEvents(ctx context.Context, where string, args ...any) ([]incidentbot.TimelineEvent, error) {
	rows, err := db.rd.QueryContext(ctx, db.x.Rebind(`SELECT id, incident_id, at, kind, actor_id, actor_name, text, data
		FROM timeline_events WHERE `+where), args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []incidentbot.TimelineEvent
	for rows.Next() {
		var r eventRow
		if err := rows.Scan(&r.ID, &r.IncidentID, &r.At, &r.Kind, &r.ActorID, &r.ActorName, &r.Text, &r.Data); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, incidentbot.TimelineEvent{
			ID:         r.ID,
			IncidentID: r.IncidentID,
			At:         r.At.Time,
			Kind:       incidentbot.EventKind(r.Kind),
			Actor:      incidentbot.User{ID: r.ActorID, Name: r.ActorName},
			Text:       r.Text,
			Data:       []byte(r.Data),
		})
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	return out, nil
}

// eventsOfKind reads one kind of an incident's events, through the index
// on (incident_id, kind, at, id); suffix orders and limits.
func (db *DB) eventsOfKind(ctx context.Context, incidentID int64, kind incidentbot.EventKind, suffix string) ([]incidentbot.TimelineEvent, error) {
	evs, err := db.selectEvents(ctx, `incident_id = ? AND kind = ? `+suffix, incidentID, string(kind))
	if err != nil {
		return nil, fmt.Errorf("%s events of incident %d: %w", kind, incidentID, err)
	}
	return evs, nil
}

// EventsOfKind returns the incident's events of one kind, ordered by At, then ID.
func (db *DB) EventsOfKind(ctx context.Context, incidentID int64, kind incidentbot.EventKind) ([]incidentbot.TimelineEvent, error) {
	return db.eventsOfKind(ctx, incidentID, kind, `ORDER BY at, id`)
}

// LastEvent returns the incident's latest event of kind (by At, then ID),
// or nil when it has none.
func (db *DB) LastEvent(ctx context.Context, incidentID int64, kind incidentbot.EventKind) (*incidentbot.TimelineEvent, error) {
	evs, err := db.eventsOfKind(ctx, incidentID, kind, `ORDER BY at DESC, id DESC LIMIT 1`)
	if err != nil || len(evs) == 0 {
		return nil, err
	}
	return &evs[0], nil
}

// setRole replaces the holders of one role.
func (db *DB) setRole(ctx context.Context, tx *sqlx.Tx, incidentID int64, rc incidentbot.RoleChange) error {
	if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM role_assignments WHERE incident_id = ? AND role = ?`), incidentID, rc.Role); err != nil {
		return fmt.Errorf("clear role %s: %w", rc.Role, mapErr(err))
	}
	q := tx.Rebind(`INSERT INTO role_assignments (incident_id, role, user_id, user_name, assigned_by_id, assigned_by_name, at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`)
	for _, u := range rc.Users {
		if _, err := tx.ExecContext(ctx, q, incidentID, rc.Role, u.ID, u.Name, rc.By.ID, rc.By.Name, db.t(rc.At)); err != nil {
			return fmt.Errorf("assign role %s: %w", rc.Role, mapErr(err))
		}
	}
	return nil
}

type roleRow struct {
	IncidentID     int64  `db:"incident_id"`
	Role           string `db:"role"`
	UserID         string `db:"user_id"`
	UserName       string `db:"user_name"`
	AssignedByID   string `db:"assigned_by_id"`
	AssignedByName string `db:"assigned_by_name"`
	At             dbTime `db:"at"`
}

// Roles returns the role assignments, ordered by role then time.
func (db *DB) Roles(ctx context.Context, incidentID int64) ([]incidentbot.RoleAssignment, error) {
	return db.roles(ctx, db.rd, incidentID)
}

func (db *DB) roles(ctx context.Context, q querier, incidentID int64) ([]incidentbot.RoleAssignment, error) {
	var rows []roleRow
	err := q.SelectContext(ctx, &rows, db.x.Rebind(`SELECT incident_id, role, user_id, user_name, assigned_by_id, assigned_by_name, at
		FROM role_assignments WHERE incident_id = ? ORDER BY role, at, id`), incidentID)
	if err != nil {
		return nil, fmt.Errorf("roles of incident %d: %w", incidentID, mapErr(err))
	}
	return assignments(rows), nil
}

// UpdateIncidentWithRoles is UpdateIncident whose fn also gets the
// incident's role assignments, read in the same transaction once the lock
// is held: every role change goes through that lock, so what fn sees
// stands until the commit.
func (db *DB) UpdateIncidentWithRoles(ctx context.Context, id int64, fn func(inc *incidentbot.Incident, roles []incidentbot.RoleAssignment) (incidentbot.Change, error)) (*incidentbot.Incident, error) {
	return db.lockedUpdate(ctx, id, func(tx *sqlx.Tx, inc *incidentbot.Incident) (incidentbot.Change, error) {
		roles, err := db.roles(ctx, tx, id)
		if err != nil {
			return incidentbot.Change{}, err
		}
		return fn(inc, roles)
	})
}

func assignments(rows []roleRow) []incidentbot.RoleAssignment {
	out := make([]incidentbot.RoleAssignment, len(rows))
	for i, r := range rows {
		out[i] = incidentbot.RoleAssignment{
			IncidentID: r.IncidentID,
			Role:       r.Role,
			User:       incidentbot.User{ID: r.UserID, Name: r.UserName},
			AssignedBy: incidentbot.User{ID: r.AssignedByID, Name: r.AssignedByName},
			At:         r.At.Time,
		}
	}
	return out
}

// checklist adds the upsert of items.
func (db *DB) checklist(w *writes, items []incidentbot.ChecklistEntry) {
	// One statement may not update a row twice: the last entry per position wins.
	last := map[int]int{}
	for i, c := range items {
		last[c.Position] = i
	}
	rows := make([][]any, 0, len(last))
	for i, c := range items {
		if last[c.Position] != i {
			continue
		}
		if c.State == "" {
			c.State = incidentbot.ChecklistOpen
		}
		rows = append(rows, []any{incidentArg(c.IncidentID), c.Position, c.Text, string(c.State), c.By.ID, c.By.Name, db.tp(c.At)})
	}
	w.rows(fmt.Sprintf("%d checklist items", len(rows)), `INSERT INTO checklist_items (incident_id, position, text, state, by_id, by_name, at)`,
		`ON CONFLICT (incident_id, position) DO UPDATE SET text = excluded.text, state = excluded.state,
			by_id = excluded.by_id, by_name = excluded.by_name, at = excluded.at`, rows)
}

type checklistRow struct {
	IncidentID int64    `db:"incident_id"`
	Position   int      `db:"position"`
	Text       string   `db:"text"`
	State      string   `db:"state"`
	ByID       string   `db:"by_id"`
	ByName     string   `db:"by_name"`
	At         nullTime `db:"at"`
}

// Checklist returns the incident's checklist ordered by position.
func (db *DB) Checklist(ctx context.Context, incidentID int64) ([]incidentbot.ChecklistEntry, error) {
	var rows []checklistRow
	err := db.rd.SelectContext(ctx, &rows, db.x.Rebind(`SELECT incident_id, position, text, state, by_id, by_name, at
		FROM checklist_items WHERE incident_id = ? ORDER BY position`), incidentID)
	if err != nil {
		return nil, fmt.Errorf("checklist of incident %d: %w", incidentID, mapErr(err))
	}
	out := make([]incidentbot.ChecklistEntry, len(rows))
	for i, r := range rows {
		out[i] = incidentbot.ChecklistEntry{
			IncidentID: r.IncidentID,
			Position:   r.Position,
			Text:       r.Text,
			State:      incidentbot.ChecklistState(r.State),
			By:         incidentbot.User{ID: r.ByID, Name: r.ByName},
			At:         r.At.P,
		}
	}
	return out, nil
}

// messages adds the upsert of ms; the last one per purpose wins, as one
// statement may not update a row twice.
func (db *DB) messages(w *writes, incidentID int64, ms []incidentbot.SavedMessage) {
	last := map[string]int{}
	for i, m := range ms {
		last[m.Purpose] = i
	}
	rows := make([][]any, 0, len(last))
	for i, m := range ms {
		if last[m.Purpose] == i {
			rows = append(rows, []any{incidentArg(incidentID), m.Purpose, m.Ref.ChannelID, m.Ref.ID})
		}
	}
	w.rows(fmt.Sprintf("%d messages", len(rows)), `INSERT INTO messages (incident_id, purpose, channel_id, message_id)`,
		`ON CONFLICT (incident_id, purpose) DO UPDATE SET channel_id = excluded.channel_id, message_id = excluded.message_id`, rows)
}

// Message returns a saved message reference or ENOTFOUND.
func (db *DB) Message(ctx context.Context, incidentID int64, purpose string) (incidentbot.MessageRef, error) {
	var ref incidentbot.MessageRef
	err := db.rd.QueryRowxContext(ctx, db.x.Rebind(`SELECT channel_id, message_id FROM messages WHERE incident_id = ? AND purpose = ?`),
		incidentID, purpose).Scan(&ref.ChannelID, &ref.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return ref, incidentbot.Errorf(incidentbot.ENOTFOUND, "No %s message was posted for %s yet.", purpose, incidentbot.IncidentKey(incidentID))
	}
	if err != nil {
		return ref, fmt.Errorf("get %s message: %w", purpose, mapErr(err))
	}
	return ref, nil
}
