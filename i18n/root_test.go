package i18n

import (
	"strings"
	"testing"
	"time"

	"incidentbot"
)

// TestRootPhrases: an error the root package makes (it cannot import the
// catalog) says in English exactly what the root formats, and in French
// the catalog's French, its data said in French too.
func TestRootPhrases(t *testing.T) {
	t.Parallel()
	declared := time.Date(2026, 12, 5, 14, 0, 0, 0, time.UTC)
	inc := &incidentbot.Incident{DeclaredAt: declared}
	errs := map[string]error{}
	_, errs["severity"] = incidentbot.ParseSeverity("sev9")
	errs["already"] = incidentbot.CheckTransition(incidentbot.StatusMitigated, incidentbot.StatusMitigated)
	errs["final"] = incidentbot.CheckTransition(incidentbot.StatusClosed, incidentbot.StatusInvestigating)
	errs["transition"] = incidentbot.CheckTransition(incidentbot.StatusInvestigating, incidentbot.StatusClosed)
	_, errs["key"] = incidentbot.ParseIncidentKey("INC-x1")
	errs["not_found"] = incidentbot.IncidentNotFound("INC-42")
	_, errs["time"] = incidentbot.ParseLocalTime("25:99")
	_, errs["date"] = incidentbot.ParseLocalTime("2026-13-01 14:02")
	errs["impact_after"] = incidentbot.CheckImpactStart(declared.Add(time.Hour), inc, nil)
	errs["impact_early"] = incidentbot.CheckImpactStart(declared.Add(-40*24*time.Hour), inc, nil)
	_, errs["share"] = incidentbot.ParseRevenueShare("lots")
	_, errs["followup_type"] = incidentbot.ParseFollowUpType("later")
	for name, err := range errs {
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if got, want := ErrorMessage("en", err), incidentbot.ErrorMessage(err); got != want {
			t.Errorf("%s: the catalog's English %q differs from the root's %q", name, got, want)
		}
		fr := ErrorMessage("fr", err)
		if fr == incidentbot.ErrorMessage(err) || strings.Contains(fr, "{{") || strings.Contains(fr, "error.root") || strings.Contains(fr, "status.") {
			t.Errorf("%s: French %q", name, fr)
		}
	}
	if got := ErrorMessage("fr", errs["transition"]); !strings.Contains(got, "clos") || strings.Contains(got, "closed") {
		t.Errorf("transition in French: %q, want the statuses in French", got)
	}
}
