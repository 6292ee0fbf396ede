package bot

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/bot/console"
	"incidentbot/i18n"
	"incidentbot/internal/storetest"
	"incidentbot/playbooks"
	"incidentbot/store"
	"incidentbot/views"
)

func TestDeclareOpensWarRoom(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		inc := f.declare(incidentbot.DeclareRequest{Title: "Checkout returns 504", Type: "site-outage"})
		if inc.Key == "" || inc.Severity != incidentbot.SEV1 || inc.WarRoom != "" {
			t.Fatalf("declared %+v, want a key, sev1 and no war room yet", inc)
		}
		if calls := f.chat.Calls(); len(calls) != 0 {
			t.Fatalf("Declare called the chat: %v", calls)
		}
		// A second: the outward actions wait for the roles (is the declarer a responder?).
		f.runAll(time.Second)

		inc = f.reload(inc)
		room := f.warRoom(inc)
		if want := strings.ToLower(inc.Key) + "-checkout-returns-504"; room.Name != want {
			t.Errorf("war room name: got %q, want %q", room.Name, want)
		}
		if want := views.Topic(inc, "alice", "en"); room.Topic != want {
			t.Errorf("topic: got %q, want %q", room.Topic, want)
		}
		members := slices.Sorted(slices.Values(room.Members))
		if want := []string{"U_ALICE", "U_BOB", "U_CHLOE", "U_DAVID"}; !slices.Equal(members, want) {
			t.Errorf("members: got %v, want %v", members, want)
		}
		welcome, err := db.Message(ctx, inc.ID, incidentbot.MessageWelcome)
		if err != nil {
			t.Fatalf("welcome not saved: %v", err)
		}
		if !slices.Equal(room.Pinned, []string{welcome.ID}) {
			t.Errorf("pinned: got %v, want the welcome %s", room.Pinned, welcome.ID)
		}
		summary, err := db.Message(ctx, inc.ID, incidentbot.MessageSummary)
		if err != nil || summary.ChannelID != summaryChannel {
			t.Errorf("summary: got %+v, %v, want a message in %s", summary, err, summaryChannel)
		}
		for _, id := range []string{"g1", "g2"} {
			if got := status(f, key(id)); got != incidentbot.CampaignPaused {
				t.Errorf("campaign %s: got %s, want paused", id, got)
			}
		}
		if got := posts(room, "Paused"); len(got) != 1 {
			t.Errorf("war room ads posts: got %q, want one", got)
		}
		if f.prober.calls != 1 {
			t.Errorf("probes: got %d, want 1", f.prober.calls)
		}
		if got := f.notifier.Sent(); len(got) != 3 {
			t.Errorf("notifications: got %q, want hosting, agency and statuspage", got)
		}

		tl := f.timeline(inc)
		for _, kind := range []incidentbot.EventKind{
			incidentbot.EventDeclared, incidentbot.EventRoleAssigned, incidentbot.EventActionStarted,
			incidentbot.EventActionSucceeded, incidentbot.EventAdsPaused, incidentbot.EventProbeResult,
		} {
			if len(events(tl, kind)) == 0 {
				t.Errorf("timeline has no %s event", kind)
			}
		}
		roles, err := db.Roles(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := holders(roles, incidentbot.RoleComms); len(got) != 1 || got[0].ID != "U_CHLOE" {
			t.Errorf("comms: got %v, want chloe", got)
		}
		for _, j := range f.jobs(inc) {
			if j.State == incidentbot.JobFailed {
				t.Errorf("job %s failed: %s", j.Key, j.LastError)
			}
		}
	})
}

// sagaCalls are the chat calls the saga makes exactly once.
var sagaCalls = []string{"CreateChannel", "Invite", "SetTopic", "Pin"}

