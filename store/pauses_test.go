package store_test

import (
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

func TestDeliveries(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		steps := []struct {
			source, id string
			at         time.Time
			want       bool
		}{
			{"slack-events", "Ev1", t0, true},
			{"slack-events", "Ev1", t0.Add(time.Second), false},
			{"alertmanager", "Ev1", t0, true},
			{"slack-events", "Ev2", t0.Add(time.Hour), true},
		}
		for _, s := range steps {
			got, err := db.ClaimDelivery(t.Context(), s.source, s.id, s.at)
			if err != nil {
				t.Fatalf("ClaimDelivery(%s, %s): %v", s.source, s.id, err)
			}
			if got != s.want {
				t.Errorf("ClaimDelivery(%s, %s): got first=%v, want %v", s.source, s.id, got, s.want)
			}
		}
		n, err := db.PruneDeliveries(t.Context(), t0.Add(time.Minute))
		if err != nil {
			t.Fatalf("PruneDeliveries: %v", err)
		}
		if n != 2 {
			t.Errorf("got %d pruned, want 2", n)
		}
		first, err := db.ClaimDelivery(t.Context(), "slack-events", "Ev1", t0.Add(2*time.Minute))
		if err != nil || !first {
			t.Errorf("after prune: got first=%v err=%v, want true, nil", first, err)
		}
		if _, err := db.ClaimDelivery(t.Context(), "", "x", t0); incidentbot.ErrorCode(err) != incidentbot.EINVALID {
			t.Errorf("no source: got code %q, want %q", incidentbot.ErrorCode(err), incidentbot.EINVALID)
		}
	})
}

func pause(incidentID int64, id string, state incidentbot.PauseState) incidentbot.CampaignPause {
	return incidentbot.CampaignPause{
		IncidentID: incidentID,
		Campaign: incidentbot.Campaign{
			Platform: incidentbot.AdsGoogle, Account: "123", ID: id, Name: "Brand " + id,
			Status: incidentbot.CampaignActive, RawStatus: "ENABLED", DailyBudget: 42.5, Currency: "EUR",
		},
		PriorStatus: incidentbot.CampaignActive,
		PriorRaw:    "ENABLED",
		State:       state,
		UpdatedAt:   at(0),
	}
}

func TestPauses(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := create(t, db, newIncident("Checkout down"), incidentbot.Change{})
		b := create(t, db, newIncident("Search down"), incidentbot.Change{})

		p1 := pause(a.ID, "c1", incidentbot.PausePausing)
		p1.Campaign.Labels = []string{"brand", "fr"}
		p2 := pause(a.ID, "c2", incidentbot.PausePausing)
		p2.Campaign.Labels = []string{}
		p3 := pause(b.ID, "c1", incidentbot.PausePaused)
		p3.Shared = true
		if err := db.SavePauses(t.Context(), p1, p2, p3); err != nil {
			t.Fatalf("SavePauses: %v", err)
		}
		// Upsert: the pause went through for c1 and failed for c2.
		p1.State, p1.PausedAt, p1.UpdatedAt = incidentbot.PausePaused, ptr(at(time.Minute)), at(time.Minute)
		p1.Campaign.Status, p1.Campaign.RawStatus = incidentbot.CampaignPaused, "PAUSED"
		p2.State, p2.Error, p2.UpdatedAt = incidentbot.PauseFailed, "quota exceeded; retry later", at(time.Minute)
		if err := db.SavePauses(t.Context(), p1, p2); err != nil {
			t.Fatalf("SavePauses again: %v", err)
		}
		got, err := db.Pauses(t.Context(), a.ID)
		if err != nil {
			t.Fatalf("Pauses: %v", err)
		}
		diff(t, "pauses", got, []incidentbot.CampaignPause{p1, p2})

		if _, err := db.UpdateIncident(t.Context(), b.ID, func(inc *incidentbot.Incident) (incidentbot.Change, error) {
			inc.Status = incidentbot.StatusResolved
			return incidentbot.Change{}, nil
		}); err != nil {
			t.Fatalf("resolve: %v", err)
		}
		tests := []struct {
			name   string
			states []incidentbot.PauseState
			want   []incidentbot.HeldPause
		}{
			{"paused", []incidentbot.PauseState{incidentbot.PausePaused}, []incidentbot.HeldPause{
				{CampaignPause: p1, IncidentKey: a.Key, IncidentStatus: incidentbot.StatusInvestigating},
				{CampaignPause: p3, IncidentKey: b.Key, IncidentStatus: incidentbot.StatusResolved},
			}},
			{"paused or failed", []incidentbot.PauseState{incidentbot.PauseFailed, incidentbot.PausePaused}, []incidentbot.HeldPause{
				{CampaignPause: p1, IncidentKey: a.Key, IncidentStatus: incidentbot.StatusInvestigating},
				{CampaignPause: p3, IncidentKey: b.Key, IncidentStatus: incidentbot.StatusResolved},
				{CampaignPause: p2, IncidentKey: a.Key, IncidentStatus: incidentbot.StatusInvestigating},
			}},
			{"none in state", []incidentbot.PauseState{incidentbot.PauseResuming}, []incidentbot.HeldPause{}},
			{"no states", nil, nil},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				got, err := db.PausesInState(t.Context(), tc.states...)
				if err != nil {
					t.Fatalf("PausesInState: %v", err)
				}
				diff(t, "held pauses", got, tc.want)
			})
		}

		err = db.SavePauses(t.Context(), pause(a.ID, "c9", ""))
		if code := incidentbot.ErrorCode(err); code != incidentbot.EINVALID {
			t.Errorf("no state: got code %q, want %q", code, incidentbot.EINVALID)
		}
	})
}
