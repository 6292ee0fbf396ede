package bot

import (
	"context"
	"strings"
	"testing"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// TestFollowUpLifecycle: follow-ups are added, listed and done by number,
// still after the close (they come out of the review), stay in their
// workspace, and fill the post-mortem's action items.
func TestFollowUpLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		inc := ready(t, f)
		ctx := context.Background()
		here := actor(alice, inc.WarRoom)
		_, first, err := f.eng.AddFollowUp(ctx, here, "", incidentbot.FollowUp{Text: "  Alert on   checkout 5xx ", Owner: "<@U_BOB>", Due: "2025-12-05", Priority: 1, Type: incidentbot.FollowUpDetect})
		if err != nil {
			t.Fatal(err)
		}
		if first.Number != 1 || first.Text != "Alert on checkout 5xx" || first.CreatedBy != alice {
			t.Fatalf("first: got %+v", first)
		}
		_, second, err := f.eng.AddFollowUp(ctx, actor(bob, inc.WarRoom), "", incidentbot.FollowUp{Text: "Write the rollback runbook"})
		if err != nil {
			t.Fatal(err)
		}
		if second.Number != 2 || second.Priority != incidentbot.DefaultFollowUpPriority || second.Type != incidentbot.FollowUpPrevent {
			t.Fatalf("second: got %+v, want number 2, P2, prevent", second)
		}
		if _, _, err := f.eng.AddFollowUp(ctx, here, "", incidentbot.FollowUp{Text: "   "}); incidentbot.ErrorCode(err) != incidentbot.EINVALID {
			t.Errorf("empty follow-up: got %v, want EINVALID", err)
		}

		for _, st := range []incidentbot.Status{incidentbot.StatusResolved, incidentbot.StatusClosed} {
			if _, err := f.eng.SetStatus(ctx, here, "", st, ""); err != nil {
				t.Fatal(err)
			}
		}
		f.runAll(0)
		if _, done, err := f.eng.CompleteFollowUp(ctx, here, inc.Key, 2); err != nil || done.DoneAt == nil || done.DoneBy != alice {
			t.Fatalf("done 2 after close: got %+v, %v", done, err)
		}
		_, _, err = f.eng.CompleteFollowUp(ctx, here, inc.Key, 2)
		if incidentbot.ErrorCode(err) != incidentbot.EINVALID || !strings.HasPrefix(incidentbot.ErrorMessage(err), "Follow-up 2 was done already, by <@U_ALICE>") {
			t.Errorf("done twice: got %v", err)
		}
		if _, _, err := f.eng.CompleteFollowUp(ctx, here, inc.Key, 9); incidentbot.ErrorCode(err) != incidentbot.ENOTFOUND {
			t.Errorf("done 9: got %v, want ENOTFOUND", err)
		}
		stranger := incidentbot.Actor{Platform: incidentbot.PlatformConsole, Workspace: "elsewhere", User: emma, ChannelID: "C1"}
		if _, _, err := f.eng.FollowUps(ctx, stranger, inc.Key); incidentbot.ErrorCode(err) != incidentbot.ENOTFOUND {
			t.Errorf("another workspace: got %v, want ENOTFOUND", err)
		}
		if _, _, err := f.eng.AddFollowUp(ctx, stranger, inc.Key, incidentbot.FollowUp{Text: "x"}); incidentbot.ErrorCode(err) != incidentbot.ENOTFOUND {
			t.Errorf("another workspace adds: got %v, want ENOTFOUND", err)
		}
		_, list, err := f.eng.FollowUps(ctx, here, inc.Key)
		if err != nil || len(list) != 2 {
			t.Fatalf("list: got %d, %v; want 2", len(list), err)
		}
		md, err := f.eng.render(ctx, f.reload(inc))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			"| Alert on checkout 5xx | detect | P1 | \\<@U_BOB> | 2025-12-05 | … |",
			"| Write the rollback runbook (done) | prevent | P2 | … | … | … |",
		} {
			if !strings.Contains(md, want) {
				t.Errorf("draft lacks %q", want)
			}
		}
	})
}
