package ads_test

import (
	"context"
	"log/slog"
	"slices"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/integrations/ads"
	"incidentbot/internal/fake/memads"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const (
	active = incidentbot.CampaignActive
	paused = incidentbot.CampaignPaused
	other  = incidentbot.CampaignOther
)

// fixture is two platforms: googleads with two accounts and meta with one.
// g4 and m3 were paused before any incident; g5 is archived.
type fixture struct {
	db      *store.DB
	google  *memads.Platform
	meta    *memads.Platform
	orc     *ads.Orchestrator
	initial []incidentbot.Campaign
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	f := &fixture{db: db, initial: []incidentbot.Campaign{
		{Platform: "googleads", Account: "1111111111", ID: "g1", Name: "Search - Shoes", Status: active, DailyBudget: 48, Currency: "EUR"},
		{Platform: "googleads", Account: "2222222222", ID: "g2", Name: "Search - Bags", Status: active},
		{Platform: "googleads", Account: "1111111111", ID: "g3", Name: "Brand - Shop", Status: active, Labels: []string{"Brand"}},
		{Platform: "googleads", Account: "1111111111", ID: "g4", Name: "Old promo", Status: paused},
		{Platform: "googleads", Account: "1111111111", ID: "g5", Name: "Removed", Status: other},
		{Platform: "meta", Account: "act_1", ID: "m1", Name: "Retargeting", Status: active},
		{Platform: "meta", Account: "act_1", ID: "m2", Name: "FR / Summer sale", Status: active, Labels: []string{"always-on", "Sale"}},
		{Platform: "meta", Account: "act_1", ID: "m3", Name: "Winter", Status: paused},
	}}
	f.google = memads.New("googleads", f.initial[:5]...)
	f.meta = memads.New("meta", f.initial[5:]...)
	f.orc = ads.New(db, []incidentbot.AdPlatform{f.google, f.meta}, incidentbot.ClockFunc(func() time.Time { return t0 }), slog.New(slog.DiscardHandler))
	return f
}

func (f *fixture) incident(t *testing.T, drill bool) *incidentbot.Incident {
	t.Helper()
	inc := &incidentbot.Incident{Title: "Checkout returns 504", Severity: incidentbot.SEV1, Drill: drill, Platform: incidentbot.PlatformConsole}
	if err := f.db.CreateIncident(t.Context(), inc, incidentbot.Change{}); err != nil {
		t.Fatalf("CreateIncident: %v", err)
	}
	return inc
}

func (f *fixture) setStatus(t *testing.T, inc *incidentbot.Incident, s incidentbot.Status) {
	t.Helper()
	if _, err := f.db.UpdateIncident(t.Context(), inc.ID, func(i *incidentbot.Incident) (incidentbot.Change, error) {
		i.Status = s
		return incidentbot.Change{}, nil
	}); err != nil {
		t.Fatalf("UpdateIncident: %v", err)
	}
}

func (f *fixture) platform(id string) *memads.Platform {
	if id[0] == 'm' {
		return f.meta
	}
	return f.google
}

func (f *fixture) campaign(id string) incidentbot.Campaign {
	for _, c := range f.initial {
		if c.ID == id {
			return c
		}
	}
	panic("no campaign " + id)
}

func (f *fixture) setByHand(id string, s incidentbot.CampaignStatus) {
	f.platform(id).SetByHand(f.campaign(id).Key(), s)
}

// statuses returns every campaign's current status by id.
func (f *fixture) statuses() map[string]incidentbot.CampaignStatus {
	out := map[string]incidentbot.CampaignStatus{}
	for _, c := range f.initial {
		now, _ := f.platform(c.ID).Campaign(c.Key())
		out[c.ID] = now.Status
	}
	return out
}

// wantStatuses checks the platforms: ids in changed have that status,
// every other campaign its initial one.
func (f *fixture) wantStatuses(t *testing.T, changed map[string]incidentbot.CampaignStatus) {
	t.Helper()
	for id, got := range f.statuses() {
		want, ok := changed[id]
		if !ok {
			want = f.campaign(id).Status
		}
		if got != want {
			t.Errorf("campaign %s: got %s, want %s", id, got, want)
		}
	}
}

// records returns the incident's stored pause records by campaign id.
func (f *fixture) records(t *testing.T, inc *incidentbot.Incident) map[string]incidentbot.CampaignPause {
	t.Helper()
	ps, err := f.db.Pauses(t.Context(), inc.ID)
	if err != nil {
		t.Fatalf("Pauses: %v", err)
	}
	out := map[string]incidentbot.CampaignPause{}
	for _, p := range ps {
		out[p.Campaign.ID] = p
	}
	return out
}

// save writes a record as an earlier run (or a crash) would have left it.
func (f *fixture) save(t *testing.T, inc *incidentbot.Incident, id string, state incidentbot.PauseState) {
	t.Helper()
	c := f.campaign(id)
	p := incidentbot.CampaignPause{IncidentID: inc.ID, Campaign: c, PriorStatus: c.Status, PriorRaw: memads.RawStatus(c.Status), State: state}
	if err := f.db.SavePauses(t.Context(), p); err != nil {
		t.Fatalf("SavePauses: %v", err)
	}
}

func (f *fixture) calls() int { return f.google.Calls() + f.meta.Calls() }

func ids(ps []incidentbot.CampaignPause) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Campaign.ID
	}
	slices.Sort(out)
	return out
}

