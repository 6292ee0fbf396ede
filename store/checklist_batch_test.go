package store_test

import (
	"context"
	"fmt"
	"testing"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// One change may carry a long checklist, many jobs, and the same checklist
// item twice: the batch writes keep the last of each and skip known job keys.
func TestChangeBatches(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		inc := &incidentbot.Incident{Title: "Batch", Severity: incidentbot.SEV2, Platform: "console"}
		var ch incidentbot.Change
		for i := 1; i <= 40; i++ {
			ch.Checklist = append(ch.Checklist, incidentbot.ChecklistEntry{Position: i, Text: fmt.Sprintf("step %d", i)})
			ch.Jobs = append(ch.Jobs, incidentbot.Job{Key: fmt.Sprintf("batch/%d", i), Kind: "post"})
		}
		ch.Checklist = append(ch.Checklist, incidentbot.ChecklistEntry{Position: 3, Text: "step 3, again", State: incidentbot.ChecklistDone})
		ch.Jobs = append(ch.Jobs, incidentbot.Job{Key: "batch/1", Kind: "post"})
		if err := db.CreateIncident(ctx, inc, ch); err != nil {
			t.Fatalf("CreateIncident: %v", err)
		}
		items, err := db.Checklist(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 40 || items[2].Text != "step 3, again" || items[2].State != incidentbot.ChecklistDone {
			t.Fatalf("checklist: got %d items, item 3 %+v; want 40 with the later item 3", len(items), items[2])
		}
		jobs, err := db.Jobs(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) != 40 {
			t.Errorf("jobs: got %d, want 40 (the repeated key skipped)", len(jobs))
		}
	})
}
