package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"incidentbot"
)

// querier is what both *sqlx.DB and *sqlx.Tx offer, so reads can run
// inside a transaction or outside one.
type querier interface {
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
}

const incidentColumns = `id, title, severity, status, type, drill, platform, workspace,
	origin_channel, war_room, dedupe_key, summary, impact, declared_by_id, declared_by_name,
	detected_at, declared_at, acknowledged_at, mitigated_at, resolved_at, closed_at,
	next_reminder_at, reminders_off, last_update_at, outward_confirmed, title_guard, impact_started_at, revenue_share`

type incidentRow struct {
	ID             int64    `db:"id"`
	Title          string   `db:"title"`
	Severity       int      `db:"severity"`
	Status         string   `db:"status"`
	Type           string   `db:"type"`
	Drill          bool     `db:"drill"`
	Platform       string   `db:"platform"`
	Workspace      string   `db:"workspace"`
	OriginChannel  string   `db:"origin_channel"`
	WarRoom        string   `db:"war_room"`
	DedupeKey      string   `db:"dedupe_key"`
	Summary        string   `db:"summary"`
	Impact         string   `db:"impact"`
	DeclaredByID   string   `db:"declared_by_id"`
	DeclaredByName string   `db:"declared_by_name"`
	DetectedAt     dbTime   `db:"detected_at"`
	DeclaredAt     dbTime   `db:"declared_at"`
	AcknowledgedAt nullTime `db:"acknowledged_at"`
	MitigatedAt    nullTime `db:"mitigated_at"`
	ResolvedAt     nullTime `db:"resolved_at"`
	ClosedAt       nullTime `db:"closed_at"`
	NextReminderAt nullTime `db:"next_reminder_at"`
	RemindersOff   bool     `db:"reminders_off"`
	LastUpdateAt   nullTime `db:"last_update_at"`
	Outward        bool     `db:"outward_confirmed"`
	TitleGuard     *string  `db:"title_guard"`
	ImpactStarted  nullTime `db:"impact_started_at"`
	RevenueShare   *float64 `db:"revenue_share"`
}

func (r *incidentRow) incident() *incidentbot.Incident {
	return &incidentbot.Incident{
		ID:             r.ID,
		Key:            incidentbot.IncidentKey(r.ID),
		Title:          r.Title,
		Severity:       incidentbot.Severity(r.Severity),
		Status:         incidentbot.Status(r.Status),
		Type:           r.Type,
		Drill:          r.Drill,
		Platform:       r.Platform,
		Workspace:      r.Workspace,
		OriginChannel:  r.OriginChannel,
		WarRoom:        r.WarRoom,
		DedupeKey:      r.DedupeKey,
		Summary:        r.Summary,
		Impact:         r.Impact,
		DeclaredBy:     incidentbot.User{ID: r.DeclaredByID, Name: r.DeclaredByName},
		DetectedAt:     r.DetectedAt.Time,
		DeclaredAt:     r.DeclaredAt.Time,
		AcknowledgedAt: r.AcknowledgedAt.P,
		MitigatedAt:    r.MitigatedAt.P,
		ResolvedAt:     r.ResolvedAt.P,
		ClosedAt:       r.ClosedAt.P,
		NextReminderAt: r.NextReminderAt.P,
		RemindersOff:   r.RemindersOff,
		LastUpdateAt:   r.LastUpdateAt.P,

		OutwardConfirmed: r.Outward,
		Guarded:          r.TitleGuard != nil,
		ImpactStartedAt:  r.ImpactStarted.P,
		RevenueShare:     r.RevenueShare,
	}
}

// normIncident puts every time in the form the store keeps, so the
// incident a method returns equals the one a later read returns.
func normIncident(inc *incidentbot.Incident) {
	inc.DetectedAt = normTime(inc.DetectedAt)
	inc.DeclaredAt = normTime(inc.DeclaredAt)
	inc.AcknowledgedAt = normTimePtr(inc.AcknowledgedAt)
	inc.MitigatedAt = normTimePtr(inc.MitigatedAt)
	inc.ResolvedAt = normTimePtr(inc.ResolvedAt)
	inc.ClosedAt = normTimePtr(inc.ClosedAt)
	inc.NextReminderAt = normTimePtr(inc.NextReminderAt)
	inc.LastUpdateAt = normTimePtr(inc.LastUpdateAt)
	inc.ImpactStartedAt = normTimePtr(inc.ImpactStartedAt)
}