func TestCrashMidSaga(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		// A clean run tells how many jobs the declaration takes and what
		// it leaves behind.
		clean := newFixture(t, db)
		inc := clean.declare(incidentbot.DeclareRequest{Title: "Clean run", Type: "site-outage"})
		total, err := clean.eng.RunDue(context.Background(), 0)
		if err != nil {
			t.Fatal(err)
		}
		if total < len(saga) {
			t.Fatalf("ran %d jobs, want at least the %d saga steps", total, len(saga))
		}
		wantPosts, wantEvents := len(clean.warRoom(inc).Messages), len(clean.timeline(inc))
		for k := 1; k < total; k++ {
			f := newFixture(t, db)
			inc := f.declare(incidentbot.DeclareRequest{Title: fmt.Sprintf("Crash after %d jobs", k), Type: "site-outage"})
			if _, err := f.eng.RunDue(context.Background(), k); err != nil {
				t.Fatal(err)
			}
			// Engine A is gone; B takes over with the same store and chat.
			f.eng = f.engine()
			f.runAll(0)
			calls := f.chat.Calls()
			for _, m := range sagaCalls {
				if calls[m] != 1 {
					t.Errorf("k=%d: %s called %d times, want 1", k, m, calls[m])
				}
			}
			if got := len(f.chat.Channels()); got != 2 {
				t.Errorf("k=%d: %d channels, want #general and one war room", k, got)
			}
			room := f.warRoom(inc)
			if len(room.Pinned) != 1 {
				t.Errorf("k=%d: pinned %v, want the welcome once", k, room.Pinned)
			}
			if got := len(room.Messages); got != wantPosts {
				t.Errorf("k=%d: %d war-room messages, want %d as in a clean run", k, got, wantPosts)
			}
			if got := len(f.timeline(inc)); got != wantEvents {
				t.Errorf("k=%d: %d timeline events, want %d as in a clean run", k, got, wantEvents)
			}
		}
	})
}

func TestExpiredLeaseIsRunAgain(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		inc := f.declare(incidentbot.DeclareRequest{Title: "Dead worker", Type: "generic"})
		claimed, err := db.ClaimJobs(context.Background(), "dead-worker", f.clock.Now(), time.Minute, 1)
		if err != nil || len(claimed) != 1 || claimed[0].Kind != kindCreateChannel {
			t.Fatalf("claim: got %v, %v, want the create_channel job", claimed, err)
		}
		f.runAll(0)
		if got := f.reload(inc).WarRoom; got != "" {
			t.Fatalf("war room %q made while the dead worker still held the lease", got)
		}
		f.clock.Advance(time.Minute + time.Second)
		f.runAll(time.Minute)
		f.warRoom(inc)
		if got := f.chat.Calls()["CreateChannel"]; got != 1 {
			t.Errorf("CreateChannel: got %d calls, want 1", got)
		}
	})
}

func TestRetries(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Run("unavailable is retried", func(t *testing.T) {
			f := newFixture(t, db)
			f.chat.FailNext("Post", 2, nil)
			inc := f.declare(incidentbot.DeclareRequest{Title: "Flaky chat", Type: "generic"})
			f.runAll(time.Minute)
			if _, err := db.Message(context.Background(), inc.ID, incidentbot.MessageWelcome); err != nil {
				t.Fatalf("welcome not posted: %v", err)
			}
			room := f.warRoom(inc)
			if len(room.Pinned) != 1 {
				t.Errorf("pinned: got %v, want one", room.Pinned)
			}
			retried := false
			for _, j := range f.jobs(inc) {
				if j.State != incidentbot.JobDone && j.Kind != kindReminder {
					t.Errorf("job %s: got %s, want done", j.Key, j.State)
				}
				retried = retried || j.Attempts > 1
			}
			if !retried {
				t.Errorf("no job ran more than once, want the failed posts retried")
			}
		})
		t.Run("other errors fail the job", func(t *testing.T) {
			f := newFixture(t, db)
			f.chat.FailNext("SetTopic", 1, incidentbot.Errorf(incidentbot.EFORBIDDEN, "The bot may not set topics here."))
			inc := f.declare(incidentbot.DeclareRequest{Title: "Topic refused", Type: "generic"})
			f.runAll(time.Minute)
			var failed []string
			for _, j := range f.jobs(inc) {
				if j.State == incidentbot.JobFailed {
					failed = append(failed, j.Key)
				}
			}
			if want := []string{inc.Key + "/topic"}; !slices.Equal(failed, want) {
				t.Errorf("failed jobs: got %v, want %v", failed, want)
			}
			got := events(f.timeline(inc), incidentbot.EventActionFailed)
			if len(got) != 1 || got[0].Text != "Could not set the channel topic: The bot may not set topics here." {
				t.Errorf("action_failed events: got %+v", got)
			}
			room := f.warRoom(inc)
			if len(posts(room, "The bot could not set the channel topic")) != 1 {
				t.Errorf("no war-room notice of the failure")
			}
			if len(room.Pinned) != 1 {
				t.Errorf("the saga stopped at the failed topic: pinned %v", room.Pinned)
			}
		})
		t.Run("attempts run out", func(t *testing.T) {
			f := newFixture(t, db)
			f.chat.FailNext("CreateChannel", 100, nil)
			inc := f.declare(incidentbot.DeclareRequest{Title: "Chat down", Type: "generic"})
			f.runAll(10 * time.Minute)
			if create := f.job(inc, kindCreateChannel); create.State != incidentbot.JobFailed || create.Attempts != 4 {
				t.Errorf("create_channel: got %s after %d attempts, want failed after 4", create.State, create.Attempts)
			}
		})
	})
}

