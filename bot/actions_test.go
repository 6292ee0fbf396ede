package bot

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/bot/console"
	"incidentbot/internal/storetest"
	"incidentbot/playbooks"
)

// A throttled pause is retried, and what each run did is on the timeline.
func TestPauseAdsThrottledIsRetriedAndRecorded(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.SQLite(t))
	f.google.FailNext(1, nil)
	inc := f.declare(incidentbot.DeclareRequest{Title: "Site down", Severity: incidentbot.SEV1, Type: "site-outage"})
	f.runAll(10 * time.Second)

	var adsEvents []string
	for _, ev := range f.timeline(inc) {
		if ev.Kind == incidentbot.EventAdsPaused {
			adsEvents = append(adsEvents, ev.Text)
		}
	}
	if len(adsEvents) != 2 {
		t.Fatalf("ads_paused events: got %q, want one for the throttled run and one for the retry", adsEvents)
	}
	if !strings.Contains(adsEvents[0], "failed") {
		t.Errorf("first ads event: got %q, want it to say the pause failed", adsEvents[0])
	}
	for _, id := range []string{"g1", "g2"} {
		c, _ := f.google.Campaign(incidentbot.CampaignKey{Platform: incidentbot.AdsGoogle, Account: "123", ID: id})
		if c.Status != incidentbot.CampaignPaused {
			t.Errorf("campaign %s: got %s, want paused after the retry", id, c.Status)
		}
	}
}

type providers []incidentbot.ProviderStatus

func (p providers) ProviderStatuses(context.Context) []incidentbot.ProviderStatus { return p }

func TestCheckProviders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		provs incidentbot.ProviderChecker
		drill bool
		want  string // in the timeline
		room  bool   // posted in the war room too
	}{
		{"one down", providers{{Name: "stripe", Healthy: true, Description: "All Systems Operational"}, {Name: "host", Description: "Major outage (major)"}},
			false, "1 reports a problem or could not be read. Contact them and follow their page.\n- stripe: ok (All Systems Operational)\n- host: NOT OK (Major outage (major))", true},
		{"all fine", providers{{Name: "stripe", Healthy: true, Description: "All Systems Operational"}}, false, "all report no problem", true},
		{"not configured", nil, false, "Read the providers' status pages: no provider status page is configured (set PROVIDER_STATUS_PAGES).", false},
		{"drill", providers{{Name: "stripe"}}, true, "DRILL: would read the providers' status pages.", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, storetest.SQLite(t))
			pb, err := f.books.Match("generic", "")
			if err != nil {
				t.Fatal(err)
			}
			withProviders := *pb
			withProviders.OnDeclare = []incidentbot.Action{{Params: incidentbot.CheckProvidersParams{}}}
			f.books = books{Set: playbooks.Defaults(), override: map[string]*incidentbot.Playbook{"generic": &withProviders}}
			f.provs = tc.provs
			f.eng = f.engine()
			inc := f.declare(incidentbot.DeclareRequest{Title: "Payments failing", Type: "generic", Drill: tc.drill})
			f.runAll(0)
			found := false
			for _, ev := range f.timeline(inc) {
				found = found || strings.Contains(ev.Text, tc.want)
			}
			if !found {
				t.Errorf("no timeline event contains %q", tc.want)
			}
			posted := false
			for _, m := range f.warRoom(f.reload(inc)).Messages {
				posted = posted || strings.Contains(m.Message.Text, tc.want)
			}
			if posted != tc.room {
				t.Errorf("posted in the war room: got %v, want %v", posted, tc.room)
			}
		})
	}
}

func TestCampaignList(t *testing.T) {
	t.Parallel()
	one := []pauseDetail{{Platform: "meta", Name: "Retargeting", State: "left_paused", Error: "changed by hand"}}
	if got, want := campaignList("en", one), `Campaigns: meta "Retargeting" left paused (changed by hand).`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	many := make([]pauseDetail, 13)
	for i := range many {
		many[i] = pauseDetail{Platform: "googleads", Name: "c", State: "paused"}
	}
	if got := campaignList("en", many); !strings.HasSuffix(got, "; and 3 more.") || strings.Count(got, `"c"`) != 10 {
		t.Errorf("got %q, want 10 names and 3 more", got)
	}
}

// Every action kind has exactly one runner: a kind added to the root
// without one fails here (and in playbooks' decoder test).
func TestActionRunnersCoverKinds(t *testing.T) {
	t.Parallel()
	got := slices.Sorted(maps.Keys(actionRunners))
	want := slices.Sorted(slices.Values(incidentbot.ActionKinds()))
	if !slices.Equal(got, want) {
		t.Errorf("runners cover %v, want %v", got, want)
	}
	for _, kind := range want {
		if r := actionRunners[kind]; r.probe && r.outward {
			t.Errorf("%s: got a check from outside that also speaks for the shop; outward actions wait for a commander outside the probe lane", kind)
		}
	}
}

// A job that fails after a close that archives the war room says so where
// the incident was declared, not in the archive nobody reads.
func TestFailureAfterArchiveGoesToOrigin(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.SQLite(t))
	inc := ready(t, f)
	here := actor(alice, inc.WarRoom)
	f.google.FailNext(100, incidentbot.Errorf(incidentbot.EFORBIDDEN, "Google Ads refused: the account is suspended."))
	for _, st := range []incidentbot.Status{incidentbot.StatusResolved, incidentbot.StatusClosed} {
		if _, err := f.eng.SetStatus(context.Background(), here, "", st, ""); err != nil {
			t.Fatal(err)
		}
	}
	f.runAll(0)
	if room := f.warRoom(inc); !room.Archived {
		t.Fatal("the war room was not archived on close")
	}
	general, _ := f.chat.Channel(console.GeneralChannelID)
	if got := posts(general, "The bot could not resume"); len(got) != 1 || !strings.Contains(got[0], "account is suspended") {
		t.Errorf("notices in the channel the incident came from: %q, want the failed resume once", got)
	}
	if got := posts(f.warRoom(inc), "The bot could not resume"); len(got) != 0 {
		t.Errorf("notices in the archived war room: %q, want none", got)
	}
}
