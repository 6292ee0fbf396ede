package store_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// t0 is when every test incident is declared; times carry nanoseconds and
// a non-UTC zone to check the store normalizes both.
var t0 = time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.FixedZone("CET", 3600))

// at returns t0 plus d, as the store returns it: UTC, to the microsecond.
func at(d time.Duration) time.Time { return t0.Add(d).UTC().Truncate(time.Microsecond) }

func ptr[T any](v T) *T { return &v }

var (
	alice = incidentbot.User{ID: "U1", Name: "alice"}
	bob   = incidentbot.User{ID: "U2", Name: "bob"}
	carol = incidentbot.User{ID: "U3", Name: "carol"}
)

func newIncident(title string) *incidentbot.Incident {
	return &incidentbot.Incident{
		Title:         title,
		Severity:      incidentbot.SEV2,
		Status:        incidentbot.StatusInvestigating,
		Type:          "site-outage",
		Platform:      incidentbot.PlatformSlack,
		Workspace:     "T1",
		OriginChannel: "C-general",
		DeclaredBy:    alice,
		DetectedAt:    t0.Add(-5 * time.Minute),
		DeclaredAt:    t0,
	}
}

func create(t *testing.T, db *store.DB, inc *incidentbot.Incident, ch incidentbot.Change) *incidentbot.Incident {
	t.Helper()
	if err := db.CreateIncident(t.Context(), inc, ch); err != nil {
		t.Fatalf("CreateIncident(%q): %v", inc.Title, err)
	}
	return inc
}

func diff[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\ngot  %+v\nwant %+v", what, got, want)
	}
}

func TestCreateIncident(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		inc := newIncident("Checkout returns 504")
		inc.Drill = true
		inc.WarRoom = "C-war"
		inc.DedupeKey = "alert/checkout"
		inc.Summary = "payments down"
		inc.Impact = "no orders"
		inc.AcknowledgedAt = ptr(t0.Add(time.Minute))
		inc.NextReminderAt = ptr(t0.Add(15 * time.Minute))
		inc.RemindersOff = true
		data := json.RawMessage(`{"severity":"sev2","by":["alice"]}`)
		ch := incidentbot.Change{
			Events:    []incidentbot.TimelineEvent{{Kind: incidentbot.EventDeclared, Actor: alice, Text: "declared", Data: data}},
			Jobs:      []incidentbot.Job{{Key: "create/create_channel", Kind: "create_channel", RunAt: t0}},
			Roles:     []incidentbot.RoleChange{{Role: incidentbot.RoleCommander, Users: []incidentbot.User{alice}, By: alice}},
			Checklist: []incidentbot.ChecklistEntry{{Position: 1, Text: "Confirm from outside"}},
			Messages:  []incidentbot.SavedMessage{{Purpose: "welcome", Ref: incidentbot.MessageRef{ChannelID: "C-war", ID: "1.5"}}},
		}
		create(t, db, inc, ch)
		if inc.ID <= 0 || inc.Key != incidentbot.IncidentKey(inc.ID) {
			t.Fatalf("got ID %d Key %q, want a positive ID and its key", inc.ID, inc.Key)
		}
		if inc.DeclaredAt != at(0) {
			t.Errorf("got DeclaredAt %v, want %v (UTC, microseconds)", inc.DeclaredAt, at(0))
		}
		got, err := db.Incident(t.Context(), inc.ID)
		if err != nil {
			t.Fatalf("Incident: %v", err)
		}
		diff(t, "Incident", got, inc)

		events, err := db.Timeline(t.Context(), inc.ID)
		if err != nil {
			t.Fatalf("Timeline: %v", err)
		}
		if len(events) != 1 {
			t.Fatalf("got %d events, want 1", len(events))
		}
		e := events[0]
		if e.ID == 0 || e.IncidentID != inc.ID || e.At != at(0) || string(e.Data) != string(data) {
			t.Errorf("got event %+v, want ID set, IncidentID %d, At %v, Data %s", e, inc.ID, at(0), data)
		}
		roles, err := db.Roles(t.Context(), inc.ID)
		if err != nil {
			t.Fatalf("Roles: %v", err)
		}
		diff(t, "Roles", roles, []incidentbot.RoleAssignment{{IncidentID: inc.ID, Role: incidentbot.RoleCommander, User: alice, AssignedBy: alice, At: at(0)}})
		list, err := db.Checklist(t.Context(), inc.ID)
		if err != nil {
			t.Fatalf("Checklist: %v", err)
		}
		diff(t, "Checklist", list, []incidentbot.ChecklistEntry{{IncidentID: inc.ID, Position: 1, Text: "Confirm from outside", State: incidentbot.ChecklistOpen}})
		ref, err := db.Message(t.Context(), inc.ID, "welcome")
		if err != nil {
			t.Fatalf("Message: %v", err)
		}
		diff(t, "Message", ref, incidentbot.MessageRef{ChannelID: "C-war", ID: "1.5"})
		jobs, err := db.Jobs(t.Context(), inc.ID)
		if err != nil {
			t.Fatalf("Jobs: %v", err)
		}
		if len(jobs) != 1 || jobs[0].IncidentID != inc.ID || jobs[0].State != incidentbot.JobPending {
			t.Errorf("got jobs %+v, want one pending job of incident %d", jobs, inc.ID)
		}
	})
}

