package bot

import (
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// TestStatusPageLinkInDraft: the statuspage action keeps the shortlink
// Statuspage gave the incident it opened, and the post-mortem links it.
func TestStatusPageLinkInDraft(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		page := statusPage(t, f)
		inc := f.declare(incidentbot.DeclareRequest{Title: "Checkout returns 504", Severity: incidentbot.SEV1, Type: "checkout"})
		f.runAll(time.Second)
		got := page.Incidents()
		if len(got) != 1 {
			t.Fatalf("got %d status page incidents, want 1", len(got))
		}
		link := "https://stspg.io/" + got[0].ID
		md := f.draft(actor(alice, f.reload(inc).WarRoom), "")
		if want := "| Status-page incident | [" + link + "](" + link + ") |"; !strings.Contains(md, want) {
			t.Errorf("draft lacks %q:\n%s", want, md[strings.Index(md, "## Metadata"):])
		}
	})
}
