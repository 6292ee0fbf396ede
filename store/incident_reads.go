package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"incidentbot"
)

// This file holds the incident reads: by id, key or war room, the list
// people page through, the engine's filtered finds and the change mark.

// Incident returns one incident or ENOTFOUND.
func (db *DB) Incident(ctx context.Context, id int64) (*incidentbot.Incident, error) {
	return db.incident(ctx, db.x, id, "")
}

func (db *DB) incident(ctx context.Context, q querier, id int64, suffix string) (*incidentbot.Incident, error) {
	var r incidentRow
	err := q.GetContext(ctx, &r, db.x.Rebind(`SELECT `+incidentColumns+` FROM incidents WHERE id = ?`+suffix), id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, incidentbot.IncidentNotFound(incidentbot.IncidentKey(id))
	}
	if err != nil {
		return nil, fmt.Errorf("get incident %d: %w", id, mapErr(err))
	}
	return r.incident(), nil
}

// IncidentByKey returns the incident with id if it belongs to workspace on
// platform; any other gives the very ENOTFOUND of a missing id.
func (db *DB) IncidentByKey(ctx context.Context, platform, workspace string, id int64) (*incidentbot.Incident, error) {
	if platform == "" || workspace == "" {
		return nil, incidentbot.IncidentNotFound(incidentbot.IncidentKey(id))
	}
	var r incidentRow
	err := db.rd.GetContext(ctx, &r, db.x.Rebind(`SELECT `+incidentColumns+` FROM incidents
		WHERE id = ? AND platform = ? AND workspace = ?`), id, platform, workspace)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, incidentbot.IncidentNotFound(incidentbot.IncidentKey(id))
	}
	if err != nil {
		return nil, fmt.Errorf("get incident %d: %w", id, mapErr(err))
	}
	return r.incident(), nil
}

// IncidentByWarRoom finds the incident of workspace on platform whose war
// room is channelID, or ENOTFOUND.
func (db *DB) IncidentByWarRoom(ctx context.Context, platform, workspace, channelID string) (*incidentbot.Incident, error) {
	notRoom := incidentbot.Errorf(incidentbot.ENOTFOUND, "This channel is not an incident war room. Give an incident key, like INC-42.")
	if platform == "" || workspace == "" || channelID == "" {
		return nil, notRoom
	}
	var r incidentRow
	// A channel id is unique per platform, but newest first keeps the answer
	// stable should a war room ever be reused.
	err := db.rd.GetContext(ctx, &r, db.x.Rebind(`SELECT `+incidentColumns+` FROM incidents
		WHERE platform = ? AND war_room = ? AND workspace = ? ORDER BY id DESC LIMIT 1`), platform, channelID, workspace)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notRoom
	}
	if err != nil {
		return nil, fmt.Errorf("get incident by war room: %w", mapErr(err))
	}
	return r.incident(), nil
}

// ListIncidents returns a page of a workspace's incidents, open ones first,
// and how many there are in all: /incident list.
func (db *DB) ListIncidents(ctx context.Context, platform, workspace string, all bool, offset, limit int) ([]*incidentbot.Incident, int, error) {
	if platform == "" || workspace == "" {
		return nil, 0, nil
	}
	where := ` WHERE platform = ? AND workspace = ?`
	if !all {
		where += ` AND status IN ('investigating', 'mitigated')`
	}
	var total int
	if err := db.rd.GetContext(ctx, &total, db.x.Rebind(`SELECT COUNT(*) FROM incidents`+where), platform, workspace); err != nil {
		return nil, 0, fmt.Errorf("count incidents: %w", mapErr(err))
	}
	var rows []incidentRow
	q := `SELECT ` + incidentColumns + ` FROM incidents` + where + `
		ORDER BY CASE WHEN status IN ('investigating', 'mitigated') THEN 0 ELSE 1 END, declared_at DESC, id DESC` + literalLimit(limit, offset)
	if err := db.rd.SelectContext(ctx, &rows, db.x.Rebind(q), platform, workspace); err != nil {
		return nil, 0, fmt.Errorf("list incidents: %w", mapErr(err))
	}
	out := make([]*incidentbot.Incident, len(rows))
	for i := range rows {
		out[i] = rows[i].incident()
	}
	return out, total, nil
}

// FindIncidents lists incidents matching f, newest first.
func (db *DB) FindIncidents(ctx context.Context, f incidentbot.IncidentFilter) ([]*incidentbot.Incident, error) {
	var where []string
	var args []any
	add := func(cond string, arg any) {
		where = append(where, cond)
		args = append(args, arg)
	}
	if f.OpenOnly {
		where = append(where, `status <> 'closed'`)
	}
	if len(f.Statuses) > 0 {
		where = append(where, `status IN (?`+strings.Repeat(", ?", len(f.Statuses)-1)+`)`)
		for _, st := range f.Statuses {
			args = append(args, string(st))
		}
	}
	if f.Platform != "" {
		add(`platform = ?`, f.Platform)
	}
	if f.Workspace != "" {
		add(`workspace = ?`, f.Workspace)
	}
	if f.OriginChannel != "" {
		add(`origin_channel = ?`, f.OriginChannel)
	}
	if f.DedupeKey != "" {
		add(`dedupe_key = ?`, f.DedupeKey)
	}
	if !f.Since.IsZero() {
		add(`declared_at >= ?`, db.t(f.Since))
	}
	q := `SELECT ` + incidentColumns + ` FROM incidents`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	q += ` ORDER BY declared_at DESC, id DESC`
	if f.Limit > 0 {
		q += literalLimit(f.Limit, 0)
	}
	var rows []incidentRow
	if err := db.rd.SelectContext(ctx, &rows, db.x.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("find incidents: %w", mapErr(err))
	}
	out := make([]*incidentbot.Incident, len(rows))
	for i := range rows {
		out[i] = rows[i].incident()
	}
	return out, nil
}

// ChangeMark is the newest timeline event's id: declaring an incident and
// changing its status or severity each write one, in the same transaction.
// The primary key's index answers it without reading the table.
func (db *DB) ChangeMark(ctx context.Context) (int64, error) {
	var mark int64
	if err := db.x.GetContext(ctx, &mark, `SELECT COALESCE(MAX(id), 0) FROM timeline_events`); err != nil {
		return 0, fmt.Errorf("change mark: %w", mapErr(err))
	}
	return mark, nil
}
