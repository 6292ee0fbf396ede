package incidentbot

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Tracker files follow-ups as tickets in the team's tracker (GitHub
// Issues, Jira Cloud, Linear). Filing is made idempotent by its caller:
// FindTicket looks for the marker a ticket carries before CreateTicket
// files another, so a retry after a crash never files a second one.
type Tracker interface {
	// Name is the tracker as people call it ("GitHub", "Jira", "Linear").
	Name() string
	// FindTicket returns the ticket carrying marker filed at or after since,
	// or nil when there is none.
	FindTicket(ctx context.Context, marker string, since time.Time) (*Ticket, error)
	// CreateTicket files r and returns the ticket. It never looks first.
	CreateTicket(ctx context.Context, r TicketRequest) (Ticket, error)
}

// Ticket is a follow-up filed in a tracker.
type Ticket struct {
	Key string // as people cite it: "#12", "OPS-24", "ENG-42"
	URL string // where it opens in a browser
}

// TicketRequest is what a tracker files for one follow-up.
type TicketRequest struct {
	Title string
	// Lines are the description, one paragraph each; each tracker renders
	// them its own way (Markdown, Atlassian Document Format).
	Lines    []string
	Marker   string // written in the ticket (and as a label where the tracker searches labels)
	Priority int    // 1..3
	Due      string // YYYY-MM-DD, "" none
}

// FollowUpMarker is the stable id a follow-up's ticket carries:
// "incidentbot-followup-INC-42-3". Plain letters, digits and dashes, so it
// is a valid Jira label and a single word to every search.
func FollowUpMarker(incidentKey string, number int) string {
	return fmt.Sprintf("incidentbot-followup-%s-%d", incidentKey, number)
}

// FollowUpTicket records the ticket filed for follow-up Number.
type FollowUpTicket struct {
	Number int
	Ticket string // the ticket's URL
}

// NewTicketRequest describes follow-up f of inc for a tracker: the text as
// title, what the team needs to act on it, and the marker.
func NewTicketRequest(inc *Incident, f FollowUp) TicketRequest {
	lines := []string{
		fmt.Sprintf("Follow-up %d of incident %s: %s (%s).", f.Number, inc.Key, inc.Title, inc.Severity.Label()),
		fmt.Sprintf("Type: %s. Priority: P%d.", f.Type, f.Priority),
	}
	if owner := plainOwner(f.Owner); owner != "" {
		lines = append(lines, "Owner in chat: "+owner+".")
	}
	if f.Due != "" {
		lines = append(lines, "Due: "+f.Due+".")
	}
	if f.CreatedBy.Name != "" {
		lines = append(lines, fmt.Sprintf("Added by %s on %s.", f.CreatedBy.Name, f.CreatedAt.UTC().Format("2006-01-02")))
	}
	marker := FollowUpMarker(inc.Key, f.Number)
	lines = append(lines, "Filed by incidentbot; keep this id, it stops the bot filing it twice: "+marker)
	return TicketRequest{Title: f.Text, Lines: lines, Marker: marker, Priority: f.Priority, Due: f.Due}
}

// plainOwner writes a chat mention ("<@U123>", "<!subteam^S1|@web>") the
// way a tracker shows it: without the brackets, so it reads as text.
func plainOwner(s string) string {
	id, label, ok := ParseMention(s)
	switch {
	case !ok:
		return strings.TrimSpace(s)
	case label != "":
		return label
	}
	return "@" + id
}