func TestCreateIncidentDefaults(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := t0.Add(time.Hour)
		db.SetClock(incidentbot.ClockFunc(func() time.Time { return now }))
		inc := &incidentbot.Incident{Title: "Slow search", Severity: incidentbot.SEV4}
		create(t, db, inc, incidentbot.Change{Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventDeclared, Text: "declared"}}})
		if inc.Status != incidentbot.StatusInvestigating || inc.DeclaredAt != at(time.Hour) || inc.DetectedAt != inc.DeclaredAt {
			t.Errorf("got status %q declared %v detected %v, want investigating, %v twice", inc.Status, inc.DeclaredAt, inc.DetectedAt, at(time.Hour))
		}
		events, err := db.Timeline(t.Context(), inc.ID)
		if err != nil {
			t.Fatalf("Timeline: %v", err)
		}
		if len(events) != 1 || events[0].Data != nil || events[0].At != at(time.Hour) {
			t.Errorf("got events %+v, want one at %v with nil Data", events, at(time.Hour))
		}
	})
}

func TestCreateIncidentInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*incidentbot.Incident)
	}{
		{"no title", func(inc *incidentbot.Incident) { inc.Title = "  " }},
		{"no severity", func(inc *incidentbot.Incident) { inc.Severity = incidentbot.SevUnknown }},
		{"bad status", func(inc *incidentbot.Incident) { inc.Status = "paused" }},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				inc := newIncident("x")
				tc.edit(inc)
				err := db.CreateIncident(t.Context(), inc, incidentbot.Change{})
				if got := incidentbot.ErrorCode(err); got != incidentbot.EINVALID {
					t.Errorf("got code %q (%v), want %q", got, err, incidentbot.EINVALID)
				}
			})
		}
	})
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tests := []struct {
			name string
			call func() error
			msg  string
		}{
			{"Incident", func() error { _, err := db.Incident(t.Context(), 9); return err }, "Incident INC-9 not found."},
			{"UpdateIncident", func() error {
				_, err := db.UpdateIncident(t.Context(), 9, func(*incidentbot.Incident) (incidentbot.Change, error) {
					t.Error("fn called for a missing incident")
					return incidentbot.Change{}, nil
				})
				return err
			}, "Incident INC-9 not found."},
			{"IncidentByWarRoom", func() error { _, err := db.IncidentByWarRoom(t.Context(), "slack", "T1", "C404"); return err }, "not an incident war room"},
			{"Message", func() error { _, err := db.Message(t.Context(), 9, "welcome"); return err }, "No welcome message"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				err := tc.call()
				if got := incidentbot.ErrorCode(err); got != incidentbot.ENOTFOUND {
					t.Errorf("got code %q (%v), want %q", got, err, incidentbot.ENOTFOUND)
				}
				if got := incidentbot.ErrorMessage(err); !strings.Contains(got, tc.msg) {
					t.Errorf("got message %q, want it to contain %q", got, tc.msg)
				}
			})
		}
	})
}

