package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/bot/console"
	"incidentbot/i18n"
	"incidentbot/integrations/trackers"
	"incidentbot/integrations/trackers/github"
	"incidentbot/integrations/trackers/jira"
	"incidentbot/integrations/trackers/linear"
	"incidentbot/internal/fake/fakegithub"
	"incidentbot/internal/fake/fakejira"
	"incidentbot/internal/fake/fakelinear"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// trackerFake is one tracker's fake as the export tests see it: open
// starts a fake and returns a client on it and the tickets it holds
// (title -> how many). Each call has its own fake, since the SQLite and
// Postgres runs of a test go in parallel.
type trackerFake struct {
	name string
	open func(t *testing.T) (incidentbot.Tracker, func() map[string]int)
}

func trackerFakes() []trackerFake {
	return []trackerFake{
		{name: "GitHub", open: func(t *testing.T) (incidentbot.Tracker, func() map[string]int) {
			gh := fakegithub.New(t)
			c, err := github.New(github.Config{Token: incidentbot.Secret(gh.Token()), Repo: gh.Repo(), APIURL: gh.URL()}, gh.Client())
			if err != nil {
				t.Fatal(err)
			}
			return c, func() map[string]int {
				m := map[string]int{}
				for _, is := range gh.Issues() {
					m[is.Title]++
				}
				return m
			}
		}},
		{name: "Jira", open: func(t *testing.T) (incidentbot.Tracker, func() map[string]int) {
			jr := fakejira.New(t)
			c, err := jira.New(jira.Config{BaseURL: jr.URL(), Email: jr.Email(), APIToken: incidentbot.Secret(jr.Token()), Project: fakejira.DefaultProject}, jr.Client())
			if err != nil {
				t.Fatal(err)
			}
			return c, func() map[string]int {
				m := map[string]int{}
				for _, is := range jr.Issues() {
					m[is.Summary]++
				}
				return m
			}
		}},
		{name: "Linear", open: func(t *testing.T) (incidentbot.Tracker, func() map[string]int) {
			ln := fakelinear.New(t)
			c, err := linear.New(linear.Config{APIKey: incidentbot.Secret(ln.APIKey()), TeamID: fakelinear.DefaultTeamID, APIURL: ln.URL()}, ln.Client())
			if err != nil {
				t.Fatal(err)
			}
			return c, func() map[string]int {
				m := map[string]int{}
				for _, is := range ln.Issues() {
					m[is.Title]++
				}
				return m
			}
		}},
	}
}

// githubTracker is a client on a new GitHub fake.
func githubTracker(t *testing.T) incidentbot.Tracker {
	tr, _ := trackerFakes()[0].open(t)
	return tr
}