func wantIDs(t *testing.T, what string, ps []incidentbot.CampaignPause, want ...string) {
	t.Helper()
	if got := ids(ps); !slices.Equal(got, want) {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

// wantReport checks every outcome of a report; nil means none.
func wantReport(t *testing.T, rep ads.Report, paused, shared, failed, resumed, left []string) {
	t.Helper()
	wantIDs(t, "Paused", rep.Paused, paused...)
	wantIDs(t, "Shared", rep.Shared, shared...)
	wantIDs(t, "Failed", rep.Failed, failed...)
	wantIDs(t, "Resumed", rep.Resumed, resumed...)
	wantIDs(t, "LeftPaused", rep.LeftPaused, left...)
}

func wantSummary(t *testing.T, rep ads.Report, want string) {
	t.Helper()
	if got := rep.Summary("en"); got != want {
		t.Errorf("Summary:\ngot  %q\nwant %q", got, want)
	}
}

func wantErrors(t *testing.T, rep ads.Report, want map[string]string) {
	t.Helper()
	for _, p := range slices.Concat(rep.Failed, rep.LeftPaused) {
		if w := want[p.Campaign.ID]; i18n.Stored("en", p.Error) != w {
			t.Errorf("campaign %s: got error %q, want %q", p.Campaign.ID, p.Error, w)
		}
	}
}

func wantStates(t *testing.T, got map[string]incidentbot.CampaignPause, want map[string]incidentbot.PauseState) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d records, want %d", len(got), len(want))
	}
	for id, w := range want {
		if g := got[id].State; g != w {
			t.Errorf("record %s: got state %q, want %q", id, g, w)
		}
	}
}

var allServing = []string{"g1", "g2", "g3", "m1", "m2"}

func allPaused() map[string]incidentbot.CampaignStatus {
	return map[string]incidentbot.CampaignStatus{"g1": paused, "g2": paused, "g3": paused, "m1": paused, "m2": paused}
}

func statesOf(ids []string, s incidentbot.PauseState) map[string]incidentbot.PauseState {
	out := map[string]incidentbot.PauseState{}
	for _, id := range ids {
		out[id] = s
	}
	return out
}

func TestPlatforms(t *testing.T) {
	t.Parallel()
	orc := ads.New(nil, []incidentbot.AdPlatform{memads.New("meta"), memads.New("googleads")}, incidentbot.SystemClock{}, nil)
	if got, want := orc.Platforms(), []string{"meta", "googleads"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestPauseThenResumeRestoresExactSet(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := t.Context()
		inc := f.incident(t, false)

		rep, err := f.orc.Pause(ctx, inc, ads.Selection{})
		if err != nil {
			t.Fatalf("Pause: %v", err)
		}
		wantReport(t, rep, allServing, nil, nil, nil, nil)
		wantSummary(t, rep, "Paused 3 campaigns on googleads (2 accounts) and 2 on meta.")
		f.wantStatuses(t, allPaused()) // g4 and m3, paused before, stay as they were
		recs := f.records(t, inc)
		wantStates(t, recs, statesOf(allServing, incidentbot.PausePaused))
		for id, r := range recs {
			if r.PriorStatus != active || r.PriorRaw != "ACTIVE" || r.Shared || r.PausedAt == nil || !r.PausedAt.Equal(t0) {
				t.Errorf("record %s: got prior %s/%s shared %v paused at %v, want active/ACTIVE, not shared, at %v",
					id, r.PriorStatus, r.PriorRaw, r.Shared, r.PausedAt, t0)
			}
		}
		if got := recs["g1"].Campaign; got.DailyBudget != 48 || got.Currency != "EUR" || got.Name != "Search - Shoes" {
			t.Errorf("record g1 campaign: got %+v, want the listed budget and name", got)
		}

		rep, err = f.orc.Resume(ctx, inc, nil)
		if err != nil {
			t.Fatalf("Resume: %v", err)
		}
		wantReport(t, rep, nil, nil, nil, allServing, nil)
		wantSummary(t, rep, "Resumed 3 campaigns on googleads (2 accounts) and 2 on meta.")
		f.wantStatuses(t, nil)
		recs = f.records(t, inc)
		wantStates(t, recs, statesOf(allServing, incidentbot.PauseResumed))
		if r := recs["m1"]; r.ResumedAt == nil || !r.ResumedAt.Equal(t0) {
			t.Errorf("record m1: got resumed at %v, want %v", r.ResumedAt, t0)
		}

		calls := f.calls()
		rep, err = f.orc.Resume(ctx, inc, nil)
		if err != nil {
			t.Fatalf("second Resume: %v", err)
		}
		wantReport(t, rep, nil, nil, nil, nil, nil)
		wantSummary(t, rep, "Nothing to resume: this incident holds no paused campaign.")
		if got := f.calls(); got != calls {
			t.Errorf("second Resume: got %d API calls, want none", got-calls)
		}
	})
}