// incidentArgs are the mutable columns, in the order of the INSERT below
// and of the UPDATE's SET list.
func (db *DB) incidentArgs(inc *incidentbot.Incident) []any {
	return []any{
		inc.Title, int(inc.Severity), string(inc.Status), inc.Type, inc.Drill, inc.Platform, inc.Workspace,
		inc.OriginChannel, inc.WarRoom, inc.DedupeKey, inc.Summary, inc.Impact, inc.DeclaredBy.ID, inc.DeclaredBy.Name,
		db.t(inc.DetectedAt), db.t(inc.DeclaredAt), db.tp(inc.AcknowledgedAt), db.tp(inc.MitigatedAt),
		db.tp(inc.ResolvedAt), db.tp(inc.ClosedAt), db.tp(inc.NextReminderAt), inc.RemindersOff, db.tp(inc.LastUpdateAt),
		inc.OutwardConfirmed, titleGuard(inc), db.tp(inc.ImpactStartedAt), inc.RevenueShare,
	}
}

// titleGuard is the title_guard column of inc while it is guarded and
// open: its platform, workspace and origin channel (ids, without a slash)
// and its normalised title, which one open incident at a time may hold.
// Else NULL, which no unique index compares.
func titleGuard(inc *incidentbot.Incident) any {
	if !inc.Guarded || !inc.Status.Open() {
		inc.Guarded = false
		return nil
	}
	return inc.Platform + "/" + inc.Workspace + "/" + inc.OriginChannel + "/" + incidentbot.TitleGuard(inc.Title)
}

func checkIncident(inc *incidentbot.Incident) error {
	if strings.TrimSpace(inc.Title) == "" {
		return incidentbot.Errorf(incidentbot.EINVALID, "An incident needs a title. Say in a few words what is wrong.")
	}
	if !inc.Severity.Valid() {
		return incidentbot.Errorf(incidentbot.EINVALID, "Unknown severity %d. Use sev1 (site down) to sev4 (minor).", int(inc.Severity))
	}
	switch inc.Status {
	case incidentbot.StatusInvestigating, incidentbot.StatusMitigated, incidentbot.StatusResolved, incidentbot.StatusClosed:
		return nil
	}
	return incidentbot.Errorf(incidentbot.EINVALID, "Unknown incident status %q. Use investigating, mitigated, resolved or closed.", inc.Status)
}

