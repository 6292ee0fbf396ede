package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	fakediscord "incidentbot/internal/fake/discord"
	fakeslack "incidentbot/internal/fake/slack"
)

// syncBuffer is a bytes.Buffer safe to write from run's goroutines while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func envFrom(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestServeSlackEndToEnd(t *testing.T) {
	addr := freeAddr(t)
	dir := t.TempDir()
	t.Chdir(dir) // without DATABASE_URL serve uses incidentbot.db in the working folder
	slackAPI := fakeslack.New(t)
	const signingSecret = "0f2e8a9d4b7c6e1a3f5d9c8b7a6e5d4c"
	env := map[string]string{
		"HTTP_ADDR":            addr,
		"SLACK_BOT_TOKEN":      fakeslack.DefaultToken,
		"SLACK_SIGNING_SECRET": signingSecret,
		"SLACK_API_URL":        slackAPI.URL(),
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"incidentbot", "serve"}, envFrom(env), nil, &syncBuffer{}, &stderr)
	}()

	waitFor(t, "http://"+addr+"/healthz", 200)
	waitFor(t, "http://"+addr+"/readyz", 200)
	body := get(t, "http://"+addr+"/metrics")
	if !strings.Contains(body, "go_goroutines") {
		t.Errorf("/metrics lacks go_goroutines")
	}

	// A signed slash command is answered at once, then the workers open the war
	// room. The generic playbook has no site check: tests reach no outside host.
	form := url.Values{"team_id": {"T01SHOPX9Q"}, "user_id": {"U02ALICE5K"}, "user_name": {"alice"},
		"channel_id": {"C0GENERAL1"}, "command": {"/incident"}, "text": {"declare sev1 type:generic Checkout returns 504"}}.Encode()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(signingSecret))
	mac.Write([]byte("v0:" + ts + ":" + form))
	req, _ := http.NewRequest("POST", "http://"+addr+"/slack/commands", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var ack bytes.Buffer
	ack.ReadFrom(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(ack.String(), "INC-1") {
		t.Fatalf("slash command ack: got %d %s, want 200 naming INC-1", resp.StatusCode, ack.String())
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if ch, ok := slackAPI.ChannelByName("inc-1-checkout-returns-504"); ok && len(slackAPI.Pinned(ch.ID)) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("war room not ready within 10s; logs: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond) // polling interval, not a wait for work
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run returned %v, want nil after shutdown; logs: %s", err, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop within 15s of cancel")
	}
	if _, err := os.Stat(filepath.Join(dir, "incidentbot.db")); err != nil {
		t.Errorf("no SQLite file in the working folder: %v", err)
	}
	if strings.Contains(stderr.String(), `"level":"ERROR"`) {
		t.Errorf("error logged: %s", stderr.String())
	}
	if strings.Contains(stderr.String(), fakeslack.DefaultToken) || strings.Contains(stderr.String(), signingSecret) {
		t.Errorf("a secret reached the logs")
	}
}

func TestServeSlackSocketMode(t *testing.T) {
	addr := freeAddr(t)
	t.Chdir(t.TempDir())
	slackAPI := fakeslack.New(t)
	env := map[string]string{
		"HTTP_ADDR":       addr,
		"SLACK_BOT_TOKEN": fakeslack.DefaultToken,
		"SLACK_APP_TOKEN": fakeslack.DefaultAppToken,
		"SLACK_API_URL":   slackAPI.URL(),
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"incidentbot", "serve"}, envFrom(env), nil, &syncBuffer{}, &stderr)
	}()
	waitFor(t, "http://"+addr+"/healthz", 200)
	if resp, err := http.Post("http://"+addr+"/slack/commands", "text/plain", nil); err != nil || resp.StatusCode != 404 {
		t.Errorf("/slack/commands in Socket Mode: got %v %v, want 404", resp, err)
	}

	deadline := time.Now().Add(10 * time.Second)
	for slackAPI.SocketConnections() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no Socket Mode connection within 10s; logs: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond) // polling interval, not a wait for work
	}
	if _, err := slackAPI.SendEnvelope(fakeslack.Envelope{Type: "slash_commands", Payload: map[string]string{
		"team_id": "T01SHOPX9Q", "user_id": "U02ALICE5K", "user_name": "alice", "channel_id": "C0GENERAL1",
		"command": "/incident", "text": "declare sev2 type:generic Search is slow",
	}}); err != nil {
		t.Fatal(err)
	}
	for {
		if _, ok := slackAPI.ChannelByName("inc-1-search-is-slow"); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("war room not created within 10s; logs: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond) // polling interval, not a wait for work
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run returned %v, want nil after shutdown; logs: %s", err, stderr.String())
	}
	if strings.Contains(stderr.String(), `"level":"ERROR"`) {
		t.Errorf("error logged: %s", stderr.String())
	}
}

