package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"modernc.org/sqlite"

	"incidentbot"
)

// History lists the incidents f selects, newest declared first, a page of
// them, and how many match in all. The indexes of migration 0018 serve the
// order with or without a tenant, so a page costs the same after 10,000
// incidents as after ten.
func (db *DB) History(ctx context.Context, f incidentbot.HistoryFilter) ([]*incidentbot.Incident, int, error) {
	where, args := db.historyWhere(f, nil)
	var total int
	if err := db.rd.GetContext(ctx, &total, db.x.Rebind(`SELECT COUNT(*) FROM incidents`+where), args...); err != nil {
		return nil, 0, fmt.Errorf("count history: %w", mapErr(err))
	}
	where, args = db.historyWhere(f, f.After)
	q := `SELECT ` + incidentColumns + ` FROM incidents` + where + ` ORDER BY declared_at DESC, id DESC`
	if f.Limit > 0 {
		q += literalLimit(f.Limit, f.Offset)
	}
	var rows []incidentRow
	if err := db.rd.SelectContext(ctx, &rows, db.x.Rebind(q), args...); err != nil {
		return nil, 0, fmt.Errorf("history: %w", mapErr(err))
	}
	out := make([]*incidentbot.Incident, len(rows))
	for i := range rows {
		out[i] = rows[i].incident()
	}
	return out, total, nil
}

// sqliteLower is SQLite's Unicode lower(): SQLite's own folds ASCII only,
// so a French title's É would not match é. Postgres' lower() follows the
// database's ctype (C.UTF-8, fr_FR.UTF-8... fold Unicode).
const sqliteLower = "ib_lower"

func init() {
	sqlite.MustRegisterDeterministicScalarFunction(sqliteLower, 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case string:
			return strings.ToLower(v), nil
		case []byte:
			return strings.ToLower(string(v)), nil
		}
		return args[0], nil // NULL, numbers: as they are
	})
}

// lower is the dialect's Unicode lower() of a column.
func (db *DB) lower(column string) string {
	if db.dialect == SQLite {
		return sqliteLower + `(` + column + `)`
	}
	return `lower(` + column + `)`
}

// likeEscaper makes typed text match itself only in a LIKE pattern.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// historyWhere is f's WHERE clause, starting after the key when there is
// one: a row comparison, which the incidents_declared indexes serve.
func (db *DB) historyWhere(f incidentbot.HistoryFilter, after *incidentbot.HistoryKey) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, arg ...any) {
		conds = append(conds, cond)
		args = append(args, arg...)
	}
	if f.Tenant != nil {
		add(`platform = ? AND workspace = ?`, f.Tenant.Platform, f.Tenant.Workspace)
	}
	if f.OpenOnly {
		add(`status IN ('investigating', 'mitigated')`)
	}
	if !f.From.IsZero() {
		add(`declared_at >= ?`, db.t(f.From))
	}
	if !f.To.IsZero() {
		add(`declared_at < ?`, db.t(f.To))
	}
	if f.Severity != incidentbot.SevUnknown {
		add(`severity = ?`, int(f.Severity))
	}
	if f.Playbook != "" {
		add(`type = ?`, f.Playbook)
	}
	if f.Platform != "" {
		add(`platform = ?`, f.Platform)
	}
	if s := strings.TrimSpace(f.Search); s != "" {
		add(db.lower(`title`)+` LIKE ? ESCAPE '\'`, "%"+likeEscaper.Replace(strings.ToLower(s))+"%")
	}
	if after != nil {
		add(`(declared_at, id) < (?, ?)`, db.t(after.DeclaredAt), after.ID)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return ` WHERE ` + strings.Join(conds, ` AND `), args
}

// idChunk bounds the ids one IN list binds: far below both databases'
// limits on query parameters.
const idChunk = 1000

// inChunks runs fn on ids, idChunk at a time, with query's IN (?) expanded.
func inChunks(ids []int64, query string, args []any, fn func(q string, args []any) error) error {
	for start := 0; start < len(ids); start += idChunk {
		chunk := ids[start:min(start+idChunk, len(ids))]
		q, a, err := sqlx.In(query, append([]any{chunk}, args...)...)
		if err != nil {
			return err
		}
		if err := fn(q, a); err != nil {
			return err
		}
	}
	return nil
}

// RolesOf returns the role assignments of the incidents, by incident,
// role, then time.
func (db *DB) RolesOf(ctx context.Context, ids []int64) ([]incidentbot.RoleAssignment, error) {
	var all []roleRow
	err := inChunks(ids, `SELECT incident_id, role, user_id, user_name, assigned_by_id, assigned_by_name, at
		FROM role_assignments WHERE incident_id IN (?) ORDER BY incident_id, role, at, id`, nil, func(q string, args []any) error {
		var rows []roleRow
		if err := db.rd.SelectContext(ctx, &rows, db.x.Rebind(q), args...); err != nil {
			return fmt.Errorf("roles of %d incidents: %w", len(ids), mapErr(err))
		}
		all = append(all, rows...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return assignments(all), nil
}

// PausesOf returns the pause records of the incidents, by incident then
// campaign key.
func (db *DB) PausesOf(ctx context.Context, ids []int64) ([]incidentbot.CampaignPause, error) {
	var all []pauseRow
	err := inChunks(ids, `SELECT `+pauseColumns+` FROM campaign_pauses p
		WHERE p.incident_id IN (?) ORDER BY p.incident_id, p.platform, p.account, p.campaign_id`, nil, func(q string, args []any) error {
		var rows []pauseRow
		if err := db.rd.SelectContext(ctx, &rows, db.x.Rebind(q), args...); err != nil {
			return fmt.Errorf("pauses of %d incidents: %w", len(ids), mapErr(err))
		}
		all = append(all, rows...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return pauses(all)
}

// LatestEvents returns each incident's latest event of kind, by incident:
// one window over the (incident_id, kind, at, id) index.
func (db *DB) LatestEvents(ctx context.Context, ids []int64, kind incidentbot.EventKind) ([]incidentbot.TimelineEvent, error) {
	var all []incidentbot.TimelineEvent
	err := inChunks(ids, `id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY incident_id ORDER BY at DESC, id DESC) AS n
		FROM timeline_events WHERE incident_id IN (?) AND kind = ?) latest WHERE n = 1) ORDER BY incident_id`,
		[]any{string(kind)}, func(q string, args []any) error {
			evs, err := db.selectEvents(ctx, q, args...)
			if err != nil {
				return fmt.Errorf("latest %s events of %d incidents: %w", kind, len(ids), err)
			}
			all = append(all, evs...)
			return nil
		})
	return all, err
}

var _ incidentbot.DashboardSource = (*DB)(nil)
