package slack

import (
	"regexp"
	"strings"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"incidentbot"
)

// Block Kit limits (Slack's block reference).
const (
	maxHeader       = 150
	maxSectionText  = 3000
	maxField        = 2000
	maxFields       = 10
	maxButtons      = 25
	maxButtonText   = 75
	maxActionID     = 255
	maxContextText  = 3000
	maxFallbackText = 3000
)

// colors gives each severity its bar colour; SevUnknown has none.
var colors = map[incidentbot.Severity]string{
	incidentbot.SEV1: "#D40E0D",
	incidentbot.SEV2: "#E8912D",
	incidentbot.SEV3: "#ECB22E",
	incidentbot.SEV4: "#2EB67D",
}

// rendered is a neutral Message in Slack's terms.
type rendered struct {
	Text        string                `json:"text"`
	Blocks      []slackapi.Block      `json:"blocks,omitempty"`
	Attachments []slackapi.Attachment `json:"attachments,omitempty"`
}

// render builds Block Kit for m. With a severity the blocks go inside one
// attachment, the only way Slack draws a colour bar beside them.
func render(m incidentbot.Message) rendered {
	var blocks []slackapi.Block
	if m.Title != "" {
		blocks = append(blocks, slackapi.NewHeaderBlock(plain(incidentbot.Truncate(m.Title, maxHeader))))
	}
	if text := strings.TrimSpace(m.Text); text != "" {
		blocks = append(blocks, slackapi.NewSectionBlock(mrkdwn(fit(text, maxSectionText)), nil, nil))
	}
	blocks = append(blocks, fieldBlocks(m.Fields)...)
	for start := 0; start < len(m.Buttons); start += maxButtons {
		var elems []slackapi.BlockElement
		for _, b := range m.Buttons[start:min(start+maxButtons, len(m.Buttons))] {
			id := incidentbot.Truncate(b.ActionID, maxActionID)
			btn := slackapi.NewButtonBlockElement(id, id, plain(incidentbot.Truncate(b.Label, maxButtonText)))
			if b.Style != incidentbot.ButtonDefault {
				btn = btn.WithStyle(slackapi.Style(b.Style))
			}
			elems = append(elems, btn)
		}
		blocks = append(blocks, slackapi.NewActionBlock("", elems...))
	}
	if m.Footer != "" {
		blocks = append(blocks, slackapi.NewContextBlock("", mrkdwn(fit(m.Footer, maxContextText))))
	}

	out := rendered{Text: fallback(m)}
	if c, ok := colors[m.Severity]; ok && len(blocks) > 0 {
		out.Attachments = []slackapi.Attachment{{
			Color:    c,
			Fallback: out.Text,
			Blocks:   slackapi.Blocks{BlockSet: blocks},
		}}
		return out
	}
	out.Blocks = blocks
	return out
}

// fieldBlocks puts runs of short fields side by side, at most ten to a
// section, and gives each long field a section of its own.
func fieldBlocks(fields []incidentbot.Field) []slackapi.Block {
	var blocks []slackapi.Block
	var run []*slackapi.TextBlockObject
	flush := func() {
		if len(run) > 0 {
			blocks = append(blocks, slackapi.NewSectionBlock(nil, run, nil))
			run = nil
		}
	}
	for _, f := range fields {
		text := "*" + f.Label + "*\n" + f.Value
		if !f.Short {
			flush()
			blocks = append(blocks, slackapi.NewSectionBlock(mrkdwn(fit(text, maxSectionText)), nil, nil))
			continue
		}
		run = append(run, mrkdwn(fit(text, maxField)))
		if len(run) == maxFields {
			flush()
		}
	}
	flush()
	return blocks
}

// fallback is the plain text notifications and old clients show.
func fallback(m incidentbot.Message) string {
	parts := make([]string, 0, 2)
	for _, s := range []string{m.Title, m.Text} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 && len(m.Fields) > 0 {
		parts = append(parts, m.Fields[0].Label+": "+m.Fields[0].Value)
	}
	return fit(strings.Join(parts, "\n"), maxFallbackText)
}

func plain(s string) *slackapi.TextBlockObject {
	return slackapi.NewTextBlockObject(slackapi.PlainTextType, s, true, false)
}

func mrkdwn(s string) *slackapi.TextBlockObject {
	return slackapi.NewTextBlockObject(slackapi.MarkdownType, s, false, false)
}

// special matches what Slack reads as markup and must stay as it is:
// <@U1> mentions, <#C1> channels and <https://...|links>. Broadcasts
// (<!here>, <!channel>, <!everyone>, <!subteam^S1>) are not kept: the bot
// never writes them, so one in a message came from someone's text, and
// escaped it shows as typed and pings nobody.
var special = regexp.MustCompile(`<(?:[@#][^<>\s]+|(?:https?|mailto):[^<>\s]+)>`)

// escape encodes &, < and > as Slack asks, keeping user mentions, channel
// links and links.
func escape(s string) string {
	var b strings.Builder
	last := 0
	for _, loc := range special.FindAllStringIndex(s, -1) {
		b.WriteString(escapeText(s[last:loc[0]]))
		b.WriteString(s[loc[0]:loc[1]])
		last = loc[1]
	}
	b.WriteString(escapeText(s[last:]))
	return b.String()
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func escapeText(s string) string { return escaper.Replace(s) }

// fit escapes s and keeps it within n characters without cutting an
// entity or a mention in half. Only the part that can show is escaped: a
// draft of megabytes costs what one message costs.
func fit(s string, n int) string {
	e := escape(head(s, n))
	if utf8.RuneCountInString(e) <= n {
		return e
	}
	e = incidentbot.Truncate(e, n)
	cut := strings.TrimSuffix(e, "…")
	if i := strings.LastIndexAny(cut, "&<"); i >= 0 && !strings.ContainsAny(cut[i:], ";>") {
		cut = cut[:i]
	}
	return cut + "…"
}

// head is the start of s that fit reads: n+1 characters (escaping only
// lengthens text, so the first n escaped characters come from them), then
// on to the next space, < or > so that a mention or link that starts in it
// is escaped (kept) whole, as it would be in all of s.
func head(s string, n int) string {
	count := 0
	for i := range s {
		if count > n {
			if j := strings.IndexAny(s[i:], " \t\n\r\f<>"); j >= 0 {
				return s[:i+j+1]
			}
			return s
		}
		count++
	}
	return s
}
