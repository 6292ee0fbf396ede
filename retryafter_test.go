package incidentbot_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"incidentbot"
)

var retryNow = time.Date(2026, 10, 21, 7, 28, 0, 0, time.UTC)

func TestRetryAfterParse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"30", 30 * time.Second},
		{" 120 ", 2 * time.Minute},
		{"0", 0},
		{"-5", 0},
		{"1.5", 0},
		{"soon", 0},
		{"3600", time.Hour},
		{"3601", incidentbot.MaxRetryAfter},
		// Times a second, these wrapped to negative waits.
		{"9223372037", incidentbot.MaxRetryAfter},
		{"18446744073709551616", incidentbot.MaxRetryAfter},
		{"99999999999999999999999999", incidentbot.MaxRetryAfter},
		{"Wed, 21 Oct 2026 07:28:45 GMT", 45 * time.Second},
		{"Wednesday, 21-Oct-26 07:29:00 GMT", time.Minute},
		{"Wed Oct 21 07:28:10 2026", 10 * time.Second},
		{"Wed, 21 Oct 2026 07:00:00 GMT", 0},
		{"Fri, 31 Dec 9999 23:59:59 GMT", incidentbot.MaxRetryAfter},
	} {
		if got := incidentbot.ParseRetryAfter(tc.in, retryNow); got != tc.want {
			t.Errorf("ParseRetryAfter(%q): got %v, want %v", tc.in, got, tc.want)
		}
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"30", "0", "Wed, 21 Oct 2026 07:28:00 GMT", "Mon Jan  2 15:04:05 2006", "9223372037"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if got := incidentbot.ParseRetryAfter(v, retryNow); got < 0 || got > incidentbot.MaxRetryAfter {
			t.Fatalf("ParseRetryAfter(%q): got %v, want 0 to %v", v, got, incidentbot.MaxRetryAfter)
		}
	})
}

type slowDown struct{ wait time.Duration }

func (e *slowDown) Error() string             { return "slow down" }
func (e *slowDown) RetryAfter() time.Duration { return e.wait }

func TestRetryAfterFromChain(t *testing.T) {
	t.Parallel()
	hint := &slowDown{wait: 42 * time.Second}
	for _, tc := range []struct {
		name string
		err  error
		want time.Duration
	}{
		{"nil", nil, 0},
		{"no hint", errors.New("boom"), 0},
		{"bare", hint, 42 * time.Second},
		{"inside an Error", incidentbot.WrapError(incidentbot.EUNAVAILABLE, hint, "Busy."), 42 * time.Second},
		{"wrapped twice", fmt.Errorf("pause: %w", incidentbot.WrapError(incidentbot.EUNAVAILABLE, hint, "Busy.")), 42 * time.Second},
		{"joined", errors.Join(errors.New("other"), hint), 42 * time.Second},
		{"a deferral", &incidentbot.Deferral{Wait: time.Second, Reason: "pace"}, time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := incidentbot.RetryAfter(tc.err); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