func TestFindIncidents(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newIncident("Checkout down")
		b := newIncident("Search slow")
		b.DeclaredAt = t0.Add(time.Minute)
		b.Platform, b.Workspace, b.OriginChannel = incidentbot.PlatformDiscord, "G1", "C-ops"
		c := newIncident("Images missing")
		c.DeclaredAt = t0.Add(2 * time.Minute)
		c.Status = incidentbot.StatusClosed
		c.DedupeKey = "alert/images"
		for _, inc := range []*incidentbot.Incident{a, b, c} {
			create(t, db, inc, incidentbot.Change{})
		}
		tests := []struct {
			name   string
			filter incidentbot.IncidentFilter
			want   []*incidentbot.Incident
		}{
			{"all newest first", incidentbot.IncidentFilter{}, []*incidentbot.Incident{c, b, a}},
			{"open only", incidentbot.IncidentFilter{OpenOnly: true}, []*incidentbot.Incident{b, a}},
			{"platform", incidentbot.IncidentFilter{Platform: incidentbot.PlatformDiscord}, []*incidentbot.Incident{b}},
			{"workspace", incidentbot.IncidentFilter{Workspace: "T1"}, []*incidentbot.Incident{c, a}},
			{"origin channel", incidentbot.IncidentFilter{OriginChannel: "C-ops"}, []*incidentbot.Incident{b}},
			{"dedupe key", incidentbot.IncidentFilter{DedupeKey: "alert/images"}, []*incidentbot.Incident{c}},
			{"statuses", incidentbot.IncidentFilter{Statuses: []incidentbot.Status{incidentbot.StatusClosed, incidentbot.StatusResolved}}, []*incidentbot.Incident{c}},
			{"statuses and since", incidentbot.IncidentFilter{Statuses: []incidentbot.Status{incidentbot.StatusInvestigating}, Since: t0.Add(time.Minute)}, []*incidentbot.Incident{b}},
			{"limit", incidentbot.IncidentFilter{Limit: 2}, []*incidentbot.Incident{c, b}},
			{"no match", incidentbot.IncidentFilter{DedupeKey: "nothing"}, []*incidentbot.Incident{}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				got, err := db.FindIncidents(t.Context(), tc.filter)
				if err != nil {
					t.Fatalf("FindIncidents: %v", err)
				}
				diff(t, "FindIncidents", got, tc.want)
			})
		}
	})
}

func TestIncidentByWarRoom(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		inc := newIncident("Checkout down")
		inc.WarRoom = "C-war"
		create(t, db, inc, incidentbot.Change{})
		got, err := db.IncidentByWarRoom(t.Context(), incidentbot.PlatformSlack, "T1", "C-war")
		if err != nil {
			t.Fatalf("IncidentByWarRoom: %v", err)
		}
		if got.ID != inc.ID {
			t.Errorf("got incident %d, want %d", got.ID, inc.ID)
		}
		_, err = db.IncidentByWarRoom(t.Context(), incidentbot.PlatformDiscord, "T1", "C-war")
		if code := incidentbot.ErrorCode(err); code != incidentbot.ENOTFOUND {
			t.Errorf("other platform: got code %q, want %q", code, incidentbot.ENOTFOUND)
		}
	})
}

