package web

import (
	"testing"
	"time"
)

// TestTextsFrench: the pages' French words come from the catalog, with
// French dates and no-break spaces before colons.
func TestTextsFrench(t *testing.T) {
	t.Parallel()
	fr, en := texts["fr"], texts["en"]
	at := time.Date(2026, time.December, 5, 14, 2, 0, 0, time.UTC)
	for _, tc := range []struct{ name, got, want string }{
		{"when", fr.When(at), "5 décembre 2026, 14:02 UTC"},
		{"when en", en.When(at), "5 December 2026, 14:02 UTC"},
		{"major outage", fr.States[3], "Panne majeure"},
		{"explain", fr.Explain[1], "Une partie de la boutique est plus lente ou moins fiable que d'habitude. Nous nous en occupons."},
		{"chat off", fr.ChatOffDemo, "Pour voir ces pages avec un incident, lancez\u00a0: incidentbot demo --serve"},
		{"link to the other language", fr.OtherName + " " + fr.OtherLang, "English en"},
		{"link from English", en.OtherName + " " + en.OtherLang, "Français fr"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}
