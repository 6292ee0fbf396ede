package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// TestHistory: every filter of the dashboard's history, the tenant scope,
// paging with the total, and a search whose LIKE characters match only
// themselves, on both databases.
func TestHistory(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
		mk := func(title string, h int, sev incidentbot.Severity, typ, platform, ws string, st incidentbot.Status) int64 {
			inc := newIncident(title)
			inc.DeclaredAt, inc.DetectedAt, inc.Severity, inc.Type, inc.Platform, inc.Workspace, inc.Status = at(h), at(h), sev, typ, platform, ws, st
			return create(t, db, inc, incidentbot.Change{}).ID
		}
		a := mk("Checkout returns 504", 0, incidentbot.SEV1, "site-outage", "slack", "T1", incidentbot.StatusClosed)
		b := mk("Search is slow", 1, incidentbot.SEV3, "generic", "slack", "T1", incidentbot.StatusInvestigating)
		c := mk("100% of payments fail", 2, incidentbot.SEV2, "checkout-failure", "slack", "T1", incidentbot.StatusMitigated)
		d := mk("Checkout down for guild", 3, incidentbot.SEV1, "site-outage", "discord", "G1", incidentbot.StatusResolved)
		e := mk("Other team's CHECKOUT", 4, incidentbot.SEV1, "site-outage", "slack", "T2", incidentbot.StatusInvestigating)

		t1 := &incidentbot.Tenant{Platform: "slack", Workspace: "T1"}
		for _, tc := range []struct {
			name  string
			f     incidentbot.HistoryFilter
			want  []int64
			total int
		}{
			{"everything, newest first", incidentbot.HistoryFilter{}, []int64{e, d, c, b, a}, 5},
			{"one tenant", incidentbot.HistoryFilter{Tenant: t1}, []int64{c, b, a}, 3},
			{"a tenant nobody has", incidentbot.HistoryFilter{Tenant: &incidentbot.Tenant{Platform: "discord", Workspace: "T1"}}, nil, 0},
			{"open only", incidentbot.HistoryFilter{OpenOnly: true}, []int64{e, c, b}, 3},
			{"period", incidentbot.HistoryFilter{From: at(1), To: at(3)}, []int64{c, b}, 2},
			{"severity", incidentbot.HistoryFilter{Severity: incidentbot.SEV1}, []int64{e, d, a}, 3},
			{"playbook", incidentbot.HistoryFilter{Playbook: "checkout-failure"}, []int64{c}, 1},
			{"platform", incidentbot.HistoryFilter{Platform: "discord"}, []int64{d}, 1},
			{"search any case", incidentbot.HistoryFilter{Search: "  checkout "}, []int64{e, d, a}, 3},
			{"search in a tenant", incidentbot.HistoryFilter{Tenant: t1, Search: "CHECKOUT"}, []int64{a}, 1},
			{"a percent sign is itself", incidentbot.HistoryFilter{Search: "100%"}, []int64{c}, 1},
			{"an underscore is itself", incidentbot.HistoryFilter{Search: "Search_is"}, nil, 0},
			{"a page", incidentbot.HistoryFilter{Offset: 1, Limit: 2}, []int64{d, c}, 5},
			{"past the end", incidentbot.HistoryFilter{Offset: 10, Limit: 2}, nil, 5},
			{"after a key", incidentbot.HistoryFilter{After: &incidentbot.HistoryKey{DeclaredAt: at(3), ID: d}, Limit: 2}, []int64{c, b}, 5},
			{"after a key, same time, lower id", incidentbot.HistoryFilter{After: &incidentbot.HistoryKey{DeclaredAt: at(2), ID: c + 1}}, []int64{c, b, a}, 5},
			{"after a key in a tenant", incidentbot.HistoryFilter{Tenant: t1, After: &incidentbot.HistoryKey{DeclaredAt: at(2), ID: c}}, []int64{b, a}, 3},
			{"after the last", incidentbot.HistoryFilter{After: &incidentbot.HistoryKey{DeclaredAt: at(0), ID: a}}, nil, 5},
		} {
			got, total, err := db.History(t.Context(), tc.f)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			var ids []int64
			for _, inc := range got {
				ids = append(ids, inc.ID)
			}
			if !slices.Equal(ids, tc.want) || total != tc.total {
				t.Errorf("%s: got %v of %d, want %v of %d", tc.name, ids, total, tc.want, tc.total)
			}
		}
	})
}

