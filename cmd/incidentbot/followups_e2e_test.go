package main

import (
	"strings"
	"testing"

	"incidentbot/internal/fake/fakegithub"
)

// TestE2EFollowUpsToGitHub: through the real serve wiring, follow-ups added
// in the war room are filed in GitHub once at close, before the draft; the
// war room gets the links, and so does /incident followup list.
func TestE2EFollowUpsToGitHub(t *testing.T) {
	gh := fakegithub.New(t)
	env := quickPlaybook(t, e2eDB(t))
	env["FOLLOWUPS_TARGET"] = "github"
	env["GITHUB_TOKEN"] = gh.Token()
	env["GITHUB_REPO"] = gh.Repo()
	env["GITHUB_LABELS"] = "incident-followup"
	env["GITHUB_API_URL"] = gh.URL()
	h := newHarness(t, newFakeSlack(t), env)
	const room = "inc-1-checkout-returns-504"
	if got := h.command(alice, general, "declare sev2 type:quick Checkout returns 504"); !strings.Contains(got, "INC-1") {
		t.Fatalf("declare answered %q, want INC-1 named", got)
	}
	h.expect(room, `(?s)INC-1 Checkout returns 504.*Roles.*Checklist`)
	h.expect(managers, `SEV2 · INC-1 Checkout returns 504`)
	h.settle()

	for _, line := range []string{"followup add Alert on checkout 5xx p1 type:detect", "followup add Write the rollback runbook"} {
		if got := h.command(alice, room, line); !strings.Contains(got, "Follow-up added to INC-1") {
			t.Fatalf("%s answered %q", line, got)
		}
	}
	if got := h.command(alice, room, "resolve Rolled back the payment module"); !strings.Contains(got, "resolved") {
		t.Fatalf("resolve answered %q, want it resolved", got)
	}
	h.settle()
	if got := h.command(alice, room, "close"); !strings.Contains(got, "closed") {
		t.Fatalf("close answered %q, want it closed", got)
	}
	h.expect(room, `(?s)Follow-ups of INC-1 filed in GitHub.*1\. Alert on checkout 5xx: #1 https://github\.com/acme/shop/issues/1.*2\. Write the rollback runbook: #2`)
	h.expect(room, `Post-mortem draft for INC-1`)
	h.settle()

	issues := gh.Issues()
	if len(issues) != 2 || issues[0].Title != "Alert on checkout 5xx" || !strings.Contains(issues[0].Body, "incidentbot-followup-INC-1-1") ||
		len(issues[0].Labels) != 1 || issues[0].Labels[0] != "incident-followup" {
		t.Errorf("GitHub issues: %+v, want the two follow-ups, labelled, with their markers", issues)
	}
	if got := h.command(alice, room, "followup list"); !strings.Contains(got, "https://github.com/acme/shop/issues/2") {
		t.Errorf("followup list answered %q, want the links", got)
	}
	if got := h.command(alice, room, "followup export"); !strings.Contains(got, "no follow-up to file") {
		t.Errorf("a second export answered %q, want nothing to file", got)
	}
	h.settle()
	if n := len(gh.Issues()); n != 2 {
		t.Errorf("%d issues at the end, want 2", n)
	}
	h.finish()
	if strings.Contains(h.logs.String(), gh.Token()) {
		t.Error("the GitHub token reached the logs")
	}
}
