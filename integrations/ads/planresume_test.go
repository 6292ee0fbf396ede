package ads

import (
	"testing"
	"time"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/internal/fake/memads"
)

func TestPlanResume(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	before := now.Add(-time.Hour)
	inc := &incidentbot.Incident{ID: 1, Key: "INC-1"}
	c := incidentbot.Campaign{Platform: "googleads", Account: "111", ID: "g1", Name: "Shoes", Status: incidentbot.CampaignPaused, RawStatus: "PAUSED"}
	record := func(incident int64, state incidentbot.PauseState, shared bool, status incidentbot.Status) incidentbot.HeldPause {
		return incidentbot.HeldPause{
			CampaignPause: incidentbot.CampaignPause{IncidentID: incident, Campaign: c, PriorStatus: incidentbot.CampaignActive,
				State: state, Shared: shared, PausedAt: &before, UpdatedAt: before},
			IncidentKey: incidentbot.IncidentKey(incident), IncidentStatus: status,
		}
	}
	const open, closed = incidentbot.StatusResolved, incidentbot.StatusClosed
	tests := []struct {
		name   string
		mine   incidentbot.HeldPause
		now    incidentbot.CampaignStatus // the campaign on the platform; "" when gone
		others []incidentbot.HeldPause
		state  incidentbot.PauseState // inc's record after the plan
		reason string
		handed []int64 // incidents that lead the campaign from now on
	}{
		{"sole holder", record(1, incidentbot.PausePaused, false, open), incidentbot.CampaignPaused, nil,
			incidentbot.PauseResuming, "", nil},
		{"another open incident holds it: handed to it", record(1, incidentbot.PausePaused, false, open), incidentbot.CampaignPaused,
			[]incidentbot.HeldPause{record(3, incidentbot.PausePaused, true, open), record(2, incidentbot.PausePaused, true, open)},
			incidentbot.PauseLeftPaused, "still held by INC-2, INC-3", []int64{2}},
		{"another leader holds it: nothing to hand", record(1, incidentbot.PausePaused, false, open), incidentbot.CampaignPaused,
			[]incidentbot.HeldPause{record(2, incidentbot.PausePausing, false, open)},
			incidentbot.PauseLeftPaused, "still held by INC-2", nil},
		{"a shared holder leaves it to the leader", record(1, incidentbot.PausePaused, true, open), incidentbot.CampaignPaused,
			[]incidentbot.HeldPause{record(2, incidentbot.PausePaused, false, open)},
			incidentbot.PauseLeftPaused, "still held by INC-2", nil},
		{"the leader let go: the shared holder resumes", record(1, incidentbot.PausePaused, true, open), incidentbot.CampaignPaused,
			[]incidentbot.HeldPause{record(2, incidentbot.PauseLeftPaused, false, open)},
			incidentbot.PauseResuming, "", nil},
		{"the other holder is closed", record(1, incidentbot.PausePaused, false, open), incidentbot.CampaignPaused,
			[]incidentbot.HeldPause{record(2, incidentbot.PausePaused, true, closed)},
			incidentbot.PauseResuming, "", nil},
		{"the other is resuming it too", record(1, incidentbot.PausePaused, true, open), incidentbot.CampaignPaused,
			[]incidentbot.HeldPause{record(2, incidentbot.PauseResuming, false, open)},
			incidentbot.PauseResuming, "", nil},
		{"changed by hand", record(1, incidentbot.PausePaused, false, open), incidentbot.CampaignActive, nil,
			incidentbot.PauseLeftPaused, "changed by hand since the pause (now ACTIVE): left alone", nil},
		{"gone", record(1, incidentbot.PausePaused, false, open), "", nil,
			incidentbot.PauseLeftPaused, "no longer found on googleads: left alone", nil},
		{"a pause that never took effect", record(1, incidentbot.PausePausing, false, open), incidentbot.CampaignActive, nil,
			incidentbot.PauseFailed, "the pause never took effect (now ACTIVE): left alone", nil},
		{"a resume that went through before a crash", record(1, incidentbot.PauseResuming, false, open), incidentbot.CampaignActive, nil,
			incidentbot.PauseResumed, "", nil},
		{"a resume that never went out", record(1, incidentbot.PauseResuming, false, open), incidentbot.CampaignPaused, nil,
			incidentbot.PauseResuming, "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var on []incidentbot.Campaign
			if tc.now != "" {
				live := c
				live.Status, live.RawStatus = tc.now, memads.RawStatus(tc.now)
				on = append(on, live)
			}
			ls := list(t.Context(), []incidentbot.AdPlatform{memads.New("googleads", on...)})
			pl := planResume(inc, ls, append([]incidentbot.HeldPause{tc.mine}, tc.others...), now)

			var got []incidentbot.CampaignPause
			got = append(got, pl.settled...)
			for _, ch := range pl.changes {
				got = append(got, ch.records...)
			}
			if len(got) != 1 || got[0].IncidentID != inc.ID {
				t.Fatalf("got %d records of inc (%+v), want 1", len(got), got)
			}
			if got[0].State != tc.state || i18n.Stored("en", got[0].Error) != tc.reason {
				t.Errorf("got %s %q, want %s %q", got[0].State, got[0].Error, tc.state, tc.reason)
			}
			var handed []int64
			for _, h := range pl.handed {
				handed = append(handed, h.IncidentID)
				if h.Shared || h.PausedAt == nil || !h.PausedAt.Equal(now) || h.State != incidentbot.PausePaused {
					t.Errorf("handed record of incident %d: got shared %v, paused at %v, %s; want the leader, paused from now", h.IncidentID, h.Shared, h.PausedAt, h.State)
				}
			}
			if len(handed) != len(tc.handed) || (len(handed) == 1 && handed[0] != tc.handed[0]) {
				t.Errorf("handed to %v, want %v", handed, tc.handed)
			}
		})
	}
}
