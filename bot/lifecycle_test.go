package bot

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/bot/console"
	"incidentbot/internal/storetest"
	"incidentbot/playbooks"
	"incidentbot/store"
)

// ready declares a sev1 site outage as alice and runs its saga.
func ready(t *testing.T, f *fixture) *incidentbot.Incident {
	t.Helper()
	inc := f.declare(incidentbot.DeclareRequest{Title: "Shop down", Type: "site-outage", Force: true})
	f.runAll(0)
	return f.reload(inc)
}

func TestSetStatus(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		tests := []struct {
			name    string
			path    []incidentbot.Status
			by      incidentbot.User
			to      incidentbot.Status
			code    string
			message string
		}{
			{"resolved to mitigated", []incidentbot.Status{incidentbot.StatusResolved}, alice, incidentbot.StatusMitigated,
				incidentbot.EINVALID, "Cannot go from resolved to mitigated. From resolved the incident can become: investigating, closed."},
			{"anything from closed", []incidentbot.Status{incidentbot.StatusResolved, incidentbot.StatusClosed}, alice, incidentbot.StatusInvestigating,
				incidentbot.EINVALID, "%s is closed: nothing can change it now. Declare a new incident if the problem is back."},
			{"not the commander closing too early", nil, bob, incidentbot.StatusClosed,
				incidentbot.EFORBIDDEN, "Only the commander can close %s. Ask <@U_ALICE> (commander) to do it, or to hand you the role: /incident role commander <@U_BOB>"},
			{"commander closing too early", nil, alice, incidentbot.StatusClosed,
				incidentbot.EINVALID, "Cannot go from investigating to closed. From investigating the incident can become: mitigated, resolved."},
			{"not the commander", nil, bob, incidentbot.StatusResolved,
				incidentbot.EFORBIDDEN, "Only the commander can resolve %s. Ask <@U_ALICE> (commander) to do it, or to hand you the role: /incident role commander <@U_BOB>"},
			{"not the commander reopening", []incidentbot.Status{incidentbot.StatusResolved}, bob, incidentbot.StatusInvestigating,
				incidentbot.EFORBIDDEN, "Only the commander can reopen %s. Ask <@U_ALICE> (commander) to do it, or to hand you the role: /incident role commander <@U_BOB>"},
			{"commander", nil, alice, incidentbot.StatusMitigated, "", ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				f := newFixture(t, db)
				inc := ready(t, f)
				ctx := context.Background()
				for _, s := range tc.path {
					if _, err := f.eng.SetStatus(ctx, actor(alice, inc.WarRoom), "", s, ""); err != nil {
						t.Fatalf("SetStatus %s: %v", s, err)
					}
				}
				before, beforeEvents := f.reload(inc), len(f.timeline(inc))
				got, err := f.eng.SetStatus(ctx, actor(tc.by, inc.WarRoom), "", tc.to, "")
				if code := incidentbot.ErrorCode(err); code != tc.code {
					t.Fatalf("code: got %q (%v), want %q", code, err, tc.code)
				}
				if tc.code == "" {
					if got.Status != tc.to || got.MitigatedAt == nil {
						t.Errorf("got status %s mitigated at %v, want %s with a time", got.Status, got.MitigatedAt, tc.to)
					}
					return
				}
				want := tc.message
				if strings.Contains(want, "%s") {
					want = strings.ReplaceAll(want, "%s", inc.Key)
				}
				if msg := incidentbot.ErrorMessage(err); msg != want {
					t.Errorf("message: got %q, want %q", msg, want)
				}
				if after := f.reload(inc); after.Status != before.Status || len(f.timeline(inc)) != beforeEvents {
					t.Errorf("a refused move changed the incident: status %s -> %s", before.Status, after.Status)
				}
			})
		}
	})
}