// TestTenancyStoreLookups: a lookup by key or by war room finds an
// incident only in its own (platform, workspace); anywhere else the answer
// is exactly the one for a key or channel that does not exist.
func TestTenancyStoreLookups(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		inc := newIncident("Checkout down")
		inc.WarRoom = "C-war"
		create(t, db, inc, incidentbot.Change{})
		legacy := newIncident("From an alert, before workspaces")
		legacy.Workspace = ""
		create(t, db, legacy, incidentbot.Change{})

		got, err := db.IncidentByKey(t.Context(), incidentbot.PlatformSlack, "T1", inc.ID)
		if err != nil || got.ID != inc.ID {
			t.Fatalf("own workspace: got %v, %v; want %s", got, err, inc.Key)
		}
		missingKey := incidentbot.ErrorMessage(incidentbot.IncidentNotFound(inc.Key))
		keys := []struct {
			name, platform, workspace string
			id                        int64
		}{
			{"another workspace", incidentbot.PlatformSlack, "T2", inc.ID},
			{"another platform, same workspace id", incidentbot.PlatformDiscord, "T1", inc.ID},
			{"no workspace", incidentbot.PlatformSlack, "", inc.ID},
			{"no workspace, incident without one", incidentbot.PlatformSlack, "", legacy.ID},
		}
		for _, tc := range keys {
			_, err := db.IncidentByKey(t.Context(), tc.platform, tc.workspace, tc.id)
			want := incidentbot.ErrorMessage(incidentbot.IncidentNotFound(incidentbot.IncidentKey(tc.id)))
			if code, msg := incidentbot.ErrorCode(err), incidentbot.ErrorMessage(err); code != incidentbot.ENOTFOUND || msg != want {
				t.Errorf("IncidentByKey, %s: got %q %q, want %q %q", tc.name, code, msg, incidentbot.ENOTFOUND, want)
			}
		}
		_, err = db.IncidentByKey(t.Context(), incidentbot.PlatformSlack, "T2", 9999)
		if msg := incidentbot.ErrorMessage(err); msg != strings.ReplaceAll(missingKey, inc.Key, "INC-9999") {
			t.Errorf("missing key: got %q, want the same message as for another workspace", msg)
		}

		_, missingRoom := db.IncidentByWarRoom(t.Context(), incidentbot.PlatformSlack, "T1", "C-nothing")
		rooms := []struct{ name, platform, workspace, channel string }{
			{"another workspace", incidentbot.PlatformSlack, "T2", "C-war"},
			{"another platform", incidentbot.PlatformDiscord, "T1", "C-war"},
			{"no workspace", incidentbot.PlatformSlack, "", "C-war"},
		}
		for _, tc := range rooms {
			_, err := db.IncidentByWarRoom(t.Context(), tc.platform, tc.workspace, tc.channel)
			if code, msg := incidentbot.ErrorCode(err), incidentbot.ErrorMessage(err); code != incidentbot.ENOTFOUND || msg != incidentbot.ErrorMessage(missingRoom) {
				t.Errorf("IncidentByWarRoom, %s: got %q %q, want the answer for a plain channel %q", tc.name, code, msg, incidentbot.ErrorMessage(missingRoom))
			}
		}
	})
}

