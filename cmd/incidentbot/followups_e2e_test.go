package main

import (
	"strings"
	"testing"

	"incidentbot/internal/fake/fakegithub"
)

// followUpRoom is the war room of resolvedWithFollowUps' incident.
const followUpRoom = "inc-1-checkout-returns-504"

// resolvedWithFollowUps starts serve with GitHub as the tracker, declares
// INC-1, adds two follow-ups and resolves it, every post declared.
func resolvedWithFollowUps(t *testing.T) (*harness, *fakegithub.Server) {
	t.Helper()
	gh := fakegithub.New(t)
	env := quickPlaybook(t, e2eDB(t))
	env["FOLLOWUPS_TARGET"] = "github"
	env["GITHUB_TOKEN"] = gh.Token()
	env["GITHUB_REPO"] = gh.Repo()
	env["GITHUB_LABELS"] = "incident-followup"
	env["GITHUB_API_URL"] = gh.URL()
	h := newHarness(t, newFakeSlack(t), env)
	if got := h.command(alice, general, "declare sev2 type:quick Checkout returns 504"); !strings.Contains(got, "INC-1") {
		t.Fatalf("declare answered %q, want INC-1 named", got)
	}
	h.expect(followUpRoom, `(?s)INC-1 Checkout returns 504.*Roles.*Checklist`)
	h.expect(managers, `SEV2 · INC-1 Checkout returns 504`)
	h.settle()
	for _, line := range []string{"followup add Alert on checkout 5xx p1 type:detect", "followup add Write the rollback runbook"} {
		if got := h.command(alice, followUpRoom, line); !strings.Contains(got, "Follow-up added to INC-1") {
			t.Fatalf("%s answered %q", line, got)
		}
	}
	if got := h.command(alice, followUpRoom, "resolve Rolled back the payment module"); !strings.Contains(got, "resolved") {
		t.Fatalf("resolve answered %q, want it resolved", got)
	}
	h.settle()
	return h, gh
}

// TestE2EFollowUpsToGitHub: through the real serve wiring, follow-ups added
// in the war room are filed in GitHub once at close, before the draft; the
// war room gets the links, and so does /incident followup list.
func TestE2EFollowUpsToGitHub(t *testing.T) {
	h, gh := resolvedWithFollowUps(t)
	if got := h.command(alice, followUpRoom, "close"); !strings.Contains(got, "closed") {
		t.Fatalf("close answered %q, want it closed", got)
	}
	h.expect(followUpRoom, `(?s)Follow-ups of INC-1 filed in GitHub.*1\. Alert on checkout 5xx: #1 https://github\.com/acme/shop/issues/1.*2\. Write the rollback runbook: #2`)
	h.expect(followUpRoom, `Post-mortem draft for INC-1`)
	h.settle()
	const room = followUpRoom

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

// TestE2EFollowUpsLinksAfterOutage: GitHub fails at close, so the draft
// goes out without links and the outage is said once; the retry files the
// tickets, posts their links and shares the draft again, with them: the
// last draft shared carries the links, and nothing else is posted.
func TestE2EFollowUpsLinksAfterOutage(t *testing.T) {
	h, gh := resolvedWithFollowUps(t)
	gh.Down(503)
	if got := h.command(alice, followUpRoom, "close"); !strings.Contains(got, "closed") {
		t.Fatalf("close answered %q, want it closed", got)
	}
	h.expect(followUpRoom, `(?s)GitHub is not taking the follow-ups of INC-1 yet.*GitHub answered HTTP 503`)
	h.expect(followUpRoom, `Post-mortem draft for INC-1`)
	h.settle() // the draft is out while GitHub is down, the export waits to retry
	gh.Down(0)
	h.expect(followUpRoom, `(?s)Follow-ups of INC-1 filed in GitHub.*#1 https://github\.com/acme/shop/issues/1.*#2`)
	h.expect(followUpRoom, `Post-mortem draft for INC-1`)
	h.settle()
	h.finish()

	if n := len(gh.Issues()); n != 2 {
		t.Errorf("%d issues, want 2", n)
	}
	files := h.chat.(*slackChat).api.Files()
	if len(files) != 2 || strings.Contains(files[0].Content, "github.com/acme/shop/issues") {
		t.Fatalf("%d drafts shared, want 2, the first without links", len(files))
	}
	if last := files[1].Content; !strings.Contains(last, "https://github.com/acme/shop/issues/1") || !strings.Contains(last, "https://github.com/acme/shop/issues/2") {
		t.Errorf("the last draft lacks the links:\n%s", last)
	}
}
