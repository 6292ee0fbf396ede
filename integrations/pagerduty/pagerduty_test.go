package pagerduty_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/integrations/pagerduty"
	"incidentbot/internal/fake/fakepagerduty"
)

func newClient(t *testing.T, f *fakepagerduty.Server, key string, logs *bytes.Buffer) *pagerduty.Client {
	t.Helper()
	c, err := pagerduty.New(pagerduty.Config{RoutingKey: incidentbot.Secret(key), APIURL: f.URL()}, f.Client(), slog.New(slog.NewJSONHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNotifyTriggersAndResolves(t *testing.T) {
	t.Parallel()
	f := fakepagerduty.New(t)
	var logs bytes.Buffer
	c := newClient(t, f, f.RoutingKey(), &logs)
	notice := func(sev incidentbot.Severity, status string) incidentbot.Notice {
		return incidentbot.Notice{Severity: sev, Key: "INC-42", Status: status, Title: "Checkout returns 504", Body: "body"}
	}
	steps := []struct {
		notice   incidentbot.Notice
		action   string
		severity string
		open     bool
	}{
		{notice(incidentbot.SEV1, "investigating"), "trigger", "critical", true},
		{notice(incidentbot.SEV1, "investigating"), "trigger", "critical", true},
		{notice(incidentbot.SEV2, "mitigated"), "trigger", "error", true},
		{notice(incidentbot.SEV2, "resolved"), "resolve", "", false},
	}
	for i, s := range steps {
		if err := c.Notify(t.Context(), "security", s.notice); err != nil {
			t.Fatalf("step %d: got %v, want success", i, err)
		}
		evs := f.Events()
		ev := evs[len(evs)-1]
		sev := ""
		if ev.Payload != nil {
			sev = ev.Payload.Severity
		}
		if ev.EventAction != s.action || ev.DedupKey != "INC-42" || sev != s.severity || f.Open("INC-42") != s.open {
			t.Errorf("step %d: got %s %s %q open=%t, want %s INC-42 %q open=%t", i, ev.EventAction, ev.DedupKey, sev, f.Open("INC-42"), s.action, s.severity, s.open)
		}
	}
	if first := f.Events()[0]; first.Payload.Source != "incidentbot" || first.Payload.CustomDetails["target"] != "security" || first.Payload.CustomDetails["text"] != "body" ||
		first.Payload.Summary != "[SEV1] INC-42 investigating: Checkout returns 504" {
		t.Errorf("got payload %+v, want source incidentbot, the subject as summary and details", first.Payload)
	}
	if strings.Contains(logs.String(), f.RoutingKey()) {
		t.Errorf("got the routing key in logs %s", logs.String())
	}
}

func TestSendSeverities(t *testing.T) {
	t.Parallel()
	f := fakepagerduty.New(t)
	c := newClient(t, f, f.RoutingKey(), &bytes.Buffer{})
	tests := []struct {
		sev  incidentbot.Severity
		want string
	}{{incidentbot.SEV1, "critical"}, {incidentbot.SEV2, "error"}, {incidentbot.SEV3, "warning"}, {incidentbot.SEV4, "info"}, {incidentbot.SevUnknown, "error"}}
	for _, tc := range tests {
		t.Run(tc.sev.Label(), func(t *testing.T) {
			t.Parallel()
			key := "INC-" + tc.sev.Label()
			if err := c.Notify(t.Context(), "page", incidentbot.Notice{Severity: tc.sev, Key: key, Status: "investigating", Title: "x"}); err != nil {
				t.Fatal(err)
			}
			for _, ev := range f.Events() {
				if ev.DedupKey == key && ev.Payload.Severity != tc.want {
					t.Errorf("got %s, want %s", ev.Payload.Severity, tc.want)
				}
			}
		})
	}
}

func TestLongSummaryIsCut(t *testing.T) {
	t.Parallel()
	f := fakepagerduty.New(t)
	c := newClient(t, f, f.RoutingKey(), &bytes.Buffer{})
	title := strings.Repeat("é", 2000)
	if err := c.Notify(t.Context(), "page", incidentbot.Notice{Severity: incidentbot.SEV1, Key: "INC-1", Status: "investigating", Title: title}); err != nil {
		t.Fatalf("got %v, want the summary cut to the API's limit", err)
	}
	if got := []rune(f.Events()[0].Payload.Summary); len(got) != 1024 || got[1023] != '…' {
		t.Errorf("got %d runes ending %q, want 1024 ending …", len(got), got[len(got)-1])
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		key     string
		prep    func(*fakepagerduty.Server)
		notice  *incidentbot.Notice
		code    string
		message string
		wait    time.Duration
	}{
		{name: "wrong routing key", key: "nope-secret-key", code: incidentbot.EINVALID, message: "'routing_key' is invalid"},
		{name: "throttled", prep: func(f *fakepagerduty.Server) { f.Throttle(0) }, code: incidentbot.EUNAVAILABLE, message: "rate limiting", wait: 30 * time.Second},
		{name: "throttled with Retry-After", prep: func(f *fakepagerduty.Server) { f.Throttle(7) }, code: incidentbot.EUNAVAILABLE, message: "rate limiting", wait: 7 * time.Second},
		{name: "throttled with a huge Retry-After", prep: func(f *fakepagerduty.Server) { f.Throttle(9223372037) }, code: incidentbot.EUNAVAILABLE, message: "rate limiting", wait: incidentbot.MaxRetryAfter},
		{name: "server error", prep: func(f *fakepagerduty.Server) { f.FailWith(502) }, code: incidentbot.EUNAVAILABLE, message: "HTTP 502; the bot will retry"},
		{name: "no incident key", notice: &incidentbot.Notice{Status: "investigating", Title: "Checkout down"}, code: incidentbot.EINVALID, message: "names no incident"},
		{name: "no status", notice: &incidentbot.Notice{Key: "INC-7", Title: "Checkout down"}, code: incidentbot.EINVALID, message: "names no incident or status"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := fakepagerduty.New(t)
			if tc.prep != nil {
				tc.prep(f)
			}
			key := tc.key
			if key == "" {
				key = f.RoutingKey()
			}
			notice := incidentbot.Notice{Severity: incidentbot.SEV1, Key: "INC-7", Status: "investigating", Title: "Checkout down"}
			if tc.notice != nil {
				notice = *tc.notice
			}
			var logs bytes.Buffer
			err := newClient(t, f, key, &logs).Notify(t.Context(), "page", notice)
			if code := incidentbot.ErrorCode(err); code != tc.code || !strings.Contains(incidentbot.ErrorMessage(err), tc.message) {
				t.Errorf("got %q %q, want %q containing %q", code, incidentbot.ErrorMessage(err), tc.code, tc.message)
			}
			if got := incidentbot.RetryAfter(err); got != tc.wait {
				t.Errorf("got retry hint %s, want %s", got, tc.wait)
			}
			if strings.Contains(err.Error(), key) || strings.Contains(logs.String(), key) {
				t.Errorf("got the routing key in %v or logs", err)
			}
		})
	}
}

func TestNewChecksConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cfg     pagerduty.Config
		message string
	}{
		{"no key", pagerduty.Config{}, "PAGERDUTY_ROUTING_KEY is not set"},
		{"bad URL", pagerduty.Config{RoutingKey: "k", APIURL: "events.pagerduty.com"}, "PAGERDUTY_API_URL is not an http(s) URL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := pagerduty.New(tc.cfg, nil, nil)
			if incidentbot.ErrorCode(err) != incidentbot.EINVALID || !strings.Contains(incidentbot.ErrorMessage(err), tc.message) {
				t.Errorf("got %v, want EINVALID containing %q", err, tc.message)
			}
		})
	}
}

func FuzzNotify(f *testing.F) {
	for _, n := range []incidentbot.Notice{
		{Severity: incidentbot.SEV1, Key: "INC-42", Status: "investigating", Title: "Checkout down", Body: "body"},
		{Severity: incidentbot.SEV2, Key: "INC-42", Status: "resolved", Title: "x"},
		{Key: "K", Status: "closed"}, {Severity: 9, Key: "INC-1", Status: "investigating", Title: "t"}, {}, {Key: " INC-1", Status: "x y", Title: "t"},
	} {
		f.Add(int(n.Severity), n.Key, n.Status, n.Title, n.Body)
	}
	srv := fakepagerduty.New(f)
	c, err := pagerduty.New(pagerduty.Config{RoutingKey: incidentbot.Secret(srv.RoutingKey()), APIURL: srv.URL()}, srv.Client(), nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, sev int, key, status, title, body string) {
		err := c.Notify(t.Context(), "page", incidentbot.Notice{Severity: incidentbot.Severity(sev), Key: key, Status: status, Title: title, Body: body})
		if code := incidentbot.ErrorCode(err); code != "" && code != incidentbot.EINVALID {
			t.Fatalf("got %q (%v), want success or EINVALID", code, err)
		}
	})
}
