package postmortem

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"incidentbot"
)

// eventLinks are the addresses the timeline knows, for Metadata: the
// alert and dashboard the declaring alert (else the first alert attached)
// gave, and the public status page incident the last statuspage action
// opened or updated.
type eventLinks struct {
	alert      incidentbot.AlertLinks
	statusPage string
}

// findLinks reads them from the events' Data; events are in time order.
func findLinks(events []incidentbot.TimelineEvent) eventLinks {
	var out eventLinks
	var declared, attached incidentbot.AlertLinks
	for _, e := range events {
		if len(e.Data) == 0 || e.Data[0] != '{' {
			continue
		}
		switch e.Kind {
		case incidentbot.EventDeclared:
			_ = json.Unmarshal(e.Data, &declared) // an event without links has none
		case incidentbot.EventAlertFired:
			if attached == (incidentbot.AlertLinks{}) {
				_ = json.Unmarshal(e.Data, &attached)
			}
		case incidentbot.EventActionSucceeded:
			var ref incidentbot.ActionRef
			if json.Unmarshal(e.Data, &ref) == nil && incidentbot.WebLink(ref.StatusPage) != "" {
				out.statusPage = ref.StatusPage
			}
		}
	}
	out.alert = declared.Clean()
	if out.alert == (incidentbot.AlertLinks{}) {
		out.alert = attached.Clean()
	}
	return out
}

// alertCell is the Metadata's alert: the dedupe key, linked to the alert
// at its sender when it gave an address; "" when there is neither.
func alertCell(inc *incidentbot.Incident, href string) string {
	text := inc.DedupeKey
	if text == "" && href != "" {
		text = hostOf(href)
	}
	return markdownLink(text, href)
}

// warRoomLink is where the war room opens in a browser: Slack's web client
// (its team and channel ids are all the address needs, whatever the
// workspace's domain) or Discord's channel page; "" on the console or for
// ids that do not look like the platform's.
func warRoomLink(inc *incidentbot.Incident) string {
	switch {
	case inc.Platform == incidentbot.PlatformSlack && slackID(inc.Workspace) && slackID(inc.WarRoom):
		return "https://app.slack.com/client/" + inc.Workspace + "/" + inc.WarRoom
	case inc.Platform == incidentbot.PlatformDiscord && snowflake(inc.Workspace) && snowflake(inc.WarRoom):
		return "https://discord.com/channels/" + inc.Workspace + "/" + inc.WarRoom
	}
	return ""
}

// slackID reports whether s looks like a Slack team or channel id:
// upper-case letters and digits.
func slackID(s string) bool {
	return s != "" && strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == ""
}

// snowflake reports whether s looks like a Discord id: digits.
func snowflake(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// markdownLink writes [text](href) with text escaped, or the escaped text
// alone when href is not a web address: addresses come from alert senders
// and status pages, so they are checked and encoded, never trusted.
func markdownLink(text, href string) string {
	text = strings.ReplaceAll(cell(text), "]", `\]`)
	href = linkTarget(href)
	if href == "" {
		return text
	}
	if text == "" {
		text = strings.ReplaceAll(cell(hostOf(href)), "]", `\]`)
	}
	return "[" + text + "](" + href + ")"
}

// linkTarget is href as a Markdown link destination, "" when it is not an
// http or https address: every byte that could end the destination, the
// table cell or the line (spaces, parentheses, brackets, pipes, quotes,
// controls, non-ASCII) is percent-encoded.
func linkTarget(href string) string {
	href = incidentbot.WebLink(href)
	if href == "" {
		return ""
	}
	const safe = "-._~:/?#@!$&'*+,;=%"
	var b strings.Builder
	for i := 0; i < len(href); i++ {
		c := href[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(safe, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// hostOf is the host of a web address, the link's text when nothing
// better names it.
func hostOf(href string) string {
	if u, err := url.Parse(href); err == nil {
		return u.Host
	}
	return ""
}
