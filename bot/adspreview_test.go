package bot

import (
	"context"
	"log/slog"
	"slices"
	"testing"

	"incidentbot"
	"incidentbot/commands"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// TestAdsPreviewThenConfirm: a typed "ads pause" only says what it would
// pause; the button's confirmed command pauses exactly that.
func TestAdsPreviewThenConfirm(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		// SEV3: the playbook's pause_ads holds for sev1 and sev2 only.
		inc := f.declare(incidentbot.DeclareRequest{Title: "Search slow", Type: "site-outage", Severity: incidentbot.SEV3, Force: true})
		f.runAll(0)
		inc = f.reload(inc)
		ctx := context.Background()
		here := actor(alice, inc.WarRoom)

		got, cs, err := f.eng.AdsPreview(ctx, here, "", "")
		if err != nil {
			t.Fatalf("AdsPreview: %v", err)
		}
		var ids []string
		for _, c := range cs {
			ids = append(ids, c.ID)
		}
		if got.Key != inc.Key || !slices.Equal(ids, []string{"g1", "g2"}) {
			t.Errorf("got %s %v, want %s [g1 g2]", got.Key, ids, inc.Key)
		}
		for _, tc := range []struct {
			name     string
			who      incidentbot.Actor
			platform string
			wantCode string
		}{
			{"not commander", actor(emma, inc.WarRoom), "", incidentbot.EFORBIDDEN},
			{"unconfigured platform", here, "tiktok", incidentbot.EINVALID},
		} {
			if _, _, err := f.eng.AdsPreview(ctx, tc.who, "", tc.platform); incidentbot.ErrorCode(err) != tc.wantCode {
				t.Errorf("%s: got %v, want %s", tc.name, err, tc.wantCode)
			}
		}

		h := commands.NewHandler(f.eng, f.clock, slog.New(slog.DiscardHandler))
		r := h.Handle(ctx, here, "ads pause")
		if want := "This pauses 2 serving campaigns on googleads."; r.Message.Text != want {
			t.Fatalf("got %q, want %q", r.Message.Text, want)
		}
		f.runAll(0)
		for _, id := range []string{"g1", "g2"} {
			if s := status(f, key(id)); s != incidentbot.CampaignActive {
				t.Errorf("after the preview: %s got %s, want active", id, s)
			}
		}
		if ps, err := db.Pauses(ctx, inc.ID); err != nil || len(ps) != 0 {
			t.Errorf("after the preview: got %d pause records (%v), want none", len(ps), err)
		}

		if len(r.Message.Buttons) != 1 || r.Message.Buttons[0].ActionID != "ads pause "+inc.Key+" --confirm" {
			t.Fatalf("got buttons %+v, want one confirming the pause of %s", r.Message.Buttons, inc.Key)
		}
		h.Handle(ctx, here, r.Message.Buttons[0].ActionID)
		f.runAll(0)
		for id, want := range map[string]incidentbot.CampaignStatus{"g1": incidentbot.CampaignPaused, "g2": incidentbot.CampaignPaused, "g3": incidentbot.CampaignPaused} {
			if s := status(f, key(id)); s != want {
				t.Errorf("after the confirmation: %s got %s, want %s", id, s, want)
			}
		}
		if r := h.Handle(ctx, here, "ads pause"); r.Message.Text != inc.Key+" has no serving campaign to pause on any platform: nothing to do." || len(r.Message.Buttons) != 0 {
			t.Errorf("once paused: got %q with %d buttons, want nothing to do", r.Message.Text, len(r.Message.Buttons))
		}
		// Confirmed, with nothing serving: the same answer, and no job.
		jobs := len(f.jobs(inc))
		if r := h.Handle(ctx, here, "ads pause --confirm googleads"); r.Message.Text != inc.Key+" has no serving campaign to pause on googleads: nothing to do." {
			t.Errorf("confirmed once paused: got %q, want nothing to do", r.Message.Text)
		}
		if n := len(f.jobs(inc)); n != jobs {
			t.Errorf("a confirmed pause with nothing serving queued %d jobs", n-jobs)
		}
	})
}