func TestDedupe(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		db.SetClock(incidentbot.ClockFunc(func() time.Time { return t0 }))
		first := newIncident("Checkout 5xx")
		first.DedupeKey = "am/checkout"
		create(t, db, first, incidentbot.Change{Jobs: []incidentbot.Job{{Key: "first/post", Kind: "post"}}})

		second := newIncident("Checkout 5xx again")
		second.DedupeKey = "am/checkout"
		err := db.CreateIncident(t.Context(), second, incidentbot.Change{
			Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventDeclared}},
			Jobs:   []incidentbot.Job{{Key: "second/post", Kind: "post"}},
		})
		if code := incidentbot.ErrorCode(err); code != incidentbot.ECONFLICT {
			t.Fatalf("got code %q (%v), want %q", code, err, incidentbot.ECONFLICT)
		}
		var dup *incidentbot.DuplicateError
		if !errors.As(err, &dup) {
			t.Fatalf("got %v, want a *DuplicateError in the chain", err)
		}
		diff(t, "Existing", dup.Existing, first)
		if second.ID != 0 {
			t.Errorf("got second.ID %d, want 0", second.ID)
		}
		all, err := db.FindIncidents(t.Context(), incidentbot.IncidentFilter{})
		if err != nil {
			t.Fatalf("FindIncidents: %v", err)
		}
		if len(all) != 1 {
			t.Errorf("got %d incidents, want 1", len(all))
		}
		claimed, err := db.ClaimJobs(t.Context(), "w", t0.Add(time.Hour), time.Minute, 10)
		if err != nil {
			t.Fatalf("ClaimJobs: %v", err)
		}
		if len(claimed) != 1 || claimed[0].Key != "first/post" {
			t.Errorf("got jobs %+v, want only first/post", claimed)
		}

		// Once resolved, the key is free again.
		if _, err := db.UpdateIncident(t.Context(), first.ID, func(inc *incidentbot.Incident) (incidentbot.Change, error) {
			inc.Status = incidentbot.StatusResolved
			return incidentbot.Change{}, nil
		}); err != nil {
			t.Fatalf("resolve: %v", err)
		}
		create(t, db, second, incidentbot.Change{})

		// Reopening the first would make two open incidents for one key.
		_, err = db.UpdateIncident(t.Context(), first.ID, func(inc *incidentbot.Incident) (incidentbot.Change, error) {
			inc.Status = incidentbot.StatusInvestigating
			return incidentbot.Change{}, nil
		})
		if code := incidentbot.ErrorCode(err); code != incidentbot.ECONFLICT {
			t.Errorf("reopen: got code %q (%v), want %q", code, err, incidentbot.ECONFLICT)
		}
	})
}

func TestDedupeConcurrent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				inc := newIncident(fmt.Sprintf("storm %d", i))
				inc.DedupeKey = "am/storm"
				errs[i] = db.CreateIncident(t.Context(), inc, incidentbot.Change{Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventAlertFired}}})
			})
		}
		wg.Wait()
		created := 0
		for i, err := range errs {
			var dup *incidentbot.DuplicateError
			switch {
			case err == nil:
				created++
			case errors.As(err, &dup) && dup.Existing.DedupeKey == "am/storm":
			default:
				t.Errorf("create %d: got %v, want nil or a *DuplicateError", i, err)
			}
		}
		if created != 1 {
			t.Errorf("got %d incidents created, want 1", created)
		}
	})
}

func TestUpdateIncident(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := t0.Add(time.Hour)
		db.SetClock(incidentbot.ClockFunc(func() time.Time { return now }))
		inc := create(t, db, newIncident("Checkout down"), incidentbot.Change{})
		got, err := db.UpdateIncident(t.Context(), inc.ID, func(inc *incidentbot.Incident) (incidentbot.Change, error) {
			inc.Severity = incidentbot.SEV1
			inc.Status = incidentbot.StatusMitigated
			inc.MitigatedAt = ptr(t0.Add(30 * time.Minute))
			inc.WarRoom = "C-war"
			inc.Summary = "rolled back"
			inc.ID = 12345 // ignored: the row's identity stays
			return incidentbot.Change{Events: []incidentbot.TimelineEvent{
				{Kind: incidentbot.EventStatusChanged, Text: "mitigated"},
				{Kind: incidentbot.EventNote, Text: "pinned earlier", At: t0.Add(10 * time.Minute)},
			}}, nil
		})
		if err != nil {
			t.Fatalf("UpdateIncident: %v", err)
		}
		if got.ID != inc.ID || got.Key != inc.Key {
			t.Errorf("got ID %d key %q, want %d %q", got.ID, got.Key, inc.ID, inc.Key)
		}
		stored, err := db.Incident(t.Context(), inc.ID)
		if err != nil {
			t.Fatalf("Incident: %v", err)
		}
		diff(t, "stored incident", stored, got)
		if stored.Severity != incidentbot.SEV1 || stored.Status != incidentbot.StatusMitigated || *stored.MitigatedAt != at(30*time.Minute) {
			t.Errorf("got %+v, want sev1, mitigated at %v", stored, at(30*time.Minute))
		}
		events, err := db.Timeline(t.Context(), inc.ID)
		if err != nil {
			t.Fatalf("Timeline: %v", err)
		}
		var texts []string
		for _, e := range events {
			texts = append(texts, fmt.Sprintf("%s@%v", e.Text, e.At.Sub(at(0))))
		}
		diff(t, "timeline", texts, []string{"pinned earlier@10m0s", "mitigated@1h0m0s"})
	})
}

