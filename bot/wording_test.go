package bot

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"incidentbot"
	"incidentbot/bot/console"
	"incidentbot/commands"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// say runs a typed command through the real command handler and engine
// and returns the reply's text.
func (f *fixture) say(u incidentbot.User, channel, line string) incidentbot.Message {
	f.t.Helper()
	h := commands.NewHandler(f.eng, f.clock, nil)
	return h.Handle(context.Background(), actor(u, channel), line).Message
}

// closed declares, resolves and closes an incident, running every job.
func closed(t *testing.T, f *fixture) *incidentbot.Incident {
	t.Helper()
	inc := ready(t, f)
	ctx := context.Background()
	for _, to := range []incidentbot.Status{incidentbot.StatusResolved, incidentbot.StatusClosed} {
		if _, err := f.eng.SetStatus(ctx, actor(alice, inc.WarRoom), "", to, ""); err != nil {
			t.Fatalf("SetStatus %s: %v", to, err)
		}
		f.runAll(0)
	}
	return f.reload(inc)
}

func TestClosedReadOnlyCommands(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		inc := closed(t, f)
		want := inc.Key + " is closed: nothing can change it now. Declare a new incident if the problem is back."
		lines := []string{
			"update Still down", "note Found it", "role tech-lead <@U_BOB>", "sev sev2", "check 1", "uncheck 1",
			"remind off", "remind snooze 30m", "ads pause --confirm", "ads pause", "verify", "ack",
			"mitigated", "resolve", "reopen", "close", "send --confirm",
		}
		for _, who := range []incidentbot.User{alice, bob} {
			for _, line := range lines {
				beforeEvents, beforeJobs := len(f.timeline(inc)), len(f.jobs(inc))
				if got := f.say(who, inc.WarRoom, line).Text; got != want {
					t.Errorf("%s types %q: got %q, want %q", who.Name, line, got, want)
				}
				if n := len(f.timeline(inc)); n != beforeEvents {
					t.Errorf("%s types %q: timeline grew from %d to %d events", who.Name, line, beforeEvents, n)
				}
				if n := len(f.jobs(inc)); n != beforeJobs {
					t.Errorf("%s types %q: jobs grew from %d to %d", who.Name, line, beforeJobs, n)
				}
			}
		}
		// Adapters record pins and alerts through Record: refused alike.
		_, err := f.eng.Record(context.Background(), actor(bob, inc.WarRoom), "", incidentbot.TimelineEvent{Kind: incidentbot.EventPinned, Text: "late pin"}, nil)
		if incidentbot.ErrorMessage(err) != want {
			t.Errorf("Record: got %v, want %q", err, want)
		}
	})
}

func TestClosedReadOnlyStatusAsksForNoUpdate(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.SQLite(t))
	inc := closed(t, f)
	msg := f.say(bob, inc.WarRoom, "status")
	got := "(no such field)"
	for _, fld := range msg.Fields {
		if fld.Label == "Last update" {
			got = fld.Value
		}
	}
	if got != "none" {
		t.Errorf("Last update of a closed incident: got %q, want %q", got, "none")
	}
	if len(msg.Buttons) != 0 {
		t.Errorf("a closed incident offers buttons: %+v", msg.Buttons)
	}
}

func TestClosedReadOnlyAdsResumeStillWorks(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.SQLite(t))
	inc := ready(t, f)
	ctx := context.Background()
	here := actor(alice, inc.WarRoom)
	// Resolve without the playbook's resume: the close leaves ads paused.
	if _, err := f.eng.SetStatus(ctx, here, "", incidentbot.StatusResolved, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.SetStatus(ctx, here, "", incidentbot.StatusClosed, ""); err != nil {
		t.Fatal(err)
	}
	// Ending a pause the close left behind is the one write still allowed.
	if _, err := f.eng.Ads(ctx, here, "", incidentbot.AdsResume, ""); err != nil {
		t.Errorf("ads resume on a closed incident: %v", err)
	}
}

func TestAlreadyDoneAck(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		inc := ready(t, f)
		if got, want := f.say(bob, inc.WarRoom, "ack").Text, "You acknowledged "+inc.Key+". Post what you find with `/incident update`."; got != want {
			t.Fatalf("first ack: got %q, want %q", got, want)
		}
		f.clock.Advance(5 * time.Minute)
		want := inc.Key + " was already acknowledged by bob at 09:00 UTC (5m ago): nothing changed."
		if got := f.say(alice, inc.WarRoom, "ack").Text; got != want {
			t.Errorf("second ack: got %q, want %q", got, want)
		}
		if n := len(events(f.timeline(inc), incidentbot.EventAcknowledged)); n != 1 {
			t.Errorf("got %d acknowledged events, want 1", n)
		}
		if at := f.reload(inc).AcknowledgedAt; at == nil || !at.Equal(time.Date(2025, 11, 28, 9, 0, 0, 0, time.UTC)) {
			t.Errorf("acknowledged at: got %v, want the first ack's time", at)
		}
	})
}

