package postmortem

import (
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/golden"
	"incidentbot/playbooks"
)

// sections are the headings every draft has, in order, per language.
var sections = map[string][]string{
	"en": {"## Summary", "## Impact", "## Detection", "## Trigger", "## Resolution and recovery", "## Timeline",
		"## Root cause and contributing factors", "## Customer communication", "## What went well", "## What went badly",
		"## Where we got lucky", "## Action items", "## Metadata"},
	"fr": {"## Résumé", "## Impact", "## Détection", "## Déclencheur", "## Résolution et rétablissement", "## Chronologie",
		"## Cause racine et facteurs aggravants", "## Communication client", "## Ce qui a bien marché", "## Ce qui a mal marché",
		"## Où nous avons eu de la chance", "## Actions à mener", "## Métadonnées"},
}

// TestPostmortemSectionsPerPlaybook renders the whole SEV1 under each
// default playbook in both languages: every section is there, in order,
// filled with what the timeline knows, and the golden file shows it.
func TestPostmortemSectionsPerPlaybook(t *testing.T) {
	t.Parallel()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	for _, pb := range playbooks.Defaults().All() {
		for _, lang := range []string{"en", "fr"} {
			t.Run(pb.Name+"/"+lang, func(t *testing.T) {
				t.Parallel()
				d := siteOutage()
				inc := *d.Incident
				inc.Type, inc.WarRoom, inc.DedupeKey = pb.Name, "C0WARROOM", "alertmanager/CheckoutErrorRate"
				inc.ImpactStartedAt = ptr(at(-12))
				d.Incident, d.Playbook, d.Language, d.Location = &inc, pb, lang, paris
				d.FollowUps = []incidentbot.FollowUp{
					{Number: 1, Text: "Alert on checkout 5xx | over 2%", Type: incidentbot.FollowUpDetect, Priority: 1, Owner: "<@U02BRUNO>", Due: "2025-12-05", Ticket: "https://github.com/shop/web/issues/7"},
					{Number: 2, Text: "Restore the pool size to 20", Type: incidentbot.FollowUpPrevent, Priority: 2, DoneAt: ptr(at(60))},
				}
				got, err := Render(d)
				if err != nil {
					t.Fatal(err)
				}
				rest := got
				for _, h := range sections[lang] {
					i := strings.Index(rest, "\n"+h+"\n")
					if i < 0 {
						t.Fatalf("section %q missing or out of order", h)
					}
					rest = rest[i+len(h):]
				}
				golden.Check(t, "playbook_"+pb.Name+"_"+lang+".golden", []byte(got))
			})
		}
	}
}

// TestPostmortemSectionsFacts: the review sections quote the timeline:
// the first alert, the first clue, the authors, the review date two
// working days after close in BOT_TIMEZONE, and the links.
func TestPostmortemSectionsFacts(t *testing.T) {
	t.Parallel()
	d := siteOutage()
	inc := *d.Incident
	inc.WarRoom, inc.DedupeKey = "C0WARROOM", "alertmanager/CheckoutErrorRate"
	d.Incident = &inc
	got, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"- An alert fired on 2025-11-28 18:02 UTC: Alertmanager: CheckoutErrorRate > 20% (firing)",
		"First clue on the timeline (2025-11-28 18:17 UTC): Banner on the site and a post on Instagram. Support answers with the same text.",
		"| Authors | Alice Martin; _add whoever else writes this_ |",
		// Closed Saturday 2025-11-29: Monday, then Tuesday.
		"| Review | 2025-12-02 (Tuesday): two working days after close;",
		"| Alert | alertmanager/CheckoutErrorRate |",
		"| War room | slack channel C0WARROOM |",
		"| Fix the root cause for good | prevent | P1 | … | … | … |",
		"Customers were affected from 2025-11-28 18:02 UTC for 47m (SEV1).",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("draft lacks %q", want)
		}
	}
}

func TestPostmortemReviewDate(t *testing.T) {
	t.Parallel()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		closed time.Time
		want   string
	}{
		{time.Date(2025, 12, 1, 10, 0, 0, 0, time.UTC), "2025-12-03"},  // Monday -> Wednesday
		{time.Date(2025, 12, 4, 10, 0, 0, 0, time.UTC), "2025-12-08"},  // Thursday -> Monday
		{time.Date(2025, 12, 5, 23, 30, 0, 0, time.UTC), "2025-12-09"}, // Friday 23:30 UTC is Saturday in Paris -> Tuesday
		{time.Date(2025, 12, 6, 12, 0, 0, 0, time.UTC), "2025-12-09"},  // Saturday -> Tuesday
	}
	for _, tc := range tests {
		if got := ReviewDate(tc.closed, paris).Format("2006-01-02"); got != tc.want {
			t.Errorf("closed %v: got %s, want %s", tc.closed, got, tc.want)
		}
	}
}
