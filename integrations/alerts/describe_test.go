package alerts

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/internal/golden"
)

// TestDescribe checks the incident description (the welcome's impact) of
// every fixture alert against testdata/describe/*.golden, in English (UTC)
// and French (Paris time).
func TestDescribe(t *testing.T) {
	t.Parallel()
	fr := paris(t)
	tests := []struct {
		name  string
		file  string
		src   source
		parse func([]byte) ([]alert, error)
		lang  string
		loc   *time.Location
	}{
		{"alertmanager_firing", "alertmanager/firing.json", source{"alertmanager", "Alertmanager"}, parseAlertmanager, "en", nil},
		{"alertmanager_storm_group", "alertmanager/storm_group.json", source{"alertmanager", "Alertmanager"}, parseAlertmanager, "en", nil},
		{"grafana_firing", "grafana/firing.json", source{"grafana", "Grafana"}, parseGrafana, "en", nil},
		{"generic", "", source{"generic", "Alert webhook"}, parseGeneric, "en", nil},
		{"alertmanager_firing_fr", "alertmanager/firing.json", source{"alertmanager", "Alertmanager"}, parseAlertmanager, "fr", fr},
		{"grafana_firing_fr", "grafana/firing.json", source{"grafana", "Grafana"}, parseGrafana, "fr", fr},
		{"generic_fr", "", source{"generic", "Webhook d'alerte"}, parseGeneric, "fr", fr},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body := []byte(`{"title":"Checkout returns 504","severity":"critical","dedupe_key":"checkout-504","url":"https://status.shop.example/checks/9","description":"Synthetic check failed 3 times"}`)
			if tc.file != "" {
				body = fixture(t, tc.file)
			}
			alerts, err := tc.parse(body)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, a := range alerts {
				b.WriteString("title: " + alertTitle(tc.lang, a) + "\n")
				b.WriteString(describe(tc.lang, tc.loc, tc.src, a))
				b.WriteString("\n---\n")
			}
			golden.Check(t, filepath.Join("describe", tc.name+".golden"), []byte(b.String()))
		})
	}
}

// TestPublicTextAlertDescriptionCapped: an alert's description, however
// long its annotations, fits the length the engine accepts.
func TestPublicTextAlertDescriptionCapped(t *testing.T) {
	t.Parallel()
	a := alert{Annotations: map[string]string{"description": strings.Repeat("é", 3*incidentbot.MaxDescription)}}
	got := describe(i18n.Default, nil, source{"generic", "Alert webhook"}, a)
	if n := utf8.RuneCountInString(got); n != incidentbot.MaxDescription || !strings.HasSuffix(got, "…") {
		t.Errorf("got %d characters ending %q, want %d ending with …", n, got[len(got)-8:], incidentbot.MaxDescription)
	}
}
