package notify_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/integrations/notify"
	"incidentbot/internal/fake/fakesmtp"
	"incidentbot/internal/golden"
)

const (
	password = "pa55-never-shown"
	token    = "whk-token-never-shown"
	subject  = "[SEV1] INC-42 investigating: Checkout returns 504"
	body     = "Bonjour,\n\nLe site https://shop.example.com/ ne répond plus depuis 08:02 (HTTP 504).\nMerci de vérifier les serveurs.\n"
)

// notice is what the engine sends: subject renders as above, Text is body.
var notice = incidentbot.Notice{Severity: incidentbot.SEV1, Key: "INC-42", Status: "investigating", Title: "Checkout returns 504", Body: body}

var fixed = incidentbot.ClockFunc(func() time.Time { return time.Date(2026, 11, 26, 8, 5, 0, 0, time.UTC) })

// service is a stub Notifier for the statuspage and pagerduty routes.
type service struct {
	mu    sync.Mutex
	calls []string
}

func (s *service) Notify(_ context.Context, target string, n incidentbot.Notice) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, target+": "+n.Subject())
	return nil
}

// webhook records what it receives and answers status.
type webhook struct {
	srv    *httptest.Server
	mu     sync.Mutex
	bodies [][]byte
	auth   []string
}

func newWebhook(t *testing.T, status int) *webhook {
	w := &webhook{}
	w.srv = httptest.NewTLSServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.mu.Lock()
		w.bodies = append(w.bodies, b)
		w.auth = append(w.auth, r.Header.Get("Authorization"))
		w.mu.Unlock()
		rw.WriteHeader(status)
	}))
	t.Cleanup(w.srv.Close)
	return w
}