// githubOn is a client on gh with token, gh's own when "".
func githubOn(t *testing.T, gh *fakegithub.Server, token string) incidentbot.Tracker {
	t.Helper()
	if token == "" {
		token = gh.Token()
	}
	c, err := github.New(github.Config{Token: incidentbot.Secret(token), Repo: gh.Repo(), APIURL: gh.URL()}, gh.Client())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// withTracker gives the fixture's next engine tr and returns it.
func withTracker(f *fixture, tr incidentbot.Tracker) *Engine {
	f.tune = func(_ *Config, d *Deps) { d.Tracker = tr }
	f.eng = f.engine()
	return f.eng
}

// closeWithFollowUps adds two follow-ups and a done one to a ready
// incident, resolves and closes it, and returns it.
func closeWithFollowUps(t *testing.T, f *fixture) (*incidentbot.Incident, incidentbot.Actor) {
	t.Helper()
	inc := ready(t, f)
	ctx := context.Background()
	here := actor(alice, inc.WarRoom)
	for _, fu := range []incidentbot.FollowUp{
		{Text: "Alert on checkout 5xx", Owner: "<@U_BOB>", Due: "2025-12-05", Priority: 1, Type: incidentbot.FollowUpDetect},
		{Text: "Write the rollback runbook"},
		{Text: "Restart the pods"},
	} {
		if _, _, err := f.eng.AddFollowUp(ctx, here, "", fu); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := f.eng.CompleteFollowUp(ctx, here, "", 3); err != nil {
		t.Fatal(err)
	}
	for _, st := range []incidentbot.Status{incidentbot.StatusResolved, incidentbot.StatusClosed} {
		if _, err := f.eng.SetStatus(ctx, here, "", st, ""); err != nil {
			t.Fatal(err)
		}
	}
	return inc, here
}

// tickets returns the incident's follow-up ticket links by number.
func tickets(t *testing.T, f *fixture, inc *incidentbot.Incident) map[int]string {
	t.Helper()
	list, err := f.db.FollowUps(context.Background(), inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]string{}
	for _, fu := range list {
		out[fu.Number] = fu.Ticket
	}
	return out
}

// closingDraft is the post-mortem file posted in the war room at close.
func closingDraft(t *testing.T, f *fixture, inc *incidentbot.Incident) string {
	t.Helper()
	for _, m := range f.warRoom(inc).Messages {
		if m.Message.File != nil {
			return m.Message.File.Content
		}
	}
	t.Fatalf("no post-mortem draft in the war room of %s", inc.Key)
	return ""
}

// TestExportRoundTrip: at close, the follow-ups not done are filed once in
// each tracker, before the draft, which carries the links; the list has
// them, the channel gets them, a second export files nothing, and a
// follow-up added after the close is filed by /incident followup export.
func TestExportRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tf := range trackerFakes() {
		t.Run(tf.name, func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				f := newFixture(t, db)
				tr, held := tf.open(t)
				eng := withTracker(f, tr)
				inc, here := closeWithFollowUps(t, f)
				f.runAll(0)
				if got := held(); len(got) != 2 || got["Alert on checkout 5xx"] != 1 || got["Write the rollback runbook"] != 1 {
					t.Fatalf("tickets in %s: %v, want the two follow-ups not done, once each", tf.name, got)
				}
				links := tickets(t, f, inc)
				if links[1] == "" || links[2] == "" || links[3] != "" {
					t.Fatalf("links recorded: %v, want 1 and 2", links)
				}
				if md := closingDraft(t, f, inc); !strings.Contains(md, links[1]) || !strings.Contains(md, links[2]) {
					t.Errorf("the closing draft lacks the links %v", links)
				}
				general, _ := f.chat.Channel(console.GeneralChannelID)
				if got := posts(general, "Follow-ups of "+inc.Key+" filed in "+tf.name); len(got) != 1 || !strings.Contains(got[0], links[1]) {
					t.Errorf("posts of the links where the incident was declared (the war room is archived): %v", got)
				}
				if _, _, _, err := eng.ExportFollowUps(context.Background(), here, inc.Key); incidentbot.ErrorCode(err) != incidentbot.EINVALID {
					t.Errorf("export with nothing to file: got %v, want EINVALID", err)
				}
				if _, _, err := eng.AddFollowUp(context.Background(), here, inc.Key, incidentbot.FollowUp{Text: "Load test the checkout"}); err != nil {
					t.Fatal(err)
				}
				_, name, n, err := eng.ExportFollowUps(context.Background(), here, inc.Key)
				if err != nil || name != tf.name || n != 1 {
					t.Fatalf("export: got %q, %d, %v; want %s, 1", name, n, err, tf.name)
				}
				f.runAll(0)
				if got := held(); len(got) != 3 || got["Load test the checkout"] != 1 || got["Alert on checkout 5xx"] != 1 {
					t.Errorf("tickets after the export: %v", got)
				}
				if links := tickets(t, f, inc); links[4] == "" {
					t.Errorf("follow-up 4 has no link: %v", links)
				}
			})
		})
	}
}

// crashingTracker files the ticket, then stops the process (cancels the
// run) before the bot records it.
type crashingTracker struct {
	incidentbot.Tracker
	crash context.CancelFunc
}

func (c crashingTracker) CreateTicket(ctx context.Context, r incidentbot.TicketRequest) (incidentbot.Ticket, error) {
	t, err := c.Tracker.CreateTicket(ctx, r)
	c.crash()
	if err != nil {
		return t, err
	}
	return incidentbot.Ticket{}, context.Canceled
}