func TestPauseIsIdempotent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		inc := f.incident(t, false)
		if _, err := f.orc.Pause(t.Context(), inc, ads.Selection{}); err != nil {
			t.Fatalf("Pause: %v", err)
		}
		if got, want := f.calls(), 4; got != want {
			t.Errorf("first Pause: got %d API calls, want %d (one list and one batch per platform)", got, want)
		}
		rep, err := f.orc.Pause(t.Context(), inc, ads.Selection{})
		if err != nil {
			t.Fatalf("second Pause: %v", err)
		}
		wantReport(t, rep, nil, nil, nil, nil, nil)
		wantSummary(t, rep, "Nothing to pause: no matching campaign is serving.")
		if got, want := f.calls(), 6; got != want {
			t.Errorf("second Pause: got %d API calls in all, want %d (lists only)", got, want)
		}
		wantStates(t, f.records(t, inc), statesOf(allServing, incidentbot.PausePaused))

		// Re-enabled by hand during the incident: a person decided, so a
		// repeat pause leaves it serving.
		f.setByHand("g1", active)
		rep, err = f.orc.Pause(t.Context(), inc, ads.Selection{})
		if err != nil {
			t.Fatalf("third Pause: %v", err)
		}
		wantReport(t, rep, nil, nil, nil, nil, nil)
		f.wantStatuses(t, map[string]incidentbot.CampaignStatus{"g2": paused, "g3": paused, "m1": paused, "m2": paused})
	})
}

func TestPauseSelection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		sel         ads.Selection
		wantPaused  []string
		wantSkipped []string
		wantCode    string
	}{
		{"everything serving", ads.Selection{}, allServing, nil, ""},
		{"one platform", ads.Selection{Platforms: []string{"meta"}}, []string{"m1", "m2"}, nil, ""},
		{"platform in any case", ads.Selection{Platforms: []string{"GoogleAds"}}, []string{"g1", "g2", "g3"}, nil, ""},
		{"one account", ads.Selection{Accounts: []string{"222-222-2222"}}, []string{"g2"}, nil, ""},
		{"include", ads.Selection{Include: []string{"search*"}}, []string{"g1", "g2"}, nil, ""},
		{"exclude brand", ads.Selection{Exclude: []string{"brand*"}}, []string{"g1", "g2", "m1", "m2"}, nil, ""},
		{"glob across a slash", ads.Selection{Include: []string{"*sale*"}}, []string{"m2"}, nil, ""},
		{"unknown platform skipped", ads.Selection{Platforms: []string{"meta", "tiktok"}}, []string{"m1", "m2"}, []string{"tiktok"}, ""},
		{"only unknown platforms", ads.Selection{Platforms: []string{"tiktok"}}, nil, []string{"tiktok"}, ""},
		{"bad glob", ads.Selection{Include: []string{"[search"}}, nil, nil, incidentbot.EINVALID},
		{"exclude label brand", ads.Selection{ExcludeLabels: []string{"brand"}}, []string{"g1", "g2", "m1", "m2"}, nil, ""},
		{"include label", ads.Selection{IncludeLabels: []string{"SALE"}}, []string{"m2"}, nil, ""},
		{"labels across platforms", ads.Selection{ExcludeLabels: []string{"Brand", "Always-On"}}, []string{"g1", "g2", "m1"}, nil, ""},
		{"glob as label", ads.Selection{ExcludeLabels: []string{"brand*"}}, nil, nil, incidentbot.EINVALID},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				f := newFixture(t, db)
				inc := f.incident(t, false)
				rep, err := f.orc.Pause(t.Context(), inc, tc.sel)
				if got := incidentbot.ErrorCode(err); got != tc.wantCode {
					t.Fatalf("got error %v, want code %q", err, tc.wantCode)
				}
				wantReport(t, rep, tc.wantPaused, nil, nil, nil, nil)
				if !slices.Equal(rep.Skipped, tc.wantSkipped) {
					t.Errorf("Skipped: got %v, want %v", rep.Skipped, tc.wantSkipped)
				}
				changed := map[string]incidentbot.CampaignStatus{}
				for _, id := range tc.wantPaused {
					changed[id] = paused
				}
				f.wantStatuses(t, changed)
				wantStates(t, f.records(t, inc), statesOf(tc.wantPaused, incidentbot.PausePaused))
				// Close it so that the next case's incident holds nothing shared.
				f.setStatus(t, inc, incidentbot.StatusClosed)
			})
		}
	})
}

