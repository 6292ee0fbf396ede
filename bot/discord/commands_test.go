package discord

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/bwmarrin/discordgo"

	"incidentbot/internal/fake/fakediscord"
	"incidentbot/internal/golden"
)

func TestCommandsGolden(t *testing.T) {
	t.Parallel()
	golden.Check(t, "commands"+".golden", indentJSON(t, Commands()))
}

// TestCommandsMirrorGrammar checks every subcommand's options: required
// ones first (Discord refuses the command otherwise), and each option
// either the key or placed in the command line.
func TestCommandsMirrorGrammar(t *testing.T) {
	t.Parallel()
	for _, s := range subcommands {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			optional := false
			for _, o := range s.options {
				if o.Required && optional {
					t.Errorf("got required option %s after an optional one, want required first", o.Name)
				}
				optional = optional || !o.Required
				if o.Name != optIncident && !slices.Contains(s.line, o.Name) {
					t.Errorf("got option %s missing from the command line order %v", o.Name, s.line)
				}
			}
		})
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