func TestNotifyEmailAndWebhook(t *testing.T) {
	t.Parallel()
	mail := fakesmtp.New(t, fakesmtp.WithSTARTTLS(), fakesmtp.WithAuth("bot", password))
	hook := newWebhook(t, http.StatusNoContent)
	var logs bytes.Buffer
	n, err := notify.New(notify.Config{
		Targets: map[string]notify.Target{
			"hosting": {Email: []string{"support@host.example", "noc@host.example"}, Webhook: hook.srv.URL + "/hook"},
		},
		SMTP:         notify.SMTP{Addr: mail.Addr(), From: "incidents@shop.example", Username: "bot", Password: password, TLSConfig: &tls.Config{RootCAs: mail.RootCAs()}},
		WebhookToken: token,
		Clock:        fixed,
	}, hook.srv.Client(), slog.New(slog.NewJSONHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Notify(t.Context(), "hosting", notice); err != nil {
		t.Fatalf("got %v, want success", err)
	}
	msgs := mail.Messages()
	if len(msgs) != 1 || !msgs[0].TLS || msgs[0].User != "bot" || msgs[0].From != "incidents@shop.example" || len(msgs[0].To) != 2 {
		t.Fatalf("got %+v, want one message over TLS as bot to 2 recipients", msgs)
	}
	golden.Check(t, "email.golden", []byte(msgs[0].Data))
	if len(hook.bodies) != 1 || hook.auth[0] != "Bearer "+token {
		t.Fatalf("got %d webhook calls with auth %q, want 1 with the bearer token", len(hook.bodies), hook.auth)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, hook.bodies[0], "", "  "); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "webhook.golden", pretty.Bytes())
	if strings.Contains(logs.String(), password) || strings.Contains(logs.String(), token) {
		t.Errorf("got logs %s, want no secret", logs.String())
	}
}

// An action without a template sends the subject as its text.
func TestNotifyWithoutTemplate(t *testing.T) {
	t.Parallel()
	hook := newWebhook(t, http.StatusNoContent)
	n, err := notify.New(notify.Config{Targets: map[string]notify.Target{"agency": {Webhook: hook.srv.URL}}}, hook.srv.Client(), nil)
	if err != nil {
		t.Fatal(err)
	}
	bare := notice
	bare.Body = ""
	if err := n.Notify(t.Context(), "agency", bare); err != nil {
		t.Fatalf("got %v, want success", err)
	}
	var got struct{ Subject, Text string }
	if len(hook.bodies) != 1 || json.Unmarshal(hook.bodies[0], &got) != nil || got.Subject != subject || got.Text != subject {
		t.Errorf("got %d calls, first %s; want one with subject and text %q", len(hook.bodies), hook.bodies, subject)
	}
}

func TestNotifyRoutes(t *testing.T) {
	t.Parallel()
	sp, pd := &service{}, &service{}
	n, err := notify.New(notify.Config{
		Targets:  map[string]notify.Target{"security": {Via: notify.ViaPagerDuty}},
		Services: map[string]incidentbot.Notifier{notify.ViaStatuspage: sp, notify.ViaPagerDuty: pd},
	}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"statuspage", "page", "pagerduty", "security"} {
		if err := n.Notify(t.Context(), target, notice); err != nil {
			t.Errorf("Notify(%s): got %v, want success", target, err)
		}
	}
	if got, want := strings.Join(sp.calls, "|"), "statuspage: "+subject; got != want {
		t.Errorf("statuspage got %q, want %q", got, want)
	}
	if got, want := strings.Join(pd.calls, "|"), "page: "+subject+"|pagerduty: "+subject+"|security: "+subject; got != want {
		t.Errorf("pagerduty got %q, want %q", got, want)
	}
}

func TestNotifyErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		target  string
		smtp    []fakesmtp.Option
		refuse  []string // SMTP replies for MAIL, RCPT, DATA
		hook    int      // webhook status; 0: no webhook
		code    string
		message string
	}{
		{name: "unknown target", target: "agency", code: incidentbot.ENOTFOUND, message: "add agency=mailto:address or agency=https://webhook to NOTIFY_TARGETS"},
		{name: "statuspage not configured", target: "statuspage", code: incidentbot.ENOTFOUND, message: "set STATUSPAGE_API_KEY and STATUSPAGE_PAGE_ID"},
		{name: "page not configured", target: "page", code: incidentbot.ENOTFOUND, message: "set PAGERDUTY_ROUTING_KEY"},
		{name: "greylisted", target: "mail", refuse: []string{"451 4.7.1 Greylisted"}, code: incidentbot.EUNAVAILABLE, message: "deferred the message (451); the bot will retry"},
		{name: "unknown mailbox", target: "mail", refuse: []string{"", "550 5.1.1 No such user"}, code: incidentbot.EINVALID, message: "the target's addresses in NOTIFY_TARGETS"},
		{name: "wrong password", target: "mail", smtp: []fakesmtp.Option{fakesmtp.WithSTARTTLS(), fakesmtp.WithAuth("bot", "other")}, code: incidentbot.EUNAUTHORIZED, message: "check NOTIFY_SMTP_USERNAME and NOTIFY_SMTP_PASSWORD"},
		{name: "no STARTTLS for the password", target: "mail", smtp: []fakesmtp.Option{fakesmtp.WithAuth("bot", password)}, code: incidentbot.EINVALID, message: "offers no STARTTLS"},
		{name: "webhook down", target: "hook", hook: 503, code: incidentbot.EUNAVAILABLE, message: "answered HTTP 503; the bot will retry"},
		{name: "webhook rate limit", target: "hook", hook: 429, code: incidentbot.EUNAVAILABLE, message: "HTTP 429"},
		{name: "webhook bad token", target: "hook", hook: 401, code: incidentbot.EUNAUTHORIZED, message: "check NOTIFY_WEBHOOK_TOKEN"},
		{name: "webhook gone", target: "hook", hook: 404, code: incidentbot.ENOTFOUND, message: "fix its URL in NOTIFY_TARGETS"},
		{name: "webhook rejects", target: "hook", hook: 422, code: incidentbot.EINVALID, message: "rejected the message (HTTP 422)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mail := fakesmtp.New(t, tc.smtp...)
			mail.Fail(tc.refuse...)
			targets := map[string]notify.Target{"mail": {Email: []string{"support@host.example"}}}
			hc := http.DefaultClient
			if tc.hook != 0 {
				h := newWebhook(t, tc.hook)
				targets["hook"] = notify.Target{Webhook: h.srv.URL + "/" + token}
				hc = h.srv.Client()
			}
			smtp := notify.SMTP{Addr: mail.Addr(), From: "incidents@shop.example", TLSConfig: &tls.Config{RootCAs: mail.RootCAs()}}
			if len(tc.smtp) > 0 {
				smtp.Username, smtp.Password = "bot", password
			}
			var logs bytes.Buffer
			n, err := notify.New(notify.Config{
				Targets:      targets,
				SMTP:         smtp,
				WebhookToken: token,
			}, hc, slog.New(slog.NewJSONHandler(&logs, nil)))
			if err != nil {
				t.Fatal(err)
			}
			err = n.Notify(t.Context(), tc.target, notice)
			if code := incidentbot.ErrorCode(err); code != tc.code || !strings.Contains(incidentbot.ErrorMessage(err), tc.message) {
				t.Errorf("got %q %q (%v), want %q containing %q", code, incidentbot.ErrorMessage(err), err, tc.code, tc.message)
			}
			for _, secret := range []string{password, token} {
				if err != nil && strings.Contains(err.Error(), secret) || strings.Contains(logs.String(), secret) {
					t.Errorf("got a secret in %v or logs %s", err, logs.String())
				}
			}
		})
	}
}