// TestExportCrashBetweenCreateAndRecord: a run that stops after GitHub
// filed the issue, before the link was stored, leaves no link; the next
// run (a restarted bot) finds the issue by its marker and files no second one.
func TestExportCrashBetweenCreateAndRecord(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		gh := fakegithub.New(t)
		client := githubOn(t, gh, "")
		f := newFixture(t, db)
		withTracker(f, client)
		inc := ready(t, f)
		ctx := context.Background()
		here := actor(alice, inc.WarRoom)
		if _, _, err := f.eng.AddFollowUp(ctx, here, "", incidentbot.FollowUp{Text: "Alert on checkout 5xx"}); err != nil {
			t.Fatal(err)
		}
		runCtx, crash := context.WithCancel(ctx)
		crashing := withTracker(f, crashingTracker{Tracker: client, crash: crash})
		if _, _, _, err := crashing.ExportFollowUps(ctx, here, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := crashing.RunDue(runCtx, 0); err != nil {
			t.Fatal(err)
		}
		if n := len(gh.Issues()); n != 1 {
			t.Fatalf("%d issues after the crash, want 1", n)
		}
		if links := tickets(t, f, inc); links[1] != "" {
			t.Fatalf("link recorded before the crash: %v; the test needs it lost", links)
		}
		withTracker(f, client) // the restart
		f.runAll(0)
		if n := len(gh.Issues()); n != 1 {
			t.Errorf("%d issues after the restart, want 1", n)
		}
		if links := tickets(t, f, inc); links[1] != "https://github.com/acme/shop/issues/1" {
			t.Errorf("link after the restart: %v, want issue 1", links)
		}
	})
}

// closedWith is closeWithFollowUps on a new fixture with tr as the
// tracker, its jobs due at close run. The store stamps jobs with the
// fixture's clock: a refused export counts its schedule from its job's start.
func closedWith(t *testing.T, db *store.DB, tr incidentbot.Tracker) (*fixture, *incidentbot.Incident, incidentbot.Actor) {
	t.Helper()
	f := newFixture(t, db)
	f.db.SetClock(f.clock)
	withTracker(f, tr)
	inc, here := closeWithFollowUps(t, f)
	f.runAll(0)
	return f, inc, here
}

// drafts returns the post-mortem files posted in the war room and where
// the incident was declared, in the order posted: the war room's first.
func drafts(t *testing.T, f *fixture, inc *incidentbot.Incident) []string {
	t.Helper()
	general, _ := f.chat.Channel(console.GeneralChannelID)
	var out []string
	for _, ch := range []console.ChannelState{f.warRoom(inc), general} {
		for _, m := range ch.Messages {
			if m.Message.File != nil {
				out = append(out, m.Message.File.Content)
			}
		}
	}
	return out
}

// exportJob is the incident's export job of key (local part).
func exportJob(t *testing.T, f *fixture, inc *incidentbot.Incident, key string) incidentbot.Job {
	t.Helper()
	for _, j := range f.jobs(inc) {
		if j.Key == inc.Key+"/"+key {
			return j
		}
	}
	t.Fatalf("no job %s/%s", inc.Key, key)
	return incidentbot.Job{}
}

