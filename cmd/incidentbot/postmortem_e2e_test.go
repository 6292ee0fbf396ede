package main

import (
	"strings"
	"testing"
)

// TestE2ESlackPostmortemJob: /incident postmortem typed in another channel
// answers at once; the draft follows there, whole, as an uploaded file
// beside its short summary, built by a job and not in the answer.
func TestE2ESlackPostmortemJob(t *testing.T) {
	chat := newFakeSlack(t)
	h := newHarness(t, chat, quickPlaybook(t, e2eDB(t)))
	const room = "inc-1-checkout-returns-504"
	if got := h.command(alice, general, "declare sev2 type:quick Checkout returns 504"); !strings.Contains(got, "INC-1") {
		t.Fatalf("declare answered %q, want INC-1 named", got)
	}
	h.expect(room, `(?s)INC-1 Checkout returns 504.*Roles.*Checklist`)
	h.expect(managers, `SEV2 · INC-1 Checkout returns 504`)
	h.settle()

	if got := h.command(alice, general, "postmortem INC-1"); !strings.Contains(got, "Drafting the post-mortem for INC-1") {
		t.Fatalf("postmortem answered %q, want it drafting", got)
	}
	h.expect(general, `Post-mortem draft for INC-1`)
	h.settle()
	files := chat.api.Files()
	if len(files) != 1 || files[0].Name != "inc-1-postmortem.md" || !files[0].Shared ||
		!strings.Contains(files[0].Content, "Checkout returns 504") || !strings.Contains(files[0].Content, "## ") {
		t.Fatalf("files: got %+v, want the whole draft shared as inc-1-postmortem.md", files)
	}
	h.finish()
}