// TestHistoryAttachments: roles, pauses and the latest event of a kind
// for many incidents at once, each incident's own, none for an incident
// without any.
func TestHistoryAttachments(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		bob := incidentbot.User{ID: "U2", Name: "bob"}
		a := create(t, db, newIncident("A"), incidentbot.Change{
			Roles: []incidentbot.RoleChange{{Role: "commander", Users: []incidentbot.User{alice}, At: t0}},
			Events: []incidentbot.TimelineEvent{
				{Kind: incidentbot.EventStatusUpdate, At: t0.Add(time.Minute), Text: "first"},
				{Kind: incidentbot.EventStatusUpdate, At: t0.Add(3 * time.Minute), Text: "latest"},
				{Kind: incidentbot.EventStatusUpdate, At: t0.Add(2 * time.Minute), Text: "stored last, happened before"},
				{Kind: incidentbot.EventNote, At: t0.Add(9 * time.Minute), Text: "a note"},
			},
		})
		b := create(t, db, newIncident("B"), incidentbot.Change{
			Roles:  []incidentbot.RoleChange{{Role: "commander", Users: []incidentbot.User{bob}, At: t0}, {Role: "comms", Users: []incidentbot.User{alice}, At: t0}},
			Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventStatusUpdate, At: t0, Text: "b's"}},
		})
		none := create(t, db, newIncident("C"), incidentbot.Change{})
		paused := t0.Add(time.Minute)
		pause := func(inc int64, id string) incidentbot.CampaignPause {
			return incidentbot.CampaignPause{IncidentID: inc, State: incidentbot.PausePaused, PausedAt: &paused,
				Campaign: incidentbot.Campaign{Platform: "meta", Account: "act_1", ID: id, DailyBudget: 48, Currency: "EUR"}}
		}
		if err := db.SavePauses(ctx, pause(a.ID, "c2"), pause(a.ID, "c1"), pause(b.ID, "c3")); err != nil {
			t.Fatal(err)
		}
		ids := []int64{a.ID, b.ID, none.ID}

		roles, err := db.RolesOf(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range roles {
			got = append(got, incidentbot.IncidentKey(r.IncidentID)+" "+r.Role+" "+r.User.Name)
		}
		if want := []string{a.Key + " commander alice", b.Key + " commander bob", b.Key + " comms alice"}; !slices.Equal(got, want) {
			t.Errorf("roles: got %q, want %q", got, want)
		}

		ps, err := db.PausesOf(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		got = nil
		for _, p := range ps {
			got = append(got, incidentbot.IncidentKey(p.IncidentID)+" "+p.Campaign.ID)
		}
		if want := []string{a.Key + " c1", a.Key + " c2", b.Key + " c3"}; !slices.Equal(got, want) {
			t.Errorf("pauses: got %q, want %q", got, want)
		}

		evs, err := db.LatestEvents(ctx, ids, incidentbot.EventStatusUpdate)
		if err != nil {
			t.Fatal(err)
		}
		got = nil
		for _, e := range evs {
			got = append(got, incidentbot.IncidentKey(e.IncidentID)+" "+e.Text)
		}
		if want := []string{a.Key + " latest", b.Key + " b's"}; !slices.Equal(got, want) {
			t.Errorf("latest status updates: got %q, want %q", got, want)
		}

		for name, fn := range map[string]func() (int, error){
			"roles":  func() (int, error) { r, err := db.RolesOf(ctx, nil); return len(r), err },
			"pauses": func() (int, error) { r, err := db.PausesOf(ctx, nil); return len(r), err },
			"events": func() (int, error) { r, err := db.LatestEvents(ctx, nil, incidentbot.EventNote); return len(r), err },
		} {
			if n, err := fn(); n != 0 || err != nil {
				t.Errorf("%s of no incident: %d, %v; want none and no error", name, n, err)
			}
		}
	})
}

// TestHistoryManyIDs: more ids than one IN list binds are read in chunks.
func TestHistoryManyIDs(t *testing.T) {
	t.Parallel()
	db := storetest.SQLite(t)
	inc := create(t, db, newIncident("A"), incidentbot.Change{
		Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventStatusUpdate, At: t0, Text: "found"}},
	})
	ids := make([]int64, 2500)
	for i := range ids {
		ids[i] = int64(10_000 + i)
	}
	ids[2400] = inc.ID
	evs, err := db.LatestEvents(t.Context(), ids, incidentbot.EventStatusUpdate)
	if err != nil || len(evs) != 1 || evs[0].Text != "found" {
		t.Fatalf("got %+v, %v; want the one event of the incident in the third chunk", evs, err)
	}
}

// TestHistorySearchUnicode: the title search folds the case of accented
// letters on both databases (SQLite's own lower() folds ASCII only).
func TestHistorySearchUnicode(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		id := create(t, db, newIncident("ÉCHEC DU PAIEMENT À LA CAISSE"), incidentbot.Change{}).ID
		create(t, db, newIncident("Checkout returns 504"), incidentbot.Change{})
		for _, q := range []string{"échec du", "à la caisse", "ÉCHEC"} {
			got, total, err := db.History(context.Background(), incidentbot.HistoryFilter{Search: q})
			if err != nil || total != 1 || len(got) != 1 || got[0].ID != id {
				t.Errorf("search %q: got %d of %d (%v), want the French incident alone", q, len(got), total, err)
			}
		}
	})
}
