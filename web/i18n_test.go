package web

import (
	"testing"
	"time"

	"incidentbot"
)

// TestTextsFrench: the pages' French words come from the catalog, with
// no-break spaces before colons and guillemets around echoed values.
func TestTextsFrench(t *testing.T) {
	t.Parallel()
	fr, en := texts["fr"], texts["en"]
	dfr, den := dashTexts["fr"], dashTexts["en"]
	for _, tc := range []struct{ name, got, want string }{
		{"major outage", fr.States[3], "Panne majeure"},
		{"explain", fr.Explain[1], "Une partie de la boutique est plus lente ou moins fiable que d'habitude. Nous nous en occupons."},
		{"chat off", fr.ChatOffDemo, "Pour voir ces pages avec un incident, lancez\u00a0: incidentbot demo --serve"},
		{"link to the other language", fr.OtherName + " " + fr.OtherLang, "English en"},
		{"link from English", en.OtherName + " " + en.OtherLang, "Français fr"},
		{"feed entry", fr.FeedEntry("Panne majeure", "Analyse en cours", "Paiement"), "Panne majeure (Analyse en cours)\u00a0: Paiement"},
		{"summary state en", en.SummaryStates[3], "Major System Outage"},
		{"dashboard", dfr.Dashboard, "Tableau de bord"},
		{"colon", dfr.Colon, "\u00a0: "},
		{"ago", dfr.Ago("4 min"), "il y a 4 min"},
		{"ago en", den.Ago("4m"), "4m ago"},
		{"results", dfr.Results(1234), "Incidents\u00a0: 1\u00a0234"},
		{"page of", dfr.PageOf(2, 5), "Page 2 sur 5"},
		{"bad date", dfr.BadDate("hier"), "«\u00a0hier\u00a0» n'est pas une date\u00a0: écrivez-la AAAA-MM-JJ."},
		{"bad date en", den.BadDate("yesterday"), "“yesterday” is not a date: write it as YYYY-MM-DD."},
		{"not found", dfr.NotFound("INC-9"), "Incident INC-9 introuvable."},
		{"months", dfr.MonthsN(12), "12 mois"},
		{"month en", den.MonthsN(1), "1 month"},
		{"check", dfr.Check(incidentbot.ChecklistSkipped), "ignoré"},
		{"pause state", dfr.PauseState(incidentbot.PauseLeftPaused), "laissée en pause"},
		{"follow-up", dfr.FollowUp(incidentbot.FollowUp{Number: 2, Priority: 1, Type: incidentbot.FollowUpDetect, Text: "Alerte"}), "2. [P1 détecter] Alerte"},
		{"bar", dfr.Bar("2026-03", "SEV1", "2"), "2026-03, SEV1\u00a0: 2"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

// TestStatusTimes: the status page writes its times in BOT_TIMEZONE,
// naming the zone, and gives the zone's IANA name in the JSON summary.
func TestStatusTimes(t *testing.T) {
	t.Parallel()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, time.December, 5, 14, 2, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, lang string
		loc        *time.Location
		when, zone string
	}{
		{"UTC by default", "en", nil, "5 December 2026, 14:02 UTC", "Etc/UTC"},
		{"Paris in French", "fr", paris, "5 décembre 2026, 15:02 CET", "Europe/Paris"},
	} {
		v := statusView{Lang: tc.lang, T: texts[tc.lang], loc: tc.loc}
		if got := v.When(at); got != tc.when {
			t.Errorf("%s: When = %q, want %q", tc.name, got, tc.when)
		}
		if got := v.timeZone(); got != tc.zone {
			t.Errorf("%s: time zone = %q, want %q", tc.name, got, tc.zone)
		}
	}
}
