package adsapi

import "testing"

func TestHalfConfigured(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		needs []Setting
		want  string // "" means nil
	}{
		{"none set: off", []Setting{{"A_TOKEN", false}, {"A_IDS", false}}, ""},
		{"all set: on", []Setting{{"A_TOKEN", true}, {"A_IDS", true}}, ""},
		{"some set", []Setting{{"A_TOKEN", true}, {"A_IDS", false}, {"A_SECRET", false}},
			"A is half configured: set A_IDS, A_SECRET too (README.md, Ad platforms), or unset its variables to leave it off"},
	} {
		got := ""
		if err := HalfConfigured("A", tc.needs...); err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}
