package i18n

import (
	"testing"
	"time"
)

func TestFormats(t *testing.T) {
	t.Parallel()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 5, 13, 2, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, got, want string
	}{
		{"number en", Number("en", 1234567.506, 2), "1,234,567.51"},
		{"number fr", Number("fr", 1234567.5, 2), "1\u00a0234\u00a0567,50"},
		{"negative zero", Number("fr", -0.001, 2), "0,00"},
		{"int", Int("fr", 12000), "12\u00a0000"},
		{"money en", Money("en", 1234.56, "EUR"), "€1,234.56"},
		{"money fr", Money("fr", 1234.56, "EUR"), "1\u00a0234,56\u00a0€"},
		{"money code en", Money("en", 12, "CHF"), "CHF 12.00"},
		{"money code fr", Money("fr", 12, "CHF"), "12,00\u00a0CHF"},
		{"money negative", Money("en", -42, "EUR"), "-€42.00"},
		{"money none", Money("en", 3, ""), "3.00"},
		{"percent en", Percent("en", 0.125), "12.5%"},
		{"percent fr", Percent("fr", 1), "100\u00a0%"},
		{"duration en", Duration("en", 2*time.Hour+5*time.Minute), "2h 05m"},
		{"duration fr", Duration("fr", 3*24*time.Hour+4*time.Hour), "3 j 4 h"},
		{"duration negative", Duration("en", -time.Second), "0s"},
		{"minutes fr", Duration("fr", 47*time.Minute+3*time.Second), "47 min"},
		{"weekday", Weekday("fr", time.Monday, true), "lundi"},
		{"when fr", When("fr", at, paris), "5 décembre 2026, 14:02 CET"},
		{"when en utc", When("en", at, nil), "5 December 2026, 13:02 UTC"},
		{"unknown language", T("de", "status.resolved", nil), "resolved"},
		{"unknown id", T("fr", "no.such.id", nil), "no.such.id"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

func TestMatch(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"fr": "fr", "fr-FR": "fr", "fr_CA": "fr", "EN-us": "en", "en-GB": "en", "de": "", "": "", "french": ""} {
		if got := Match(in); got != want {
			t.Errorf("Match(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Or("", "de", "fr", "en"); got != "fr" {
		t.Errorf("Or = %q, want fr", got)
	}
	if got := Or(); got != Default {
		t.Errorf("Or() = %q, want %q", got, Default)
	}
}
