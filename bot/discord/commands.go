package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"

	"github.com/bwmarrin/discordgo"

	"incidentbot/commands"
	"incidentbot/i18n"
)

// commandName is the slash command every subcommand hangs under.
const commandName = "incident"

// The options autocomplete fills: the incident key, and declare's and
// drill's playbook.
const (
	optIncident = "incident"
	optType     = "type"
)

// specs are the commands' forms, in help's order: one subcommand each.
var specs = commands.Specs()

// subcommands derives the /incident subcommands from the commands' forms.
func subcommands() []*discordgo.ApplicationCommandOption {
	out := make([]*discordgo.ApplicationCommandOption, 0, len(specs))
	for _, s := range specs {
		name := s.Names[0]
		out = append(out, &discordgo.ApplicationCommandOption{
			Type: discordgo.ApplicationCommandOptionSubCommand, Name: name, Description: s.Brief, Options: options(s),
			NameLocalizations:        localized("discord.name."+name, name),
			DescriptionLocalizations: localized("discord.brief."+name, s.Brief),
		})
	}
	return out
}

// options are a form's fields as Discord takes them: the required ones
// first (Discord refuses the command otherwise), then in the command
// line's order, the incident key last.
func options(s commands.Spec) []*discordgo.ApplicationCommandOption {
	args := slices.Clone(s.Args)
	slices.SortStableFunc(args, func(a, b commands.Arg) int {
		if a.Required == b.Required {
			return 0
		}
		if a.Required {
			return -1
		}
		return 1
	})
	if s.Key {
		args = append(args, commands.KeyArg)
	}
	out := make([]*discordgo.ApplicationCommandOption, 0, len(args))
	for _, a := range args {
		help := "discord.help." + s.Names[0] + "." + a.Name
		if a.Name == commands.KeyArg.Name {
			help = "discord.help.incident"
		}
		o := option(a)
		o.NameLocalizations = localized("discord.option."+a.Name, a.Name)
		o.DescriptionLocalizations = localized(help, a.Help)
		out = append(out, o)
	}
	return out
}

