package discord

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/bwmarrin/discordgo"

	"incidentbot/commands"
	"incidentbot/i18n"
	"incidentbot/internal/fake/fakediscord"
	"incidentbot/internal/golden"
)

func TestCommandsGolden(t *testing.T) {
	t.Parallel()
	golden.Check(t, "commands"+".golden", indentJSON(t, Commands()))
}

// TestCommandsFromRegistry: /incident has one subcommand per command form
// of package commands and no other, each option a field of the form (or
// the key), required ones first, within Discord's limits.
func TestCommandsFromRegistry(t *testing.T) {
	t.Parallel()
	subs := Commands()[0].Options
	if len(subs) != len(commands.Specs()) || len(subs) > 25 {
		t.Fatalf("got %d subcommands for %d forms, want one each, at most 25", len(subs), len(commands.Specs()))
	}
	for i, s := range commands.Specs() {
		sub := subs[i]
		if sub.Name != s.Names[0] || sub.Description != s.Brief {
			t.Errorf("subcommand %d: got %s %q, want %s %q", i, sub.Name, sub.Description, s.Names[0], s.Brief)
		}
		want := len(s.Args)
		if s.Key {
			want++
		}
		if len(sub.Options) != want {
			t.Errorf("%s: got %d options, want %d", sub.Name, len(sub.Options), want)
		}
		optional := false
		for _, o := range sub.Options {
			if o.Required && optional {
				t.Errorf("%s: got required option %s after an optional one, want required first", sub.Name, o.Name)
			}
			optional = optional || !o.Required
			known := o.Name == commands.KeyArg.Name && s.Key ||
				slices.ContainsFunc(s.Args, func(a commands.Arg) bool { return a.Name == o.Name })
			if !known || len(o.Description) == 0 || len(o.Description) > 100 {
				t.Errorf("%s: got option %s %q, want a field of the form with a description of 1 to 100 characters", sub.Name, o.Name, o.Description)
			}
		}
	}
	// Every command has a subcommand, or is part of one.
	for _, name := range []string{"declare", "status", "update", "ack", "role", "roles", "sev", "note", "impact", "impact-start",
		"check", "uncheck", "ads", "send", "verify", "remind", "mitigated", "resolve", "reopen", "close", "postmortem",
		"followup", "retry", "drill", "list", "help"} {
		if !slices.ContainsFunc(commands.Specs(), func(s commands.Spec) bool { return s.Names[0] == name || slices.Contains(s.Covers, name) }) {
			t.Errorf("command %s: no subcommand, want one", name)
		}
	}
}