// Discord over HTTP and a generic alert together: the alert opens its war
// room on Discord; the commands are registered first.
func TestServeDiscordAndAlerts(t *testing.T) {
	addr := freeAddr(t)
	t.Chdir(t.TempDir())
	api := fakediscord.New(t)
	priv := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	env := map[string]string{
		"HTTP_ADDR":           addr,
		"DISCORD_BOT_TOKEN":   api.Token(),
		"DISCORD_APP_ID":      fakediscord.AppID,
		"DISCORD_GUILD_ID":    fakediscord.GuildID,
		"DISCORD_PUBLIC_KEY":  hex.EncodeToString(priv.Public().(ed25519.PublicKey)),
		"DISCORD_API_URL":     api.URL(),
		"ALERT_WEBHOOK_TOKEN": "alert-token-1234",
		"ALERT_PLATFORM":      "discord",
		"ALERT_CHANNEL":       "1302445566778899200",
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"incidentbot", "register-discord-commands"}, envFrom(env), nil, &out, &out); err != nil {
		t.Fatalf("register-discord-commands: %v\n%s", err, out.String())
	}
	if len(api.Commands(fakediscord.GuildID)) != 1 {
		t.Fatalf("registered commands: got %d, want /incident alone", len(api.Commands(fakediscord.GuildID)))
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"incidentbot", "serve"}, envFrom(env), nil, &syncBuffer{}, &stderr)
	}()
	waitFor(t, "http://"+addr+"/healthz", 200)

	// Discord's signed PING gets a PONG; a bad signature gets 401.
	ping := []byte(`{"id":"1","application_id":"` + fakediscord.AppID + `","type":1,"token":"t","version":1}`)
	for _, tc := range []struct {
		key  ed25519.PrivateKey
		want int
	}{{priv, 200}, {ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, ed25519.SeedSize)), 401}} {
		stamp := strconv.FormatInt(time.Now().Unix(), 10)
		req, _ := http.NewRequest("POST", "http://"+addr+"/discord/interactions", bytes.NewReader(ping))
		req.Header.Set("X-Signature-Timestamp", stamp)
		req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(tc.key, append([]byte(stamp), ping...))))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("PING: got %d, want %d", resp.StatusCode, tc.want)
		}
	}

	// No playbook word in the title: the generic playbook checks no outside site.
	alert := `{"title":"Error rate above 20%","severity":"critical","dedupe_key":"errors","status":"firing"}`
	for _, token := range []string{"wrong", "alert-token-1234"} {
		req, _ := http.NewRequest("POST", "http://"+addr+"/webhooks/generic", strings.NewReader(alert))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if want := map[string]int{"wrong": 401, "alert-token-1234": 200}[token]; resp.StatusCode != want {
			t.Errorf("alert with token %s: got %d, want %d", token, resp.StatusCode, want)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		found := false
		for _, ch := range api.Channels() {
			found = found || strings.HasPrefix(ch.Name, "inc-1-")
		}
		if found {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no war room on Discord within 10s; logs: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond) // polling interval, not a wait for work
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run returned %v, want nil after shutdown; logs: %s", err, stderr.String())
	}
	if strings.Contains(stderr.String(), `"level":"ERROR"`) || strings.Contains(stderr.String(), api.Token()) {
		t.Errorf("an error or the token was logged: %s", stderr.String())
	}
}

func TestServeDiscordGateway(t *testing.T) {
	addr := freeAddr(t)
	t.Chdir(t.TempDir())
	api := fakediscord.New(t)
	env := map[string]string{
		"HTTP_ADDR":         addr,
		"DISCORD_BOT_TOKEN": api.Token(),
		"DISCORD_APP_ID":    fakediscord.AppID,
		"DISCORD_GUILD_ID":  fakediscord.GuildID,
		"DISCORD_API_URL":   api.URL(),
		"DISCORD_MODE":      "gateway",
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"incidentbot", "serve"}, envFrom(env), nil, &syncBuffer{}, &stderr)
	}()
	waitFor(t, "http://"+addr+"/healthz", 200)
	if resp, err := http.Post("http://"+addr+"/discord/interactions", "application/json", nil); err != nil || resp.StatusCode != 404 {
		t.Errorf("/discord/interactions in gateway mode: got %v %v, want 404", resp, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for api.GatewayConnections() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no gateway connection within 10s; logs: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond) // polling interval, not a wait for work
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run returned %v, want nil after shutdown; logs: %s", err, stderr.String())
	}
	if strings.Contains(stderr.String(), api.Token()) {
		t.Errorf("the token was logged")
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return b.String()
}

