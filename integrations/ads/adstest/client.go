package adstest

import (
	"testing"
	"time"

	"incidentbot"
)

// Campaigns returns campaigns of platform and account with the given ids,
// as the orchestrator hands them to SetStatus.
func Campaigns(platform, account string, ids ...string) []incidentbot.Campaign {
	out := make([]incidentbot.Campaign, len(ids))
	for i, id := range ids {
		out[i] = incidentbot.Campaign{Platform: platform, Account: account, ID: id}
	}
	return out
}

// PauseResume pauses then resumes cs through c. Each call must succeed
// with one clean result per campaign, in order, and leave every campaign
// with the platform's word for the step (paused, then active) on the fake,
// as status reads it.
func PauseResume(t *testing.T, c incidentbot.AdPlatform, cs []incidentbot.Campaign, status func(incidentbot.Campaign) string, paused, active string) {
	t.Helper()
	for _, step := range []struct {
		to   incidentbot.CampaignStatus
		want string
	}{{incidentbot.CampaignPaused, paused}, {incidentbot.CampaignActive, active}} {
		res, err := c.SetStatus(t.Context(), cs, step.to, incidentbot.AdOptions{})
		if err != nil || len(res) != len(cs) {
			t.Fatalf("SetStatus %s: got %d results, %v; want %d, nil", step.to, len(res), err, len(cs))
		}
		for i, r := range res {
			if r.Err != nil || r.Campaign.Key() != cs[i].Key() {
				t.Errorf("result %d: got %v %v, want %v and no error", i, r.Campaign.Key(), r.Err, cs[i].Key())
			}
		}
		for _, cp := range cs {
			if got := status(cp); got != step.want {
				t.Errorf("after %s: campaign %s got %s, want %s", step.to, cp.ID, got, step.want)
			}
		}
	}
}

// WantRetryAfter checks that err carries a RetryAfter hint of want for the
// job runner, or none when want is 0.
func WantRetryAfter(t *testing.T, err error, want time.Duration) {
	t.Helper()
	if got := incidentbot.RetryAfter(err); got != want {
		t.Errorf("got RetryAfter %v, want %v", got, want)
	}
}
