package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"incidentbot"
)

// commandName is the slash command every subcommand hangs under.
const commandName = "incident"

// Option names with a meaning beyond their text.
const (
	optIncident = "incident" // the key, placed right after the subcommand
	optType     = "type"     // declare's playbook: "type:<name>"
	optForce    = "force"    // declare's "--force"
	optAll      = "all"      // list's "--all"
	optPage     = "page"     // list's "page <n>"
	optSince    = "since"    // declare's "--since 14:02"
	optStart    = "start"    // impact's "start 14:02"
	optDue      = "due"      // followup's "due 2026-12-12"
)

// subcommand is one /incident subcommand: its options as Discord shows
// them (required first, as Discord demands) and the order the command
// line takes them in, after the name and the key.
type subcommand struct {
	name, description string
	options           []*discordgo.ApplicationCommandOption
	line              []string
}

func str(name, description string, required bool) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: name, Description: description, Required: required}
}

func choices(o *discordgo.ApplicationCommandOption, values ...string) *discordgo.ApplicationCommandOption {
	for _, v := range values {
		o.Choices = append(o.Choices, &discordgo.ApplicationCommandOptionChoice{Name: v, Value: v})
	}
	return o
}

func incidentOpt() *discordgo.ApplicationCommandOption {
	o := str(optIncident, "Incident key, e.g. INC-42 (default: this war room's)", false)
	o.Autocomplete = true
	return o
}

var one = 1.0

// subcommands mirror the grammar of package commands, in help's order.
var subcommands = func() []subcommand {
	sev := func(required bool) *discordgo.ApplicationCommandOption {
		return choices(str("severity", "sev1 site down … sev4 minor", required), "sev1", "sev2", "sev3", "sev4")
	}
	typ := str(optType, "Playbook, e.g. site-outage (default: from the title)", false)
	typ.Autocomplete = true
	force := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionBoolean, Name: optForce,
		Description: "Declare even if an incident with this title is open here"}
	title := str("title", "What is broken, as customers see it", true)
	title.MaxLength = 150
	item := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: "item",
		Description: "Checklist item number", Required: true, MinValue: &one}
	since := str(optSince, "When customers were first affected, e.g. 14:02 (BOT_TIMEZONE)", false)
	keyOnly := func(name, description string) subcommand {
		return subcommand{name: name, description: description, options: []*discordgo.ApplicationCommandOption{incidentOpt()}}
	}
	return []subcommand{
		{name: "declare", description: "Open an incident: war room, roles, playbook actions",
			options: []*discordgo.ApplicationCommandOption{title, sev(false), typ, since, force},
			line:    []string{"severity", optType, optSince, "title", optForce}},
		keyOnly("status", "One-screen state of an incident"),
		{name: "update", description: "Post a status update; resets the reminder",
			options: []*discordgo.ApplicationCommandOption{str("text", "What changed", true), incidentOpt()},
			line:    []string{"text"}},
		keyOnly("ack", "Acknowledge: tell everyone someone is on it"),
		{name: "role", description: "Give a role to a person or a group (commander)",
			options: []*discordgo.ApplicationCommandOption{
				str("role", "Role name, e.g. tech-lead", true),
				{Type: discordgo.ApplicationCommandOptionMentionable, Name: "who", Description: "A person or a role", Required: true},
				incidentOpt(),
			},
			line: []string{"role", "who"}},
		keyOnly("roles", "List who holds which role"),
		{name: "sev", description: "Change the severity (commander)",
			options: []*discordgo.ApplicationCommandOption{sev(true), incidentOpt()}, line: []string{"severity"}},
		{name: "note", description: "Add a note to the timeline",
			options: []*discordgo.ApplicationCommandOption{str("text", "The note", true), incidentOpt()}, line: []string{"text"}},
		{name: "impact", description: "Share of sales lost (e.g. 30%), or when the impact started",
			options: []*discordgo.ApplicationCommandOption{
				str("share", "Share of sales lost, e.g. 30%", false),
				str(optStart, "When customers were first affected, e.g. 14:02 (BOT_TIMEZONE)", false),
				incidentOpt(),
			},
			line: []string{optStart, "share"}},
		{name: "check", description: "Tick a checklist item",
			options: []*discordgo.ApplicationCommandOption{item, incidentOpt()}, line: []string{"item"}},
		{name: "uncheck", description: "Open a checklist item again",
			options: []*discordgo.ApplicationCommandOption{item, incidentOpt()}, line: []string{"item"}},
		{name: "ads", description: "Pause or resume the ad campaigns, or see what was paused",
			options: []*discordgo.ApplicationCommandOption{
				choices(str("action", "pause, resume or status", true), "pause", "resume", "status"),
				choices(str("platform", "One ad platform (default: all)", false), incidentbot.AdsGoogle, incidentbot.AdsMeta, incidentbot.AdsMicrosoft, incidentbot.AdsTikTok),
				incidentOpt(),
			},
			line: []string{"action", "platform"}},
		keyOnly("send", "See and send what waits for a commander's confirmation (status page, page, mail)"),
		{name: "verify", description: "Check now whether the site is up, from outside",
			options: []*discordgo.ApplicationCommandOption{str("url", "URL to check (default: the playbook's)", false), incidentOpt()},
			line:    []string{"url"}},
		{name: "remind", description: "Status-update reminders: on, off or snooze",
			options: []*discordgo.ApplicationCommandOption{
				choices(str("switch", "on, off or snooze", true), "on", "off", "snooze"),
				str("duration", "How long to snooze, e.g. 30m or 2h", false),
				incidentOpt(),
			},
			line: []string{"switch", "duration"}},
		keyOnly("mitigated", "Customers are fine again; the fix may be temporary (commander)"),
		{name: "resolve", description: "The site is fixed: resume ads, run on_resolve (commander)",
			options: []*discordgo.ApplicationCommandOption{str("summary", "What was wrong and what fixed it", false), incidentOpt()},
			line:    []string{"summary"}},
		keyOnly("reopen", "The fix did not hold: investigate again (commander)"),
		keyOnly("close", "Close for good; post the post-mortem draft (commander)"),
		keyOnly("postmortem", "Generate the post-mortem draft"),
		keyOnly("retry", "Run again the actions the bot gave up on"),
		{name: "followup", description: "Action items: add, list, mark one done, or file them in the tracker",
			options: []*discordgo.ApplicationCommandOption{
				choices(str("action", "add, list, done or export", true), "add", "list", "done", "export"),
				str("text", "What to do (add)", false),
				{Type: discordgo.ApplicationCommandOptionMentionable, Name: "owner", Description: "Who does it (add)"},
				str(optDue, "Due date, YYYY-MM-DD (add)", false),
				choices(str("priority", "p1 now, p2 this sprint, p3 later (add)", false), "p1", "p2", "p3"),
				choices(str(optType, "prevent, detect, mitigate or process (add)", false), "prevent", "detect", "mitigate", "process"),
				{Type: discordgo.ApplicationCommandOptionInteger, Name: "number", Description: "Which follow-up (done)", MinValue: &one},
				incidentOpt(),
			},
			line: []string{"action", "number", "text", "owner", optDue, "priority", optType}},
		{name: "drill", description: "A practice incident: same flow, every external action a dry run",
			options: []*discordgo.ApplicationCommandOption{title, sev(false), typ, force},
			line:    []string{"severity", optType, "title", optForce}},
		{name: "list", description: "Open incidents, 20 a page",
			options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionBoolean, Name: optAll, Description: "Resolved and closed incidents too, after the open ones"},
				{Type: discordgo.ApplicationCommandOptionInteger, Name: optPage, Description: "Which page (default: the first)", MinValue: &one},
			},
			line: []string{optAll, optPage}},
		{name: "help", description: "How to use the bot",
			options: []*discordgo.ApplicationCommandOption{str("command", "A command, e.g. declare", false)}, line: []string{"command"}},
	}
}()