func TestUpdateIncidentFnError(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		inc := create(t, db, newIncident("Checkout down"), incidentbot.Change{})
		want := incidentbot.Errorf(incidentbot.EFORBIDDEN, "Only the commander can do that.")
		_, err := db.UpdateIncident(t.Context(), inc.ID, func(inc *incidentbot.Incident) (incidentbot.Change, error) {
			inc.Title = "changed"
			return incidentbot.Change{Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventNote}}}, want
		})
		if err != want {
			t.Errorf("got error %v, want %v unchanged", err, want)
		}
		stored, err := db.Incident(t.Context(), inc.ID)
		if err != nil {
			t.Fatalf("Incident: %v", err)
		}
		diff(t, "incident", stored, inc)
		events, err := db.Timeline(t.Context(), inc.ID)
		if err != nil {
			t.Fatalf("Timeline: %v", err)
		}
		if len(events) != 0 {
			t.Errorf("got %d events, want 0", len(events))
		}
	})
}

func TestTimelineOrder(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		// Same instant twice, then out of order: ordered by At, then by ID.
		inc := create(t, db, newIncident("Checkout down"), incidentbot.Change{Events: []incidentbot.TimelineEvent{
			{Kind: incidentbot.EventNote, Text: "c", At: t0.Add(3 * time.Second)},
			{Kind: incidentbot.EventNote, Text: "a1", At: t0.Add(time.Second)},
			{Kind: incidentbot.EventNote, Text: "a2", At: t0.Add(time.Second)},
			{Kind: incidentbot.EventNote, Text: "b", At: t0.Add(2*time.Second + time.Microsecond)},
			{Kind: incidentbot.EventNote, Text: "a0", At: t0.Add(999 * time.Millisecond)},
		}})
		events, err := db.Timeline(t.Context(), inc.ID)
		if err != nil {
			t.Fatalf("Timeline: %v", err)
		}
		var texts []string
		for _, e := range events {
			texts = append(texts, e.Text)
		}
		diff(t, "order", texts, []string{"a0", "a1", "a2", "b", "c"})
	})
}

func TestRoles(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		inc := create(t, db, newIncident("Checkout down"), incidentbot.Change{Roles: []incidentbot.RoleChange{
			{Role: incidentbot.RoleCommander, Users: []incidentbot.User{alice}, By: alice},
			{Role: incidentbot.RoleComms, Users: []incidentbot.User{carol}, By: alice},
			{Role: "tech-lead", Users: []incidentbot.User{alice}, By: alice},
		}})
		update := func(rcs ...incidentbot.RoleChange) {
			t.Helper()
			if _, err := db.UpdateIncident(t.Context(), inc.ID, func(*incidentbot.Incident) (incidentbot.Change, error) {
				return incidentbot.Change{Roles: rcs}, nil
			}); err != nil {
				t.Fatalf("UpdateIncident: %v", err)
			}
		}
		update(
			incidentbot.RoleChange{Role: incidentbot.RoleCommander, Users: []incidentbot.User{bob, carol}, By: alice, At: t0.Add(time.Minute)},
			incidentbot.RoleChange{Role: "tech-lead", By: bob, At: t0.Add(time.Minute)},
		)
		got, err := db.Roles(t.Context(), inc.ID)
		if err != nil {
			t.Fatalf("Roles: %v", err)
		}
		diff(t, "roles", got, []incidentbot.RoleAssignment{
			{IncidentID: inc.ID, Role: incidentbot.RoleCommander, User: bob, AssignedBy: alice, At: at(time.Minute)},
			{IncidentID: inc.ID, Role: incidentbot.RoleCommander, User: carol, AssignedBy: alice, At: at(time.Minute)},
			{IncidentID: inc.ID, Role: incidentbot.RoleComms, User: carol, AssignedBy: alice, At: at(0)},
		})
	})
}