func TestCommanderOnlyCommands(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.SQLite(t))
	inc := ready(t, f)
	ctx := context.Background()
	bobHere := actor(bob, inc.WarRoom)
	if _, err := f.eng.SetSeverity(ctx, bobHere, "", incidentbot.SEV2); incidentbot.ErrorCode(err) != incidentbot.EFORBIDDEN {
		t.Errorf("bob sets severity: got %v, want EFORBIDDEN", err)
	}
	_, err := f.eng.AssignRole(ctx, bobHere, "", "commander", "<@U_BOB>")
	if want := "Only the commander can assign roles in " + inc.Key + ". Ask <@U_ALICE> (commander) to do it, or to hand you the role: /incident role commander <@U_BOB>"; incidentbot.ErrorMessage(err) != want {
		t.Errorf("bob takes command: got %q, want %q", incidentbot.ErrorMessage(err), want)
	}
	if _, err := f.eng.AddNote(ctx, bobHere, "", "Anyone may add notes"); err != nil {
		t.Errorf("bob adds a note: %v", err)
	}

	// Alice hands command to bob; from then on alice is refused.
	roles, err := f.eng.AssignRole(ctx, actor(alice, inc.WarRoom), "", "commander", "<@U_BOB>")
	if err != nil {
		t.Fatal(err)
	}
	if got := holders(roles, incidentbot.RoleCommander); len(got) != 1 || got[0] != bob {
		t.Fatalf("commander: got %v, want bob", got)
	}
	if _, err := f.eng.SetSeverity(ctx, actor(alice, inc.WarRoom), "", incidentbot.SEV2); incidentbot.ErrorCode(err) != incidentbot.EFORBIDDEN {
		t.Errorf("alice after handing over: got %v, want EFORBIDDEN", err)
	}
	got, err := f.eng.SetSeverity(ctx, bobHere, "", incidentbot.SEV2)
	if err != nil || got.Severity != incidentbot.SEV2 {
		t.Fatalf("bob sets sev2: got %v, %v", got, err)
	}
	f.runAll(0)
	if room := f.warRoom(inc); !strings.Contains(room.Topic, "bob") || !strings.Contains(room.Topic, "SEV2") {
		t.Errorf("topic after the changes: got %q, want bob and SEV2", room.Topic)
	}
	_, err = f.eng.AssignRole(ctx, bobHere, "", "captain", "<@U_BOB>")
	if want := "Unknown role \"captain\". Roles in the site-outage playbook: commander, tech-lead, comms, marketing."; incidentbot.ErrorMessage(err) != want {
		t.Errorf("unknown role: got %q, want %q", incidentbot.ErrorMessage(err), want)
	}
}

func TestNoCommanderAnyoneMayAct(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.SQLite(t))
	pb, err := f.books.Match("generic", "")
	if err != nil {
		t.Fatal(err)
	}
	free := *pb
	free.Roles = []incidentbot.Role{{Name: incidentbot.RoleCommander}}
	f.books = books{Set: playbooks.Defaults(), override: map[string]*incidentbot.Playbook{"generic": &free}}
	f.eng = f.engine()
	inc := f.declare(incidentbot.DeclareRequest{Title: "Nobody in charge", Type: "generic"})
	f.runAll(0)
	if _, err := f.eng.SetStatus(context.Background(), actor(bob, console.GeneralChannelID), inc.Key, incidentbot.StatusResolved, "Fixed"); err != nil {
		t.Errorf("bob resolves an incident nobody commands: %v", err)
	}
}

func TestIncidentResolution(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.SQLite(t))
	inc := ready(t, f)
	ctx := context.Background()
	tests := []struct {
		name    string
		channel string
		key     string
		code    string
	}{
		{"war room", inc.WarRoom, "", ""},
		{"key elsewhere", console.GeneralChannelID, inc.Key, ""},
		{"lowercase key", console.GeneralChannelID, strings.ToLower(inc.Key), ""},
		{"no key elsewhere", console.GeneralChannelID, "", incidentbot.ENOTFOUND},
		{"bad key", console.GeneralChannelID, "INC-x", incidentbot.EINVALID},
		{"unknown key", console.GeneralChannelID, "INC-999", incidentbot.ENOTFOUND},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := f.eng.Status(ctx, actor(bob, tc.channel), tc.key)
			if code := incidentbot.ErrorCode(err); code != tc.code {
				t.Fatalf("code: got %q (%v), want %q", code, err, tc.code)
			}
			if err == nil && st.Incident.ID != inc.ID {
				t.Errorf("got %s, want %s", st.Incident.Key, inc.Key)
			}
			if tc.name == "no key elsewhere" {
				if want := "This channel is not an incident war room. Add the incident key, e.g. /incident status INC-42."; incidentbot.ErrorMessage(err) != want {
					t.Errorf("message: got %q, want %q", incidentbot.ErrorMessage(err), want)
				}
			}
		})
	}
}