// CreateIncident stores a new incident and its Change in one transaction
// and sets inc.ID and inc.Key. Missing times default: DeclaredAt to now,
// DetectedAt to DeclaredAt, Status to investigating; events without a time
// get DeclaredAt. A DedupeKey held by an open incident gives ECONFLICT
// wrapping *incidentbot.DuplicateError, and nothing is written.
func (db *DB) CreateIncident(ctx context.Context, inc *incidentbot.Incident, ch incidentbot.Change) error {
	if inc.Status == "" {
		inc.Status = incidentbot.StatusInvestigating
	}
	if inc.DeclaredAt.IsZero() {
		inc.DeclaredAt = db.now()
	}
	if inc.DetectedAt.IsZero() {
		inc.DetectedAt = inc.DeclaredAt
	}
	normIncident(inc)
	if err := checkIncident(inc); err != nil {
		return err
	}
	// The duplicate checks go with the insert: an open incident holding
	// the dedupe key or the guarded title leaves nothing to insert (and
	// uses up no id). ON CONFLICT covers a declaration committed between
	// the check and the insert, through the same unique indexes.
	held := []string{"TRUE"}
	args := db.incidentArgs(inc)
	if inc.DedupeKey != "" && inc.Status.Open() {
		held = append(held, `NOT EXISTS (SELECT 1 FROM incidents WHERE dedupe_key = ? AND dedupe_key <> '' AND status IN ('investigating', 'mitigated'))`)
		args = append(args, inc.DedupeKey)
	}
	if guard := titleGuard(inc); guard != nil {
		held = append(held, `NOT EXISTS (SELECT 1 FROM incidents WHERE title_guard = ?)`)
		args = append(args, guard)
	}
	insert := `INSERT INTO incidents (title, severity, status, type, drill, platform, workspace,
		origin_channel, war_room, dedupe_key, summary, impact, declared_by_id, declared_by_name,
		detected_at, declared_at, acknowledged_at, mitigated_at, resolved_at, closed_at,
		next_reminder_at, reminders_off, last_update_at, outward_confirmed, title_guard, impact_started_at, revenue_share)
		SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
		WHERE ` + strings.Join(held, " AND ") + `
		ON CONFLICT DO NOTHING RETURNING id`
	var id int64
	var err error
	if db.dialect == Postgres && len(ch.Deliveries) == 0 && len(ch.Limits) == 0 && len(ch.Roles) == 0 && len(ch.FollowUps) == 0 && len(ch.Tickets) == 0 {
		// The whole declaration is one statement, a transaction of its
		// own: no BEGIN and no COMMIT to wait for.
		id, err = db.insertWith(ctx, db.x, insert, args, inc.DeclaredAt, ch)
	} else {
		err = db.inTx(ctx, func(tx *sqlx.Tx) error {
			// The deliveries first: a repeat is no new declaration to count.
			if err := db.claimDeliveries(ctx, tx, inc.DeclaredAt, ch.Deliveries); err != nil {
				return err
			}
			if err := db.takeRates(ctx, tx, ch.Limits, inc.DeclaredAt); err != nil {
				return err
			}
			var err error
			if db.dialect == Postgres {
				id, err = db.insertWith(ctx, tx, insert, args, inc.DeclaredAt, ch)
			} else {
				id, err = db.insertThen(ctx, tx, insert, args, inc.DeclaredAt, ch)
			}
			if err != nil {
				return err
			}
			return db.applyRest(ctx, tx, id, inc.DeclaredAt, ch)
		})
	}
	if errors.Is(err, errRepeat) || errors.Is(err, errTaken) || isUniqueViolation(err) {
		// The same delivery was recorded before, or an open incident holds
		// the dedupe key or the guarded title: report it, read now that it
		// has committed (ON CONFLICT waited for a declaration in flight).
		return db.whyConflict(ctx, inc, ch.Deliveries, err)
	}
	if err != nil {
		return err
	}
	inc.ID = id
	inc.Key = incidentbot.IncidentKey(id)
	return nil
}

// insertWith runs, on Postgres, the incident's insert and the writes of
// ch that need no answer (its events, checklist, jobs, messages, the link
// of its deliveries) as one statement, and returns the incident's id.
func (db *DB) insertWith(ctx context.Context, q sqlx.QueryerContext, insert string, args []any, at time.Time, ch incidentbot.Change) (int64, error) {
	var w writes
	w.add("incident", insert, args...)
	linkDeliveries(&w, insertedID{}, ch.Deliveries)
	if err := db.gather(&w, newIncident, at, ch); err != nil {
		return 0, err
	}
	return db.flushInsert(ctx, q, &w)
}

// insertThen is insertWith on SQLite: in process, one statement after
// the other.
func (db *DB) insertThen(ctx context.Context, tx *sqlx.Tx, insert string, args []any, at time.Time, ch incidentbot.Change) (int64, error) {
	var id int64
	err := tx.GetContext(ctx, &id, tx.Rebind(insert), args...)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errTaken
	}
	if err != nil {
		return 0, fmt.Errorf("insert incident: %w", mapErr(err))
	}
	var w writes
	linkDeliveries(&w, id, ch.Deliveries)
	if err := db.gather(&w, id, at, ch); err != nil {
		return 0, err
	}
	return id, db.flush(ctx, tx, &w)
}

// linkDeliveries adds the writes that name the incident a declaration's
// deliveries made, so that a retry is answered with it.
func linkDeliveries(w *writes, id any, ds []incidentbot.Delivery) {
	for _, d := range ds {
		w.add("delivery "+d.Source, `UPDATE deliveries SET incident_id = ? WHERE source = ? AND id = ?`, id, d.Source, d.ID)
	}
}

