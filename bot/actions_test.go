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
	"incidentbot/i18n"
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

// TestActionsFrench: in a French workspace the timeline says in French
// which actions were skipped and why, the campaigns an ads run touched,
// and what a drill would have done.
func TestActionsFrench(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.SQLite(t))
	f.lang = "fr"
	f.eng = f.engine()
	f.eng.notifier, f.eng.ads = nil, nil // nothing to notify or pause with: those actions are skipped
	inc := ready(t, f)
	var skipped []string
	for _, e := range events(f.timeline(inc), incidentbot.EventActionSkipped) {
		skipped = append(skipped, e.Text)
	}
	for _, want := range []string{
		"Mettre en pause les publicités\u00a0: aucune plateforme publicitaire n'est configurée (renseignez les variables *_ADS_* pour que le bot puisse mettre les campagnes en pause).",
		"Prévenir hosting\u00a0: non configuré (renseignez les variables NOTIFY_* ou STATUSPAGE_*).",
		"Mettre à jour la page de statut\u00a0: non configuré (renseignez les variables NOTIFY_* ou STATUSPAGE_*).",
	} {
		if !slices.Contains(skipped, want) {
			t.Errorf("no skipped action %q in %q", want, skipped)
		}
	}

	one := []pauseDetail{{Platform: "meta", Name: "Retargeting", State: "left_paused", Error: "changed by hand"}}
	if got, want := campaignList("fr", one), "Campagnes\u00a0: meta «\u00a0Retargeting\u00a0» laissée en pause (changed by hand)."; got != want {
		t.Errorf("campaigns: got %q, want %q", got, want)
	}

	drill := f.declare(incidentbot.DeclareRequest{Title: "Exercice de panne", Type: "site-outage", Drill: true, Force: true})
	f.runAll(time.Second)
	want := "EXERCICE\u00a0: le bot vérifierait https://shop.example.com/ depuis l'extérieur."
	if got := posts(f.warRoom(drill), want); len(got) != 1 {
		t.Errorf("got %d war-room posts %q, want 1", len(got), want)
	}
}

// TestDescribeSpeaksEveryLanguage: every job kind and action kind says, in
// every language, what it does and how to do it by hand.
func TestDescribeSpeaksEveryLanguage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.SQLite(t))
	for _, lang := range i18n.Supported {
		said := map[string]bool{}
		check := func(name, what, byHand string) {
			t.Helper()
			for _, s := range []string{what, byHand} {
				if s == "" || strings.HasPrefix(s, "engine.") || strings.Contains(s, "<no value>") {
					t.Errorf("%s (%s): got %q, want a text", name, lang, s)
				}
			}
			said[what] = true
		}
		for kind := range f.eng.handlers {
			what, byHand := describe(lang, incidentbot.Job{Kind: kind})
			check(kind, what, byHand)
		}
		for kind, r := range actionRunners {
			what, byHand := r.describe(lang, nil)
			check(kind, what, byHand)
		}
		if what, _ := describe(lang, incidentbot.Job{Kind: "no-such-kind"}); what == "" {
			t.Errorf("an unknown job kind (%s) says nothing", lang)
		}
		if len(said) < 15 {
			t.Errorf("%s: %d different texts for %d job and %d action kinds, want most of them told apart", lang, len(said), len(f.eng.handlers), len(actionRunners))
		}
	}
	en, _ := describe("en", incidentbot.Job{Kind: kindInvite})
	if fr, _ := describe("fr", incidentbot.Job{Kind: kindInvite}); en == fr {
		t.Errorf("invite: got %q in English and French", en)
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