func TestResolveAndClose(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		inc := ready(t, f)
		ctx := context.Background()
		here := actor(alice, inc.WarRoom)
		if _, err := f.eng.SetStatus(ctx, here, "", incidentbot.StatusResolved, "Cache flushed"); err != nil {
			t.Fatal(err)
		}
		f.runAll(0)
		for _, id := range []string{"g1", "g2"} {
			if got := status(f, key(id)); got != incidentbot.CampaignActive {
				t.Errorf("campaign %s after resolve: got %s, want active", id, got)
			}
		}
		if got := status(f, key("g3")); got != incidentbot.CampaignPaused {
			t.Errorf("campaign paused before the incident: got %s, want still paused", got)
		}
		if len(events(f.timeline(inc), incidentbot.EventAdsResumed)) != 1 {
			t.Errorf("no ads_resumed event")
		}
		if got := f.reload(inc).Summary; got != "Cache flushed" {
			t.Errorf("summary: got %q, want the resolve summary", got)
		}

		if _, err := f.eng.SetStatus(ctx, here, "", incidentbot.StatusClosed, ""); err != nil {
			t.Fatal(err)
		}
		f.runAll(0)
		room := f.warRoom(inc)
		if !room.Archived {
			t.Errorf("war room not archived")
		}
		if got := posts(room, "Post-mortem draft for "+inc.Key); len(got) != 1 {
			t.Errorf("post-mortem posts: got %d, want one", len(got))
		}
		// The draft goes whole as a file, a short summary beside it.
		draft := f.draft(here, inc.Key)
		for _, m := range room.Messages {
			if !strings.Contains(m.Message.Title, "Post-mortem draft") {
				continue
			}
			if m.Message.File == nil || m.Message.File.Name != strings.ToLower(inc.Key)+"-postmortem.md" {
				t.Fatalf("post-mortem file: got %+v, want %s-postmortem.md", m.Message.File, strings.ToLower(inc.Key))
			}
			if m.Message.File.Content != draft || !strings.Contains(draft, "Shop down") {
				t.Errorf("post-mortem file: got %d bytes, want the whole draft about the incident (%d bytes)", len(m.Message.File.Content), len(draft))
			}
			if strings.Contains(m.Message.Text, "Shop down") {
				t.Errorf("post-mortem summary repeats the draft: %q", m.Message.Text)
			}
		}
		if got := posts(room, "still paused"); len(got) != 0 {
			t.Errorf("warned about paused ads after they were resumed: %q", got)
		}
	})
}

func TestCloseWithAdsStillPaused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		pb, err := f.books.Match("site-outage", "")
		if err != nil {
			t.Fatal(err)
		}
		keep := *pb
		keep.OnResolve = nil
		f.books = books{Set: playbooks.Defaults(), override: map[string]*incidentbot.Playbook{"site-outage": &keep}}
		f.eng = f.engine()
		inc := ready(t, f)
		ctx := context.Background()
		here := actor(alice, inc.WarRoom)
		for _, s := range []incidentbot.Status{incidentbot.StatusResolved, incidentbot.StatusClosed} {
			if _, err := f.eng.SetStatus(ctx, here, "", s, ""); err != nil {
				t.Fatalf("%s: %v", s, err)
			}
		}
		f.runAll(0)
		warning := "Ads are still paused for 2 campaigns: run /incident ads resume " + inc.Key
		if got := said(f.warRoom(inc), warning); len(got) != 1 {
			t.Errorf("war-room warnings: got %d, want 1", len(got))
		}
		summary, _ := f.chat.Channel(summaryChannel)
		if got := said(summary, warning); len(got) != 1 {
			t.Errorf("summary-channel warnings: got %d, want 1", len(got))
		}
		f.clock.Advance(24 * time.Hour)
		f.runAll(0)
		summary, _ = f.chat.Channel(summaryChannel)
		if got := said(summary, warning); len(got) != 2 {
			t.Errorf("after a day: got %d warnings, want the daily reminder too", len(got))
		}
		if _, err := f.eng.Ads(ctx, actor(alice, console.GeneralChannelID), inc.Key, incidentbot.AdsResume, ""); err != nil {
			t.Fatal(err)
		}
		f.runAll(0)
		if got := status(f, key("g1")); got != incidentbot.CampaignActive {
			t.Errorf("g1 after ads resume: got %s, want active", got)
		}
		f.clock.Advance(24 * time.Hour)
		f.runAll(0)
		summary, _ = f.chat.Channel(summaryChannel)
		if got := said(summary, warning); len(got) != 2 {
			t.Errorf("after resuming: got %d warnings, want no new one", len(got))
		}
	})
}