// TestResumeAfterHandRoundTrip: a campaign re-enabled by hand and paused
// again before the resume is paused as the bot left it: still the
// incident's to resume.
func TestResumeAfterHandRoundTrip(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.SQLite(t))
	inc := f.incident(t, false)
	if _, err := f.orc.Pause(t.Context(), inc, ads.Selection{}); err != nil {
		t.Fatalf("Pause: %v", err)
	}
	f.setByHand("g1", active)
	f.setByHand("g1", paused)
	rep, err := f.orc.Resume(t.Context(), inc, nil)
	if err != nil {
		t.Fatalf("Resume: %v", err)
	}
	wantReport(t, rep, nil, nil, nil, allServing, nil)
	f.wantStatuses(t, nil)
}

func TestResumeLeavesHandChangesAlone(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := t.Context()
		inc := f.incident(t, false)
		if _, err := f.orc.Pause(ctx, inc, ads.Selection{}); err != nil {
			t.Fatalf("Pause: %v", err)
		}
		f.setByHand("g1", active) // someone re-enabled it during the incident
		f.setByHand("m2", other)  // someone archived it
		// Had Resume sent them, these would come back as item errors.
		f.google.FailCampaign("g1", incidentbot.Errorf(incidentbot.EINTERNAL, "touched"))
		f.meta.FailCampaign("m2", incidentbot.Errorf(incidentbot.EINTERNAL, "touched"))

		rep, err := f.orc.Resume(ctx, inc, nil)
		if err != nil {
			t.Fatalf("Resume: %v", err)
		}
		wantReport(t, rep, nil, nil, nil, []string{"g2", "g3", "m1"}, []string{"g1", "m2"})
		wantErrors(t, rep, map[string]string{
			"g1": "changed by hand since the pause (now ACTIVE): left alone",
			"m2": "changed by hand since the pause (now ARCHIVED): left alone",
		})
		wantSummary(t, rep, "Resumed 2 campaigns on googleads (2 accounts) and 1 on meta; left 2 paused: "+
			"Search - Shoes (changed by hand since the pause (now ACTIVE): left alone), "+
			"FR / Summer sale (changed by hand since the pause (now ARCHIVED): left alone).")
		f.wantStatuses(t, map[string]incidentbot.CampaignStatus{"m2": other})
		wantStates(t, f.records(t, inc), map[string]incidentbot.PauseState{
			"g1": incidentbot.PauseLeftPaused, "g2": incidentbot.PauseResumed, "g3": incidentbot.PauseResumed,
			"m1": incidentbot.PauseResumed, "m2": incidentbot.PauseLeftPaused,
		})
	})
}