func TestChecklist(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		inc := create(t, db, newIncident("Checkout down"), incidentbot.Change{Checklist: []incidentbot.ChecklistEntry{
			{Position: 2, Text: "Check deploys", State: incidentbot.ChecklistOpen},
			{Position: 1, Text: "Confirm outage", State: incidentbot.ChecklistOpen},
		}})
		if _, err := db.UpdateIncident(t.Context(), inc.ID, func(*incidentbot.Incident) (incidentbot.Change, error) {
			return incidentbot.Change{Checklist: []incidentbot.ChecklistEntry{
				{Position: 1, Text: "Confirm outage", State: incidentbot.ChecklistDone, By: bob, At: ptr(t0.Add(time.Minute))},
				{Position: 3, Text: "Tell customers", State: incidentbot.ChecklistSkipped, By: carol, At: ptr(t0.Add(2 * time.Minute))},
			}}, nil
		}); err != nil {
			t.Fatalf("UpdateIncident: %v", err)
		}
		got, err := db.Checklist(t.Context(), inc.ID)
		if err != nil {
			t.Fatalf("Checklist: %v", err)
		}
		diff(t, "checklist", got, []incidentbot.ChecklistEntry{
			{IncidentID: inc.ID, Position: 1, Text: "Confirm outage", State: incidentbot.ChecklistDone, By: bob, At: ptr(at(time.Minute))},
			{IncidentID: inc.ID, Position: 2, Text: "Check deploys", State: incidentbot.ChecklistOpen},
			{IncidentID: inc.ID, Position: 3, Text: "Tell customers", State: incidentbot.ChecklistSkipped, By: carol, At: ptr(at(2 * time.Minute))},
		})
	})
}

func TestMessages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		inc := create(t, db, newIncident("Checkout down"), incidentbot.Change{Messages: []incidentbot.SavedMessage{
			{Purpose: "welcome", Ref: incidentbot.MessageRef{ChannelID: "C1", ID: "1"}},
			{Purpose: "summary", Ref: incidentbot.MessageRef{ChannelID: "C-sum", ID: "2"}},
		}})
		if _, err := db.UpdateIncident(t.Context(), inc.ID, func(*incidentbot.Incident) (incidentbot.Change, error) {
			return incidentbot.Change{Messages: []incidentbot.SavedMessage{{Purpose: "summary", Ref: incidentbot.MessageRef{ChannelID: "C-sum", ID: "3"}}}}, nil
		}); err != nil {
			t.Fatalf("UpdateIncident: %v", err)
		}
		tests := []struct {
			purpose string
			want    incidentbot.MessageRef
		}{
			{"welcome", incidentbot.MessageRef{ChannelID: "C1", ID: "1"}},
			{"summary", incidentbot.MessageRef{ChannelID: "C-sum", ID: "3"}},
		}
		for _, tc := range tests {
			got, err := db.Message(t.Context(), inc.ID, tc.purpose)
			if err != nil {
				t.Fatalf("Message(%s): %v", tc.purpose, err)
			}
			diff(t, tc.purpose, got, tc.want)
		}
	})
}