func TestDuplicateDeclare(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		first := f.declare(incidentbot.DeclareRequest{Title: "Checkout returns 504", Type: "checkout-failure"})
		_, err := f.eng.Declare(context.Background(), actor(bob, console.GeneralChannelID), incidentbot.DeclareRequest{Title: "checkout RETURNS 504"})
		var dup *incidentbot.DuplicateError
		if !errors.As(err, &dup) || incidentbot.ErrorCode(err) != incidentbot.ECONFLICT {
			t.Fatalf("second declare: got %v, want ECONFLICT wrapping *DuplicateError", err)
		}
		if dup.Existing.ID != first.ID {
			t.Errorf("duplicate of %s, want %s", dup.Existing.Key, first.Key)
		}
		second, err := f.eng.Declare(context.Background(), actor(bob, console.GeneralChannelID), incidentbot.DeclareRequest{Title: "checkout RETURNS 504", Force: true})
		if err != nil || second.ID == first.ID {
			t.Fatalf("forced declare: got %v, %v, want a second incident", second, err)
		}
		if _, err := f.eng.Declare(context.Background(), actor(bob, "C_ELSEWHERE"), incidentbot.DeclareRequest{Title: "Checkout returns 504"}); err != nil {
			t.Errorf("same title in another channel: %v", err)
		}
		list, err := f.eng.List(context.Background(), actor(bob, console.GeneralChannelID), incidentbot.ListQuery{})
		if err != nil || len(list.Incidents) != 3 {
			t.Errorf("list: got %+v (%v), want 3 incidents", list, err)
		}
	})
}

func TestReminders(t *testing.T) {
	t.Parallel()
	testReminders(t, time.Time{})
}

// TestReminderSubMicrosecondClock: on a clock with nanoseconds, as the real
// one has, reminders and snoozes still fire (the store keeps microseconds).
func TestReminderSubMicrosecondClock(t *testing.T) {
	t.Parallel()
	testReminders(t, time.Date(2026, 12, 5, 9, 0, 0, 123456789, time.UTC))
}

// testReminders runs the reminder flow from start (zero: the fixture's time).
func testReminders(t *testing.T, start time.Time) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		if !start.IsZero() {
			f.clock.Set(start)
		}
		inc := ready(t, f)
		ctx := context.Background()
		nudges := func() int { return len(posts(f.warRoom(inc), "No update for")) }
		step := func(d time.Duration, want int, why string) {
			t.Helper()
			f.clock.Advance(d)
			f.runAll(0)
			if got := nudges(); got != want {
				t.Fatalf("%s: got %d nudges, want %d", why, got, want)
			}
		}
		step(14*time.Minute, 0, "before the sev1 cadence of 15m")
		step(time.Minute, 1, "at 15m")
		if got := posts(f.warRoom(inc), "No update for"); !strings.Contains(got[0], "<@U_CHLOE>") {
			t.Errorf("nudge %q does not mention the comms lead", got[0])
		}
		if _, err := f.eng.PostUpdate(ctx, actor(bob, inc.WarRoom), "", "DB restarted"); err != nil { // at 15m: next at 30m
			t.Fatal(err)
		}
		step(10*time.Minute, 1, "25m, an update at 15m")
		step(5*time.Minute, 2, "30m")
		if _, err := f.eng.Remind(ctx, actor(bob, inc.WarRoom), "", incidentbot.RemindSnooze, time.Hour); err != nil { // next at 1h30
			t.Fatal(err)
		}
		step(15*time.Minute, 2, "45m, snoozed")
		step(45*time.Minute, 3, "1h30, end of snooze")
		if _, err := f.eng.Remind(ctx, actor(bob, inc.WarRoom), "", incidentbot.RemindOff, 0); err != nil {
			t.Fatal(err)
		}
		step(time.Hour, 3, "reminders off")
		if _, err := f.eng.Remind(ctx, actor(bob, inc.WarRoom), "", incidentbot.RemindOn, 0); err != nil {
			t.Fatal(err)
		}
		step(15*time.Minute, 4, "on again")
		if got := len(events(f.timeline(inc), incidentbot.EventReminder)); got != 7 {
			t.Errorf("reminder events: got %d, want 4 nudges and 3 switches", got)
		}
	})
}

