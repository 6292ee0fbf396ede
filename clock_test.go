package incidentbot_test

import (
	"encoding/json"
	"testing"
	"time"

	"incidentbot"
)

// TestReminderClockResolution: every clock gives times that survive the
// store (microseconds) and a JSON job payload unchanged, so a time kept in
// two places still compares equal.
func TestReminderClockResolution(t *testing.T) {
	t.Parallel()
	fine := time.Date(2026, 12, 5, 17, 30, 1, 123456789, time.FixedZone("CET", 3600))
	tests := []struct {
		name  string
		clock incidentbot.Clock
	}{
		{"system", incidentbot.SystemClock{}},
		{"func", incidentbot.ClockFunc(func() time.Time { return fine })},
		{"manual", incidentbot.NewManualClock(fine)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for range 5 { // the wall clock lands on a whole microsecond once in a thousand
				now := tc.clock.Now()
				if now.Nanosecond()%int(incidentbot.TimeResolution) != 0 || now.Location() != time.UTC {
					t.Fatalf("got %s, want UTC to the microsecond", now.Format(time.RFC3339Nano))
				}
				b, _ := json.Marshal(now)
				var back time.Time
				if err := json.Unmarshal(b, &back); err != nil || !back.Equal(incidentbot.StoredTime(back)) || !back.Equal(now) {
					t.Fatalf("JSON round trip of %s: got %s, %v", now, back, err)
				}
			}
		})
	}
	if got, want := incidentbot.StoredTime(fine), time.Date(2026, 12, 5, 16, 30, 1, 123456000, time.UTC); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("StoredTime: got %s, want %s", got, want)
	}
}
