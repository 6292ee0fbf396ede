package probe

import (
	"testing"
	"time"
)

// TestSpan: a duration reads in English exactly as Go writes it (the
// sentences kept their wording), in French with French units and commas.
func TestSpan(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		d  time.Duration
		fr string
	}{
		{180 * time.Millisecond, "180 ms"},
		{time.Second, "1 s"},
		{1260 * time.Millisecond, "1,26 s"},
		{1500 * time.Millisecond, "1,5 s"},
		{1001 * time.Millisecond, "1,001 s"},
		{10 * time.Second, "10 s"},
		{time.Minute, "1 min"},
		{90 * time.Second, "1 min 30 s"},
		{2*time.Minute + 500*time.Millisecond, "2 min 0,5 s"},
	} {
		if got, want := span(tc.d).In("en"), tc.d.String(); got != want {
			t.Errorf("%v in English: got %q, want %q", tc.d, got, want)
		}
		if got := span(tc.d).In("fr"); got != tc.fr {
			t.Errorf("%v in French: got %q, want %q", tc.d, got, tc.fr)
		}
	}
}
