package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/bot/console"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// edits returns how often the message ref points at was edited, and its
// title, text and buttons.
func (f *fixture) edits(ref incidentbot.MessageRef) (int, string) {
	f.t.Helper()
	channel, _ := f.chat.Channel(ref.ChannelID)
	for _, p := range channel.Messages {
		if p.ID == ref.ID {
			return p.Edits, p.Message.Title + "\n" + p.Message.Text + "\n" + buttonIDs(p.Message)
		}
	}
	f.t.Fatalf("message %s not in %s", ref.ID, ref.ChannelID)
	return 0, ""
}

func buttonIDs(m incidentbot.Message) string {
	var ids []string
	for _, b := range m.Buttons {
		ids = append(ids, b.ActionID)
	}
	return strings.Join(ids, "|")
}

// TestRedraws: after a change, whoever made it, the engine redraws the
// welcome and the summary once; changes in a burst are drawn together.
func TestRedraws(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		inc := f.declare(incidentbot.DeclareRequest{Title: "Checkout returns 504", Type: "site-outage"})
		f.runAll(time.Second)
		welcome, err := db.Message(ctx, inc.ID, incidentbot.MessageWelcome)
		if err != nil {
			t.Fatal(err)
		}
		summary, err := db.Message(ctx, inc.ID, incidentbot.MessageSummary)
		if err != nil {
			t.Fatal(err)
		}
		summaries, _ := f.edits(summary)
		if n, text := f.edits(welcome); n != 0 || !strings.Contains(text, "ack "+inc.Key) {
			t.Fatalf("got the welcome edited %d times, buttons %s, want untouched with Acknowledge", n, text)
		}

		// One change: each message redrawn once.
		if _, err := f.eng.Acknowledge(ctx, actor(bob, console.GeneralChannelID), inc.Key); err != nil {
			t.Fatal(err)
		}
		f.runAll(time.Second)
		n, text := f.edits(welcome)
		if n != 1 || strings.Contains(text, "ack "+inc.Key) {
			t.Errorf("after ack: got the welcome edited %d times, %s, want once, without Acknowledge", n, text)
		}
		if got, _ := f.edits(summary); got != summaries+1 {
			t.Errorf("after ack: got the summary edited %d times, want %d", got, summaries+1)
		}

		// A burst before the jobs run: one more redraw each, of the last state.
		a := actor(alice, console.GeneralChannelID)
		if _, err := f.eng.AddNote(ctx, a, inc.Key, "Rolled back"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.eng.SetSeverity(ctx, a, inc.Key, incidentbot.SEV2); err != nil {
			t.Fatal(err)
		}
		if _, err := f.eng.SetStatus(ctx, a, inc.Key, incidentbot.StatusMitigated, ""); err != nil {
			t.Fatal(err)
		}
		f.runAll(time.Second)
		n, text = f.edits(welcome)
		if n != 2 || !strings.Contains(text, "SEV2") || !strings.Contains(text, "ads resume "+inc.Key) {
			t.Errorf("after the burst: got the welcome edited %d times, %s, want twice in all, SEV2 and mitigated", n, text)
		}
		if got, _ := f.edits(summary); got != summaries+2 {
			t.Errorf("after the burst: got the summary edited %d times, want %d", got, summaries+2)
		}
	})
}

// TestRedrawBeforeWelcome: a change before the saga posts the welcome
// redraws nothing (the welcome is drawn from the state then), and waits
// while the welcome is being posted.
func TestRedrawBeforeWelcome(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		inc := f.declare(incidentbot.DeclareRequest{Title: "Checkout returns 504", Type: "site-outage"})
		if _, err := f.eng.Acknowledge(ctx, actor(alice, console.GeneralChannelID), inc.Key); err != nil {
			t.Fatal(err)
		}
		redraw := f.job(inc, kindRedrawWelcome)
		if _, err := f.eng.redrawWelcome(ctx, redraw, inc); err != nil {
			t.Errorf("no welcome yet: got %v, want nothing to do", err)
		}
		welcome, err := incidentbot.NewJob(inc, kindWelcome, kindWelcome, nil, f.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := db.EnqueueJobs(ctx, welcome); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ClaimLane(ctx, "w1", f.clock.Now(), time.Minute, 100, incidentbot.JobLane{Only: []string{kindWelcome}}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.eng.redrawWelcome(ctx, redraw, inc); err != errWarRoomNotReady {
			t.Errorf("welcome being posted: got %v, want to wait for it", err)
		}
		f.clock.Advance(2 * time.Minute) // the claimed welcome's lease runs out: it runs again
		f.runAll(time.Second)
		if n, text := f.edits(mustMessage(t, db, inc.ID)); strings.Contains(text, "ack "+inc.Key) {
			t.Errorf("got the welcome (edited %d times) with the Acknowledge button %s, want the acknowledged state", n, text)
		}
	})
}

func mustMessage(t *testing.T, db *store.DB, id int64) incidentbot.MessageRef {
	t.Helper()
	ref, err := db.Message(context.Background(), id, incidentbot.MessageWelcome)
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

// TestRedrawAfterClose: changes after the close (a follow-up) redraw
// nothing, and a redraw that finds the war room archived is no failure.
func TestRedrawAfterClose(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		a := actor(alice, console.GeneralChannelID)
		inc := f.declare(incidentbot.DeclareRequest{Title: "Checkout returns 504", Type: "site-outage"})
		f.runAll(time.Second)
		for _, to := range []incidentbot.Status{incidentbot.StatusResolved, incidentbot.StatusClosed} {
			if _, err := f.eng.SetStatus(ctx, a, inc.Key, to, "Rolled back"); err != nil {
				t.Fatal(err)
			}
		}
		for range 5 { // reminders wait for days: run what is due in the next seconds
			f.clock.Advance(time.Second)
			f.runAll(0)
		}
		redraws := func() int {
			n := 0
			for _, j := range f.jobs(inc) {
				if j.Kind == kindRedrawWelcome {
					n++
				}
			}
			return n
		}
		before := redraws()
		if _, _, err := f.eng.AddFollowUp(ctx, a, inc.Key, incidentbot.FollowUp{Text: "Alert on 504s"}); err != nil {
			t.Fatal(err)
		}
		if got := redraws(); got != before {
			t.Errorf("got %d welcome redraws after a follow-up on a closed incident, want %d", got, before)
		}

		inc = f.reload(inc)
		if err := f.chat.Archive(ctx, inc.WarRoom); err != nil {
			t.Fatal(err)
		}
		if _, err := f.eng.redrawWelcome(ctx, f.job(inc, kindRedrawWelcome), inc); err != nil {
			t.Errorf("archived war room: got %v, want nothing to redraw", err)
		}
	})
}
