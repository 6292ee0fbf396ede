package views

import (
	"unicode/utf8"

	"incidentbot"
	"incidentbot/i18n"
)

// topicMax keeps topics within Slack's 250-character limit (Discord allows more).
const topicMax = 250

// Topic is the war room's channel topic:
// "SEV1 · investigating · IC: Alice · INC-42 Checkout returns 504".
func Topic(inc *incidentbot.Incident, commander, lang string) string {
	if commander == "" {
		commander = i18n.T(lang, "view.status.unassigned", nil)
	}
	head := drill(lang, inc, i18n.T(lang, "view.topic.head", map[string]any{"Sev": inc.Severity.Label(), "Status": status(lang, inc.Status), "Commander": commander}))
	rest := inc.Key + " " + inc.Title
	room := topicMax - utf8.RuneCountInString(head)
	if room < len(inc.Key)+2 {
		room = len(inc.Key) + 2
	}
	return head + truncate(rest, room)
}
