package trackers_test

import (
	"strings"
	"testing"
	"time"

	"incidentbot/integrations/trackers"
)

func TestHasMarker(t *testing.T) {
	t.Parallel()
	const m = "incidentbot-followup-INC-4-1"
	cases := []struct {
		text string
		want bool
	}{
		{m, true},
		{"id: " + m + "\n", true},
		{"id: " + m + ".", true},
		{m + "2", false},
		{"x" + m, false},
		{m + "2 and " + m, true},
		{"incidentbot-followup-INC-44-1", false},
		{"", false},
	}
	for _, tc := range cases {
		if got := trackers.HasMarker(tc.text, m); got != tc.want {
			t.Errorf("HasMarker(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestResetWait(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	cases := []struct {
		v    string
		unit time.Duration
		want time.Duration
	}{
		{"1800000042", time.Second, 42 * time.Second},
		{"1800000042000", time.Millisecond, 42 * time.Second},
		{"1799999000", time.Second, time.Second}, // past: at least a second
		{"9999999999", time.Second, time.Hour},   // capped
		{"soon", time.Second, 0},
		{"", time.Second, 0},
	}
	for _, tc := range cases {
		if got := trackers.ResetWait(tc.v, tc.unit, now); got != tc.want {
			t.Errorf("ResetWait(%q, %s) = %s, want %s", tc.v, tc.unit, got, tc.want)
		}
	}
}

// FuzzHasMarker: a marker found is always in the text, whole.
func FuzzHasMarker(f *testing.F) {
	f.Add("id: incidentbot-followup-INC-4-1\n", "incidentbot-followup-INC-4-1")
	f.Add("incidentbot-followup-INC-4-12", "incidentbot-followup-INC-4-1")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, text, marker string) {
		if trackers.HasMarker(text, marker) && !strings.Contains(text, marker) {
			t.Errorf("HasMarker(%q, %q) without the marker in the text", text, marker)
		}
	})
}