func TestPanicBecomesFailure(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.SQLite(t))
	f.eng.handlers["boom"] = func(context.Context, incidentbot.Job, *incidentbot.Incident) (complete, error) {
		panic("boom")
	}
	inc := f.declare(incidentbot.DeclareRequest{Title: "Panics", Type: "generic"})
	job, err := incidentbot.NewJob(inc, "boom", "boom", nil, f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.eng.enqueue(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	f.runAll(0)
	for _, j := range f.jobs(inc) {
		if j.Kind == "boom" && j.State != incidentbot.JobFailed {
			t.Errorf("boom job: got %s, want failed", j.State)
		}
	}
	if !strings.Contains(f.logs.String(), "job panicked") {
		t.Errorf("the panic was not logged")
	}
}

func TestRunProcessesDeclare(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.tune = func(_ *Config, d *Deps) { d.Clock = incidentbot.SystemClock{} }
		eng := f.engine()
		f.eng = eng
		old := time.Now().Add(-8 * 24 * time.Hour)
		if _, err := db.ClaimDelivery(context.Background(), "test", "old", old); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- eng.Run(ctx) }()

		inc := f.declare(incidentbot.DeclareRequest{Title: "Workers", Type: "generic"})
		deadline := time.Now().Add(10 * time.Second)
		for {
			_, err := db.Message(context.Background(), inc.ID, incidentbot.MessageWelcome)
			if err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no welcome after 10s: %v", err)
			}
			select {
			case err := <-done:
				t.Fatalf("Run returned early: %v", err)
			case <-time.After(10 * time.Millisecond):
			}
		}
		// Run also forgets delivery ids older than a week.
		for {
			first, err := db.ClaimDelivery(context.Background(), "test", "old", time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if first {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("an 8-day-old delivery id was not pruned")
			}
			time.Sleep(10 * time.Millisecond) // polling interval, not a wait for work
		}
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: got %v, want nil after cancel", err)
		}
		if got := f.chat.Calls()["CreateChannel"]; got != 1 {
			t.Errorf("CreateChannel: got %d calls, want 1", got)
		}
	})
}

func TestChannelName(t *testing.T) {
	t.Parallel()
	pb := &incidentbot.Playbook{Channel: incidentbot.DefaultChannelTemplate}
	tests := []struct {
		name  string
		title string
		drill bool
		want  string
	}{
		{"plain", "Checkout returns 504", false, "inc-42-checkout-returns-504"},
		{"accents", "Paiement refusé !", false, "inc-42-paiement-refuse"},
		{"drill", "Practice", true, "drill-inc-42-practice"},
		{"long", strings.Repeat("very long title ", 10), false, strings.TrimRight(("inc-42-" + strings.Repeat("very-long-title-", 5))[:80], "-")},
		{"nothing left", "!!!", false, "inc-42"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := channelName(pb, &incidentbot.Incident{Key: "INC-42", Title: tc.title, Drill: tc.drill})
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if len(got) > maxChannelName {
				t.Errorf("got %d characters, want at most %d", len(got), maxChannelName)
			}
		})
	}
}