func TestOverlappingIncidents(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// end finishes the incidents a (first to pause) and b (holds a's
		// campaigns too), checking each step.
		end func(t *testing.T, f *fixture, a, b *incidentbot.Incident)
	}{
		{"first holder resolves first", func(t *testing.T, f *fixture, a, b *incidentbot.Incident) {
			rep, err := f.orc.Resume(t.Context(), a, nil)
			if err != nil {
				t.Fatalf("Resume a: %v", err)
			}
			wantReport(t, rep, nil, nil, nil, nil, allServing)
			for _, p := range rep.LeftPaused {
				if want := "still held by " + b.Key; i18n.Stored("en", p.Error) != want {
					t.Errorf("campaign %s: got %q, want %q", p.Campaign.ID, p.Error, want)
				}
			}
			f.wantStatuses(t, allPaused())
			rep, err = f.orc.Resume(t.Context(), b, nil)
			if err != nil {
				t.Fatalf("Resume b: %v", err)
			}
			wantReport(t, rep, nil, nil, nil, allServing, nil)
		}},
		{"second holder resolves first", func(t *testing.T, f *fixture, a, b *incidentbot.Incident) {
			rep, err := f.orc.Resume(t.Context(), b, nil)
			if err != nil {
				t.Fatalf("Resume b: %v", err)
			}
			wantReport(t, rep, nil, nil, nil, nil, allServing)
			for _, p := range rep.LeftPaused {
				if want := "still held by " + a.Key; i18n.Stored("en", p.Error) != want {
					t.Errorf("campaign %s: got %q, want %q", p.Campaign.ID, p.Error, want)
				}
			}
			f.wantStatuses(t, allPaused())
			rep, err = f.orc.Resume(t.Context(), a, nil)
			if err != nil {
				t.Fatalf("Resume a: %v", err)
			}
			wantReport(t, rep, nil, nil, nil, allServing, nil)
		}},
		{"first holder closed without resuming", func(t *testing.T, f *fixture, a, b *incidentbot.Incident) {
			f.setStatus(t, a, incidentbot.StatusClosed)
			rep, err := f.orc.Resume(t.Context(), b, nil)
			if err != nil {
				t.Fatalf("Resume b: %v", err)
			}
			wantReport(t, rep, nil, nil, nil, allServing, nil)
		}},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				f := newFixture(t, db)
				ctx := t.Context()
				a := f.incident(t, false)
				if _, err := f.orc.Pause(ctx, a, ads.Selection{}); err != nil {
					t.Fatalf("Pause a: %v", err)
				}
				b := f.incident(t, false)
				calls := f.calls()
				rep, err := f.orc.Pause(ctx, b, ads.Selection{})
				if err != nil {
					t.Fatalf("Pause b: %v", err)
				}
				wantReport(t, rep, nil, allServing, nil, nil, nil)
				wantSummary(t, rep, "5 campaigns already paused by another incident, now held by this one too.")
				if got := f.calls() - calls; got != 2 {
					t.Errorf("Pause b: got %d API calls, want 2 (lists only)", got)
				}
				for id, r := range f.records(t, b) {
					if !r.Shared || r.State != incidentbot.PausePaused || r.PriorStatus != active {
						t.Errorf("b's record %s: got shared %v state %s prior %s, want shared, paused, active", id, r.Shared, r.State, r.PriorStatus)
					}
				}
				tc.end(t, f, a, b)
				f.wantStatuses(t, nil)
				f.setStatus(t, a, incidentbot.StatusClosed)
				f.setStatus(t, b, incidentbot.StatusClosed)
			})
		}
	})
}

func TestPauseRetriesItemFailure(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := t.Context()
		inc := f.incident(t, false)
		const denied = "No access to campaign Retargeting. Ask an admin of the ad account."
		f.meta.FailCampaign("m1", incidentbot.Errorf(incidentbot.EFORBIDDEN, denied))

		rep, err := f.orc.Pause(ctx, inc, ads.Selection{})
		if err != nil {
			t.Fatalf("Pause: %v", err)
		}
		wantReport(t, rep, []string{"g1", "g2", "g3", "m2"}, nil, []string{"m1"}, nil, nil)
		wantErrors(t, rep, map[string]string{"m1": denied})
		wantSummary(t, rep, "Paused 3 campaigns on googleads (2 accounts) and 1 on meta; 1 failed: Retargeting ("+denied[:len(denied)-1]+").")
		if r := f.records(t, inc)["m1"]; r.State != incidentbot.PauseFailed || i18n.Stored("en", r.Error) != denied {
			t.Errorf("record m1: got %s %q, want failed %q", r.State, r.Error, denied)
		}

		rep, err = f.orc.Pause(ctx, inc, ads.Selection{})
		if err != nil {
			t.Fatalf("second Pause: %v", err)
		}
		wantReport(t, rep, nil, nil, []string{"m1"}, nil, nil)

		f.meta.FailCampaign("m1", nil)
		googleCalls := f.google.Calls()
		rep, err = f.orc.Pause(ctx, inc, ads.Selection{})
		if err != nil {
			t.Fatalf("third Pause: %v", err)
		}
		wantReport(t, rep, []string{"m1"}, nil, nil, nil, nil)
		if got := f.google.Calls() - googleCalls; got != 1 {
			t.Errorf("third Pause: got %d googleads calls, want 1 (the list)", got)
		}
		f.wantStatuses(t, allPaused())
		wantStates(t, f.records(t, inc), statesOf(allServing, incidentbot.PausePaused))
	})
}

