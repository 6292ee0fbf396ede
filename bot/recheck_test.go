package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"incidentbot"
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
