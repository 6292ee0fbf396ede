package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
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

// served is a `serve` run in the background, in a fresh working folder
// (without DATABASE_URL it keeps incidentbot.db there).
type served struct {
	t      *testing.T
	addr   string
	dir    string
	logs   *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

// startServe runs serve with env and a free HTTP_ADDR until /healthz answers.
func startServe(t *testing.T, env map[string]string) *served {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	s := launch(t, env)
	s.dir = dir
	return s
}

// launch runs serve with env and a free HTTP_ADDR until /healthz answers,
// in the test's working folder (without DATABASE_URL, SQLite keeps its file there).
func launch(t *testing.T, env map[string]string) *served {
	t.Helper()
	s := &served{t: t, addr: env["HTTP_ADDR"], logs: &syncBuffer{}, done: make(chan error, 1)}
	if s.addr == "" { // set by a test that must know it first (PUBLIC_URL)
		s.addr = freeAddr(t)
	}
	env["HTTP_ADDR"] = s.addr
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	t.Cleanup(cancel)
	go func() {
		s.done <- run(ctx, []string{"incidentbot", "serve"}, envFrom(env), nil, &syncBuffer{}, s.logs)
	}()
	s.until("/healthz answers", func() bool {
		select {
		case err := <-s.done:
			t.Fatalf("serve stopped before it was healthy: %v; logs: %s", err, s.logs.String())
		default:
		}
		resp, err := http.Get(s.url("/healthz"))
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return s
}

func (s *served) url(path string) string { return "http://" + s.addr + path }

// until polls cond until it holds, failing with the logs after 10 seconds.
func (s *served) until(what string, cond func() bool) {
	s.t.Helper()
	poll(s.t, what, cond, s.logs)
}

// stop shuts serve down as SIGTERM would and checks it stopped cleanly,
// logged no error and none of the secrets.
func (s *served) stop(secrets ...string) {
	s.t.Helper()
	s.cancel()
	select {
	case err := <-s.done:
		if err != nil {
			s.t.Fatalf("run returned %v, want nil after shutdown; logs: %s", err, s.logs.String())
		}
	case <-time.After(15 * time.Second):
		s.t.Fatal("serve did not stop within 15s of cancel")
	}
	logs := s.logs.String()
	if strings.Contains(logs, `"level":"ERROR"`) {
		s.t.Errorf("error logged: %s", logs)
	}
	for _, secret := range secrets {
		if strings.Contains(logs, secret) {
			s.t.Errorf("a secret reached the logs")
		}
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
		{"unknown command in French", []string{"incidentbot", "fly"}, map[string]string{"BOT_LANGUAGE": "fr"}, "commande inconnue «\u00a0fly\u00a0»"},
		{"no command in French", []string{"incidentbot"}, map[string]string{"BOT_LANGUAGE": "fr"}, "aucune commande donnée"},
		{"unknown command before config", []string{"incidentbot", "fly"}, map[string]string{"WORKERS": "zero", "DATABASE_URL": "mysql://topsecret"}, `unknown command "fly"`},
		{"bad env var", []string{"incidentbot", "serve"}, map[string]string{"WORKERS": "zero", "DATABASE_URL": "postgres://u:topsecret@h/db"}, "WORKERS must be a whole number such as 4"},
		{"two bad env vars", []string{"incidentbot", "serve"}, map[string]string{"BOT_LANGUAGE": "klingon", "HTTP_ADDR": "nope"}, "BOT_LANGUAGE must be en or fr"},
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

// TestMigrateTwice: migrate names what it applied, then says none were needed.
func TestMigrateTwice(t *testing.T) {
	t.Chdir(t.TempDir())
	for i, want := range []string{"applied 0001_init.sql (sqlite)\n", "no migrations needed: the sqlite schema is up to date\n"} {
		var out bytes.Buffer
		if err := run(context.Background(), []string{"incidentbot", "migrate"}, envFrom(nil), nil, &out, &out); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		if !strings.Contains(out.String(), want) {
			t.Errorf("run %d: got %q, want %q", i, out.String(), want)
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
		"Only the commander can",
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

// TestDemoFrench plays the demo with --lang fr: the war room, the
// managers' summary, the replies and the post-mortem speak French.
func TestDemoFrench(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"incidentbot", "demo", "--lang", "fr"}, envFrom(nil), nil, &out, &errOut); err != nil {
		t.Fatalf("demo failed: %v\nstderr: %s\nstdout: %s", err, errOut.String(), out.String())
	}
	transcript := out.String()
	for _, want := range []string{
		"*Ce qui se passe\u00a0:*", // the welcome (no-break space before the colon)
		"déclaré par",              // the declaration
		"Sévérité",                 // the status and the summary
		"# Post-mortem INC-1",      // the post-mortem, in French
		"## Chronologie",
	} {
		if !strings.Contains(transcript, want) {
			t.Errorf("French demo output lacks %q", want)
		}
	}
	if errOut.Len() > 0 {
		t.Errorf("demo logged warnings or errors:\n%s", errOut.String())
	}
	var bad bytes.Buffer
	if err := run(context.Background(), []string{"incidentbot", "demo", "--lang", "de"}, envFrom(nil), nil, &bad, &bad); err == nil || !strings.Contains(err.Error(), "choose en or fr") {
		t.Errorf("demo --lang de: got %v, want a refusal naming en and fr", err)
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