// Commands returns the /incident command with its subcommands, for a bulk
// overwrite.
func Commands() []*discordgo.ApplicationCommand {
	perms := int64(discordgo.PermissionSendMessages)
	// Servers only: incidents live in a guild. contexts replaces the
	// deprecated dm_permission; integration_types says the command comes
	// with the app installed to a server, not to a user (Discord docs,
	// Application Commands > Application Command Object).
	contexts := []discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	installs := []discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall}
	cmd := &discordgo.ApplicationCommand{
		Name:                     commandName,
		Type:                     discordgo.ChatApplicationCommand,
		Description:              "Declare and run incidents",
		DefaultMemberPermissions: &perms,
		Contexts:                 &contexts,
		IntegrationTypes:         &installs,
	}
	for _, s := range subcommands {
		cmd.Options = append(cmd.Options, &discordgo.ApplicationCommandOption{
			Type: discordgo.ApplicationCommandOptionSubCommand, Name: s.name, Description: s.description, Options: s.options,
		})
	}
	return []*discordgo.ApplicationCommand{cmd}
}

// RegisterCommands overwrites the application's commands in one call, for
// a guild (instant) or globally when guildID is "" (may take an hour to
// reach every client), and says what changed.
func RegisterCommands(ctx context.Context, chat *Chat, guildID string) (changes []string, err error) {
	before, err := chat.s.ApplicationCommands(chat.cfg.AppID, guildID, chat.opts(ctx)...)
	if err != nil {
		return nil, mapError("list commands", err)
	}
	want := Commands()
	if _, err := chat.s.ApplicationCommandBulkOverwrite(chat.cfg.AppID, guildID, want, chat.opts(ctx)...); err != nil {
		return nil, mapError("register commands", err)
	}
	return diffCommands(before, want), nil
}