func TestDrill(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		inc := f.declare(incidentbot.DeclareRequest{Title: "Practice outage", Type: "site-outage", Drill: true})
		f.runAll(0)
		room := f.warRoom(inc)
		if !strings.HasPrefix(room.Name, "drill-") {
			t.Errorf("war room %q is not labelled as a drill", room.Name)
		}
		for _, id := range []string{"g1", "g2"} {
			if got := status(f, key(id)); got != incidentbot.CampaignActive {
				t.Errorf("drill paused campaign %s: got %s", id, got)
			}
		}
		if got := f.notifier.Sent(); len(got) != 0 {
			t.Errorf("drill sent notifications: %q", got)
		}
		if f.prober.calls != 0 {
			t.Errorf("drill probed the site %d times", f.prober.calls)
		}
		for _, e := range events(f.timeline(inc), incidentbot.EventActionSucceeded) {
			if !strings.HasPrefix(e.Text, "DRILL: ") {
				t.Errorf("drill action event %q not labelled", e.Text)
			}
		}
	})
}

func TestLifecycleRecords(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.SQLite(t))
	inc := ready(t, f)
	ctx := context.Background()
	here := actor(bob, inc.WarRoom)
	if _, err := f.eng.Acknowledge(ctx, here, ""); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute)
	if _, err := f.eng.Acknowledge(ctx, actor(alice, inc.WarRoom), ""); incidentbot.ErrorCode(err) != incidentbot.ECONFLICT {
		t.Errorf("second ack: got %v, want ECONFLICT", err)
	}
	if got := f.reload(inc); !got.AcknowledgedAt.Equal(got.DeclaredAt) {
		t.Errorf("second ack: acknowledged at %v, want the first time kept", got.AcknowledgedAt)
	}
	entry, err := f.eng.Check(ctx, here, "", 2, true)
	if err != nil || entry.State != incidentbot.ChecklistDone || entry.By != bob {
		t.Errorf("check 2: got %+v, %v", entry, err)
	}
	if _, err := f.eng.Check(ctx, here, "", 99, true); incidentbot.ErrorCode(err) != incidentbot.EINVALID {
		t.Errorf("check 99: got %v, want EINVALID", err)
	}
	if _, err := f.eng.PostUpdate(ctx, actor(bob, console.GeneralChannelID), inc.Key, "Rollback running"); err != nil {
		t.Fatal(err)
	}
	f.runAll(0)
	if got := posts(f.warRoom(inc), "Rollback running"); len(got) != 1 {
		t.Errorf("update typed elsewhere: got %d war-room posts, want 1", len(got))
	}
	st, err := f.eng.Status(ctx, here, "")
	if err != nil {
		t.Fatal(err)
	}
	if st.LastUpdate == nil || st.LastUpdate.Text != "Rollback running" || st.Checklist[1].State != incidentbot.ChecklistDone || len(st.Pauses) != 2 {
		t.Errorf("status: last update %v, checklist %v, %d pauses", st.LastUpdate, st.Checklist[1].State, len(st.Pauses))
	}
	if md := f.draft(here, ""); !strings.Contains(md, inc.Key) {
		t.Errorf("post-mortem: got %d bytes, want the draft of %s", len(md), inc.Key)
	}
	if _, err := f.eng.Verify(ctx, here, "", ""); err != nil {
		t.Fatal(err)
	}
	f.runAll(0)
	if f.prober.calls != 2 {
		t.Errorf("probes after verify: got %d, want 2", f.prober.calls)
	}
	if _, err := f.eng.Ads(ctx, actor(emma, inc.WarRoom), "", incidentbot.AdsResume, ""); incidentbot.ErrorCode(err) != incidentbot.EFORBIDDEN {
		t.Errorf("emma resumes ads: got %v, want EFORBIDDEN", err)
	}
	if _, err := f.eng.Ads(ctx, actor(alice, inc.WarRoom), "", incidentbot.AdsPause, "tiktok"); incidentbot.ErrorCode(err) != incidentbot.EINVALID {
		t.Errorf("pause on an unconfigured platform: got %v, want EINVALID", err)
	}
}

// said counts a channel's messages whose text is exactly text.
func said(ch console.ChannelState, text string) []string {
	var out []string
	for _, m := range ch.Messages {
		if m.Message.Text == text {
			out = append(out, text)
		}
	}
	return out
}

