package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/bot/console"
	"incidentbot/internal/storetest"
	"incidentbot/playbooks"
	"incidentbot/store"
)

// TestPublicTextLengthCaps: a title, description, update or note past its
// limit is refused with the limit in the message, and changes nothing.
func TestPublicTextLengthCaps(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		who := actor(alice, console.GeneralChannelID)
		for _, req := range []incidentbot.DeclareRequest{
			{Title: strings.Repeat("t", incidentbot.MaxTitle+1)},
			{Title: "Checkout down", Description: strings.Repeat("d", incidentbot.MaxDescription+1)},
		} {
			_, err := f.eng.Declare(ctx, who, req)
			if incidentbot.ErrorCode(err) != incidentbot.EINVALID || !strings.Contains(incidentbot.ErrorMessage(err), "keep it under") {
				t.Errorf("declare: got %v, want EINVALID saying the limit", err)
			}
		}
		if incs, _ := db.FindIncidents(ctx, incidentbot.IncidentFilter{}); len(incs) != 0 {
			t.Fatalf("got %d incidents after refused declarations, want none", len(incs))
		}
		inc := f.declare(incidentbot.DeclareRequest{Title: "Checkout down", Description: strings.Repeat("d", incidentbot.MaxDescription)})
		long := strings.Repeat("u", incidentbot.MaxUpdateText+1)
		if _, err := f.eng.PostUpdate(ctx, who, inc.Key, long); incidentbot.ErrorCode(err) != incidentbot.EINVALID {
			t.Errorf("update: got %v, want EINVALID", err)
		}
		if _, err := f.eng.AddNote(ctx, who, inc.Key, long); incidentbot.ErrorCode(err) != incidentbot.EINVALID {
			t.Errorf("note: got %v, want EINVALID", err)
		}
		if n := len(f.timeline(inc)); n != 1 {
			t.Errorf("got %d timeline events, want only the declaration", n)
		}
	})
}

// TestPublicTextPauseAdsBoxFollowsAdsRule: the declare form's "Pause ads
// now" box pauses only for whom "/incident ads pause" would: the
// playbook's commander or comms lead (here both go to groups), or an ads admin.
func TestPublicTextPauseAdsBoxFollowsAdsRule(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		pb, err := f.books.Match("generic", "")
		if err != nil {
			t.Fatal(err)
		}
		led := *pb
		led.Roles = []incidentbot.Role{{Name: incidentbot.RoleCommander, Assign: "@oncall-web"}, {Name: incidentbot.RoleComms, Assign: "@support-leads"}}
		f.books = books{Set: playbooks.Defaults(), override: map[string]*incidentbot.Playbook{"generic": &led}}
		f.eng = f.engine()
		yes := true
		ctx := context.Background()
		_, err = f.eng.Declare(ctx, actor(bob, console.GeneralChannelID), incidentbot.DeclareRequest{Title: "Slow pages", Type: "generic", PauseAds: &yes})
		if incidentbot.ErrorCode(err) != incidentbot.EFORBIDDEN || !strings.Contains(incidentbot.ErrorMessage(err), "Pause ads now") {
			t.Fatalf("bob ticks the box: got %v, want EFORBIDDEN naming the box", err)
		}
		if incs, _ := db.FindIncidents(ctx, incidentbot.IncidentFilter{}); len(incs) != 0 {
			t.Fatalf("got %d incidents after the refusal, want none", len(incs))
		}
		// Unticked, the same declaration goes through; an ads admin may tick it.
		if _, err := f.eng.Declare(ctx, actor(bob, console.GeneralChannelID), incidentbot.DeclareRequest{Title: "Slow pages", Type: "generic"}); err != nil {
			t.Errorf("bob without the box: %v", err)
		}
		f.admins = []string{AdsAdmin(incidentbot.PlatformConsole, emma.ID)}
		f.eng = f.engine()
		_, err = f.eng.Declare(ctx, actor(emma, console.GeneralChannelID), incidentbot.DeclareRequest{Title: "Slow checkout", Type: "generic", PauseAds: &yes})
		if err != nil {
			t.Fatalf("the ads admin ticks the box: %v", err)
		}
		f.runAll(time.Second)
		if got := status(f, key("g1")); got != incidentbot.CampaignPaused {
			t.Errorf("got g1 %s after the admin's declaration, want paused", got)
		}
	})
}
