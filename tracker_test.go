package incidentbot

import (
	"strings"
	"testing"
	"time"
)

func TestNewTicketRequest(t *testing.T) {
	t.Parallel()
	inc := &Incident{ID: 4, Key: "INC-4", Title: "Checkout returns 504", Severity: SEV1}
	f := FollowUp{Number: 2, Text: "Alert on checkout 5xx", Type: FollowUpDetect, Priority: 1, Owner: "<@U1>", Due: "2026-12-12",
		CreatedBy: User{ID: "U2", Name: "Alice"}, CreatedAt: time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)}
	r := NewTicketRequest(inc, f)
	got := strings.Join(r.Lines, "\n")
	want := "Follow-up 2 of incident INC-4: Checkout returns 504 (" + SEV1.Label() + ").\n" +
		"Type: detect. Priority: P1.\nOwner in chat: @U1.\nDue: 2026-12-12.\nAdded by Alice on 2026-12-05.\n" +
		"Filed by incidentbot; keep this id, it stops the bot filing it twice: incidentbot-followup-INC-4-2"
	if got != want || r.Title != f.Text || r.Marker != "incidentbot-followup-INC-4-2" || r.Priority != 1 || r.Due != f.Due {
		t.Errorf("got %+v\nlines:\n%s\nwant lines:\n%s", r, got, want)
	}
}

func TestPlainOwner(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"<@U1>": "@U1", "<!subteam^S1|@web>": "@web", "<!subteam^S1>": "@S1", "<@!42>": "@42", "<@U1|bob>": "bob", "<>": "<>", "bruno@acme.example": "bruno@acme.example", "@bruno": "@bruno", "": ""} {
		if got := plainOwner(in); got != want {
			t.Errorf("plainOwner(%q) = %q, want %q", in, got, want)
		}
	}
}
