// Package adstest runs the same end-to-end orchestrator test over each ad
// platform's real client and its fake server (internal/fake/<platform>).
package adstest

import (
	"log/slog"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/integrations/ads"
	"incidentbot/internal/storetest"
)

// Platform is a client over a fake server seeded with serving campaigns,
// and what the test reads and changes on the fake.
type Platform struct {
	Client incidentbot.AdPlatform
	// Active and Paused are the platform's words (ENABLED, PAUSED ...).
	Active, Paused string
	// Serving are the campaigns that serve before the incident; NotServing
	// the others (paused, budget-paused ...) with their status, which
	// must never change.
	Serving    []string
	NotServing map[string]string
	Status     func(id string) string  // a campaign's status on the fake
	SetStatus  func(id, status string) // a change by hand
	Updates    func() int              // status-change calls; nil when drills call the API (validate-only)
}

// Orchestrator pauses in a drill (nothing changes), then for real; someone
// re-enables one campaign by hand; resume restores every other one and
// reports that one as left alone. The fake's final state is what counts.
func Orchestrator(t *testing.T, p Platform) {
	t.Helper()
	db := storetest.SQLite(t)
	orc := ads.New(db, []incidentbot.AdPlatform{p.Client}, incidentbot.ClockFunc(func() time.Time { return time.Now().UTC() }), slog.New(slog.DiscardHandler))

	for _, drill := range []bool{true, false} {
		inc := &incidentbot.Incident{Title: "Checkout returns 504", Severity: incidentbot.SEV1, Drill: drill, Platform: incidentbot.PlatformConsole}
		if err := db.CreateIncident(t.Context(), inc, incidentbot.Change{}); err != nil {
			t.Fatalf("CreateIncident: %v", err)
		}
		rep, err := orc.Pause(t.Context(), inc, ads.Selection{})
		if err != nil {
			t.Fatalf("Pause (drill %v): %v", drill, err)
		}
		if len(rep.Paused) != len(p.Serving) {
			t.Errorf("drill %v: got %d paused in the report, want %d", drill, len(rep.Paused), len(p.Serving))
		}
		want := map[bool]string{true: p.Active, false: p.Paused}[drill]
		for _, id := range p.Serving {
			if got := p.Status(id); got != want {
				t.Errorf("drill %v, after pause: campaign %s got %s, want %s", drill, id, got, want)
			}
		}
		if drill {
			if p.Updates != nil {
				if n := p.Updates(); n != 0 {
					t.Errorf("drill: got %d status-change calls, want 0", n)
				}
			}
			continue
		}
		p.SetStatus(p.Serving[0], p.Active) // re-enabled by hand: left alone and reported
		rep, err = orc.Resume(t.Context(), inc, nil)
		if err != nil {
			t.Fatalf("Resume: %v", err)
		}
		if len(rep.Resumed) != len(p.Serving)-1 || len(rep.LeftPaused) != 1 {
			t.Errorf("got %d resumed and %d left alone, want %d and 1", len(rep.Resumed), len(rep.LeftPaused), len(p.Serving)-1)
		}
		for _, id := range p.Serving {
			if got := p.Status(id); got != p.Active {
				t.Errorf("after resume: campaign %s got %s, want %s", id, got, p.Active)
			}
		}
		for id, want := range p.NotServing {
			if got := p.Status(id); got != want {
				t.Errorf("campaign not serving before the incident %s: got %s, want %s", id, got, want)
			}
		}
	}
}