// diffCommands describes, per command and subcommand, what an overwrite
// added, changed and removed.
func diffCommands(before, after []*discordgo.ApplicationCommand) []string {
	old := map[string]*discordgo.ApplicationCommand{}
	for _, c := range before {
		old[c.Name] = c
	}
	var out []string
	for _, c := range after {
		o, ok := old[c.Name]
		delete(old, c.Name)
		if !ok {
			out = append(out, "added /"+c.Name)
			continue
		}
		prev := map[string]*discordgo.ApplicationCommandOption{}
		for _, s := range o.Options {
			prev[s.Name] = s
		}
		for _, s := range c.Options {
			p, ok := prev[s.Name]
			delete(prev, s.Name)
			switch {
			case !ok:
				out = append(out, fmt.Sprintf("added /%s %s", c.Name, s.Name))
			case !sameOption(p, s):
				out = append(out, fmt.Sprintf("changed /%s %s", c.Name, s.Name))
			}
		}
		for _, s := range o.Options {
			if _, gone := prev[s.Name]; gone {
				out = append(out, fmt.Sprintf("removed /%s %s", c.Name, s.Name))
			}
		}
		if o.Description != c.Description {
			out = append(out, "changed /"+c.Name+" description")
		}
		if !sameContexts(o, c) {
			out = append(out, "changed /"+c.Name+" where it can be used")
		}
	}
	for _, c := range before {
		if _, gone := old[c.Name]; gone {
			out = append(out, "removed /"+c.Name)
		}
	}
	return out
}

// sameContexts compares where two commands can be used; commands
// registered before contexts existed come back with none.
func sameContexts(a, b *discordgo.ApplicationCommand) bool {
	return fmt.Sprint(deref(a.Contexts)) == fmt.Sprint(deref(b.Contexts)) &&
		fmt.Sprint(deref(a.IntegrationTypes)) == fmt.Sprint(deref(b.IntegrationTypes))
}

func deref[T any](p *[]T) []T {
	if p == nil {
		return nil
	}
	return *p
}

// sameOption compares two options as JSON, leaving out empty values:
// Discord omits the false, null and empty fields discordgo sends.
func sameOption(a, b *discordgo.ApplicationCommandOption) bool {
	var x, y any
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	_ = json.Unmarshal(ja, &x)
	_ = json.Unmarshal(jb, &y)
	return reflect.DeepEqual(compact(x), compact(y))
}

// compact drops null, false, "" and empty lists and objects, recursively.
func compact(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range t {
			if e = compact(e); e != nil {
				out[k] = e
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case []any:
		var out []any
		for _, e := range t {
			out = append(out, compact(e))
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case bool:
		if !t {
			return nil
		}
	case string:
		if t == "" {
			return nil
		}
	}
	return v
}

// commandLine turns a slash command's options into the line commands.Parse
// reads: "<subcommand> [key] <options in the grammar's order>".
func commandLine(data discordgo.ApplicationCommandInteractionData) string {
	if len(data.Options) == 0 || data.Options[0].Type != discordgo.ApplicationCommandOptionSubCommand {
		return "help"
	}
	sub := data.Options[0]
	values := map[string]*discordgo.ApplicationCommandInteractionDataOption{}
	for _, o := range sub.Options {
		values[o.Name] = o
	}
	parts := []string{sub.Name}
	if o := values[optIncident]; o != nil {
		parts = append(parts, strings.TrimSpace(fmt.Sprint(o.Value)))
	}
	for _, s := range subcommands {
		if s.name != sub.Name {
			continue
		}
		for _, name := range s.line {
			if o := values[name]; o != nil {
				parts = append(parts, optionText(name, o, data.Resolved))
			}
		}
	}
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

// optionText writes one option value the way the grammar expects it.
func optionText(name string, o *discordgo.ApplicationCommandInteractionDataOption, resolved *discordgo.ApplicationCommandInteractionDataResolved) string {
	switch v := o.Value.(type) {
	case bool:
		switch {
		case name == optForce && v:
			return "--force"
		case name == optAll && v:
			return "--all"
		}
		return ""
	case float64:
		if name == optPage {
			return "page " + strconv.FormatInt(int64(v), 10)
		}
		return strconv.FormatInt(int64(v), 10)
	case string:
		switch {
		case name == optType && v != "":
			return "type:" + v
		case name == optSince && v != "":
			return "--since " + v
		case name == optStart && v != "":
			return "start " + v
		case name == optDue && v != "":
			return "due " + v
		case o.Type == discordgo.ApplicationCommandOptionMentionable || o.Type == discordgo.ApplicationCommandOptionUser ||
			o.Type == discordgo.ApplicationCommandOptionRole:
			if resolved != nil && resolved.Roles[v] != nil || o.Type == discordgo.ApplicationCommandOptionRole {
				return "<@&" + v + ">"
			}
			return "<@" + v + ">"
		}
		return v
	}
	return ""
}
