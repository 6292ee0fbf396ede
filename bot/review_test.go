package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/bot/console"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// TestReviewReminder: closing on a Friday names the review on Tuesday (two
// working days) in the draft, and the commander is reminded on Monday at
// 09:00 in BOT_TIMEZONE by a durable job, once, in the incident's language.
func TestReviewReminder(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ lang, draft, title, text string }{
		{"en", "| Review | 2025-12-02 (Tuesday): two working days after close;",
			"Post-mortem review of %s Tuesday 2 December 2025", "<@U_ALICE>: the review of %s"},
		{"fr", "| Revue | 2025-12-02 (mardi)",
			"Revue du post-mortem de %s, mardi 2 décembre 2025", "<@U_ALICE>\u00a0: la revue de %s (Shop down) a lieu le mardi 2 décembre 2025."},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			t.Parallel()
			testReviewReminder(t, tc.lang, tc.draft, tc.title, tc.text)
		})
	}
}

// testReviewReminder runs the review reminder in lang: draft is a line of
// the draft, title and text (with the incident's key for %s) the reminder's.
func testReviewReminder(t *testing.T, lang, draft, title, text string) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.lang = lang
		paris := parisZone(t)
		f.tune = func(c *Config, _ *Deps) { c.Location = paris }
		f.eng = f.engine()
		inc := ready(t, f) // Friday 2025-11-28, 10:00 in Paris
		ctx := context.Background()
		here := actor(alice, inc.WarRoom)
		for _, st := range []incidentbot.Status{incidentbot.StatusResolved, incidentbot.StatusClosed} {
			if _, err := f.eng.SetStatus(ctx, here, "", st, ""); err != nil {
				t.Fatal(err)
			}
		}
		f.runAll(0)
		md, err := f.eng.render(ctx, f.reload(inc))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(md, draft) {
			t.Errorf("draft lacks %q", draft)
		}
		var job incidentbot.Job
		for _, j := range f.jobs(inc) {
			if strings.HasSuffix(j.Key, "/post/review-reminder") {
				job = j
			}
		}
		if want := time.Date(2025, 12, 1, 9, 0, 0, 0, paris); job.Key == "" || !job.RunAt.Equal(want) {
			t.Fatalf("review reminder: got %q at %v, want post/review-reminder at %v", job.Key, job.RunAt, want)
		}
		reminder := fmt.Sprintf(title, inc.Key)
		// site-outage archives its war room on close: the reminder goes
		// where the incident was declared.
		origin := func() console.ChannelState {
			ch, ok := f.chat.Channel(inc.OriginChannel)
			if !ok {
				t.Fatalf("channel %s not in the chat", inc.OriginChannel)
			}
			return ch
		}
		if got := posts(origin(), reminder); len(got) != 0 {
			t.Fatalf("reminded before its day: %q", got)
		}
		f.clock.Set(time.Date(2025, 12, 1, 8, 0, 0, 0, time.UTC)) // Monday 09:00 in Paris
		f.runAll(0)
		got := posts(origin(), reminder)
		if len(got) != 1 || !strings.Contains(got[0], fmt.Sprintf(text, inc.Key)) {
			t.Fatalf("reminder posts: got %q, want one naming the commander", got)
		}
		f.runAll(0)
		if again := posts(origin(), reminder); len(again) != 1 {
			t.Errorf("reminder posts after another run: got %d, want still 1", len(again))
		}
	})
}