func TestWholeCallFailure(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := t.Context()
		inc := f.incident(t, false)
		f.meta.FailNext(1, nil)

		rep, err := f.orc.Pause(ctx, inc, ads.Selection{})
		if got := incidentbot.ErrorCode(err); got != incidentbot.EUNAVAILABLE {
			t.Fatalf("Pause: got error %v, want code %q", err, incidentbot.EUNAVAILABLE)
		}
		const throttled = "meta is throttling requests. Try again in a minute."
		wantReport(t, rep, []string{"g1", "g2", "g3"}, nil, []string{"m1", "m2"}, nil, nil)
		wantErrors(t, rep, map[string]string{"m1": throttled, "m2": throttled})
		f.wantStatuses(t, map[string]incidentbot.CampaignStatus{"g1": paused, "g2": paused, "g3": paused})
		recs := f.records(t, inc)
		if recs["m1"].State != incidentbot.PauseFailed || i18n.Stored("en", recs["m1"].Error) != throttled {
			t.Errorf("record m1: got %s %q, want failed %q", recs["m1"].State, recs["m1"].Error, throttled)
		}

		rep, err = f.orc.Pause(ctx, inc, ads.Selection{})
		if err != nil {
			t.Fatalf("second Pause: %v", err)
		}
		wantReport(t, rep, []string{"m1", "m2"}, nil, nil, nil, nil)

		f.google.FailNext(1, nil)
		rep, err = f.orc.Resume(ctx, inc, nil)
		if got := incidentbot.ErrorCode(err); got != incidentbot.EUNAVAILABLE {
			t.Fatalf("Resume: got error %v, want code %q", err, incidentbot.EUNAVAILABLE)
		}
		wantReport(t, rep, nil, nil, []string{"g1", "g2", "g3"}, []string{"m1", "m2"}, nil)
		f.wantStatuses(t, map[string]incidentbot.CampaignStatus{"g1": paused, "g2": paused, "g3": paused})
		recs = f.records(t, inc)
		if r := recs["g1"]; r.State != incidentbot.PausePaused || r.Error == "" {
			t.Errorf("record g1: got %s %q, want paused with the reason, so Resume retries it", r.State, r.Error)
		}

		rep, err = f.orc.Resume(ctx, inc, nil)
		if err != nil {
			t.Fatalf("second Resume: %v", err)
		}
		wantReport(t, rep, nil, nil, nil, []string{"g1", "g2", "g3"}, nil)
		f.wantStatuses(t, nil)
	})
}

// unlisted is a platform whose listing always fails.
type unlisted struct{ *memads.Platform }

func (unlisted) Campaigns(context.Context) ([]incidentbot.Campaign, error) {
	return nil, incidentbot.Errorf(incidentbot.EUNAVAILABLE, "Meta does not answer. Try again in a few minutes.")
}

func TestListFailure(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		orc := ads.New(db, []incidentbot.AdPlatform{f.google, unlisted{f.meta}}, incidentbot.ClockFunc(func() time.Time { return t0 }), nil)
		inc := f.incident(t, false)
		rep, err := orc.Pause(t.Context(), inc, ads.Selection{})
		if got := incidentbot.ErrorCode(err); got != incidentbot.EUNAVAILABLE {
			t.Fatalf("got error %v, want code %q", err, incidentbot.EUNAVAILABLE)
		}
		wantReport(t, rep, []string{"g1", "g2", "g3"}, nil, nil, nil, nil)
		wantSummary(t, rep, "Paused 3 campaigns on googleads (2 accounts); meta: Meta does not answer. Try again in a few minutes.")
		f.wantStatuses(t, map[string]incidentbot.CampaignStatus{"g1": paused, "g2": paused, "g3": paused})
	})
}

