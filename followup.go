package incidentbot

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// FollowUp is an action item decided during or after an incident, numbered
// from 1 in each incident; the post-mortem lists it with its ticket.
type FollowUp struct {
	IncidentID int64
	Number     int // 1-based in the incident; 0 asks the store for the next one
	Text       string
	Type       FollowUpType
	Priority   int    // 1..3 (P1 now, P2 this sprint, P3 later)
	Owner      string // a user spec: "<@U123>", "@name", an e-mail; "" unassigned
	Due        string // YYYY-MM-DD, "" none
	Ticket     string // the tracker's link, once exported
	CreatedBy  User
	CreatedAt  time.Time
	DoneBy     User
	DoneAt     *time.Time
}

// FollowUpType says what an action item improves.
type FollowUpType string

const (
	FollowUpPrevent  FollowUpType = "prevent"
	FollowUpDetect   FollowUpType = "detect"
	FollowUpMitigate FollowUpType = "mitigate"
	FollowUpProcess  FollowUpType = "process"
)

// FollowUpTypes lists the types in the order people read them.
var FollowUpTypes = []FollowUpType{FollowUpPrevent, FollowUpDetect, FollowUpMitigate, FollowUpProcess}

// DefaultFollowUpPriority is a follow-up's priority when none is given.
const DefaultFollowUpPriority = 2

// MaxFollowUpText keeps an action item to one line a tracker can title.
const MaxFollowUpText = 200

// ParseFollowUpType accepts the four types, any case.
func ParseFollowUpType(s string) (FollowUpType, error) {
	for _, t := range FollowUpTypes {
		if strings.EqualFold(s, string(t)) {
			return t, nil
		}
	}
	return "", phrasef(EINVALID, "error.root.followup_type", map[string]any{"Text": truncateRunes(s, 30)}, "%q is not a follow-up type. Use prevent, detect, mitigate or process.", truncateRunes(s, 30))
}

// Label is "P2 · detect · fix the alert (owner, due)" without the owner and due.
func (f FollowUp) Label() string {
	return fmt.Sprintf("%d. [P%d %s] %s", f.Number, f.Priority, f.Type, f.Text)
}

// FollowUpService is what the followup command calls.
type FollowUpService interface {
	// AddFollowUp records f (Number, CreatedBy and CreatedAt are set).
	AddFollowUp(ctx context.Context, actor Actor, key string, f FollowUp) (*Incident, FollowUp, error)
	// FollowUps lists the incident's follow-ups by number.
	FollowUps(ctx context.Context, actor Actor, key string) (*Incident, []FollowUp, error)
	// CompleteFollowUp marks follow-up n done.
	CompleteFollowUp(ctx context.Context, actor Actor, key string, n int) (*Incident, FollowUp, error)
	// ExportFollowUps files the follow-ups not done and without a ticket
	// in the team's tracker, as a job, and returns the tracker's name and
	// how many will be filed.
	ExportFollowUps(ctx context.Context, actor Actor, key string) (*Incident, string, int, error)
}
