package views

import (
	"unicode/utf8"

	"incidentbot"
)

// topicMax keeps topics within Slack's 250-character limit (Discord allows more).
const topicMax = 250

// Topic is the war room's channel topic:
// "SEV1 · investigating · IC: Alice · INC-42 Checkout returns 504".
func Topic(inc *incidentbot.Incident, commander string) string {
	if commander == "" {
		commander = "unassigned"
	}
	head := inc.Severity.Label() + " · " + string(inc.Status) + " · IC: " + commander + " · "
	if inc.Drill {
		head = "DRILL · " + head
	}
	rest := inc.Key + " " + inc.Title
	room := topicMax - utf8.RuneCountInString(head)
	if room < len(inc.Key)+2 {
		room = len(inc.Key) + 2
	}
	return head + truncate(rest, room)
}
