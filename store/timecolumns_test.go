package store_test

import (
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// rawClock gives its time as is, nanoseconds and zone included: the store
// must not rely on its clock to truncate.
type rawClock time.Time

func (c rawClock) Now() time.Time { return time.Time(c) }

// timeColumns lists every time column the Postgres migrations create, as
// "table.column": the test below must cover each of them.
func timeColumns(t *testing.T) []string {
	t.Helper()
	table := regexp.MustCompile(`(?i)(?:CREATE|ALTER)\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)`)
	column := regexp.MustCompile(`(?i)^\s*(?:ADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?)?(\w+)\s+TIMESTAMPTZ\b`)
	var out []string
	err := fs.WalkDir(store.MigrationsFS(), "migrations/postgres", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(store.MigrationsFS(), path)
		if err != nil {
			return err
		}
		current := ""
		for _, line := range strings.Split(string(b), "\n") {
			if m := table.FindStringSubmatch(line); m != nil {
				current = strings.ToLower(m[1])
				line = line[len(m[0]):]
			}
			if m := column.FindStringSubmatch(line); m != nil {
				out = append(out, current+"."+strings.ToLower(m[1]))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("read migrations: %v", err)
	}
	slices.Sort(out)
	return out
}

// TestReminderTimeColumnsRoundTrip writes a time with nanoseconds and a
// zone into every time column and reads back the same instant truncated
// by incidentbot.StoredTime, in UTC: what the domain keeps elsewhere (a job
// payload, a schedule) compares equal to what the store gives back.
func TestReminderTimeColumnsRoundTrip(t *testing.T) {
	t.Parallel()
	fine := time.Date(2026, 12, 5, 17, 30, 1, 123456789, time.FixedZone("CET", 3600))
	tn := func(i int) time.Time { return fine.Add(time.Duration(i) * time.Hour) }
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		db.SetClock(rawClock(tn(12))) // stamps jobs' created_at
		inc := newIncident("Every time column")
		inc.DetectedAt, inc.DeclaredAt = tn(0), tn(1)
		inc.AcknowledgedAt, inc.MitigatedAt, inc.ResolvedAt, inc.ClosedAt = ptr(tn(2)), ptr(tn(3)), ptr(tn(4)), ptr(tn(5))
		inc.NextReminderAt, inc.LastUpdateAt = ptr(tn(6)), ptr(tn(7))
		inc.ImpactStartedAt = ptr(tn(-1))
		create(t, db, inc, incidentbot.Change{
			Events:    []incidentbot.TimelineEvent{{Kind: incidentbot.EventDeclared, Actor: alice, Text: "declared", At: tn(8)}},
			Roles:     []incidentbot.RoleChange{{Role: incidentbot.RoleCommander, Users: []incidentbot.User{alice}, By: alice, At: tn(9)}},
			Checklist: []incidentbot.ChecklistEntry{{Position: 1, Text: "Confirm", State: incidentbot.ChecklistDone, By: alice, At: ptr(tn(10))}},
			Jobs:      []incidentbot.Job{{Key: inc.Key + "/reminder", Kind: "reminder", State: incidentbot.JobPending, RunAt: tn(11)}},
			FollowUps: []incidentbot.FollowUp{{Text: "Alert on 5xx", Type: incidentbot.FollowUpDetect, Priority: 1, CreatedAt: tn(18), DoneAt: ptr(tn(19))}},
		})
		claimed, err := db.ClaimJobs(ctx, "w1", tn(13), time.Minute, 1)
		if err != nil || len(claimed) != 1 {
			t.Fatalf("ClaimJobs: got %d jobs, %v; want the reminder", len(claimed), err)
		}
		if first, err := db.ClaimDelivery(ctx, "slack", "Ev1", tn(14)); err != nil || !first {
			t.Fatalf("ClaimDelivery: %v, %v", first, err)
		}
		p := pause(inc.ID, "c1", incidentbot.PauseResumed)
		p.PausedAt, p.ResumedAt, p.UpdatedAt = ptr(tn(15)), ptr(tn(16)), tn(17)
		if err := db.SavePauses(ctx, p); err != nil {
			t.Fatalf("SavePauses: %v", err)
		}

		got, err := db.Incident(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		events, _ := db.Timeline(ctx, inc.ID)
		roles, _ := db.Roles(ctx, inc.ID)
		checklist, _ := db.Checklist(ctx, inc.ID)
		jobs, _ := db.Jobs(ctx, inc.ID)
		pauses, _ := db.Pauses(ctx, inc.ID)
		followUps, _ := db.FollowUps(ctx, inc.ID)
		if len(followUps) != 1 {
			t.Fatalf("read back %d follow-ups, want one", len(followUps))
		}
		if len(events) != 1 || len(roles) != 1 || len(checklist) != 1 || len(jobs) != 1 || len(pauses) != 1 {
			t.Fatalf("read back %d events, %d roles, %d checklist items, %d jobs, %d pauses; want one each",
				len(events), len(roles), len(checklist), len(jobs), len(pauses))
		}
		val := func(p *time.Time) time.Time {
			if p == nil {
				return time.Time{}
			}
			return *p
		}
		checked := map[string][2]time.Time{ // column: got, written
			"incidents.detected_at":       {got.DetectedAt, tn(0)},
			"incidents.declared_at":       {got.DeclaredAt, tn(1)},
			"incidents.acknowledged_at":   {val(got.AcknowledgedAt), tn(2)},
			"incidents.mitigated_at":      {val(got.MitigatedAt), tn(3)},
			"incidents.resolved_at":       {val(got.ResolvedAt), tn(4)},
			"incidents.closed_at":         {val(got.ClosedAt), tn(5)},
			"incidents.next_reminder_at":  {val(got.NextReminderAt), tn(6)},
			"incidents.last_update_at":    {val(got.LastUpdateAt), tn(7)},
			"incidents.impact_started_at": {val(got.ImpactStartedAt), tn(-1)},
			"timeline_events.at":          {events[0].At, tn(8)},
			"role_assignments.at":         {roles[0].At, tn(9)},
			"checklist_items.at":          {val(checklist[0].At), tn(10)},
			"jobs.run_at":                 {jobs[0].RunAt, tn(11)},
			"jobs.created_at":             {jobs[0].CreatedAt, tn(12)},
			"jobs.updated_at":             {jobs[0].UpdatedAt, tn(13)}, // the claim
			"jobs.locked_until":           {val(jobs[0].LockedUntil), tn(13).Add(time.Minute)},
			"campaign_pauses.paused_at":   {val(pauses[0].PausedAt), tn(15)},
			"campaign_pauses.resumed_at":  {val(pauses[0].ResumedAt), tn(16)},
			"campaign_pauses.updated_at":  {pauses[0].UpdatedAt, tn(17)},
			"follow_ups.created_at":       {followUps[0].CreatedAt, tn(18)},
			"follow_ups.done_at":          {val(followUps[0].DoneAt), tn(19)},
		}
		for col, gw := range checked {
			if want := incidentbot.StoredTime(gw[1]); !gw[0].Equal(want) || gw[0].Location() != time.UTC {
				t.Errorf("%s: got %s, want %s", col, gw[0].Format(time.RFC3339Nano), want.Format(time.RFC3339Nano))
			}
		}
		// Deliveries are only ever compared: a claim at t is older than
		// t plus the resolution, not older than t itself.
		stored := incidentbot.StoredTime(tn(14))
		if n, err := db.PruneDeliveries(ctx, stored); err != nil || n != 0 {
			t.Errorf("deliveries.at: pruning before the stored time removed %d (%v), want 0", n, err)
		}
		if n, err := db.PruneDeliveries(ctx, stored.Add(incidentbot.TimeResolution)); err != nil || n != 1 {
			t.Errorf("deliveries.at: pruning just after the stored time removed %d (%v), want 1", n, err)
		}
		checked["deliveries.at"] = [2]time.Time{}
		// Rate-limit counts are only compared too: one counted at t holds
		// its place until exactly t plus the window, t as the store keeps it.
		limit := incidentbot.RateLimit{Scope: "declare/round-trip", Max: 1, Window: time.Hour}
		count := func(at time.Time) error {
			r := newIncident("Counted")
			r.DeclaredAt = at
			return db.CreateIncident(ctx, r, incidentbot.Change{Limits: []incidentbot.RateLimit{limit}})
		}
		if err := count(tn(18)); err != nil {
			t.Fatalf("rate_events.at: first count: %v", err)
		}
		counted := incidentbot.StoredTime(tn(18))
		if err := count(counted.Add(time.Hour - incidentbot.TimeResolution)); err == nil {
			t.Errorf("rate_events.at: counted again before the window ended")
		}
		if err := count(counted.Add(time.Hour)); err != nil {
			t.Errorf("rate_events.at: refused when the window ended: %v", err)
		}
		checked["rate_events.at"] = [2]time.Time{}
		// A language choice's time is written for people reading the table
		// and never read back.
		checked["user_languages.updated_at"] = [2]time.Time{}
		// So is the time a web signing key was made.
		checked["web_keys.created_at"] = [2]time.Time{}

		columns := timeColumns(t)
		var missing []string
		for _, col := range columns {
			if _, ok := checked[col]; !ok {
				missing = append(missing, col)
			}
		}
		if len(missing) > 0 {
			t.Errorf("time columns this test does not round-trip: %q; add them", missing)
		}
		for col := range checked {
			if !slices.Contains(columns, col) {
				t.Errorf("%s is not a time column of the Postgres migrations (found %q)", col, columns)
			}
		}
	})
}