// waitFor polls url until it answers want, failing after a deadline.
func waitFor(t *testing.T, url string, want int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == want {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer %d within 10s (last: %v)", url, want, err)
		}
		time.Sleep(20 * time.Millisecond) // polling interval, not a wait for work
	}
}

func TestRunErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"no command", []string{"incidentbot"}, nil, "no command given"},
		{"unknown command", []string{"incidentbot", "fly"}, nil, `unknown command "fly"`},
		{"bad env var", []string{"incidentbot", "serve"}, map[string]string{"WORKERS": "zero", "DATABASE_URL": "postgres://u:topsecret@h/db"}, "WORKERS has a value of the wrong type"},
		{"two bad env vars", []string{"incidentbot", "serve"}, map[string]string{"BOT_LANGUAGE": "klingon", "HTTP_ADDR": "nope"}, "BOT_LANGUAGE must be en or fr"},
		{"serve without a chat", []string{"incidentbot", "serve"}, nil, "no chat platform configured"},
		{"slack token without secret", []string{"incidentbot", "serve"}, map[string]string{"SLACK_BOT_TOKEN": "xoxb-topsecret"}, "SLACK_SIGNING_SECRET is needed"},
		{"slack manifest without url", []string{"incidentbot", "slack-manifest"}, nil, "Slack needs a public https URL"},
		{"playbooks usage", []string{"incidentbot", "playbooks"}, nil, "usage: incidentbot playbooks check [dir]"},
		{"playbooks missing dir", []string{"incidentbot", "playbooks", "check", "/does/not/exist"}, nil, "/does/not/exist"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			err := run(context.Background(), tc.args, envFrom(tc.env), nil, &out, &errOut)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want one containing %q", err, tc.want)
			}
			if strings.Contains(err.Error()+out.String()+errOut.String(), "topsecret") {
				t.Errorf("a secret reached the output")
			}
		})
	}
}

func TestPlaybooksCheckDefaults(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"incidentbot", "playbooks", "check"}, envFrom(nil), nil, &out, &out); err != nil {
		t.Fatalf("got %v, want nil", err)
	}
	for _, name := range []string{"site-outage", "checkout-failure", "launch-traffic", "security", "generic"} {
		if !strings.Contains(out.String(), name) {
			t.Errorf("output lacks %s:\n%s", name, out.String())
		}
	}
}

func TestMigrateTwice(t *testing.T) {
	t.Chdir(t.TempDir())
	for i := range 2 {
		var out bytes.Buffer
		if err := run(context.Background(), []string{"incidentbot", "migrate"}, envFrom(nil), nil, &out, &out); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		if !strings.Contains(out.String(), "migrations applied (sqlite)") {
			t.Errorf("run %d: got %q", i, out.String())
		}
	}
}

func TestDemo(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"incidentbot", "demo"}, envFrom(nil), nil, &out, &errOut); err != nil {
		t.Fatalf("demo failed: %v\nstderr: %s\nstdout: %s", err, errOut.String(), out.String())
	}
	transcript := out.String()
	for _, want := range []string{
		"#inc-1-checkout-returns-504",
		"Only the incident commander",
		"Demo finished. Ad platforms now: googleads 3/4 serving, meta 2/2 serving",
		"Post-mortem",
	} {
		if !strings.Contains(transcript, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	if errOut.Len() > 0 {
		t.Errorf("demo logged warnings or errors:\n%s", errOut.String())
	}
	if testing.Verbose() {
		fmt.Println(transcript)
	}
}

func TestSlackManifest(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"incidentbot", "slack-manifest", "--url", "https://bot.example.com"}, envFrom(nil), nil, &out, &out); err != nil {
		t.Fatalf("got %v, want nil", err)
	}
	for _, want := range []string{"https://bot.example.com/slack/commands", "https://bot.example.com/slack/interactions", "/incident"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("manifest lacks %q:\n%s", want, out.String())
		}
	}
}