// TestCommandLines: what people fill in on Discord becomes the line the
// grammar reads, for every option of every subcommand.
func TestCommandLines(t *testing.T) {
	t.Parallel()
	type opts = map[string]any
	tests := []struct {
		sub  string
		opts opts
		want string
	}{
		{"declare", opts{"title": "Checkout down", "severity": "sev1", "type": "site-outage", "since": "14:02", "force": true}, "declare sev1 type:site-outage --since 14:02 Checkout down --force"},
		{"declare", opts{"title": "Checkout   down", "force": false}, "declare Checkout down"},
		{"status", opts{"incident": "INC-42"}, "status INC-42"},
		{"update", opts{"text": "DB restarted", "incident": "INC-42"}, "update INC-42 DB restarted"},
		{"ack", nil, "ack"},
		{"role", opts{"role": "tech-lead", "who": "1202445566778899300", "incident": "INC-42"}, "role INC-42 tech-lead <@1202445566778899300>"},
		{"role", opts{"role": "comms", "who": "1302445566778899700"}, "role comms <@&1302445566778899700>"},
		{"roles", nil, "roles"},
		{"sev", opts{"severity": "sev2"}, "sev sev2"},
		{"note", opts{"text": "Rolled back"}, "note Rolled back"},
		{"impact", opts{"share": "30%"}, "impact 30%"},
		{"impact", opts{"start": "14:02", "incident": "INC-42"}, "impact INC-42 start 14:02"},
		{"check", opts{"item": 2.0}, "check 2"},
		{"uncheck", opts{"item": 3.0}, "uncheck 3"},
		{"ads", opts{"action": "pause", "platform": "meta"}, "ads pause meta"},
		{"send", nil, "send"},
		{"verify", opts{"url": "https://shop.example.com/"}, "verify https://shop.example.com/"},
		{"remind", opts{"switch": "snooze", "duration": "30m"}, "remind snooze 30m"},
		{"mitigated", nil, "mitigated"},
		{"resolve", opts{"summary": "Rolled back the deploy"}, "resolve Rolled back the deploy"},
		{"reopen", nil, "reopen"},
		{"close", nil, "close"},
		{"postmortem", nil, "postmortem"},
		{"retry", nil, "retry"},
		{"followup", opts{"action": "add", "text": "Alert on 504s", "owner": "1202445566778899300", "due": "2026-12-12", "priority": "p1", "type": "detect"},
			"followup add Alert on 504s <@1202445566778899300> due 2026-12-12 p1 type:detect"},
		{"followup", opts{"action": "done", "number": 2.0}, "followup done 2"},
		{"drill", opts{"title": "Game day", "severity": "sev3", "type": "generic", "force": true}, "drill sev3 type:generic Game day --force"},
		{"list", opts{"all": true, "page": 2.0}, "list --all page 2"},
		{"help", opts{"command": "declare"}, "help declare"},
	}
	filled := map[string]bool{}
	for _, tc := range tests {
		var options []*discordgo.ApplicationCommandInteractionDataOption
		resolved := &discordgo.ApplicationCommandInteractionDataResolved{Roles: map[string]*discordgo.Role{"1302445566778899700": {ID: "1302445566778899700"}}}
		for name, v := range tc.opts {
			typ := discordgo.ApplicationCommandOptionString
			if name == "who" || name == "owner" {
				typ = discordgo.ApplicationCommandOptionMentionable
			}
			options = append(options, &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: typ, Value: v})
			filled[tc.sub+"/"+name] = true
		}
		data := discordgo.ApplicationCommandInteractionData{Name: commandName, Resolved: resolved, Options: []*discordgo.ApplicationCommandInteractionDataOption{
			{Name: tc.sub, Type: discordgo.ApplicationCommandOptionSubCommand, Options: options},
		}}
		got := commandLine(data)
		if got != tc.want {
			t.Errorf("%s %v: got %q, want %q", tc.sub, tc.opts, got, tc.want)
		}
		if _, err := commands.Parse(got); err != nil {
			t.Errorf("%s: %q does not parse: %v", tc.sub, got, err)
		}
	}
	for _, sub := range Commands()[0].Options {
		for _, o := range sub.Options {
			if o.Name != optIncident && !filled[sub.Name+"/"+o.Name] {
				t.Errorf("option %s of %s: no case fills it", o.Name, sub.Name)
			}
		}
	}
}

// TestFixturesMatchCommands: the options of the slash-command fixture are
// options of the registered command, of the same type.
func TestFixturesMatchCommands(t *testing.T) {
	t.Parallel()
	var i discordgo.Interaction
	if err := json.Unmarshal(fixture(t, "interaction_slash.json"), &i); err != nil {
		t.Fatal(err)
	}
	data := i.ApplicationCommandData()
	if data.Name != Commands()[0].Name {
		t.Fatalf("got command %s in the fixture, want %s", data.Name, Commands()[0].Name)
	}
	for _, sub := range data.Options {
		j := slices.IndexFunc(Commands()[0].Options, func(o *discordgo.ApplicationCommandOption) bool { return o.Name == sub.Name })
		if j < 0 {
			t.Fatalf("got subcommand %s in the fixture, not registered", sub.Name)
		}
		for _, o := range sub.Options {
			k := slices.IndexFunc(Commands()[0].Options[j].Options, func(r *discordgo.ApplicationCommandOption) bool { return r.Name == o.Name })
			if k < 0 || Commands()[0].Options[j].Options[k].Type != o.Type {
				t.Errorf("fixture option %s/%s (type %d): not registered with that type", sub.Name, o.Name, o.Type)
			}
		}
	}
}

