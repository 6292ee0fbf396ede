package slack_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/bot"
	"incidentbot/internal/storetest"
	"incidentbot/playbooks"
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

// crashingStore is the store of a process that dies after a job's effect
// and before its completion is recorded: CompleteJob of the listed kinds
// fails once each, as with the database down or killed at that moment.
type crashingStore struct {
	*store.DB
	mu    sync.Mutex
	kinds map[string]int // kind -> completions still to fail
}

func (s *crashingStore) CompleteJob(ctx context.Context, job incidentbot.Job, worker string, fn func(*incidentbot.Incident) (incidentbot.Change, error)) error {
	s.mu.Lock()
	fail := s.kinds[job.Kind] > 0
	if fail {
		s.kinds[job.Kind]--
	}
	s.mu.Unlock()
	if fail {
		return incidentbot.Errorf(incidentbot.EUNAVAILABLE, "The database is unavailable or busy. Try again in a moment.")
	}
	return s.DB.CompleteJob(ctx, job, worker, fn)
}

// TestDedupeSagaCrash: each war-room step whose effect went out but was
// not recorded runs again and finds its effect instead of repeating it.
// The channel was created but the call that sets its purpose never came
// (kill -9 between conversations.create and conversations.setPurpose);
// the welcome and the managers' summary were posted but their jobs'
// completions failed (the database down), so their leases ran out and
// other runs took them; meanwhile an update made another summary job. In the end there is one war room, one welcome,
// pinned, and one summary.
func TestDedupeSagaCrash(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db, -1)
		crashing := &crashingStore{DB: db, kinds: map[string]int{"welcome": 1, "summary": 1}}
		const lease = time.Minute
		eng, err := bot.New(bot.Config{SummaryChannels: map[string]string{incidentbot.PlatformSlack: w.summary.ID}, Lease: lease}, bot.Deps{
			Store: crashing, Playbooks: playbooks.Defaults(), Chats: map[string]incidentbot.Chat{incidentbot.PlatformSlack: w.chat},
			Clock: w.clock, Logger: w.logger,
		})
		if err != nil {
			t.Fatal(err)
		}
		if code, reply := w.command(alice, "declare sev2 Search is slow", "", signedNow); code != http.StatusOK || !strings.Contains(reply, "INC-1 declared") {
			t.Fatalf("declare: got %d %s", code, reply)
		}
		w.srv.FailStatusNext("conversations.setPurpose", http.StatusInternalServerError, 1)
		ctx := context.Background()
		for i := range 40 {
			if _, err := eng.RunDue(ctx, 0); err != nil && !strings.Contains(err.Error(), "complete job") {
				t.Fatalf("RunDue: %v", err)
			}
			if i == 0 {
				// Another summary job comes while the first summary's outcome
				// is unknown (its job still leased): it must find that post.
				if code, reply := w.command(alice, "update INC-1 Cause found: a slow search query", "", signedNow); code != http.StatusOK {
					t.Fatalf("update: got %d %s", code, reply)
				}
			}
			if _, ok := w.warRoom("inc-1-search-is-slow"); ok && len(find(w.srv.Messages(w.summary.ID), "INC-1")) > 0 && w.idle(crashing) {
				break
			}
			w.clock.Advance(lease / 4)
		}
		if n := crashing.kinds["welcome"] + crashing.kinds["summary"]; n != 0 {
			t.Fatalf("%d completions were never refused: the crash was not simulated", n)
		}
		rooms := 0
		for _, ch := range w.srv.Channels() {
			if strings.HasPrefix(ch.Name, "inc-1") {
				rooms++
			}
		}
		if rooms != 1 || w.srv.Calls("conversations.create") != 2 {
			t.Errorf("got %d war rooms after %d conversations.create, want 1 after 2 (the retry is refused name_taken and finds the first)", rooms, w.srv.Calls("conversations.create"))
		}
		room, ok := w.warRoom("inc-1-search-is-slow")
		if !ok {
			t.Fatalf("war room not ready")
		}
		if room.Purpose != "INC-1" {
			t.Errorf("war room purpose %q, want INC-1", room.Purpose)
		}
		if got := find(w.srv.Messages(room.ID), "Search is slow"); len(got) != 1 {
			t.Errorf("got %d welcomes, want 1:\n%s", len(got), dump(got))
		}
		if got := find(w.srv.Messages(w.summary.ID), "INC-1"); len(got) != 1 {
			t.Errorf("got %d summaries, want 1:\n%s", len(got), dump(got))
		} else if got[0].Edits == 0 {
			t.Errorf("the summary was never updated after the update:\n%s", dump(got))
		}
		if n := w.srv.Calls("conversations.history"); n < 2 {
			t.Errorf("got %d conversations.history calls, want the two re-runs to look before posting", n)
		}
	})
}

// idle reports whether no job but reminders and re-checks waits.
func (w *world) idle(db incidentbot.Store) bool {
	w.t.Helper()
	for _, inc := range w.incidents() {
		jobs, err := db.Jobs(context.Background(), inc.ID)
		if err != nil {
			w.t.Fatal(err)
		}
		for _, j := range jobs {
			if (j.State == incidentbot.JobPending || j.State == incidentbot.JobRunning) && j.Kind != "reminder" && j.Kind != "recheck" && j.Kind != "ads_reminder" {
				return false
			}
		}
	}
	return true
}