// whyConflict names the incident a declaration collided with: the one an
// earlier delivery of the same request made, else the open one with the
// dedupe key, else the open guarded one with the title. With none found
// (it was resolved meanwhile) err stays, errTaken as a conflict to retry.
func (db *DB) whyConflict(ctx context.Context, inc *incidentbot.Incident, deliveries []incidentbot.Delivery, err error) error {
	for _, d := range deliveries {
		var id *int64
		qerr := db.x.GetContext(ctx, &id, db.x.Rebind(`SELECT incident_id FROM deliveries WHERE source = ? AND id = ?`), d.Source, d.ID)
		if qerr != nil || id == nil {
			continue
		}
		if existing, qerr := db.incident(ctx, db.x, *id, ""); qerr == nil {
			return &incidentbot.Error{
				Code:    incidentbot.ECONFLICT,
				Message: fmt.Sprintf("This request declared %s already: %s.", existing.Key, existing.Title),
				Err:     &incidentbot.DuplicateError{Existing: existing, Repeat: true},
			}
		}
	}
	if inc.DedupeKey != "" {
		if existing, qerr := db.openByDedupeKey(ctx, db.x, inc.DedupeKey); qerr == nil && existing != nil {
			return duplicate(existing)
		}
	}
	if inc.Guarded {
		if existing, qerr := db.openByTitle(ctx, db.x, inc); qerr == nil && existing != nil {
			return duplicate(existing)
		}
	}
	if errors.Is(err, errRepeat) {
		// Recorded by a request that opened no incident: a repeat all the same.
		return incidentbot.WrapError(incidentbot.ECONFLICT, err, "This request was received already.")
	}
	if errors.Is(err, errTaken) {
		return incidentbot.WrapError(incidentbot.ECONFLICT, err, "An incident with this title or alert was open a moment ago and has just been resolved. Try again.")
	}
	return err
}

// openByTitle returns the open guarded incident that holds inc's title in
// its channel, or nil.
func (db *DB) openByTitle(ctx context.Context, q querier, inc *incidentbot.Incident) (*incidentbot.Incident, error) {
	guard := titleGuard(inc)
	if guard == nil {
		return nil, nil
	}
	var r incidentRow
	err := q.GetContext(ctx, &r, db.x.Rebind(`SELECT `+incidentColumns+` FROM incidents WHERE title_guard = ?`), guard)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find incident by title: %w", mapErr(err))
	}
	return r.incident(), nil
}

// errRepeat aborts the transaction of a delivery recorded already.
var errRepeat = errors.New("delivery recorded already")

// errTaken aborts the transaction of a declaration whose dedupe key or
// guarded title an open incident holds.
var errTaken = errors.New("dedupe key or title held by an open incident")