func TestReconcileAfterCrash(t *testing.T) {
	t.Parallel()
	touched := incidentbot.Errorf(incidentbot.EINTERNAL, "sent to the API")
	tests := []struct {
		name string
		// crash leaves records and platform state as a crash would.
		crash  func(t *testing.T, f *fixture, inc *incidentbot.Incident)
		resume bool // reconcile with Resume rather than Pause
		want   func(t *testing.T, rep ads.Report)
		states map[string]incidentbot.PauseState
		now    map[string]incidentbot.CampaignStatus
	}{
		{
			name: "pause sent, result not written: Pause records it",
			crash: func(t *testing.T, f *fixture, inc *incidentbot.Incident) {
				f.save(t, inc, "g1", incidentbot.PausePausing)
				f.setByHand("g1", paused) // the API call went through
				f.google.FailCampaign("g1", touched)
				f.save(t, inc, "g2", incidentbot.PausePausing) // the API call never went out
			},
			want: func(t *testing.T, rep ads.Report) {
				wantReport(t, rep, []string{"g1", "g2"}, nil, nil, nil, nil)
			},
			states: map[string]incidentbot.PauseState{"g1": incidentbot.PausePaused, "g2": incidentbot.PausePaused},
			now:    map[string]incidentbot.CampaignStatus{"g1": paused, "g2": paused},
		},
		{
			name: "pause sent, result not written: Resume resumes it",
			crash: func(t *testing.T, f *fixture, inc *incidentbot.Incident) {
				f.save(t, inc, "g1", incidentbot.PausePausing)
				f.setByHand("g1", paused)
				f.save(t, inc, "g2", incidentbot.PausePausing)
				f.google.FailCampaign("g2", touched)
			},
			resume: true,
			want: func(t *testing.T, rep ads.Report) {
				wantReport(t, rep, nil, nil, []string{"g2"}, []string{"g1"}, nil)
				wantErrors(t, rep, map[string]string{"g2": "the pause never took effect (now ACTIVE): left alone"})
			},
			states: map[string]incidentbot.PauseState{"g1": incidentbot.PauseResumed, "g2": incidentbot.PauseFailed},
		},
		{
			name: "resume sent, result not written",
			crash: func(t *testing.T, f *fixture, inc *incidentbot.Incident) {
				f.save(t, inc, "g1", incidentbot.PauseResuming)
				f.google.FailCampaign("g1", touched) // already active: the resume went through
				f.save(t, inc, "g2", incidentbot.PauseResuming)
				f.setByHand("g2", paused) // the resume never went out
			},
			resume: true,
			want: func(t *testing.T, rep ads.Report) {
				wantReport(t, rep, nil, nil, nil, []string{"g1", "g2"}, nil)
			},
			states: map[string]incidentbot.PauseState{"g1": incidentbot.PauseResumed, "g2": incidentbot.PauseResumed},
		},
		{
			name: "resume never sent, paused again",
			crash: func(t *testing.T, f *fixture, inc *incidentbot.Incident) {
				f.save(t, inc, "g1", incidentbot.PauseResuming)
				f.setByHand("g1", paused)
				f.google.FailCampaign("g1", touched)
			},
			want: func(t *testing.T, rep ads.Report) {
				wantReport(t, rep, []string{"g1", "g2"}, nil, nil, nil, nil)
			},
			states: map[string]incidentbot.PauseState{"g1": incidentbot.PausePaused, "g2": incidentbot.PausePaused},
			now:    map[string]incidentbot.CampaignStatus{"g1": paused, "g2": paused},
		},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				f := newFixture(t, db)
				inc := f.incident(t, false)
				tc.crash(t, f, inc)
				var rep ads.Report
				var err error
				if tc.resume {
					rep, err = f.orc.Resume(t.Context(), inc, nil)
				} else {
					rep, err = f.orc.Pause(t.Context(), inc, ads.Selection{Include: []string{"search*"}})
				}
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				tc.want(t, rep)
				wantStates(t, f.records(t, inc), tc.states)
				f.wantStatuses(t, tc.now)
				f.setStatus(t, inc, incidentbot.StatusClosed)
			})
		}
	})
}

func TestDrillChangesNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := t.Context()
		drill := f.incident(t, true)
		f.meta.FailCampaign("m2", incidentbot.Errorf(incidentbot.EFORBIDDEN, "No access."))

		rep, err := f.orc.Pause(ctx, drill, ads.Selection{})
		if err != nil {
			t.Fatalf("Pause: %v", err)
		}
		if !rep.DryRun {
			t.Error("got DryRun false, want true")
		}
		wantReport(t, rep, []string{"g1", "g2", "g3", "m1"}, nil, []string{"m2"}, nil, nil)
		wantSummary(t, rep, "Would pause 3 campaigns on googleads (2 accounts) and 1 on meta; 1 would fail: FR / Summer sale (No access).")
		f.wantStatuses(t, nil)
		if got := f.records(t, drill); len(got) != 0 {
			t.Errorf("got %d records stored for a drill, want none", len(got))
		}

		rep, err = f.orc.Resume(ctx, drill, nil)
		if err != nil {
			t.Fatalf("Resume: %v", err)
		}
		wantReport(t, rep, nil, nil, nil, nil, nil)
		wantSummary(t, rep, "Would resume nothing: this incident holds no paused campaign.")
		f.wantStatuses(t, nil)

		// A real incident later is not confused by the drill.
		inc := f.incident(t, false)
		f.meta.FailCampaign("m2", nil)
		rep, err = f.orc.Pause(ctx, inc, ads.Selection{})
		if err != nil {
			t.Fatalf("Pause after drill: %v", err)
		}
		wantReport(t, rep, allServing, nil, nil, nil, nil)
	})
}