func TestPauseAdsOverride(t *testing.T) {
	t.Parallel()
	yes, no := true, false
	tests := []struct {
		name     string
		severity incidentbot.Severity
		pauseAds *bool
		want     incidentbot.CampaignStatus
	}{
		{"playbook, sev1", incidentbot.SEV1, nil, incidentbot.CampaignPaused},
		{"playbook, sev3", incidentbot.SEV3, nil, incidentbot.CampaignActive},
		{"forced off, sev1", incidentbot.SEV1, &no, incidentbot.CampaignActive},
		{"forced on, sev3", incidentbot.SEV3, &yes, incidentbot.CampaignPaused},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, storetest.SQLite(t))
			f.declare(incidentbot.DeclareRequest{Title: "Ads?", Type: "site-outage", Severity: tc.severity, PauseAds: tc.pauseAds})
			f.runAll(0)
			if got := status(f, key("g1")); got != tc.want {
				t.Errorf("g1: got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestRecordKeepsTheEventTimeAndAnnounces(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.SQLite(t))
	inc := f.declare(incidentbot.DeclareRequest{Title: "Search is slow", Severity: incidentbot.SEV3, Type: "generic"})
	f.runAll(0)
	pinnedAt := f.clock.Now().Add(-7 * time.Minute)
	ctx := context.Background()
	_, err := f.eng.Record(ctx, actor(bob, console.GeneralChannelID), inc.Key,
		incidentbot.TimelineEvent{Kind: incidentbot.EventPinned, At: pinnedAt, Text: "Cache hit ratio fell to 3%"},
		&incidentbot.Message{Text: "Pinned to the timeline: Cache hit ratio fell to 3%"})
	if err != nil {
		t.Fatalf("Record: %v", err)
	}
	if _, err := f.eng.Record(ctx, actor(bob, console.GeneralChannelID), inc.Key, incidentbot.TimelineEvent{}, nil); incidentbot.ErrorCode(err) != incidentbot.EINVALID {
		t.Errorf("Record without a kind: got %v, want EINVALID", err)
	}
	f.runAll(0)
	events, err := f.db.Timeline(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got *incidentbot.TimelineEvent
	for i := range events {
		if events[i].Kind == incidentbot.EventPinned {
			got = &events[i]
		}
	}
	if got == nil || !got.At.Equal(pinnedAt) || got.Actor.ID != bob.ID {
		t.Fatalf("pinned event: got %+v, want at %v by bob", got, pinnedAt)
	}
	stored, _ := f.db.Incident(ctx, inc.ID)
	room, _ := f.chat.Channel(stored.WarRoom)
	last := room.Messages[len(room.Messages)-1].Message.Text
	if !strings.Contains(last, "Cache hit ratio fell to 3%") {
		t.Errorf("last war-room message: got %q, want the announcement", last)
	}
}

// TestUpdateSeenByEveryone: an update is posted in the war room for
// everyone, whether typed there (a slash command only its author sees) or
// elsewhere with the key.
func TestUpdateSeenByEveryone(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.SQLite(t))
	inc := ready(t, f)
	for _, tc := range []struct{ channel, key, text string }{
		{inc.WarRoom, "", "Database restarted"},
		{console.GeneralChannelID, inc.Key, "Checkout recovering"},
	} {
		if _, err := f.eng.PostUpdate(context.Background(), actor(bob, tc.channel), tc.key, tc.text); err != nil {
			t.Fatal(err)
		}
		f.runAll(0)
		var public []string
		for _, m := range f.warRoom(inc).Messages {
			if m.Message.EphemeralTo == "" && strings.Contains(m.Message.Text, tc.text) {
				public = append(public, m.Message.Title)
			}
		}
		if len(public) != 1 || !strings.Contains(public[0], "bob") {
			t.Errorf("update typed in %s: got public war-room posts %q, want one from bob", tc.channel, public)
		}
	}
}

// TestReminderUpdateWithinTheSecond: two updates in the same second move
// the reminder by less than a second; it still fires.
func TestReminderUpdateWithinTheSecond(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.SQLite(t))
	f.clock.Set(time.Date(2026, 12, 5, 9, 0, 0, 100_000_000, time.UTC))
	inc := ready(t, f)
	for _, text := range []string{"DB restarted", "Checkout recovering"} {
		f.clock.Advance(400 * time.Millisecond)
		if _, err := f.eng.PostUpdate(context.Background(), actor(bob, inc.WarRoom), "", text); err != nil {
			t.Fatal(err)
		}
	}
	f.clock.Advance(15*time.Minute - 200*time.Millisecond) // the first update's schedule, not yet the second's
	f.runAll(0)
	f.clock.Advance(time.Second)
	f.runAll(0)
	if got := len(posts(f.warRoom(inc), "No update for")); got != 1 {
		t.Errorf("got %d nudges 15m after the last update, want 1", got)
	}
}
