package bot

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/integrations/probe"
	"incidentbot/internal/storetest"
)

func (p *prober) set(r incidentbot.ProbeResult) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.result = r
}

func (p *prober) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls
}

var up = incidentbot.ProbeResult{Healthy: true, Class: "healthy", Status: 200, Summary: "{url} answered HTTP 200 in 180ms."}

func TestRecheckSuggestsResumeAndResolve(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.SQLite(t))
	inc := f.declare(incidentbot.DeclareRequest{Title: "Site down", Severity: incidentbot.SEV1, Type: "site-outage"})
	f.runAll(0)
	if got := f.prober.count(); got != 1 {
		t.Fatalf("probes at declare: got %d, want 1", got)
	}

	// Still down at the first re-check, then back for three checks in a row.
	for i, healthy := range []bool{false, true, true, true} {
		if healthy {
			f.prober.set(up)
		}
		f.clock.Advance(2 * time.Minute)
		if _, err := f.eng.RunDue(context.Background(), 0); err != nil {
			t.Fatal(err)
		}
		if got := f.prober.count(); got != i+2 {
			t.Fatalf("after re-check %d: got %d probes, want %d", i+1, got, i+2)
		}
	}
	room := f.warRoom(f.reload(inc))
	last := room.Messages[len(room.Messages)-1].Message
	if last.Title != "The site is back" || !strings.Contains(last.Text, "3 times in a row") {
		t.Fatalf("last war-room message: got %q %q, want the site-is-back question", last.Title, last.Text)
	}
	var actions []string
	for _, b := range last.Buttons {
		actions = append(actions, b.ActionID)
	}
	if want := "ads resume " + inc.Key + ",resolve " + inc.Key; strings.Join(actions, ",") != want {
		t.Errorf("buttons: got %q, want %q", actions, want)
	}
	var changes []string
	for _, ev := range f.timeline(inc) {
		if strings.HasPrefix(ev.Text, "Re-check:") {
			changes = append(changes, ev.Text)
		}
	}
	if len(changes) != 1 || !strings.HasPrefix(changes[0], "Re-check: http") || !strings.HasSuffix(changes[0], " answered HTTP 200 in 180ms.") {
		t.Errorf("re-check events: got %q, want one for the change to healthy", changes)
	}

	// The question is asked once: no more checks after it.
	f.clock.Advance(10 * time.Minute)
	if _, err := f.eng.RunDue(context.Background(), 0); err != nil {
		t.Fatal(err)
	}
	if got := f.prober.count(); got != 5 {
		t.Errorf("probes after the question: got %d, want 5", got)
	}
}

func TestRecheckStopsWhenResolved(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.SQLite(t))
	inc := f.declare(incidentbot.DeclareRequest{Title: "Site down", Severity: incidentbot.SEV1, Type: "site-outage"})
	f.runAll(0)
	if _, err := f.eng.SetStatus(context.Background(), actor(alice, ""), inc.Key, incidentbot.StatusResolved, "fixed"); err != nil {
		t.Fatal(err)
	}
	f.runAll(0)
	before := f.prober.count() // the playbook's own checks at declare and resolve
	f.clock.Advance(2 * time.Minute)
	f.runAll(0)
	if got := f.prober.count(); got != before {
		t.Errorf("probes after resolve: got %d, want %d: no re-check once resolved", got, before)
	}
}

// TestRecheckFrench: in a French incident the real probe's diagnosis
// reaches the war room and the timeline in French, the site-back question
// and its buttons are French, and a refused /incident verify reads in the
// reader's language.
func TestRecheckFrench(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var healthy atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if !healthy.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(srv.Close)
	f := newFixture(t, storetest.SQLite(t))
	f.db.SetClock(f.clock) // the store counts verify's limit with its own clock
	f.lang, f.shop = "fr", srv.URL+"/"
	f.tune = func(_ *Config, d *Deps) { d.Prober = probe.New(probe.Config{Clock: f.clock}) }
	f.eng = f.engine()
	inc := f.siteDown()

	down := srv.URL + "/ a répondu HTTP 503\u00a0: le proxy ou l'équilibreur de charge placé devant l'application n'en a pas obtenu de réponse valable."
	if got := posts(f.warRoom(inc), down); len(got) != 1 || !strings.Contains(got[0], "un 503 peut aussi être une page de maintenance.") {
		t.Errorf("war room: got %q, want the French diagnosis once", got)
	}

	healthy.Store(true)
	for range 3 {
		f.clock.Advance(2 * time.Minute)
		if _, err := f.eng.RunDue(ctx, 0); err != nil {
			t.Fatal(err)
		}
	}
	room := f.warRoom(inc)
	last := room.Messages[len(room.Messages)-1].Message
	wantText := srv.URL + "/ a répondu comme prévu 3 fois de suite, vu de l'extérieur. 2 campagnes sont encore en pause. Relancer les pubs et résoudre l'incident\u00a0?"
	if last.Title != "Le site est de retour" || last.Text != wantText {
		t.Errorf("site back:\ngot  %q %q\nwant %q %q", last.Title, last.Text, "Le site est de retour", wantText)
	}
	var labels []string
	for _, b := range last.Buttons {
		labels = append(labels, b.Label)
	}
	if got := strings.Join(labels, ","); got != "Relancer les pubs,Résoudre" {
		t.Errorf("buttons: got %q, want Relancer les pubs,Résoudre", got)
	}
	var changes []string
	for _, ev := range events(f.timeline(inc), incidentbot.EventProbeResult) {
		if strings.HasPrefix(ev.Text, "Nouvelle vérification") {
			changes = append(changes, ev.Text)
		}
	}
	if want := "Nouvelle vérification\u00a0: " + srv.URL + "/ a répondu HTTP 200 en 0 ms."; len(changes) != 1 || changes[0] != want {
		t.Errorf("re-check events: got %q, want [%q]", changes, want)
	}

	room2 := actor(bob, f.reload(inc).WarRoom)
	var err error
	for i := 0; i < 4 && err == nil; i++ {
		_, err = f.eng.Verify(ctx, room2, "", "")
	}
	want := inc.Key + " a été vérifié depuis l'extérieur 3 fois ces 5 dernières minutes, le maximum permis\u00a0; les résultats suivent dans la cellule de crise. Réessayez dans 300 s."
	if got := i18n.ErrorMessage("fr", err); got != want {
		t.Errorf("fourth verify in French:\ngot  %q\nwant %q", got, want)
	}
}