// An incident declared by an alert has no person to make commander: the
// role stays open and anyone may act until someone takes it.
func TestAlertDeclaredIncidentLeavesCommanderOpen(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.SQLite(t))
	ctx := context.Background()
	alert := incidentbot.Actor{Platform: incidentbot.PlatformConsole, Workspace: "console",
		User: incidentbot.User{Name: "Alertmanager"}, ChannelID: summaryChannel}
	inc, err := f.eng.Declare(ctx, alert, incidentbot.DeclareRequest{Title: "HighErrorRate", Severity: incidentbot.SEV2, Type: "generic", DedupeKey: "alert:x"})
	if err != nil {
		t.Fatal(err)
	}
	f.runAll(0)
	roles, err := f.db.Roles(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		if r.Role == incidentbot.RoleCommander {
			t.Fatalf("commander: got %+v, want nobody", r.User)
		}
	}
	if _, err := f.eng.SetStatus(ctx, actor(bob, ""), inc.Key, incidentbot.StatusResolved, "fixed"); err != nil {
		t.Errorf("bob resolving an alert incident with no commander: got %v, want it allowed", err)
	}
}

// cancelOnCreate stops the process (cancels the worker's context) while a
// war room is being created, as a SIGTERM in the middle of the call would.
type cancelOnCreate struct {
	*console.Chat
	cancel context.CancelFunc
}

func (c cancelOnCreate) CreateChannel(ctx context.Context, name string, o incidentbot.ChannelOptions) (incidentbot.Channel, error) {
	c.cancel()
	<-ctx.Done()
	return incidentbot.Channel{}, fmt.Errorf("create channel: %w", ctx.Err())
}

// finishDespiteCancel is a chat whose call completes although shutdown
// began during it, as the console's (which ignores ctx) does.
type finishDespiteCancel struct {
	*console.Chat
	cancel context.CancelFunc
}

func (c finishDespiteCancel) CreateChannel(ctx context.Context, name string, o incidentbot.ChannelOptions) (incidentbot.Channel, error) {
	c.cancel()
	return c.Chat.CreateChannel(context.WithoutCancel(ctx), name, o)
}

// TestShutdownRecordsFinishedJob: a job that finished while shutdown began
// is recorded done, not left running under its lease (the console's /quit
// left such jobs locked for two minutes), and nothing is claimed after.
func TestShutdownRecordsFinishedJob(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		inc := f.declare(incidentbot.DeclareRequest{Title: "Quit while working", Type: "generic"})
		ctx, cancel := context.WithCancel(context.Background())
		f.eng.chats[incidentbot.PlatformConsole] = finishDespiteCancel{Chat: f.chat, cancel: cancel}
		for ctx.Err() == nil {
			n, err := f.eng.RunDue(ctx, 1)
			if err != nil {
				t.Fatalf("RunDue: %v", err)
			}
			if n == 0 {
				break
			}
		}
		if ctx.Err() == nil {
			t.Fatal("the war room job never ran")
		}
		if n, err := f.eng.RunDue(ctx, 1); n != 0 || err != nil {
			t.Errorf("RunDue after shutdown: got %d run, %v, want nothing claimed", n, err)
		}
		for _, j := range f.jobs(inc) {
			if j.State == incidentbot.JobRunning || j.LockedUntil != nil {
				t.Errorf("job %s after shutdown: got %s, locked until %v, want its lease handed back", j.Key, j.State, j.LockedUntil)
			}
			if j.Kind == kindCreateChannel && j.State != incidentbot.JobDone {
				t.Errorf("create_channel: got %s (%s), want done", j.State, j.LastError)
			}
		}
	})
}

