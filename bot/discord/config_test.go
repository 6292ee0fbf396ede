package discord

import (
	"strings"
	"testing"
)

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	appID := "DISCORD_APP_ID is needed with DISCORD_BOT_TOKEN (Developer Portal, General Information, Application ID)"
	guild := "DISCORD_GUILD_ID is needed with DISCORD_BOT_TOKEN (the server's id: right-click the server, Copy Server ID)"
	key := "DISCORD_PUBLIC_KEY is needed to check interactions over HTTP (Developer Portal, General Information), or set DISCORD_MODE=gateway"
	for _, tc := range []struct {
		name string
		cfg  Config
		want []string // each a whole line; none: valid
	}{
		{"off", Config{Mode: "http"}, nil},
		{"over HTTP", Config{BotToken: "t", AppID: "1", GuildID: "2", PublicKey: "ab", Mode: "http"}, nil},
		{"over the gateway needs no key", Config{BotToken: "t", AppID: "1", GuildID: "2", Mode: "gateway"}, nil},
		{"token alone", Config{BotToken: "secretpw", Mode: "http"}, []string{appID, guild, key}},
		{"registering needs the app only", Config{BotToken: "secretpw", Mode: "http", CommandsOnly: true}, []string{appID}},
		{"unknown mode", Config{Mode: "websocket"}, []string{"DISCORD_MODE must be http (interactions endpoint) or gateway (no public URL)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			if err := tc.cfg.Validate(); err != nil {
				got = strings.Split(err.Error(), "\n")
				if strings.Contains(err.Error(), "secretpw") {
					t.Errorf("error quotes a value: %q", err)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
