package incidentbot_test

import (
	"testing"
	"time"

	"incidentbot"
)

func TestSpendAvoided(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	at := func(h int) *time.Time { v := t0.Add(time.Duration(h) * time.Hour); return &v }
	c := incidentbot.Campaign{ID: "1", DailyBudget: 240, Currency: "EUR"} // 10 EUR an hour
	tests := []struct {
		name   string
		pauses []incidentbot.CampaignPause
		want   float64
	}{
		{"still paused: until now", []incidentbot.CampaignPause{
			{Campaign: c, State: incidentbot.PausePaused, PausedAt: at(0)},
		}, 40},
		{"resumed", []incidentbot.CampaignPause{
			{Campaign: c, State: incidentbot.PauseResumed, PausedAt: at(0), ResumedAt: at(1)},
		}, 10},
		{"shared holds count once", []incidentbot.CampaignPause{
			{Campaign: c, State: incidentbot.PauseResumed, PausedAt: at(0), ResumedAt: at(2)},
			{Campaign: c, State: incidentbot.PauseLeftPaused, Shared: true, PausedAt: at(1), UpdatedAt: *at(2)},
		}, 20},
		{"handed to another holder: each counts its own stretch", []incidentbot.CampaignPause{
			{Campaign: c, State: incidentbot.PauseLeftPaused, PausedAt: at(0), UpdatedAt: *at(1), Error: "still held by INC-2"},
			{Campaign: c, State: incidentbot.PauseResumed, PausedAt: at(1), ResumedAt: at(3)},
		}, 30},
		{"left paused, time unknown: until now", []incidentbot.CampaignPause{
			{Campaign: c, State: incidentbot.PauseLeftPaused, PausedAt: at(0)},
		}, 40},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := incidentbot.SpendAvoided(tc.pauses, *at(4))
			if got["EUR"] != tc.want {
				t.Errorf("got %v EUR, want %v", got["EUR"], tc.want)
			}
		})
	}
}