// partial applies only the first campaign of each SetStatus call, then
// fails the call: what a batching client does when a later batch fails.
type partial struct{ *memads.Platform }

func (p partial) SetStatus(ctx context.Context, cs []incidentbot.Campaign, to incidentbot.CampaignStatus, opts incidentbot.AdOptions) ([]incidentbot.CampaignResult, error) {
	res, err := p.Platform.SetStatus(ctx, cs[:1], to, opts)
	if err != nil {
		return nil, err
	}
	return res, incidentbot.Errorf(incidentbot.EUNAVAILABLE, "Google Ads timed out. Try again in a minute.")
}

func TestPartialCallFailure(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := t.Context()
		clock := incidentbot.ClockFunc(func() time.Time { return t0 })
		broken := ads.New(db, []incidentbot.AdPlatform{partial{f.google}}, clock, nil)
		inc := f.incident(t, false)

		rep, err := broken.Pause(ctx, inc, ads.Selection{})
		if got := incidentbot.ErrorCode(err); got != incidentbot.EUNAVAILABLE {
			t.Fatalf("Pause: got error %v, want code %q", err, incidentbot.EUNAVAILABLE)
		}
		wantReport(t, rep, []string{"g1"}, nil, []string{"g2", "g3"}, nil, nil)
		// Unknown outcome: kept as intents, so the next run reads them back.
		wantStates(t, f.records(t, inc), map[string]incidentbot.PauseState{
			"g1": incidentbot.PausePaused, "g2": incidentbot.PausePausing, "g3": incidentbot.PausePausing,
		})

		rep, err = f.orc.Pause(ctx, inc, ads.Selection{Platforms: []string{"googleads"}})
		if err != nil {
			t.Fatalf("second Pause: %v", err)
		}
		wantReport(t, rep, []string{"g2", "g3"}, nil, nil, nil, nil)
		f.wantStatuses(t, map[string]incidentbot.CampaignStatus{"g1": paused, "g2": paused, "g3": paused})

		rep, err = broken.Resume(ctx, inc, nil)
		if got := incidentbot.ErrorCode(err); got != incidentbot.EUNAVAILABLE {
			t.Fatalf("Resume: got error %v, want code %q", err, incidentbot.EUNAVAILABLE)
		}
		wantReport(t, rep, nil, nil, []string{"g2", "g3"}, []string{"g1"}, nil)
		wantStates(t, f.records(t, inc), map[string]incidentbot.PauseState{
			"g1": incidentbot.PauseResumed, "g2": incidentbot.PauseResuming, "g3": incidentbot.PauseResuming,
		})

		rep, err = f.orc.Resume(ctx, inc, nil)
		if err != nil {
			t.Fatalf("second Resume: %v", err)
		}
		wantReport(t, rep, nil, nil, nil, []string{"g2", "g3"}, nil)
		f.wantStatuses(t, nil)
	})
}

func TestResumeUnconfiguredPlatform(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := t.Context()
		inc := f.incident(t, false)
		if _, err := f.orc.Pause(ctx, inc, ads.Selection{}); err != nil {
			t.Fatalf("Pause: %v", err)
		}
		googleOnly := ads.New(db, []incidentbot.AdPlatform{f.google}, incidentbot.ClockFunc(func() time.Time { return t0 }), nil)

		rep, err := googleOnly.Resume(ctx, inc, []string{"tiktok"})
		if err != nil {
			t.Fatalf("Resume tiktok: %v", err)
		}
		wantReport(t, rep, nil, nil, nil, nil, nil)
		wantSummary(t, rep, "Nothing to resume: this incident holds no paused campaign; skipped tiktok (not configured).")

		rep, err = googleOnly.Resume(ctx, inc, nil)
		if err != nil {
			t.Fatalf("Resume: %v", err)
		}
		wantReport(t, rep, nil, nil, nil, []string{"g1", "g2", "g3"}, nil)
		if !slices.Equal(rep.Skipped, []string{"meta"}) {
			t.Errorf("Skipped: got %v, want [meta]", rep.Skipped)
		}
		wantStates(t, f.records(t, inc), map[string]incidentbot.PauseState{
			"g1": incidentbot.PauseResumed, "g2": incidentbot.PauseResumed, "g3": incidentbot.PauseResumed,
			"m1": incidentbot.PausePaused, "m2": incidentbot.PausePaused,
		})
	})
}
