package slack_test

import (
	"net/http"
	"strings"
	"testing"

	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// TestMentionsSlackNeutralised: broadcasts typed by people (in a title,
// an update) reach the war room and the managers' summary escaped, so
// they show as typed and ping nobody; people's own <@U> mentions stay.
func TestMentionsSlackNeutralised(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db, -1)
		if code, body := w.command(alice, "declare sev2 Checkout <!here> slow", "", signedNow); code != http.StatusOK || !strings.Contains(body, "INC-1 declared") {
			t.Fatalf("declare: got %d %s", code, body)
		}
		w.settle("war room ready", func() bool {
			_, ok := w.warRoom("inc-1-checkout-here-slow")
			return ok
		})
		room, _ := w.warRoom("inc-1-checkout-here-slow")
		if code, body := w.command(alice, "update INC-1 <!channel> <!everyone> <!subteam^S01ONCALL|@oncall-web> ask <@"+bob.ID+">", "", signedNow); code != http.StatusOK {
			t.Fatalf("update: got %d %s", code, body)
		}
		w.settle("the update posted", func() bool { return len(find(w.srv.Messages(room.ID), "ask <@"+bob.ID+">")) > 0 })
		w.settle("the summary", func() bool { return len(find(w.srv.Messages(w.summary.ID), "INC-1")) > 0 })
		for _, ch := range []string{room.ID, w.summary.ID, w.ops.ID} {
			for _, m := range w.srv.Messages(ch) {
				for _, bad := range []string{"<!here", "<!channel", "<!everyone", "<!subteam"} {
					if strings.Contains(text(m), bad) {
						t.Errorf("message in %s keeps %s: %s", ch, bad, text(m))
					}
				}
			}
		}
		if got := find(w.srv.Messages(room.ID), "&lt;!channel&gt;"); len(got) == 0 {
			t.Errorf("got no escaped <!channel> in the war room, want the update shown as typed:%s", dump(w.srv.Messages(room.ID)))
		}
	})
}
