package slack

import (
	"errors"
	"testing"
	"time"

	"incidentbot"
)

// TestPacer: posts beyond the pace are deferred, never slept on; a
// deferred post coming back at its time gets the turn held for it.
func TestPacer(t *testing.T) {
	t.Parallel()
	type call struct {
		after   time.Duration // since the previous call
		channel string
		defer_  time.Duration // 0: goes out now
	}
	tests := []struct {
		name  string
		calls []call
	}{
		{"burst then one a second", []call{
			{0, "C1", 0}, {0, "C1", 0}, {0, "C1", 0}, {0, "C1", time.Second}, {0, "C1", 2 * time.Second},
			{time.Second, "C1", 0}, {time.Second, "C1", 0}, // the deferred ones come back in turn
		}},
		{"a held turn is used once", []call{
			{0, "C1", 0}, {0, "C1", 0}, {0, "C1", 0}, {0, "C1", time.Second},
			{time.Second, "C1", 0}, {0, "C1", time.Second},
		}},
		{"channels are paced apart", []call{
			{0, "C1", 0}, {0, "C1", 0}, {0, "C1", 0}, {0, "C2", 0}, {0, "C1", time.Second}, {0, "C2", 0},
		}},
		{"a quiet channel has its burst back", []call{
			{0, "C1", 0}, {0, "C1", 0}, {0, "C1", 0}, {time.Second, "C1", 0}, {5 * time.Second, "C1", 0},
			{0, "C1", 0}, {0, "C1", 0}, {0, "C1", time.Second},
		}},
		{"a turn nobody came back for is dropped", []call{
			{0, "C1", 0}, {0, "C1", 0}, {0, "C1", 0}, {0, "C1", time.Second},
			{time.Minute, "C1", 0}, {0, "C1", 0}, {0, "C1", 0}, {0, "C1", time.Second},
		}},
		{"slow callers never wait", []call{
			{0, "C1", 0}, {time.Second, "C1", 0}, {time.Second, "C1", 0}, {time.Second, "C1", 0}, {time.Second, "C1", 0},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			now := vectorTime
			p := newPacer(time.Second, 3)
			p.now = func() time.Time { return now }
			for i, c := range tc.calls {
				now = now.Add(c.after)
				err := p.wait(c.channel)
				var got time.Duration
				var later *incidentbot.Deferral
				if errors.As(err, &later) {
					got = later.Wait
					if incidentbot.ErrorCode(err) != incidentbot.EUNAVAILABLE {
						t.Errorf("call %d: got code %q, want EUNAVAILABLE for callers that are not the runner", i, incidentbot.ErrorCode(err))
					}
				} else if err != nil {
					t.Fatalf("call %d: %v", i, err)
				}
				if got != c.defer_ {
					t.Errorf("call %d to %s: got deferred %s, want %s", i, c.channel, got, c.defer_)
				}
			}
		})
	}
	t.Run("off", func(t *testing.T) {
		t.Parallel()
		var p *pacer
		if err := p.wait("C1"); err != nil {
			t.Errorf("got %v, want nil", err)
		}
	})
}