// localized is message id in each language the catalog speaks other than
// English, for Discord's name and description localizations; a language
// that says it as english does is left out. Discord shows the English
// (the commands' own texts, which the catalog's English repeats) to the
// other locales, and always sends the English names back.
func localized(id, english string) map[discordgo.Locale]string {
	out := map[discordgo.Locale]string{}
	for _, lang := range i18n.Supported {
		if s := i18n.T(lang, id, nil); lang != i18n.Default && s != english {
			out[discordgo.Locale(lang)] = s
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func option(a commands.Arg) *discordgo.ApplicationCommandOption {
	o := &discordgo.ApplicationCommandOption{Name: a.Name, Description: a.Help, Required: a.Required, Autocomplete: a.Suggest}
	switch a.Kind {
	case commands.ArgNumber:
		o.Type = discordgo.ApplicationCommandOptionInteger
		if a.Min != 0 {
			least := float64(a.Min)
			o.MinValue = &least
		}
	case commands.ArgFlag:
		o.Type = discordgo.ApplicationCommandOptionBoolean
	case commands.ArgMention:
		o.Type = discordgo.ApplicationCommandOptionMentionable
	default:
		o.Type = discordgo.ApplicationCommandOptionString
		o.MaxLength = a.MaxLen
		for _, c := range a.Choices {
			o.Choices = append(o.Choices, &discordgo.ApplicationCommandOptionChoice{Name: c, Value: c})
		}
	}
	return o
}

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
	description := i18n.T(i18n.Default, "discord.command", nil)
	descriptions := localized("discord.command", description)
	cmd := &discordgo.ApplicationCommand{
		Name:                     commandName,
		Type:                     discordgo.ChatApplicationCommand,
		Description:              description,
		DescriptionLocalizations: &descriptions,
		DefaultMemberPermissions: &perms,
		Contexts:                 &contexts,
		IntegrationTypes:         &installs,
	}
	cmd.Options = subcommands()
	return []*discordgo.ApplicationCommand{cmd}
}

// RegisterCommands overwrites the application's commands in one call, for
// a guild (instant) or globally when guildID is "" (may take an hour to
// reach every client), and says what changed.
func RegisterCommands(ctx context.Context, chat *Chat, guildID string) (changes []Change, err error) {
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

// Change is one line of what RegisterCommands changed: its String is the
// English, In says it in the operator's language.
type Change struct{ *i18n.Message }

func (c Change) String() string { return c.In(i18n.Default) }

func change(id, command, sub string) Change {
	return Change{i18n.M(id, map[string]any{"Command": command, "Sub": sub})}
}

// diffCommands describes, per command and subcommand, what an overwrite
// added, changed and removed.
func diffCommands(before, after []*discordgo.ApplicationCommand) []Change {
	old := map[string]*discordgo.ApplicationCommand{}
	for _, c := range before {
		old[c.Name] = c
	}
	var out []Change
	for _, c := range after {
		o, ok := old[c.Name]
		delete(old, c.Name)
		if !ok {
			out = append(out, change("config.discord_commands.added_command", c.Name, ""))
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
				out = append(out, change("config.discord_commands.added", c.Name, s.Name))
			case !sameOption(p, s):
				out = append(out, change("config.discord_commands.changed", c.Name, s.Name))
			}
		}
		for _, s := range o.Options {
			if _, gone := prev[s.Name]; gone {
				out = append(out, change("config.discord_commands.removed", c.Name, s.Name))
			}
		}
		if !sameDescriptions(o, c) {
			out = append(out, change("config.discord_commands.desc_text", c.Name, ""))
		}
		if !sameContexts(o, c) {
			out = append(out, change("config.discord_commands.contexts", c.Name, ""))
		}
	}
	for _, c := range before {
		if _, gone := old[c.Name]; gone {
			out = append(out, change("config.discord_commands.removed_command", c.Name, ""))
		}
	}
	return out
}

// sameDescriptions compares two commands' descriptions, translations
// included.
func sameDescriptions(a, b *discordgo.ApplicationCommand) bool {
	var x, y map[discordgo.Locale]string
	if a.DescriptionLocalizations != nil {
		x = *a.DescriptionLocalizations
	}
	if b.DescriptionLocalizations != nil {
		y = *b.DescriptionLocalizations
	}
	return a.Description == b.Description && maps.Equal(x, y)
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
// reads, through the subcommand's form.
func commandLine(data discordgo.ApplicationCommandInteractionData) string {
	if len(data.Options) == 0 || data.Options[0].Type != discordgo.ApplicationCommandOptionSubCommand {
		return "help"
	}
	sub := data.Options[0]
	values := map[string]string{}
	for _, o := range sub.Options {
		values[o.Name] = optionText(o, data.Resolved)
	}
	form := commands.Spec{Names: []string{sub.Name}} // unknown: Parse says so
	if i := slices.IndexFunc(specs, func(s commands.Spec) bool { return s.Names[0] == sub.Name }); i >= 0 {
		form = specs[i]
	}
	return form.Line(values[optIncident], values)
}

// optionText writes one option's value as text: a mention as the chat
// writes it, a flag as "true" or "false".
func optionText(o *discordgo.ApplicationCommandInteractionDataOption, resolved *discordgo.ApplicationCommandInteractionDataResolved) string {
	switch v := o.Value.(type) {
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatInt(int64(v), 10)
	case string:
		switch o.Type {
		case discordgo.ApplicationCommandOptionRole:
			return "<@&" + v + ">"
		case discordgo.ApplicationCommandOptionMentionable, discordgo.ApplicationCommandOptionUser:
			if resolved != nil && resolved.Roles[v] != nil {
				return "<@&" + v + ">"
			}
			return "<@" + v + ">"
		}
		return v
	}
	return ""
}
