package alerts

import (
	"testing"

	"incidentbot"
	"incidentbot/i18n"
)

// fuzzParser checks a payload parser never panics, refuses only with
// EINVALID, and returns alerts the receiver can use.
func fuzzParser(f *testing.F, parse func([]byte) ([]alert, error), seeds ...[]byte) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"version":"4","alerts":[{"status":"firing","labels":{"alertname":"x"}}]}`))
	f.Add([]byte(`{"version":"1","alerts":[{"status":"resolved","labels":{"a":"b"},"endsAt":"2026-01-01T00:00:00Z"}]}`))
	f.Add([]byte(`{"title":"x","status":"resolved","severity":"info"}`))
	f.Add([]byte(`[1,2]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		alerts, err := parse(body)
		if err != nil {
			if incidentbot.ErrorCode(err) != incidentbot.EINVALID || incidentbot.ErrorMessage(err) == "" {
				t.Fatalf("got %v, want an EINVALID error with a message", err)
			}
			return
		}
		for _, a := range alerts {
			if a.Status != statusFiring && a.Status != statusResolved {
				t.Fatalf("got status %q", a.Status)
			}
			if len(a.Labels) == 0 || len(a.Fingerprint) == 0 {
				t.Fatalf("got an alert without labels or fingerprint: %+v", a)
			}
			d := decide(nil, a.Labels)
			if d.key == "" || alertTitle(i18n.Default, a) == "" {
				t.Fatalf("got an empty key or title for %+v", a)
			}
			_ = describe(i18n.Default, nil, source{"fuzz", "Fuzz"}, a)
		}
	})
}

func FuzzParseAlertmanager(f *testing.F) {
	fuzzParser(f, parseAlertmanager, fixture(f, "alertmanager/firing.json"), fixture(f, "alertmanager/resolved.json"), fixture(f, "alertmanager/storm_group.json"))
}

func FuzzParseGrafana(f *testing.F) {
	fuzzParser(f, parseGrafana, fixture(f, "grafana/firing.json"))
}

func FuzzParseGeneric(f *testing.F) {
	fuzzParser(f, parseGeneric, []byte(`{"title":"Checkout returns 504","severity":"critical","dedupe_key":"checkout-504","url":"https://status.shop.example/","description":"d"}`))
}

func FuzzParseRules(f *testing.F) {
	f.Add([]byte("rules:\n  - name: payments\n    match: {service: payment}\n    match_re: {alertname: 'Payment.*'}\n    severity: sev1\n    type: checkout-failure\n    mode: declare\n    auto_resolve: true\n    dedupe_by: [service]\n"))
	f.Add([]byte("rules:\n  - mode: attach\n"))
	f.Add([]byte("rules: [}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rules, err := ParseRules(data)
		if err != nil {
			if incidentbot.ErrorCode(err) != incidentbot.EINVALID {
				t.Fatalf("got %v, want EINVALID", err)
			}
			return
		}
		for _, r := range rules {
			if r.Mode != "" && r.Mode != ModeDeclare && r.Mode != ModeAttach {
				t.Fatalf("got mode %q", r.Mode)
			}
			if r.Severity != incidentbot.SevUnknown && !r.Severity.Valid() {
				t.Fatalf("got severity %d", r.Severity)
			}
			r.Matches(map[string]string{"alertname": "x"})
		}
	})
}
