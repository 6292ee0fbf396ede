package alerts

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"incidentbot"
	"incidentbot/i18n"
)

func TestSeverityOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		label string
		want  incidentbot.Severity
	}{
		{"critical", incidentbot.SEV1},
		{"CRITICAL", incidentbot.SEV1},
		{"error", incidentbot.SEV2},
		{"high", incidentbot.SEV2},
		{"warning", incidentbot.SEV3},
		{" warning ", incidentbot.SEV3},
		{"info", incidentbot.SEV4},
		{"sev2", incidentbot.SEV2},
		{"", incidentbot.SevUnknown},
		{"none", incidentbot.SevUnknown},
	}
	for _, tc := range tests {
		t.Run(tc.label, func(t *testing.T) {
			t.Parallel()
			if got := SeverityOf(tc.label); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestDecide(t *testing.T) {
	t.Parallel()
	rules, err := ParseRules([]byte(`
rules:
  - name: payments
    match: {service: payment}
    match_re: {alertname: "Payment.*|Stripe.*"}
    severity: sev1
    type: checkout-failure
    mode: declare
    auto_resolve: true
    dedupe_by: [service]
  - name: quiet
    match: {team: data}
    mode: attach
`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		labels map[string]string
		want   decision
	}{
		{"critical declares", map[string]string{"alertname": "A", "severity": "critical", "instance": "i1"},
			decision{severity: incidentbot.SEV1, mode: ModeDeclare, key: `alert:alertname="A"`}},
		{"error declares", map[string]string{"alertname": "A", "severity": "error", "service": "web"},
			decision{severity: incidentbot.SEV2, mode: ModeDeclare, key: `alert:alertname="A",service="web"`}},
		{"warning attaches", map[string]string{"alertname": "A", "severity": "warning"},
			decision{severity: incidentbot.SEV3, mode: ModeAttach, key: `alert:alertname="A"`}},
		{"no severity attaches", map[string]string{"alertname": "A"},
			decision{mode: ModeAttach, key: `alert:alertname="A"`}},
		{"rule by equality and regex", map[string]string{"alertname": "StripeDown", "service": "payment", "severity": "info"},
			decision{rule: "payments", severity: incidentbot.SEV1, typ: "checkout-failure", mode: ModeDeclare, resolve: true, key: `alert:service="payment"`}},
		{"regex is anchored", map[string]string{"alertname": "NotStripeDown", "service": "payment", "severity": "info"},
			decision{severity: incidentbot.SEV4, mode: ModeAttach, key: `alert:alertname="NotStripeDown",service="payment"`}},
		{"rule mode wins over severity", map[string]string{"alertname": "Lag", "team": "data", "severity": "critical"},
			decision{rule: "quiet", severity: incidentbot.SEV1, mode: ModeAttach, key: `alert:alertname="Lag"`}},
		{"key ignores pods and severity", map[string]string{"alertname": "A", "env": "prod", "pod": "p-1", "severity": "warning", "job": "j"},
			decision{severity: incidentbot.SEV3, mode: ModeAttach, key: `alert:alertname="A",env="prod",job="j"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := decide(rules, tc.labels); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestParseRulesProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{"bad severity", "rules:\n  - severity: sev9\n", []string{`rule 1: severity "sev9"`}},
		{"bad mode", "rules:\n  - name: x\n    mode: page\n", []string{`rule 1 (x): mode "page": use declare or attach`}},
		{"bad regex", "rules:\n  - match_re: {a: '('}\n", []string{"rule 1: match_re a: error parsing regexp"}},
		{"empty dedupe_by", "rules:\n  - dedupe_by: []\n", []string{"dedupe_by is empty"}},
		{"unknown field", "rules:\n  - matchers: [a]\n", []string{"line 2", "matchers not found"}},
		{"every problem", "rules:\n  - mode: x\n  - severity: y\n", []string{"rule 1: mode", "rule 2: severity"}},
		{"not a list", "rules: {a: b}\n", []string{"not valid YAML"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseRules([]byte(tc.yaml))
			if incidentbot.ErrorCode(err) != incidentbot.EINVALID {
				t.Fatalf("got %v, want an EINVALID error", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(incidentbot.ErrorMessage(err), w) {
					t.Errorf("got %q, want it to say %q", incidentbot.ErrorMessage(err), w)
				}
			}
		})
	}
}

func TestLoadRules(t *testing.T) {
	t.Parallel()
	t.Run("no file gives the defaults", func(t *testing.T) {
		t.Parallel()
		rules, err := LoadRules("")
		if err != nil || rules != nil {
			t.Errorf("got %v, %v; want no rules and no error", rules, err)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		t.Parallel()
		_, err := LoadRules(filepath.Join(t.TempDir(), "nope.yaml"))
		if err == nil || !strings.Contains(incidentbot.ErrorMessage(err), "ALERT_RULES_FILE") {
			t.Errorf("got %v, want a message naming ALERT_RULES_FILE", err)
		}
	})
	t.Run("file", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "rules.yaml")
		if err := os.WriteFile(path, []byte("rules:\n  - match: {service: checkout}\n    type: checkout-failure\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		rules, err := LoadRules(path)
		if err != nil || len(rules) != 1 || rules[0].Type != "checkout-failure" {
			t.Errorf("got %+v, %v; want one checkout-failure rule", rules, err)
		}
	})
	t.Run("example", func(t *testing.T) {
		t.Parallel()
		rules, err := LoadRules(filepath.Join("testdata", "rules.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		d := decide(rules, map[string]string{"alertname": "StripeDown", "service": "payment", "severity": "warning", "pod": "p1"})
		want := decision{rule: "payments", severity: incidentbot.SEV1, typ: "checkout-failure", mode: ModeDeclare, resolve: true, key: `alert:alertname="StripeDown",service="payment"`}
		if d != want {
			t.Errorf("got %+v, want %+v", d, want)
		}
	})
	t.Run("problem names the file", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "rules.yaml")
		if err := os.WriteFile(path, []byte("rules:\n  - mode: maybe\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadRules(path); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("got %v, want an error naming %s", err, path)
		}
	})
}

// TestRulesProblemsInFrench: a rules file's problems read in the
// operator's language; the English is as it always was.
func TestRulesProblemsInFrench(t *testing.T) {
	t.Parallel()
	_, err := ParseRules([]byte("rules:\n  - name: checkout\n    severity: sev9\n    mode: fly\n"))
	want := "Le fichier de règles d'alertes a des problèmes\u00a0:\n" +
		"règle 1 (checkout)\u00a0: sévérité «\u00a0sev9\u00a0»\u00a0: utilisez sev1 à sev4, ou omettez-la pour reprendre le label de sévérité de l'alerte\n" +
		"règle 1 (checkout)\u00a0: mode «\u00a0fly\u00a0»\u00a0: utilisez declare ou attach"
	if got := i18n.ErrorMessage("fr", err); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if got := incidentbot.ErrorMessage(err); !strings.Contains(got, `rule 1 (checkout): mode "fly": use declare or attach`) {
		t.Errorf("English: got %q", got)
	}
}
