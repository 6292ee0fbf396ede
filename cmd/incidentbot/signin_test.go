package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"incidentbot/internal/fake/fakediscordoauth"
	"incidentbot/internal/fake/fakeslack"
	"incidentbot/internal/fake/fakeslackoidc"
)

func TestSignInConfig(t *testing.T) {
	t.Parallel()
	const secret = "secretpw-0123456789"
	slack := map[string]string{"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": secret, "SLACK_TEAM_IDS": "T01ABC", "PUBLIC_URL": "https://incidents.example.com"}
	with := func(base map[string]string, kv ...string) map[string]string {
		env := map[string]string{}
		for k, v := range base {
			env[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			env[kv[i]] = kv[i+1]
		}
		return env
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		want []string // each must appear; empty: no error
	}{
		{"Slack sign-in only", slack, nil},
		{"Discord sign-in", map[string]string{"DISCORD_CLIENT_ID": "1", "DISCORD_CLIENT_SECRET": secret, "DISCORD_GUILD_ID": "2", "PUBLIC_URL": "http://localhost:8080"}, nil},
		{"a session key of 32 bytes", with(slack, "WEB_SESSION_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="), nil},
		{"half a Slack app", map[string]string{"SLACK_CLIENT_ID": "1.2"}, []string{"SLACK_CLIENT_ID and SLACK_CLIENT_SECRET go together"}},
		{"Slack without workspaces", with(slack, "SLACK_TEAM_IDS", ""), []string{"needs the workspaces"}},
		{"Discord without guild", map[string]string{"DISCORD_CLIENT_ID": "1", "DISCORD_CLIENT_SECRET": secret, "PUBLIC_URL": "https://x.example"}, []string{"needs DISCORD_GUILD_ID"}},
		{"no public URL", with(slack, "PUBLIC_URL", ""), []string{"PUBLIC_URL is needed"}},
		{"plain http off loopback", with(slack, "PUBLIC_URL", "http://incidents.example.com"), []string{"PUBLIC_URL must be", "https"}},
		{"short session key", with(slack, "WEB_SESSION_KEY", "c2VjcmV0cHc="), []string{"WEB_SESSION_KEY must be at least 32 random bytes"}},
		{"session key not base64", with(slack, "WEB_SESSION_KEY", secret+"!!"), []string{"WEB_SESSION_KEY must be"}},
		{"session too long", with(slack, "WEB_SESSION_TTL", "2000h"), []string{"WEB_SESSION_TTL must be between"}},
		{"bad provider URL", with(slack, "SLACK_OIDC_URL", "slack.com"), []string{"SLACK_OIDC_URL must be an http(s) URL"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := loadConfig(context.Background(), "serve", func(k string) string { return tc.env[k] })
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("got no error, want %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "secretpw") {
				t.Errorf("the error quotes a secret: %q", err)
			}
		})
	}
}

// TestSignInE2E: through the real serve wiring, with Slack chat on and
// both sign-ins against their fakes, a member of the bot's own workspace
// signs in with Slack and a guild member with Discord; someone of another
// workspace is refused; no chat message is posted, no ERROR logged, no
// secret written anywhere.
func TestSignInE2E(t *testing.T) {
	env := e2eDB(t)
	chat := newFakeSlack(t)
	oidc := fakeslackoidc.New(t)
	oauth := fakediscordoauth.New(t)
	addr := freeAddr(t)
	base := "http://" + addr
	oidc.AllowRedirect(base + "/signin/slack/callback")
	oauth.AllowRedirect(base + "/signin/discord/callback")
	for k, v := range map[string]string{
		"HTTP_ADDR":             addr,
		"PUBLIC_URL":            base,
		"SLACK_CLIENT_ID":       fakeslackoidc.ClientID,
		"SLACK_CLIENT_SECRET":   fakeslackoidc.ClientSecret,
		"SLACK_OIDC_URL":        oidc.URL(),
		"DISCORD_CLIENT_ID":     fakediscordoauth.ClientID,
		"DISCORD_CLIENT_SECRET": fakediscordoauth.ClientSecret,
		"DISCORD_OAUTH_URL":     oauth.URL(),
		"DISCORD_GUILD_ID":      fakediscordoauth.GuildID,
	} {
		env[k] = v
	}
	h := newHarness(t, chat, env)

	browse := func(path string) (int, string, string) {
		t.Helper()
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
		resp, err := c.Get(h.url(path))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		session := ""
		for _, ck := range jar.Cookies(&url.URL{Scheme: "http", Host: addr, Path: "/"}) {
			if ck.Name == "incidentbot_session" {
				session = ck.Value
			}
		}
		return resp.StatusCode, session, string(b)
	}

	if status, _, page := browse("/signin"); status != http.StatusOK || !strings.Contains(page, "Sign in with Slack") || !strings.Contains(page, "Sign in with Discord") {
		t.Fatalf("/signin: %d, want both providers offered:\n%s", status, page)
	}
	// The bot's workspace is the bot token's (auth.test): no SLACK_TEAM_IDS needed.
	oidc.SignInAs(fakeslackoidc.User{ID: "U02ALICE5K", Team: fakeslack.TeamID, Name: "Alice Martin"})
	if status, session, _ := browse("/signin/slack?next=/"); status != http.StatusOK || session == "" {
		t.Errorf("Slack sign-in of a workspace member: %d, session %t; want 200 on the home page with a session", status, session != "")
	}
	if status, session, _ := browse("/signin/discord?next=/"); status != http.StatusOK || session == "" {
		t.Errorf("Discord sign-in of a guild member: %d, session %t; want 200 with a session", status, session != "")
	}
	oidc.SignInAs(fakeslackoidc.User{ID: "U0MALLORY", Team: "T0ELSEWHERE", Name: "Mallory"})
	if status, session, page := browse("/signin/slack?next=/"); status != http.StatusForbidden || session != "" || !strings.Contains(page, "does not serve") {
		t.Errorf("another workspace: %d, session %t; want 403 and no session:\n%s", status, session != "", page)
	}
	h.settle()
	h.finish()
	for _, s := range []string{fakeslackoidc.ClientSecret, fakediscordoauth.ClientSecret} {
		if strings.Contains(h.logs.String(), s) {
			t.Errorf("a sign-in client secret reached the log")
		}
	}
	if !strings.Contains(h.logs.String(), `"msg":"signed in"`) {
		t.Errorf("no sign-in was logged:\n%s", h.logs.String())
	}
}