func BenchmarkCreateIncident(b *testing.B) {
	for _, tc := range []struct {
		name string
		db   func(testing.TB) *store.DB
	}{
		{"sqlite", storetest.SQLite},
		{"postgres", storetest.Postgres},
	} {
		b.Run(tc.name, func(b *testing.B) {
			db := tc.db(b)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				inc := newIncident("Checkout down")
				ch := incidentbot.Change{
					Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventDeclared, Actor: alice, Text: "declared"}},
					Jobs:   []incidentbot.Job{{Key: fmt.Sprintf("bench-%d/create_channel", i), Kind: "create_channel"}},
				}
				if err := db.CreateIncident(b.Context(), inc, ch); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestTenancyAdoptIncidents: alert incidents stored without a workspace
// (before alerts had one) go to the alert workspace; nothing else moves.
func TestTenancyAdoptIncidents(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		orphan := newIncident("Alert from before")
		orphan.Workspace = ""
		create(t, db, orphan, incidentbot.Change{})
		otherPlatform := newIncident("Discord orphan")
		otherPlatform.Platform, otherPlatform.Workspace = incidentbot.PlatformDiscord, ""
		create(t, db, otherPlatform, incidentbot.Change{})
		owned := newIncident("Owned elsewhere")
		owned.Workspace = "T9"
		create(t, db, owned, incidentbot.Change{})

		n, err := db.AdoptIncidents(t.Context(), incidentbot.PlatformSlack, "T1")
		if err != nil || n != 1 {
			t.Fatalf("AdoptIncidents: got %d, %v; want 1", n, err)
		}
		for _, tc := range []struct {
			inc  *incidentbot.Incident
			want string
		}{{orphan, "T1"}, {otherPlatform, ""}, {owned, "T9"}} {
			got, err := db.Incident(t.Context(), tc.inc.ID)
			if err != nil || got.Workspace != tc.want {
				t.Errorf("%s: got workspace %q (%v), want %q", tc.inc.Title, got.Workspace, err, tc.want)
			}
		}
	})
}

// TestUpdateIncidentWithRoles: fn gets the roles as the lock finds them:
// a hand-over committed by a unit of work that held the lock first is
// seen, and fn's error writes nothing.
func TestUpdateIncidentWithRoles(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		inc := create(t, db, newIncident("Checkout down"), incidentbot.Change{Roles: []incidentbot.RoleChange{
			{Role: incidentbot.RoleCommander, Users: []incidentbot.User{alice}, By: alice},
		}})
		locked, release := make(chan struct{}), make(chan struct{})
		handed := make(chan error, 1)
		go func() {
			_, err := db.UpdateIncident(t.Context(), inc.ID, func(*incidentbot.Incident) (incidentbot.Change, error) {
				close(locked)
				<-release
				return incidentbot.Change{Roles: []incidentbot.RoleChange{{Role: incidentbot.RoleCommander, Users: []incidentbot.User{bob}, By: alice}}}, nil
			})
			handed <- err
		}()
		<-locked
		seen := make(chan []incidentbot.RoleAssignment, 1)
		done := make(chan error, 1)
		go func() {
			_, err := db.UpdateIncidentWithRoles(t.Context(), inc.ID, func(_ *incidentbot.Incident, roles []incidentbot.RoleAssignment) (incidentbot.Change, error) {
				seen <- roles
				return incidentbot.Change{}, incidentbot.Errorf(incidentbot.EFORBIDDEN, "Only the commander can do that.")
			})
			done <- err
		}()
		close(release)
		if err := <-handed; err != nil {
			t.Fatalf("hand-over: %v", err)
		}
		if err := <-done; incidentbot.ErrorCode(err) != incidentbot.EFORBIDDEN {
			t.Errorf("got %v, want fn's EFORBIDDEN unchanged", err)
		}
		if roles := <-seen; len(roles) != 1 || roles[0].User != bob {
			t.Errorf("fn saw %+v, want bob, who took over under the lock", roles)
		}
		if events, err := db.Timeline(t.Context(), inc.ID); err != nil || len(events) != 0 {
			t.Errorf("got %d events (%v), want none", len(events), err)
		}
	})
}
