package slack

import (
	"context"
	"testing"
	"time"

	"incidentbot"
)

func TestPacer(t *testing.T) {
	t.Parallel()
	type call struct {
		after   time.Duration // since the previous call
		channel string
		wait    time.Duration
	}
	tests := []struct {
		name  string
		calls []call
	}{
		{"burst then one a second", []call{
			{0, "C1", 0}, {0, "C1", 0}, {0, "C1", 0}, {0, "C1", time.Second}, {0, "C1", time.Second},
		}},
		{"channels are paced apart", []call{
			{0, "C1", 0}, {0, "C1", 0}, {0, "C1", 0}, {0, "C2", 0}, {0, "C1", time.Second}, {0, "C2", 0},
		}},
		{"a quiet channel has its burst back", []call{
			{0, "C1", 0}, {0, "C1", 0}, {0, "C1", 0}, {0, "C1", time.Second}, {5 * time.Second, "C1", 0},
			{0, "C1", 0}, {0, "C1", 0}, {0, "C1", time.Second},
		}},
		{"slow callers never wait", []call{
			{0, "C1", 0}, {time.Second, "C1", 0}, {time.Second, "C1", 0}, {time.Second, "C1", 0}, {time.Second, "C1", 0},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			now := vectorTime
			var slept time.Duration
			p := newPacer(time.Second, 3)
			p.now = func() time.Time { return now }
			p.sleep = func(_ context.Context, d time.Duration) error {
				slept = d
				now = now.Add(d)
				return nil
			}
			for i, c := range tc.calls {
				now = now.Add(c.after)
				slept = 0
				if err := p.wait(context.Background(), c.channel); err != nil {
					t.Fatal(err)
				}
				if slept != c.wait {
					t.Errorf("call %d to %s: got wait %s, want %s", i, c.channel, slept, c.wait)
				}
			}
		})
	}
	t.Run("cancelled", func(t *testing.T) {
		t.Parallel()
		p := newPacer(time.Hour, 1)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_ = p.wait(ctx, "C1")
		if err := p.wait(ctx, "C1"); incidentbot.ErrorCode(err) != incidentbot.EUNAVAILABLE {
			t.Errorf("got %v, want EUNAVAILABLE so the job retries", err)
		}
	})
	t.Run("off", func(t *testing.T) {
		t.Parallel()
		var p *pacer
		if err := p.wait(context.Background(), "C1"); err != nil {
			t.Errorf("got %v, want nil", err)
		}
	})
}
