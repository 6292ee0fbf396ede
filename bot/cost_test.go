package bot

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"incidentbot"
	"incidentbot/bot/console"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// timelineReads counts the reads of whole timelines.
type timelineReads struct {
	incidentbot.Store
	n atomic.Int64
}

func (s *timelineReads) Timeline(ctx context.Context, id int64) ([]incidentbot.TimelineEvent, error) {
	s.n.Add(1)
	return s.Store.Timeline(ctx, id)
}

// TestCostViewsReadLastUpdateOnly: the welcome, the summaries and status
// read the last update, never the whole timeline; /incident postmortem
// answers without reading it, and its job reads it once and posts the
// whole draft as a file where the command was typed.
func TestCostViewsReadLastUpdateOnly(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		reads := &timelineReads{}
		f.tune = func(_ *Config, d *Deps) { reads.Store, d.Store = d.Store, reads }
		f.eng = f.engine()
		inc := f.declare(incidentbot.DeclareRequest{Title: "Checkout returns 504", Severity: incidentbot.SEV2})
		f.runAll(0)
		here := actor(alice, f.reload(inc).WarRoom)
		if _, err := f.eng.PostUpdate(ctx, here, "", "Rolling back"); err != nil {
			t.Fatal(err)
		}
		for i := range 40 {
			if _, err := f.eng.AddNote(ctx, here, "", fmt.Sprintf("Note number %d", i)); err != nil {
				t.Fatal(err)
			}
		}
		// The clock stands still: the last update is the last stored.
		if _, err := f.eng.PostUpdate(ctx, here, "", "Rollback done, watching"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.eng.AddNote(ctx, here, "", "A note after the update"); err != nil {
			t.Fatal(err)
		}
		f.runAll(0)
		st, err := f.eng.Status(ctx, here, "")
		if err != nil {
			t.Fatal(err)
		}
		if st.LastUpdate == nil || st.LastUpdate.Text != "Rollback done, watching" || st.LastUpdate.Actor != alice {
			t.Errorf("last update: got %+v, want alice's last one", st.LastUpdate)
		}
		if n := reads.n.Load(); n != 0 {
			t.Errorf("welcome, summaries and status read the whole timeline %d times, want none", n)
		}

		asker := actor(bob, console.GeneralChannelID)
		got, err := f.eng.Postmortem(ctx, asker, inc.Key)
		if err != nil || got.Key != inc.Key {
			t.Fatalf("Postmortem: got %v, %v; want %s", got, err, inc.Key)
		}
		if n := reads.n.Load(); n != 0 {
			t.Errorf("the post-mortem was built in the answer (%d timeline reads), want in a job", n)
		}
		draft := f.draft(asker, inc.Key)
		if n := reads.n.Load(); n != 2 { // f.draft asked once more
			t.Errorf("two drafts read the timeline %d times, want once each", n)
		}
		for i := range 40 {
			if !strings.Contains(draft, fmt.Sprintf("Note number %d", i)) {
				t.Fatalf("the draft lacks note %d: not the whole timeline", i)
			}
		}
		general, _ := f.chat.Channel(console.GeneralChannelID)
		shared := 0
		for _, m := range general.Messages {
			if m.Message.File != nil && m.Message.File.Name == incidentbot.PostmortemFileName(inc.Key) && m.Message.File.Content == draft {
				shared++
			}
		}
		if shared != 2 {
			t.Errorf("got %d drafts posted in the channel of the command, want 2", shared)
		}
	})
}

// TestCostListPages: /incident list pages the workspace's open incidents,
// 20 a page, and says how many follow.
func TestCostListPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		for i := range 23 {
			f.declare(incidentbot.DeclareRequest{Title: fmt.Sprintf("Outage %d", i), Force: true})
		}
		ctx := context.Background()
		who := actor(alice, console.GeneralChannelID)
		first, err := f.eng.List(ctx, who, incidentbot.ListQuery{})
		if err != nil || len(first.Incidents) != 20 || first.Total != 23 || first.More() != 3 || first.Incidents[0].Title != "Outage 22" {
			t.Fatalf("first page: got %+v, %v; want 20 of 23, newest first, 3 more", first, err)
		}
		second, err := f.eng.List(ctx, who, incidentbot.ListQuery{Page: 2})
		if err != nil || len(second.Incidents) != 3 || second.More() != 0 || second.Incidents[2].Title != "Outage 0" {
			t.Fatalf("second page: got %+v, %v; want the 3 oldest, none more", second, err)
		}
	})
}
