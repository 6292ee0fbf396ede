package discord

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"incidentbot"
)

// Discord message limits (message.mdx, components reference).
const (
	maxContent     = 2000
	maxTitle       = 256
	maxDescription = 4096
	maxFields      = 25
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxFooter      = 2048
	maxEmbedTotal  = 6000
	maxRows        = 5
	maxRowButtons  = 5
	maxCustomID    = 100
	maxLabel       = 80
)

// colors follow Discord's own palette, as in the fixtures (SEV1 15158332).
var colors = map[incidentbot.Severity]int{
	incidentbot.SEV1: 0xE74C3C,
	incidentbot.SEV2: 0xE67E22,
	incidentbot.SEV3: 0xF1C40F,
	incidentbot.SEV4: 0x2ECC71,
}

var buttonStyles = map[incidentbot.ButtonStyle]discordgo.ButtonStyle{
	incidentbot.ButtonDefault: discordgo.SecondaryButton,
	incidentbot.ButtonPrimary: discordgo.PrimaryButton,
	incidentbot.ButtonDanger:  discordgo.DangerButton,
}

// noMentions is the allowed_mentions of every message the bot sends,
// edits or follows up: Discord then reads no mention in the content, so
// neither text people typed (an update saying @everyone, a <@&role>) nor
// the bot's own role lines notify anyone. Embeds never notify anyway; the
// people the bot means to reach get the war room opened to them. Parse
// must be an empty list: null is not "none".
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// rendered is a neutral Message in Discord's terms: the first message,
// and any text that did not fit, to follow as plain messages.
type rendered struct {
	Content    string                       `json:"content,omitempty"`
	Embeds     []*discordgo.MessageEmbed    `json:"embeds,omitempty"`
	Components []discordgo.MessageComponent `json:"components,omitempty"`
	Overflow   []string                     `json:"overflow,omitempty"`
}

// render builds one embed (title, text, fields, colour, footer) and the
// buttons. A message with only text goes as plain content, split under
// 2,000 characters; text too long for the embed continues in Overflow.
func render(m incidentbot.Message) rendered {
	text := markdown(strings.TrimSpace(m.Text))
	var out rendered
	out.Components = components(m.Buttons)
	_, colored := colors[m.Severity]
	if m.Title == "" && len(m.Fields) == 0 && m.Footer == "" && !colored {
		parts := split(text, maxContent)
		if len(parts) > 0 {
			out.Content, out.Overflow = parts[0], parts[1:]
		}
		return out
	}
	e := &discordgo.MessageEmbed{Type: discordgo.EmbedTypeRich, Title: incidentbot.Truncate(m.Title, maxTitle), Color: colors[m.Severity]}
	if m.Footer != "" {
		e.Footer = &discordgo.MessageEmbedFooter{Text: incidentbot.Truncate(markdown(m.Footer), maxFooter)}
	}
	if parts := split(text, maxDescription); len(parts) > 0 {
		e.Description = parts[0]
		if len(parts) > 1 {
			out.Overflow = split(strings.Join(parts[1:], "\n"), maxContent)
		}
	}
	budget := maxEmbedTotal - runes(e.Title) - runes(e.Description)
	if e.Footer != nil {
		budget -= runes(e.Footer.Text)
	}
	for i, f := range m.Fields {
		name := incidentbot.Truncate(orDash(f.Label), maxFieldName)
		value := incidentbot.Truncate(orDash(markdown(f.Value)), maxFieldValue)
		if i == maxFields || budget < runes(name)+runes(value) {
			// Out of room: say so rather than silently drop the rest.
			out.Overflow = append(out.Overflow, incidentbot.Truncate(fieldsText(m.Fields[i:]), maxContent))
			break
		}
		budget -= runes(name) + runes(value)
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: name, Value: value, Inline: f.Short})
	}
	out.Embeds = []*discordgo.MessageEmbed{e}
	return out
}

func fieldsText(fields []incidentbot.Field) string {
	var b strings.Builder
	for _, f := range fields {
		b.WriteString("**" + f.Label + ":** " + markdown(f.Value) + "\n")
	}
	return strings.TrimSpace(b.String())
}

// components lays buttons out five to a row, at most five rows. A button
// whose command line is longer than a custom_id may be is left out: cut,
// it would run another command.
func components(buttons []incidentbot.Button) []discordgo.MessageComponent {
	var rows []discordgo.MessageComponent
	var row discordgo.ActionsRow
	seen := map[string]bool{}
	for _, b := range buttons {
		id := strings.TrimSpace(b.ActionID)
		if id == "" || runes(id) > maxCustomID || seen[id] {
			continue
		}
		seen[id] = true
		row.Components = append(row.Components, discordgo.Button{
			Label: incidentbot.Truncate(orDash(b.Label), maxLabel), Style: buttonStyles[b.Style], CustomID: id,
		})
		if len(row.Components) == maxRowButtons {
			rows = append(rows, row)
			row = discordgo.ActionsRow{}
		}
	}
	if len(row.Components) > 0 {
		rows = append(rows, row)
	}
	if len(rows) > maxRows {
		rows = rows[:maxRows]
	}
	return rows
}

// bold matches the neutral *bold*, which Discord reads as italics.
var bold = regexp.MustCompile(`(^|[\s(>])\*([^*\s]|[^*\s][^*\n]*?[^*\s])\*([\s).,:;!?]|$)`)

// markdown turns the neutral markdown-ish text into Discord's: *bold*
// becomes **bold**; _italic_, `code`, "- " lists and <@id> mentions are
// the same on both sides.
func markdown(s string) string {
	return bold.ReplaceAllString(s, "$1**$2**$3")
}

// split cuts s into pieces of at most n characters, at a line break when
// one is near, else at a space, else anywhere.
func split(s string, n int) []string {
	var out []string
	for s = strings.TrimSpace(s); s != ""; {
		if runes(s) <= n {
			out = append(out, s)
			break
		}
		cut := byteIndex(s, n)
		head := s[:cut]
		if i := strings.LastIndexByte(head, '\n'); i > cut/2 {
			cut = i
		} else if i := strings.LastIndexByte(head, ' '); i > cut/2 {
			cut = i
		}
		out = append(out, strings.TrimSpace(s[:cut]))
		s = strings.TrimSpace(s[cut:])
	}
	return out
}

// byteIndex returns the byte offset of the n-th rune of s.
func byteIndex(s string, n int) int {
	i := 0
	for range n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}

func runes(s string) int { return utf8.RuneCountInString(s) }

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}
