package slack_test

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// TestDedupeRetriedCommand: a slash command re-sent with X-Slack-Retry-Num
// and the same trigger id, signed anew (so not a byte-identical replay),
// opens no second incident, forced or not, whether the copies come one
// after the other or at once: each copy is answered with the one incident.
func TestDedupeRetriedCommand(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db, -1)
		texts := []string{"declare sev1 Checkout returns 504 --force", "declare sev2 Search is slow"}
		for n, text := range texts {
			key := "INC-" + strconv.Itoa(n+1)
			body := commandForm(w.ops.ID, alice, text, "13345224609.738474920."+strconv.Itoa(n))
			const copies = 4
			codes, replies, errs := make([]int, copies), make([]string, copies), make([]error, copies)
			var wg sync.WaitGroup
			for i := range copies {
				h := http.Header{}
				if i > 0 {
					h.Set("X-Slack-Retry-Num", strconv.Itoa(i))
					h.Set("X-Slack-Retry-Reason", "http_timeout")
				}
				at := w.clock.Now().Add(time.Duration(i) * time.Second) // a new signature each
				wg.Go(func() { codes[i], replies[i], errs[i] = w.sendWith("/slack/commands", body, signedNow, at, h) })
			}
			wg.Wait()
			for i := range copies {
				if errs[i] != nil || codes[i] != http.StatusOK || !strings.Contains(replies[i], key+" declared") {
					t.Errorf("%q copy %d: got %d %s %v, want %s declared", text, i, codes[i], replies[i], errs[i], key)
				}
			}
			if got := len(w.incidents()); got != n+1 {
				t.Fatalf("after %q: got %d incidents, want %d", text, got, n+1)
			}
		}
		if errs := w.logs.errors(); len(errs) > 0 {
			t.Errorf("errors logged: %v", errs)
		}
	})
}