// claimDeliveries records the deliveries of a declaration, or returns
// errRepeat when one is recorded already. ON CONFLICT DO NOTHING waits
// for a concurrent transaction holding the same id and then inserts
// nothing, so of two copies delivered at once exactly one goes on.
func (db *DB) claimDeliveries(ctx context.Context, tx *sqlx.Tx, at time.Time, ds []incidentbot.Delivery) error {
	for _, d := range ds {
		if d.Source == "" || d.ID == "" {
			return incidentbot.Errorf(incidentbot.EINVALID, "A delivery needs a source and an id (got source %q, id %q).", d.Source, d.ID)
		}
		res, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO deliveries (source, id, at) VALUES (?, ?, ?)
			ON CONFLICT (source, id) DO NOTHING`), d.Source, d.ID, db.t(at))
		if err != nil {
			return fmt.Errorf("record delivery %s: %w", d.Source, mapErr(err))
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("record delivery %s: %w", d.Source, mapErr(err))
		}
		if n == 0 {
			return errRepeat
		}
	}
	return nil
}

func duplicate(existing *incidentbot.Incident) error {
	return &incidentbot.Error{
		Code:    incidentbot.ECONFLICT,
		Message: fmt.Sprintf("%s is already open for this: %s. Join it, or declare anyway.", existing.Key, existing.Title),
		Err:     &incidentbot.DuplicateError{Existing: existing},
	}
}

// openByDedupeKey returns the open incident holding key, or nil.
func (db *DB) openByDedupeKey(ctx context.Context, q querier, key string) (*incidentbot.Incident, error) {
	var r incidentRow
	err := q.GetContext(ctx, &r, db.x.Rebind(`SELECT `+incidentColumns+` FROM incidents
		WHERE dedupe_key = ? AND dedupe_key <> '' AND status IN ('investigating', 'mitigated')`), key)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find incident by dedupe key: %w", mapErr(err))
	}
	return r.incident(), nil
}

// dedupeChunk bounds the keys of one lookup statement (SQLite allows
// 32,766 parameters, Postgres 65,535).
const dedupeChunk = 1000

// OpenIncidentsByDedupeKeys returns the open incidents of workspace on
// platform that hold any of keys, through the unique index on open dedupe
// keys: the cost follows the keys asked for, never the number of open
// incidents. Keys no open incident holds are simply missing.
func (db *DB) OpenIncidentsByDedupeKeys(ctx context.Context, platform, workspace string, keys []string) ([]*incidentbot.Incident, error) {
	if platform == "" || workspace == "" {
		return nil, nil
	}
	keys = slices.DeleteFunc(slices.Clone(keys), func(k string) bool { return k == "" })
	slices.Sort(keys)
	keys = slices.Compact(keys)
	var out []*incidentbot.Incident
	for start := 0; start < len(keys); start += dedupeChunk {
		chunk := keys[start:min(start+dedupeChunk, len(keys))]
		args := make([]any, 0, len(chunk)+2)
		for _, k := range chunk {
			args = append(args, k)
		}
		args = append(args, platform, workspace)
		// The predicate repeats the partial index's own, so the planner uses it.
		q := `SELECT ` + incidentColumns + ` FROM incidents
			WHERE dedupe_key IN (?` + strings.Repeat(", ?", len(chunk)-1) + `)
			AND dedupe_key <> '' AND status IN ('investigating', 'mitigated')
			AND platform = ? AND workspace = ?`
		var rows []incidentRow
		if err := db.rd.SelectContext(ctx, &rows, db.x.Rebind(q), args...); err != nil {
			return nil, fmt.Errorf("find incidents by dedupe key: %w", mapErr(err))
		}
		for i := range rows {
			out = append(out, rows[i].incident())
		}
	}
	return out, nil
}

// UpdateIncident locks the incident, lets fn change it and describe the
// Change, then stores both in the same transaction. An error from fn is
// returned unchanged with nothing written. Events without a time get now.
func (db *DB) UpdateIncident(ctx context.Context, id int64, fn func(inc *incidentbot.Incident) (incidentbot.Change, error)) (*incidentbot.Incident, error) {
	return db.lockedUpdate(ctx, id, func(_ *sqlx.Tx, inc *incidentbot.Incident) (incidentbot.Change, error) { return fn(inc) })
}

// lockedUpdate is UpdateIncident with fn reading in its transaction.
func (db *DB) lockedUpdate(ctx context.Context, id int64, fn func(tx *sqlx.Tx, inc *incidentbot.Incident) (incidentbot.Change, error)) (*incidentbot.Incident, error) {
	var out *incidentbot.Incident
	err := db.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		out, err = db.updateIncident(ctx, tx, id, func(inc *incidentbot.Incident) (incidentbot.Change, error) { return fn(tx, inc) })
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// updateIncident is UpdateIncident inside tx.
func (db *DB) updateIncident(ctx context.Context, tx *sqlx.Tx, id int64, fn func(inc *incidentbot.Incident) (incidentbot.Change, error)) (*incidentbot.Incident, error) {
	inc, err := db.incident(ctx, tx, id, db.forUpdate())
	if err != nil {
		return nil, err
	}
	return db.changeIncident(ctx, tx, inc, fn)
}

// changeIncident lets fn change inc, read under its lock in tx, and
// writes the incident with fn's Change: the row's update goes with the
// change's events, jobs, checklist and messages in one statement.
func (db *DB) changeIncident(ctx context.Context, tx *sqlx.Tx, inc *incidentbot.Incident, fn func(inc *incidentbot.Incident) (incidentbot.Change, error)) (*incidentbot.Incident, error) {
	id := inc.ID
	ch, err := fn(inc)
	if err != nil {
		return nil, err
	}
	// The row's identity is not fn's to change.
	inc.ID, inc.Key = id, incidentbot.IncidentKey(id)
	normIncident(inc)
	if err := checkIncident(inc); err != nil {
		return nil, err
	}
	if err := db.takeRates(ctx, tx, ch.Limits, db.now()); err != nil {
		return nil, err
	}
	var w writes
	w.add(fmt.Sprintf("incident %d", id), `UPDATE incidents SET title = ?, severity = ?, status = ?, type = ?, drill = ?,
		platform = ?, workspace = ?, origin_channel = ?, war_room = ?, dedupe_key = ?, summary = ?,
		impact = ?, declared_by_id = ?, declared_by_name = ?, detected_at = ?, declared_at = ?,
		acknowledged_at = ?, mitigated_at = ?, resolved_at = ?, closed_at = ?, next_reminder_at = ?,
		reminders_off = ?, last_update_at = ?, outward_confirmed = ?, title_guard = ?, impact_started_at = ?, revenue_share = ?
		WHERE id = ?`, append(db.incidentArgs(inc), id)...)
	if err := db.applyWith(ctx, tx, &w, id, db.now(), ch); err != nil {
		if isUniqueViolation(err) {
			// The only unique keys these writes can meet are the incident's.
			return nil, incidentbot.WrapError(incidentbot.ECONFLICT, err,
				"Another open incident already covers alert %q. Resolve or close that one first.", inc.DedupeKey)
		}
		return nil, err
	}
	return inc, nil
}

// applyChange writes what a unit of work adds beside an incident's fields.
// IncidentID and missing times are filled with incidentID and at.
func (db *DB) applyChange(ctx context.Context, tx *sqlx.Tx, incidentID int64, at time.Time, ch incidentbot.Change) error {
	return db.applyWith(ctx, tx, &writes{}, incidentID, at, ch)
}

// applyWith is applyChange with w's writes (the incident's update) sent
// with the change's events, jobs, checklist and messages.
func (db *DB) applyWith(ctx context.Context, tx *sqlx.Tx, w *writes, incidentID int64, at time.Time, ch incidentbot.Change) error {
	if err := db.gather(w, incidentID, at, ch); err != nil {
		return err
	}
	if err := db.flush(ctx, tx, w); err != nil {
		return err
	}
	return db.applyRest(ctx, tx, incidentID, at, ch)
}

// gather adds to w the writes of ch's events, jobs, checklist and
// messages, which need no answer.
func (db *DB) gather(w *writes, incidentID int64, at time.Time, ch incidentbot.Change) error {
	if len(ch.Events) > 0 {
		evs := slices.Clone(ch.Events)
		for i := range evs {
			if evs[i].IncidentID == 0 {
				evs[i].IncidentID = incidentID
			}
			if evs[i].At.IsZero() {
				evs[i].At = at
			}
		}
		db.events(w, evs)
	}
	if len(ch.Jobs) > 0 {
		jobs := slices.Clone(ch.Jobs)
		for i := range jobs {
			if jobs[i].IncidentID == 0 {
				jobs[i].IncidentID = incidentID
			}
		}
		if err := db.jobs(w, jobs); err != nil {
			return err
		}
	}
	if len(ch.Checklist) > 0 {
		items := slices.Clone(ch.Checklist)
		for i := range items {
			if items[i].IncidentID == 0 {
				items[i].IncidentID = incidentID
			}
		}
		db.checklist(w, items)
	}
	if len(ch.Messages) > 0 {
		db.messages(w, incidentID, ch.Messages)
	}
	return nil
}

// applyRest writes ch's roles, follow-ups and tickets, each of which reads
// or deletes before it writes: a statement of its own.
func (db *DB) applyRest(ctx context.Context, tx *sqlx.Tx, incidentID int64, at time.Time, ch incidentbot.Change) error {
	for _, rc := range ch.Roles {
		if rc.At.IsZero() {
			rc.At = at
		}
		if err := db.setRole(ctx, tx, incidentID, rc); err != nil {
			return err
		}
	}
	for _, f := range ch.FollowUps {
		f.IncidentID = incidentID
		if f.CreatedAt.IsZero() {
			f.CreatedAt = at
		}
		if err := db.upsertFollowUp(ctx, tx, f); err != nil {
			return err
		}
	}
	for _, t := range ch.Tickets {
		if err := db.setTicket(ctx, tx, incidentID, t); err != nil {
			return err
		}
	}
	return nil
}

// AdoptIncidents gives the incidents of platform that belong to no
// workspace (alert incidents opened before alerts had one) to workspace,
// so its members reach them again. It returns how many it moved.
func (db *DB) AdoptIncidents(ctx context.Context, platform, workspace string) (int64, error) {
	if platform == "" || workspace == "" {
		return 0, nil
	}
	res, err := db.x.ExecContext(ctx, db.x.Rebind(`UPDATE incidents SET workspace = ? WHERE platform = ? AND workspace = ''`), workspace, platform)
	if err != nil {
		return 0, fmt.Errorf("adopt incidents: %w", mapErr(err))
	}
	return res.RowsAffected()
}
