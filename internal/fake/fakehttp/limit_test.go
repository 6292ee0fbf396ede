package fakehttp_test

import (
	"testing"
	"time"

	"incidentbot/internal/fake/fakehttp"
)

func TestLimiter(t *testing.T) {
	t.Parallel()
	type step struct {
		advance time.Duration
		bucket  string
		want    fakehttp.Usage
		ok      bool
	}
	tests := []struct {
		name  string
		n     int
		steps []step
	}{
		{
			name: "two a minute",
			n:    2,
			steps: []step{
				{0, "a", fakehttp.Usage{Remaining: 1, ResetAfter: time.Minute}, true},
				{10 * time.Second, "a", fakehttp.Usage{Remaining: 0, ResetAfter: 50 * time.Second}, true},
				{20 * time.Second, "a", fakehttp.Usage{Remaining: 0, ResetAfter: 30 * time.Second}, false},
				{0, "b", fakehttp.Usage{Remaining: 1, ResetAfter: time.Minute}, true},
				{30 * time.Second, "a", fakehttp.Usage{Remaining: 0, ResetAfter: 10 * time.Second}, true},
				{10 * time.Second, "a", fakehttp.Usage{Remaining: 0, ResetAfter: 50 * time.Second}, true},
			},
		},
		{
			name:  "none allowed",
			n:     0,
			steps: []step{{0, "a", fakehttp.Usage{ResetAfter: time.Minute}, false}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			now := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
			l := fakehttp.NewLimiter(func() time.Time { return now })
			for i, st := range tc.steps {
				now = now.Add(st.advance)
				got, ok := l.Take(st.bucket, tc.n, time.Minute)
				if got != st.want || ok != st.ok {
					t.Errorf("step %d: got %+v %v, want %+v %v", i, got, ok, st.want, st.ok)
				}
			}
		})
	}
}

func TestCountdown(t *testing.T) {
	t.Parallel()
	var c fakehttp.Countdown
	if c.Take() {
		t.Fatal("took one never armed")
	}
	c.Add(2)
	got := []bool{c.Take(), c.Take(), c.Take()}
	if !got[0] || !got[1] || got[2] {
		t.Errorf("took %v, want true, true, false", got)
	}
}
