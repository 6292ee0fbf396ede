package bot

import (
	"context"
	"testing"

	"incidentbot"
	"incidentbot/internal/storetest"
)

// siteDown declares a SEV1 site outage and runs its saga: the war room
// is ready and the playbook's check has run (the stub says it is down).
func (f *fixture) siteDown() *incidentbot.Incident {
	f.t.Helper()
	inc := f.declare(incidentbot.DeclareRequest{Title: "Site down", Severity: incidentbot.SEV1, Type: "site-outage"})
	f.runAll(0)
	return f.reload(inc)
}

// TestSSRFVerifyMarksTypedURLs: the playbook's URL (at declare, or by a
// bare /incident verify) is trusted; a URL typed in chat is not, so the
// prober applies the rule for typed URLs to it.
func TestSSRFVerifyMarksTypedURLs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, storetest.SQLite(t))
	inc := f.siteDown()
	room := actor(alice, f.reload(inc).WarRoom)
	if _, err := f.eng.Verify(ctx, room, "", "http://169.254.169.254/latest/meta-data/"); err != nil {
		t.Fatal(err)
	}
	f.runAll(0)
	if _, err := f.eng.Verify(ctx, room, "", ""); err != nil {
		t.Fatal(err)
	}
	f.runAll(0)
	f.prober.mu.Lock()
	targets := f.prober.targets
	f.prober.mu.Unlock()
	if len(targets) != 3 {
		t.Fatalf("got %d probes %+v, want 3", len(targets), targets)
	}
	for i, want := range []bool{true, false, true} {
		if targets[i].Trusted != want {
			t.Errorf("probe %d of %s: got trusted %t, want %t", i+1, targets[i].URL, targets[i].Trusted, want)
		}
	}
}

// TestSSRFRefusedURLIsNotRechecked: a typed URL the rule refused is said
// so in the war room, and no re-check chain follows it.
func TestSSRFRefusedURLIsNotRechecked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, storetest.SQLite(t))
	inc := f.siteDown()
	const typed = "http://admin.example/"
	refused := incidentbot.ProbeResult{Class: "not checked: address not allowed", Blocked: true,
		Summary: "The bot refused to check " + typed + ": it resolves to a loopback address.",
		Detail:  "Addresses typed in chat are checked only when they lead to public addresses on ports 80 and 443."}
	f.prober.set(refused)
	if _, err := f.eng.Verify(ctx, actor(alice, f.reload(inc).WarRoom), "", typed); err != nil {
		t.Fatal(err)
	}
	f.runAll(0)
	if got := posts(f.warRoom(inc), refused.Summary); len(got) != 1 {
		t.Errorf("got %d war-room posts saying why, want 1", len(got))
	}
	for _, j := range f.jobs(inc) {
		var p recheckPayload
		if j.Kind == kindRecheck && decode(j, &p) == nil && p.URL == typed {
			t.Errorf("got re-check job %s of the refused URL, want none", j.Key)
		}
	}
}