// A job cut short by shutdown is handed back, not failed: the restart runs it.
func TestShutdownHandsJobsBack(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.SQLite(t))
	inc := f.declare(incidentbot.DeclareRequest{Title: "Slow shutdown", Type: "generic"})
	ctx, cancel := context.WithCancel(context.Background())
	f.eng.chats[incidentbot.PlatformConsole] = cancelOnCreate{Chat: f.chat, cancel: cancel}
	for {
		n, err := f.eng.RunDue(ctx, 1)
		if err != nil {
			t.Fatalf("RunDue: %v", err)
		}
		if n == 0 || ctx.Err() != nil {
			break
		}
	}
	if ctx.Err() == nil {
		t.Fatal("the war room job never ran")
	}
	for _, j := range f.jobs(inc) {
		if j.Kind == kindCreateChannel && j.State != incidentbot.JobPending {
			t.Fatalf("create_channel after shutdown: got %s (%s), want pending", j.State, j.LastError)
		}
	}
	f.eng = f.engine() // the restarted process
	f.runAll(0)
	if room := f.warRoom(f.reload(inc)); room.Name == "" {
		t.Error("no war room after the restart")
	}
	if strings.Contains(f.logs.String(), "job failed") {
		t.Errorf("a job was failed: %s", f.logs.String())
	}
}

// TestSagaFrench: in a French workspace the war room's opening, the roles
// given, the people nobody could invite or match, the welcome and the
// notice of a step that failed all read in French.
func TestSagaFrench(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.lang = "fr"
		pb, err := playbooks.Defaults().Match("generic", "")
		if err != nil {
			t.Fatal(err)
		}
		custom := *pb
		custom.Roles = []incidentbot.Role{
			{Name: incidentbot.RoleCommander, Assign: incidentbot.AssignDeclarer},
			{Name: "tech-lead", Assign: "@ghosts"},
		}
		custom.Invite = []string{"@nobody-here"}
		f.books = books{Set: playbooks.Defaults(), override: map[string]*incidentbot.Playbook{"generic": &custom}}
		f.eng = f.engine()
		f.chat.FailNext("SetTopic", 1, incidentbot.Errorf(incidentbot.EFORBIDDEN, "The bot may not set topics here."))
		ghost := incidentbot.User{ID: "U_GHOST", Name: "ghost"} // declares, but the chat cannot invite them
		inc, err := f.eng.Declare(context.Background(), actor(ghost, console.GeneralChannelID), incidentbot.DeclareRequest{Title: "Paiement en panne", Type: "generic"})
		if err != nil {
			t.Fatal(err)
		}
		f.runAll(time.Minute)
		inc = f.reload(inc)
		room := f.warRoom(inc)

		var texts []string
		for _, ev := range f.timeline(inc) {
			texts = append(texts, ev.Text)
		}
		has := func(what string, ok func(string) bool) {
			t.Helper()
			if !slices.ContainsFunc(texts, ok) {
				t.Errorf("no timeline entry %s in:\n%s", what, strings.Join(texts, "\n"))
			}
		}
		for _, want := range []string{
			"ghost a déclaré SEV3 (generic)\u00a0: Paiement en panne",
			"Cellule de crise #" + room.Name + " ouverte.",
			"commander\u00a0: ghost",
			"Personne ne correspond à @ghosts pour le rôle tech-lead\u00a0: attribuez-le avec /incident role tech-lead @personne.",
			"Impossible de définir le sujet du salon\u00a0: The bot may not set topics here.",
		} {
			has(strconv.Quote(want), func(s string) bool { return s == want })
		}
		has("about inviting <@U_GHOST>", func(s string) bool {
			return strings.HasPrefix(s, "Impossible d'inviter <@U_GHOST>\u00a0: ") && strings.HasSuffix(s, " Invitez cette personne à la main.")
		})
		has("about inviting @nobody-here", func(s string) bool { return strings.HasPrefix(s, "Impossible d'inviter @nobody-here\u00a0: ") })

		notice := posts(room, "Le bot n'a pas pu définir le sujet du salon\n")
		want := "Impossible de définir le sujet du salon\u00a0: The bot may not set topics here.\n" +
			"Définissez-le à la main si besoin\u00a0; /incident status affiche la même chose.\n" +
			"Ou lancez `/incident retry " + inc.Key + "` pour réessayer."
		if len(notice) != 1 || !strings.HasSuffix(notice[0], want) {
			t.Errorf("failure notice: got %q, want one ending %q", notice, want)
		}
		if got := posts(room, i18n.T("fr", "view.welcome.roles", nil)); len(got) != 1 {
			t.Errorf("got %d French welcomes in the war room, want 1", len(got))
		}
	})
}