func TestAlreadyDoneCheck(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		inc := ready(t, f)
		if got := f.say(bob, inc.WarRoom, "check 1").Text; got[:len("Done: 1.")] != "Done: 1." {
			t.Fatalf("first check: got %q", got)
		}
		f.clock.Advance(90 * time.Minute)
		before := len(f.timeline(inc))
		tests := []struct{ line, want string }{
			{"check 1", "Item 1 was already done by bob at 09:00 UTC (1h 30m ago): nothing changed."},
			{"uncheck 2", "Item 2 is already open: nothing changed."},
		}
		for _, tc := range tests {
			if got := f.say(alice, inc.WarRoom, tc.line).Text; got != tc.want {
				t.Errorf("%s: got %q, want %q", tc.line, got, tc.want)
			}
		}
		if n := len(f.timeline(inc)); n != before {
			t.Errorf("timeline grew from %d to %d events", before, n)
		}
		list, err := f.db.Checklist(context.Background(), inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if list[0].By.ID != bob.ID || list[0].State != incidentbot.ChecklistDone {
			t.Errorf("item 1: got %+v, want done by bob", list[0])
		}
	})
}

func TestWordingTimelineSkippedActions(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.SQLite(t))
	f.eng.notifier, f.eng.ads = nil, nil // nothing to notify or pause with: those actions are skipped
	inc := ready(t, f)
	tl := f.timeline(inc)

	var skippedTexts []string
	for _, e := range events(tl, incidentbot.EventActionSkipped) {
		skippedTexts = append(skippedTexts, e.Text)
	}
	wantSkipped := []string{
		"Pause the ads: no ad platform is configured (set the *_ADS_* variables to let the bot pause campaigns).",
		"Notify hosting: not configured (set the NOTIFY_* or STATUSPAGE_* variables).",
		"Notify agency: not configured (set the NOTIFY_* or STATUSPAGE_* variables).",
		"Update the status page: not configured (set the NOTIFY_* or STATUSPAGE_* variables).",
	}
	slices.Sort(skippedTexts)
	slices.Sort(wantSkipped)
	if !slices.Equal(skippedTexts, wantSkipped) {
		t.Errorf("skipped events:\ngot  %q\nwant %q", skippedTexts, wantSkipped)
	}
	for _, e := range tl {
		if e.Kind == incidentbot.EventActionSucceeded && strings.Contains(strings.ToLower(e.Text), "skipped") {
			t.Errorf("a skipped action is recorded as succeeded: %q", e.Text)
		}
		if w := repeatedWord(e.Text); w != "" {
			t.Errorf("%s event repeats %q: %q", e.Kind, w, e.Text)
		}
		if strings.HasPrefix(e.Text, "Started:") {
			t.Errorf("%s event repeats its kind: %q", e.Kind, e.Text)
		}
	}

	md := f.draft(actor(alice, inc.WarRoom), "")
	_, section, _ := strings.Cut(md, "## Actions and their results\n\n")
	section, _, _ = strings.Cut(section, "\n\n")
	lines := strings.Split(section, "\n")
	if started := len(events(tl, incidentbot.EventActionStarted)); len(lines) != started {
		t.Errorf("got %d lines in Actions and their results, want one per action (%d):\n%s", len(lines), started, section)
	}
	for _, want := range []string{
		"· check the site from outside · result: https://shop.example.com/",
		"· pause the ads · skipped: no ad platform is configured (set the *_ADS_* variables to let the bot pause campaigns).",
		"· update the status page · skipped: not configured (set the NOTIFY_* or STATUSPAGE_* variables).",
	} {
		if !strings.Contains(section, want) {
			t.Errorf("Actions and their results lacks %q:\n%s", want, section)
		}
	}
}

// repeatedWord returns a word that follows itself in s ("statuspage
// statuspage"), or "".
func repeatedWord(s string) string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' })
	for i := 1; i < len(words); i++ {
		if words[i] == words[i-1] {
			return words[i]
		}
	}
	return ""
}

func TestWordingPlaybookChoice(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.SQLite(t))
	general := console.GeneralChannelID
	want := `Unknown incident type "meteor". Known types: checkout-failure (checkout, payment, payments, cart), generic (other, incident), ` +
		`launch-traffic (launch, traffic, overload, sale), security (breach, intrusion, hack, hacked, data-leak), site-outage (outage, site-down, down). ` +
		`Leave the type out to use the generic playbook.`
	if got := f.say(alice, general, "declare type:meteor Site down").Text; got != want {
		t.Errorf("unknown type:\ngot  %q\nwant %q", got, want)
	}
	for title, playbook := range map[string]string{
		"Le paiement échoue":          "checkout-failure",
		"LE SITE EST EN PANNE":        "site-outage",
		"Lenteurs pendant les soldes": "launch-traffic",
	} {
		msg := f.say(alice, general, "declare "+title)
		if !strings.Contains(msg.Text, "with the "+playbook+" playbook") {
			t.Errorf("declare %q: got %q, want the %s playbook", title, msg.Text, playbook)
		}
	}
}