// TestNotifyWebhookTokenNeedsHTTPS refuses a configuration that would send
// NOTIFY_WEBHOOK_TOKEN in clear; without a token, http:// webhooks stay allowed.
func TestNotifyWebhookTokenNeedsHTTPS(t *testing.T) {
	t.Parallel()
	targets := map[string]notify.Target{
		"agency":  {Webhook: "http://hooks.agency.example/in?key=abc"},
		"hosting": {Webhook: "HTTPS://hooks.host.example/in"},
	}
	_, err := notify.New(notify.Config{Targets: targets, WebhookToken: token}, nil, nil)
	msg := incidentbot.ErrorMessage(err)
	if code := incidentbot.ErrorCode(err); code != incidentbot.EINVALID || !strings.Contains(msg, "NOTIFY_WEBHOOK_TOKEN") || !strings.Contains(msg, "agency") || strings.Contains(msg, "hosting") {
		t.Errorf("got %q %q, want %q naming NOTIFY_WEBHOOK_TOKEN and agency only", code, msg, incidentbot.EINVALID)
	}
	if err != nil && (strings.Contains(err.Error(), "hooks.agency.example") || strings.Contains(err.Error(), token)) {
		t.Errorf("got %q, want neither the URL nor the token", err)
	}
	if _, err := notify.New(notify.Config{Targets: targets}, nil, nil); err != nil {
		t.Errorf("without a token: got %v, want http:// webhooks accepted", err)
	}
}

func TestNewReportsEveryProblem(t *testing.T) {
	t.Parallel()
	_, err := notify.New(notify.Config{
		Targets: map[string]notify.Target{"hosting": {Email: []string{"a@b.example"}}, "security": {Via: notify.ViaPagerDuty}},
		SMTP:    notify.SMTP{Password: password},
	}, nil, nil)
	if err == nil {
		t.Fatal("got nil, want the problems")
	}
	want := []string{
		"NOTIFY_TARGETS sends security to pagerduty: set PAGERDUTY_ROUTING_KEY.",
		"NOTIFY_SMTP_ADDR is not set",
		"NOTIFY_SMTP_FROM is not set",
		"NOTIFY_SMTP_PASSWORD is set without NOTIFY_SMTP_USERNAME",
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d lines %q, want %d", len(lines), lines, len(want))
	}
	for i, w := range want {
		if !strings.Contains(lines[i], w) {
			t.Errorf("line %d: got %q, want it to contain %q", i, lines[i], w)
		}
	}
	if strings.Contains(err.Error(), password) {
		t.Errorf("got %q, want no password", err)
	}
}

func TestNotifyHonoursContext(t *testing.T) {
	t.Parallel()
	mail := fakesmtp.New(t)
	n, err := notify.New(notify.Config{
		Targets: map[string]notify.Target{"hosting": {Email: []string{"a@b.example"}}},
		SMTP:    notify.SMTP{Addr: mail.Addr(), From: "bot@shop.example"},
	}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err = n.Notify(ctx, "hosting", notice)
	if code := incidentbot.ErrorCode(err); code != incidentbot.EUNAVAILABLE || len(mail.Messages()) != 0 {
		t.Errorf("got %q (%v) and %d messages, want %q and none", code, err, len(mail.Messages()), incidentbot.EUNAVAILABLE)
	}
}
