package bot

import (
	"context"
	"errors"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// summaryPosts counts the posts of inc's manager summary.
func summaryPosts(f *fixture, inc *incidentbot.Incident) int {
	f.t.Helper()
	ch, _ := f.chat.Channel(summaryChannel)
	return len(posts(ch, "· "+inc.Key+" "))
}

// runSummary runs job as a summary job of inc and returns its deferral.
func runSummary(t *testing.T, f *fixture, job incidentbot.Job, inc *incidentbot.Incident) *incidentbot.Deferral {
	t.Helper()
	_, err := f.eng.summary(context.Background(), job, inc)
	var later *incidentbot.Deferral
	if err != nil && !errors.As(err, &later) {
		t.Fatalf("summary job %s: %v", job.Key, err)
	}
	return later
}

// TestSummaryClaim: one manager summary per incident, whichever summary
// jobs run and however often. A job that finds the first post claimed by
// another waits (deferred, no attempt counted) for as long as the claimer
// may still post it, however many runs that takes, then updates it; the
// claimer's own later run (after a pace deferral) posts it; a claimer gone
// for good is taken over once it cannot be at work any more.
func TestSummaryClaim(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		inc := f.declare(incidentbot.DeclareRequest{Title: "Checkout returns 504", Type: "generic"})
		mark := marker(inc.Key + "/" + incidentbot.MessageSummary)
		a := incidentbot.Job{Key: inc.Key + "/summary-a", Attempts: 1}
		b := incidentbot.Job{Key: inc.Key + "/summary-b", Attempts: 1}

		// A claims, and is deferred by the channel's pace before posting.
		if _, err := f.eng.claimSummary(context.Background(), a, f.chat, summaryChannel, mark); err != nil {
			t.Fatal(err)
		}
		for range 5 {
			if later := runSummary(t, f, b, inc); later == nil {
				t.Fatalf("run %d of B: not deferred while A may still post", b.Attempts)
			}
			b.Attempts++
			f.clock.Advance(time.Second)
		}
		if n := summaryPosts(f, inc); n != 0 {
			t.Fatalf("B posted %d summaries while A held the claim", n)
		}
		if later := runSummary(t, f, a, inc); later != nil {
			t.Fatalf("A's own next run deferred (%v), want it to post", later)
		}
		if later := runSummary(t, f, b, inc); later != nil {
			t.Fatalf("B after A's post: deferred (%v), want the post found and updated", later)
		}
		if n := summaryPosts(f, inc); n != 1 {
			t.Errorf("got %d summary posts, want 1", n)
		}

		// C claims and dies before posting: D waits, then takes over once.
		gone := f.declare(incidentbot.DeclareRequest{Title: "Search is slow", Type: "generic"})
		c := incidentbot.Job{Key: gone.Key + "/summary-c", Attempts: 1}
		d := incidentbot.Job{Key: gone.Key + "/summary-d", Attempts: 1}
		if _, err := f.eng.claimSummary(context.Background(), c, f.chat, summaryChannel, marker(gone.Key+"/"+incidentbot.MessageSummary)); err != nil {
			t.Fatal(err)
		}
		if later := runSummary(t, f, d, gone); later == nil {
			t.Fatal("D: not deferred right after C's claim")
		}
		f.clock.Advance(f.eng.cfg.JobTimeout + f.eng.cfg.Lease)
		if later := runSummary(t, f, d, gone); later != nil {
			t.Fatalf("D after C's time ran out: deferred (%v), want it to post", later)
		}
		if n := summaryPosts(f, gone); n != 1 {
			t.Errorf("got %d summary posts of %s, want 1", n, gone.Key)
		}
	})
}
