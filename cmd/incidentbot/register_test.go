package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"incidentbot/internal/fake/fakediscord"
)

// TestRegisterDiscordFlags: --global needs no DISCORD_GUILD_ID, registering
// needs no DISCORD_PUBLIC_KEY, and a network error says what failed.
func TestRegisterDiscordFlags(t *testing.T) {
	t.Parallel()
	api := fakediscord.New(t)
	base := map[string]string{
		"DISCORD_BOT_TOKEN": api.Token(),
		"DISCORD_APP_ID":    fakediscord.AppID,
		"DISCORD_API_URL":   api.URL(),
	}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	register := func(env map[string]string, flags ...string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), append([]string{"incidentbot", cmdRegisterDiscord}, flags...), envFrom(env), nil, &out, &out)
		return out.String(), err
	}

	if out, err := register(base, "--global"); err != nil {
		t.Fatalf("--global without DISCORD_GUILD_ID: %v\n%s", err, out)
	}
	if got := len(api.Commands("")); got != 1 {
		t.Errorf("global commands: got %d, want /incident alone", got)
	}
	if got := len(api.Commands(fakediscord.GuildID)); got != 0 {
		t.Errorf("guild commands after --global: got %d, want none", got)
	}

	if out, err := register(with("DISCORD_GUILD_ID", fakediscord.GuildID)); err != nil {
		t.Fatalf("guild registration without DISCORD_PUBLIC_KEY: %v\n%s", err, out)
	}
	if got := len(api.Commands(fakediscord.GuildID)); got != 1 {
		t.Errorf("guild commands: got %d, want /incident alone", got)
	}

	if _, err := register(base); err == nil || !strings.Contains(err.Error(), "set DISCORD_GUILD_ID") || !strings.Contains(err.Error(), "--global") {
		t.Errorf("without guild or --global: got %v, want advice naming DISCORD_GUILD_ID and --global", err)
	}

	down := with("DISCORD_GUILD_ID", fakediscord.GuildID, "DISCORD_API_URL", "http://"+freeAddr(t))
	_, err := register(down)
	if err == nil {
		t.Fatal("Discord unreachable: got no error")
	}
	msg := err.Error()
	if !strings.Contains(msg, "register /incident with Discord") || !strings.Contains(msg, "connection refused") || strings.Contains(msg, "Internal error") {
		t.Errorf("Discord unreachable: got %q, want what failed and why", msg)
	}
	if strings.Contains(msg, api.Token()) {
		t.Error("the bot token reached the error")
	}
}