// TestExportRefused: a tracker that refuses the token is reported once
// where the incident was declared, without the token; the draft still goes
// out at close; the export runs again after 5 minutes, 15 more, then every
// hour, without another notice, and gives up after a day, saying so once.
// Once fixed, /incident followup export files them; a tracker that is
// briefly down is reported once and retried.
func TestExportRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		gh := fakegithub.New(t)
		f, inc, here := closedWith(t, db, githubOn(t, gh, "github_pat_revoked"))
		// Closed and archived: the notice goes where the incident was declared.
		general, _ := f.chat.Channel(console.GeneralChannelID)
		notices := posts(general, "GitHub refused the follow-ups of "+inc.Key)
		if len(notices) != 1 || !strings.Contains(notices[0], "GitHub refused the credentials") || !strings.Contains(notices[0], "check GITHUB_TOKEN") ||
			!strings.Contains(notices[0], "tries again in 5 minutes") || strings.Contains(notices[0], "github_pat_revoked") {
			t.Errorf("notices of the refusal: %q, want one naming GITHUB_TOKEN, the retries, and not the token", notices)
		}
		closingDraft(t, f, inc)
		if n := len(gh.Issues()); n != 0 || gh.Calls("list") != 1 {
			t.Errorf("%d issues and %d searches after a refusal, want none filed and one search", n, gh.Calls("list"))
		}
		// The schedule: 5 minutes, 15 more, then hourly; nothing in between.
		for i, step := range []time.Duration{4 * time.Minute, time.Minute, 15 * time.Minute, 59 * time.Minute, time.Minute} {
			f.clock.Advance(step)
			f.runAll(0)
			if got, want := gh.Calls("list"), []int{1, 2, 3, 3, 4}[i]; got != want {
				t.Fatalf("step %d (+%s): %d searches, want %d", i, step, got, want)
			}
		}
		for range 24 {
			f.clock.Advance(time.Hour)
			f.runAll(0)
		}
		if j := exportJob(t, f, inc, kindExport); j.State != incidentbot.JobFailed {
			t.Errorf("after a day the export is %s, want failed", j.State)
		}
		calls := gh.Calls("list")
		if calls < 24 || calls > 27 {
			t.Errorf("%d searches in a day of refusals, want about one an hour", calls)
		}
		f.clock.Advance(time.Hour)
		f.runAll(0)
		if gh.Calls("list") != calls {
			t.Errorf("the export ran again after giving up")
		}
		general, _ = f.chat.Channel(console.GeneralChannelID)
		if got := posts(general, "GitHub refused the follow-ups of "+inc.Key); len(got) != 1 {
			t.Errorf("%d notices of the refusal after a day of retries, want 1", len(got))
		}
		if got := posts(general, "The bot could not file the follow-ups in the tracker"); len(got) != 1 || !strings.Contains(got[0], "/incident followup export") {
			t.Errorf("notices of giving up: %q, want one saying to run /incident followup export", got)
		}
		if strings.Contains(f.logs.String(), "github_pat_revoked") {
			t.Error("the token is in the logs")
		}

		good := githubOn(t, gh, "")
		eng := withTracker(f, good)
		gh.FailWith(503)
		if _, _, n, err := eng.ExportFollowUps(context.Background(), here, inc.Key); err != nil || n != 2 {
			t.Fatalf("export: %d, %v", n, err)
		}
		f.runAll(0)
		f.clock.Advance(time.Minute) // past the backoff
		f.runAll(0)
		general, _ = f.chat.Channel(console.GeneralChannelID)
		if got := posts(general, "GitHub is not taking the follow-ups of "+inc.Key+" yet"); len(got) != 1 || !strings.Contains(got[0], "GitHub answered HTTP 503") {
			t.Errorf("notices of the outage: %q, want one", got)
		}
		if n := len(gh.Issues()); n != 2 {
			t.Errorf("%d issues after the retry, want 2", n)
		}
	})
}

// TestExportRefusedThenFixed: GitHub refuses the bot's expired token at
// close; once an administrator renews it, the next scheduled try files
// each follow-up exactly once, with no command, and the links reach the
// channel once, and the draft shared again carries them.
func TestExportRefusedThenFixed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const expired = "github_pat_expired0000000000000000000"
		gh := fakegithub.New(t)
		f, inc, _ := closedWith(t, db, githubOn(t, gh, expired))
		if n := len(gh.Issues()); n != 0 {
			t.Fatalf("%d issues with an expired token", n)
		}
		if md := closingDraft(t, f, inc); strings.Contains(md, "github.com") {
			t.Fatalf("the closing draft has links before any ticket exists")
		}
		gh.SetToken(expired) // the administrator renews it
		f.clock.Advance(5 * time.Minute)
		f.runAll(0)
		for range 3 { // later tries find nothing left to file
			f.clock.Advance(time.Hour)
			f.runAll(0)
		}
		issues := gh.Issues()
		if len(issues) != 2 || issues[0].Title != "Alert on checkout 5xx" || issues[1].Title != "Write the rollback runbook" {
			t.Fatalf("issues: %+v, want the two follow-ups once each", issues)
		}
		links := tickets(t, f, inc)
		general, _ := f.chat.Channel(console.GeneralChannelID)
		if got := posts(general, "Follow-ups of "+inc.Key+" filed in GitHub"); len(got) != 1 || !strings.Contains(got[0], links[1]) || !strings.Contains(got[0], links[2]) {
			t.Errorf("posts of the links: %q, want one with %v", got, links)
		}
		if got := posts(general, "refused"); len(got) != 1 {
			t.Errorf("notices of the refusal: %q, want one", got)
		}
		all := drafts(t, f, inc)
		if len(all) != 2 || !strings.Contains(all[1], links[1]) || !strings.Contains(all[1], links[2]) {
			t.Errorf("%d drafts; want the closing one, then one with the links %v", len(all), links)
		}
		if j := exportJob(t, f, inc, kindExport); j.State != incidentbot.JobDone {
			t.Errorf("the export is %s, want done", j.State)
		}
	})
}

