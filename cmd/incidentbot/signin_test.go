package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
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
		{"public URL without sign-in, for the status page's links", map[string]string{"PUBLIC_URL": "https://status.example.com/"}, nil},
		{"public URL without sign-in is still checked", map[string]string{"PUBLIC_URL": "status.example.com"}, []string{"PUBLIC_URL must be"}},
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
// both sign-ins against their fakes, an incident declared in Slack shows
// on the dashboard of a member of the bot's workspace signed in with
// Slack, not on that of a Discord guild member (tenancy); a visitor
// without a session is sent to sign in; someone of another workspace is
// refused; the bot posts only what the declaration posts, logs no ERROR
// and no secret.
func TestSignInE2E(t *testing.T) {
	env := e2eDB(t)
	dir := t.TempDir()
	yaml := `name: quiet
description: A playbook for the sign-in end-to-end test.
match: {types: [quiet], default_severity: sev2}
channel: "{{.Key | lower}}-{{.Title | slug}}"
roles:
  - {name: commander, description: coordinates and decides, assign: declarer}
status_updates: {sev1: off, sev2: off, sev3: off, sev4: off}
`
	if err := os.WriteFile(filepath.Join(dir, "quiet.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	env["PLAYBOOKS_DIR"] = dir
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
	if got := h.command(alice, general, "declare sev2 type:quiet Checkout returns 504"); !strings.Contains(got, "INC-1") {
		t.Fatalf("declare answered %q", got)
	}
	h.expect("inc-1-checkout-returns-504", `INC-1`)
	h.expect(managers, `INC-1`)
	h.settle()

	// browser is a cookie jar that follows redirects.
	browser := func() *http.Client {
		jar, _ := cookiejar.New(nil)
		return &http.Client{Jar: jar, Timeout: 10 * time.Second}
	}
	get := func(c *http.Client, path string) (int, string, string) {
		t.Helper()
		resp, err := c.Get(h.url(path))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Request.URL.RequestURI(), string(b)
	}

	visitor := browser()
	if status, at, page := get(visitor, "/incidents"); status != http.StatusOK || at != "/signin?next=%2Fincidents" || !strings.Contains(page, "Sign in with Slack") || !strings.Contains(page, "Sign in with Discord") {
		t.Fatalf("a visitor at /incidents: %d at %s, want the sign-in page offering both providers:\n%s", status, at, page)
	}
	// The bot's workspace is the bot token's (auth.test): no SLACK_TEAM_IDS needed.
	oidc.SignInAs(fakeslackoidc.User{ID: "U02ALICE5K", Team: fakeslack.TeamID, Name: "Alice Martin"})
	if status, at, page := get(visitor, "/signin/slack?next=%2Fincidents"); status != http.StatusOK || at != "/incidents" || !strings.Contains(page, "Checkout returns 504") {
		t.Errorf("Slack member after sign-in: %d at %s, want the history with INC-1:\n%s", status, at, page)
	}
	// The open incidents come from the snapshot the site rebuilds when the store changes.
	h.until("the Slack member's dashboard shows INC-1 and their name", func() bool {
		_, _, page := get(visitor, "/")
		return strings.Contains(page, "Checkout returns 504") && strings.Contains(page, "Alice Martin")
	})

	guildMember := browser()
	if status, at, page := get(guildMember, "/signin/discord?next=/"); status != http.StatusOK || at != "/" || strings.Contains(page, "Checkout returns 504") {
		t.Errorf("Discord member: %d at %s, want their dashboard without the Slack incident:\n%s", status, at, page)
	}
	if status, _, _ := get(guildMember, "/incidents/INC-1"); status != http.StatusNotFound {
		t.Errorf("Discord member opening the Slack incident: %d, want 404", status)
	}

	oidc.SignInAs(fakeslackoidc.User{ID: "U0MALLORY", Team: "T0ELSEWHERE", Name: "Mallory"})
	stranger := browser()
	if status, _, page := get(stranger, "/signin/slack?next=/incidents"); status != http.StatusForbidden || !strings.Contains(page, "does not serve") {
		t.Errorf("another workspace: %d, want 403 saying why:\n%s", status, page)
	}
	if _, at, _ := get(stranger, "/incidents"); !strings.HasPrefix(at, "/signin") {
		t.Errorf("a refused person reached %s", at)
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