func TestRegisterCommands(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	chat, srv := newChat(t)
	tests := []struct {
		name    string
		guild   string
		prepare func()
		want    []string
	}{
		{name: "first time in the guild", guild: fakediscord.GuildID, want: []string{"added /incident"}},
		{name: "again: nothing changed", guild: fakediscord.GuildID, want: nil},
		{name: "first time globally", guild: "", want: []string{"added /incident"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := RegisterCommands(ctx, chat, tc.guild)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	if n := len(srv.Commands(fakediscord.GuildID)); n != 1 {
		t.Errorf("got %d guild commands, want 1", n)
	}
	// Servers only, through contexts rather than the deprecated dm_permission.
	for _, g := range []string{fakediscord.GuildID, ""} {
		c := srv.Commands(g)[0]
		if fmt.Sprint(c["contexts"]) != "[0]" || fmt.Sprint(c["integration_types"]) != "[0]" {
			t.Errorf("guild %q: got contexts %v, integration_types %v, want [0] and [0]", g, c["contexts"], c["integration_types"])
		}
		if _, ok := c["dm_permission"]; ok {
			t.Errorf("guild %q: dm_permission sent", g)
		}
	}
}

func TestDiffCommands(t *testing.T) {
	t.Parallel()
	now := Commands()
	old := Commands()
	old[0].Options = slices.DeleteFunc(old[0].Options, func(o *discordgo.ApplicationCommandOption) bool { return o.Name == "drill" })
	old[0].Options[0] = &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "declare", Description: "old"}
	old[0].Options = append(old[0].Options, &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "page", Description: "gone"})
	old[0].Contexts = nil // registered with dm_permission, before contexts
	old = append(old, &discordgo.ApplicationCommand{Name: "legacy", Description: "old bot"})
	got := diffCommands(old, now)
	want := []string{"changed /incident declare", "added /incident drill", "removed /incident page", "changed /incident where it can be used", "removed /legacy"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if fr := got[3].In("fr"); fr != "modification des endroits où /incident peut servir" {
		t.Errorf("in French: got %q", fr)
	}
}

func TestSameOptionIgnoresEmptyFields(t *testing.T) {
	t.Parallel()
	a := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "x", Description: "d"}
	b := *a
	b.Choices = []*discordgo.ApplicationCommandOptionChoice{}
	c := *a
	c.Required = true
	if !sameOption(a, &b) {
		t.Errorf("got nil and empty choices different, want the same")
	}
	if sameOption(a, &c) {
		t.Errorf("got required and optional the same, want different")
	}
}

// discordName is Discord's rule for command and option names, localized
// ones included (Application Commands > Application Command Naming).
var discordName = regexp.MustCompile(`^[-_'\p{Ll}\p{Lo}\p{N}]{1,32}$`)

// TestCommandsLocalized: the catalog's English repeats the commands' own
// texts (so a changed brief fails here, not silently in French), and each
// translation keeps Discord's rules: names valid and unique among
// siblings, a subcommand's French name one the command answers to,
// descriptions of 1 to 100 characters.
func TestCommandsLocalized(t *testing.T) {
	t.Parallel()
	cmd := Commands()[0]
	if got := i18n.T("en", "discord.command", nil); got != cmd.Description {
		t.Errorf("discord.command is %q in English, the command says %q", got, cmd.Description)
	}
	for _, s := range commands.Specs() {
		name := s.Names[0]
		if got := i18n.T("en", "discord.name."+name, nil); got != name {
			t.Errorf("discord.name.%s is %q in English, want %q", name, got, name)
		}
		if got := i18n.T("en", "discord.brief."+name, nil); got != s.Brief {
			t.Errorf("discord.brief.%s is %q in English, the command says %q", name, got, s.Brief)
		}
		for _, a := range s.Args {
			if got := i18n.T("en", "discord.help."+name+"."+a.Name, nil); got != a.Help {
				t.Errorf("discord.help.%s.%s is %q in English, the command says %q", name, a.Name, got, a.Help)
			}
			if got := i18n.T("en", "discord.option."+a.Name, nil); got != a.Name {
				t.Errorf("discord.option.%s is %q in English, want %q", a.Name, got, a.Name)
			}
		}
	}
	if got := i18n.T("en", "discord.help.incident", nil); got != commands.KeyArg.Help {
		t.Errorf("discord.help.incident is %q in English, the key says %q", got, commands.KeyArg.Help)
	}
	subNames := map[string]bool{}
	for i, sub := range cmd.Options {
		fr := cmp.Or(sub.NameLocalizations[discordgo.French], sub.Name)
		if !discordName.MatchString(fr) || subNames[fr] || !slices.Contains(commands.Specs()[i].Names, fr) {
			t.Errorf("/incident %s: French name %q is not a valid, unique name the command answers to", sub.Name, fr)
		}
		subNames[fr] = true
		if d := []rune(sub.DescriptionLocalizations[discordgo.French]); len(d) == 0 || len(d) > 100 {
			t.Errorf("/incident %s: French description %q, want 1 to 100 characters", sub.Name, string(d))
		}
		optNames := map[string]bool{}
		for _, o := range sub.Options {
			fr := cmp.Or(o.NameLocalizations[discordgo.French], o.Name)
			if !discordName.MatchString(fr) || optNames[fr] {
				t.Errorf("/incident %s %s: French name %q is not a valid, unique option name", sub.Name, o.Name, fr)
			}
			optNames[fr] = true
			if d := []rune(o.DescriptionLocalizations[discordgo.French]); len(d) == 0 || len(d) > 100 {
				t.Errorf("/incident %s %s: French description %q, want 1 to 100 characters", sub.Name, o.Name, string(d))
			}
		}
	}
}