// TestExportRefusedThenRestart: the token is fixed in the environment,
// which takes a restart; the restarted bot files the refused follow-ups at
// once, not at the next hourly try.
func TestExportRefusedThenRestart(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		gh := fakegithub.New(t)
		f, inc, _ := closedWith(t, db, githubOn(t, gh, "github_pat_revoked"))
		f.clock.Advance(30 * time.Minute) // the next try is an hour away
		f.runAll(0)
		searches := gh.Calls("list")
		eng := withTracker(f, githubOn(t, gh, "")) // the restart
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- eng.Run(ctx) }()
		deadline := time.Now().Add(10 * time.Second)
		for tickets(t, f, inc)[2] == "" {
			if time.Now().After(deadline) {
				cancel()
				t.Fatalf("the restarted bot filed nothing within 10s (%d searches, %d before)", gh.Calls("list"), searches)
			}
			select {
			case err := <-done:
				t.Fatalf("Run returned early: %v", err)
			case <-time.After(10 * time.Millisecond):
			}
		}
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		if n := len(gh.Issues()); n != 2 {
			t.Errorf("%d issues, want 2", n)
		}
	})
}

// rejecting refuses to create the ticket of one follow-up, as a tracker
// that requires a field does (HTTP 422).
type rejecting struct {
	incidentbot.Tracker
	title string
}

func (r rejecting) CreateTicket(ctx context.Context, req incidentbot.TicketRequest) (incidentbot.Ticket, error) {
	if req.Title == r.title {
		return incidentbot.Ticket{}, trackers.Refusal("GitHub", 422, "Validation Failed", 0, trackers.Hints{Invalid: "check GITHUB_LABELS"})
	}
	return r.Tracker.CreateTicket(ctx, req)
}

// TestExportRefusesOneTicket: a ticket the tracker rejects does not hold
// up the others, which are filed and linked at once; the rejected one
// waits for the next try.
func TestExportRefusesOneTicket(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		gh := fakegithub.New(t)
		client := githubOn(t, gh, "")
		f, inc, _ := closedWith(t, db, rejecting{Tracker: client, title: "Alert on checkout 5xx"})
		links := tickets(t, f, inc)
		if links[1] != "" || links[2] == "" {
			t.Fatalf("links: %v, want follow-up 2 filed and 1 waiting", links)
		}
		general, _ := f.chat.Channel(console.GeneralChannelID)
		if got := posts(general, "GitHub refused the follow-ups of "+inc.Key); len(got) != 1 || !strings.Contains(got[0], "HTTP 422") {
			t.Errorf("notices: %q, want one saying HTTP 422", got)
		}
		if got := posts(general, "Follow-ups of "+inc.Key+" filed in GitHub"); len(got) != 1 || !strings.Contains(got[0], links[2]) {
			t.Errorf("posts of the links: %q, want one with %s", got, links[2])
		}
		if md := closingDraft(t, f, inc); !strings.Contains(md, links[2]) {
			t.Errorf("the closing draft lacks the link of follow-up 2")
		}
		withTracker(f, client) // the field is fixed
		f.clock.Advance(5 * time.Minute)
		f.runAll(0)
		if got := len(gh.Issues()); got != 2 || tickets(t, f, inc)[1] == "" {
			t.Errorf("%d issues, links %v; want both filed once", got, tickets(t, f, inc))
		}
	})
}

// TestExportLinksRefreshDraft: GitHub fails at close, so the draft goes
// out without links; the retry files the tickets and the draft is shared
// again, with them, once, even when the export runs again.
func TestExportLinksRefreshDraft(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		gh := fakegithub.New(t)
		gh.FailWith(503)
		f, inc, here := closedWith(t, db, githubOn(t, gh, ""))
		eng := f.eng
		if all := drafts(t, f, inc); len(all) != 1 || strings.Contains(all[0], "github.com") {
			t.Fatalf("drafts after the failure: %d, want one without links", len(all))
		}
		f.clock.Advance(time.Minute) // past the backoff
		f.runAll(0)
		links := tickets(t, f, inc)
		all := drafts(t, f, inc)
		if len(all) != 2 || !strings.Contains(all[1], links[1]) || !strings.Contains(all[1], links[2]) {
			t.Fatalf("%d drafts; want the closing one, then one with the links %v", len(all), links)
		}
		if _, _, err := eng.AddFollowUp(context.Background(), here, inc.Key, incidentbot.FollowUp{Text: "Load test the checkout"}); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := eng.ExportFollowUps(context.Background(), here, inc.Key); err != nil {
			t.Fatal(err)
		}
		f.runAll(0)
		links = tickets(t, f, inc)
		all = drafts(t, f, inc)
		if len(all) != 3 || !strings.Contains(all[2], links[4]) {
			t.Errorf("%d drafts; want a third with the link of follow-up 4", len(all))
		}
	})
}

// TestRefusedWait: the slow schedule of a refused export.
func TestRefusedWait(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		elapsed, want time.Duration
		again         bool
	}{
		{0, 5 * time.Minute, true},
		{5 * time.Minute, 15 * time.Minute, true},
		{20 * time.Minute, time.Hour, true},
		{23 * time.Hour, time.Hour, true},
		{24 * time.Hour, 0, false},
	} {
		if got, again := refusedWait(tc.elapsed); got != tc.want || again != tc.again {
			t.Errorf("refusedWait(%s) = %s, %t; want %s, %t", tc.elapsed, got, again, tc.want, tc.again)
		}
	}
}

// TestExportDrill: a drill's follow-ups are never filed.
func TestExportDrill(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		gh := fakegithub.New(t)
		client := githubOn(t, gh, "")
		f := newFixture(t, db)
		eng := withTracker(f, client)
		inc := f.declare(incidentbot.DeclareRequest{Title: "Practice", Type: "site-outage", Drill: true, Force: true})
		f.runAll(0)
		inc = f.reload(inc)
		here := actor(alice, inc.WarRoom)
		if _, _, err := eng.AddFollowUp(context.Background(), here, "", incidentbot.FollowUp{Text: "Practise more"}); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := eng.ExportFollowUps(context.Background(), here, ""); incidentbot.ErrorCode(err) != incidentbot.EINVALID {
			t.Errorf("export of a drill: got %v, want EINVALID", err)
		}
		for _, st := range []incidentbot.Status{incidentbot.StatusResolved, incidentbot.StatusClosed} {
			if _, err := eng.SetStatus(context.Background(), here, "", st, ""); err != nil {
				t.Fatal(err)
			}
		}
		f.runAll(0)
		closingDraft(t, f, inc)
		if gh.Calls("list")+gh.Calls("create") != 0 {
			t.Errorf("a drill called GitHub")
		}
	})
}

// TestExportFrench: a French workspace reads the links' post in French,
// and a person told there is nothing to file reads it in French too.
func TestExportFrench(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.lang = "fr"
		eng := withTracker(f, githubTracker(t))
		inc, here := closeWithFollowUps(t, f)
		f.runAll(0)
		links := tickets(t, f, inc)
		general, _ := f.chat.Channel(console.GeneralChannelID)
		want := "Actions de " + inc.Key + " créées dans GitHub\n1. Alert on checkout 5xx\u00a0: "
		if got := posts(general, want); len(got) != 1 || !strings.Contains(got[0], links[1]) {
			t.Errorf("posts %q…: got %v", want, posts(general, inc.Key))
		}
		_, _, _, err := eng.ExportFollowUps(context.Background(), here, inc.Key)
		if got, want := i18n.ErrorMessage("fr", err), inc.Key+" n'a aucune action à créer\u00a0: chacune de celles qui restent à faire a déjà son ticket. /incident followup list les affiche."; got != want {
			t.Errorf("nothing to file:\ngot  %q\nwant %q", got, want)
		}
	})
}
