package statuspage_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/integrations/statuspage"
	"incidentbot/internal/fake/fakestatuspage"
)

const title = "Checkout returns 504"

// notice is an update of INC-42; body "" is an action without a template.
func notice(status, body string) incidentbot.Notice {
	return incidentbot.Notice{Severity: incidentbot.SEV1, Key: "INC-42", Status: status, Title: title, Body: body}
}

func newClient(t *testing.T, f *fakestatuspage.Server, logs *bytes.Buffer) *statuspage.Client {
	t.Helper()
	if logs == nil {
		logs = &bytes.Buffer{}
	}
	c, err := statuspage.New(statuspage.Config{APIKey: incidentbot.Secret(f.APIKey()), PageID: f.PageID(), APIURL: f.URL(), MinInterval: -1},
		f.Client(), slog.New(slog.NewJSONHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func statuses(inc fakestatuspage.Incident) string {
	var s []string
	for _, u := range inc.Updates {
		s = append(s, u.Status+":"+u.Body)
	}
	return strings.Join(s, " | ")
}

func TestLifecycle(t *testing.T) {
	t.Parallel()
	f := fakestatuspage.New(t)
	var logs bytes.Buffer
	c := newClient(t, f, &logs)
	steps := []struct{ status, body string }{
		{"investigating", "Nous rencontrons des difficultés sur le paiement."},
		{"mitigated", ""}, // no template: the title goes out
		{"resolved", "Le paiement fonctionne de nouveau."},
	}
	for _, s := range steps {
		if err := c.Notify(t.Context(), "statuspage", notice(s.status, s.body)); err != nil {
			t.Fatalf("%s: got %v, want success", s.status, err)
		}
	}
	incs := f.Incidents()
	if len(incs) != 1 {
		t.Fatalf("got %d incidents, want 1", len(incs))
	}
	inc := incs[0]
	want := "investigating:Nous rencontrons des difficultés sur le paiement. | monitoring:" + title + " | resolved:Le paiement fonctionne de nouveau."
	if got := statuses(inc); got != want || inc.Name != title || inc.Impact != "critical" || inc.Status != "resolved" || inc.Metadata["incidentbot"]["incident_key"] != "INC-42" {
		t.Errorf("got %q name %q impact %q status %q metadata %v, want %q %q critical resolved INC-42", got, inc.Name, inc.Impact, inc.Status, inc.Metadata, want, title)
	}
	wantReqs := []string{"GET /v1/pages/kctbh9vrtdwd/incidents/unresolved", "POST /v1/pages/kctbh9vrtdwd/incidents", "PATCH /v1/pages/kctbh9vrtdwd/incidents/" + inc.ID, "PATCH /v1/pages/kctbh9vrtdwd/incidents/" + inc.ID}
	if got := f.Requests(); strings.Join(got, "\n") != strings.Join(wantReqs, "\n") {
		t.Errorf("got requests %q, want %q", got, wantReqs)
	}
	if strings.Contains(logs.String(), f.APIKey()) {
		t.Errorf("got the API key in logs %s", logs.String())
	}
}

// TestShortlink: opening and updating the page's incident both return its
// shortlink, the address the post-mortem links to.
func TestShortlink(t *testing.T) {
	t.Parallel()
	f := fakestatuspage.New(t)
	c := newClient(t, f, nil)
	for _, status := range []string{"investigating", "mitigated"} {
		got, err := c.NotifyLink(t.Context(), "statuspage", notice(status, "Le paiement est en panne."))
		if err != nil {
			t.Fatalf("%s: %v", status, err)
		}
		if want := "https://stspg.io/" + f.Incidents()[0].ID; got != want {
			t.Errorf("%s: got link %q, want %q", status, got, want)
		}
	}
}

func TestRefindsAfterRestart(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		prep  func(f *fakestatuspage.Server) // what is on the page before the restarted bot resolves
		patch bool                           // the bot's incident is resolved, not another
		code  string
	}{
		{"by metadata", func(f *fakestatuspage.Server) {
			f.AddIncident(fakestatuspage.Incident{Name: "Other outage", Metadata: map[string]map[string]any{"incidentbot": {"incident_key": "INC-7"}}})
			if err := newClient(t, f, nil).Notify(t.Context(), "statuspage", notice("investigating", "x")); err != nil {
				t.Fatal(err)
			}
			f.AddIncident(fakestatuspage.Incident{Name: title}) // same name, made by hand: not ours
		}, true, ""},
		{"by name, made by hand", func(f *fakestatuspage.Server) { f.AddIncident(fakestatuspage.Incident{Name: title}) }, true, ""},
		{"two by that name", func(f *fakestatuspage.Server) {
			f.AddIncident(fakestatuspage.Incident{Name: title})
			f.AddIncident(fakestatuspage.Incident{Name: title})
		}, false, incidentbot.ENOTFOUND},
		{"nothing open", func(*fakestatuspage.Server) {}, false, incidentbot.ENOTFOUND},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := fakestatuspage.New(t)
			tc.prep(f)
			before := len(f.Incidents())
			err := newClient(t, f, nil).Notify(t.Context(), "statuspage", notice("resolved", "Résolu."))
			if code := incidentbot.ErrorCode(err); code != tc.code {
				t.Fatalf("got %q (%v), want %q", code, err, tc.code)
			}
			resolved := 0
			for _, inc := range f.Incidents() {
				if inc.Status == "resolved" {
					resolved++
					if inc.Name != title {
						t.Errorf("got %q resolved, want %q", inc.Name, title)
					}
				}
			}
			if want := map[bool]int{true: 1}[tc.patch]; resolved != want || len(f.Incidents()) != before {
				t.Errorf("got %d resolved of %d incidents, want %d of %d", resolved, len(f.Incidents()), want, before)
			}
		})
	}
}

func TestDeletedOnThePageIsReopened(t *testing.T) {
	t.Parallel()
	f := fakestatuspage.New(t)
	c := newClient(t, f, nil)
	if err := c.Notify(t.Context(), "statuspage", notice("investigating", "a")); err != nil {
		t.Fatal(err)
	}
	f.Delete(f.Incidents()[0].ID)
	if err := c.Notify(t.Context(), "statuspage", notice("identified", "b")); err != nil {
		t.Fatalf("got %v, want a new incident", err)
	}
	if incs := f.Incidents(); len(incs) != 1 || statuses(incs[0]) != "identified:b" {
		t.Errorf("got %+v, want one incident opened as identified", incs)
	}
}

func TestConcurrentUpdatesOpenOneIncident(t *testing.T) {
	t.Parallel()
	f := fakestatuspage.New(t)
	c := newClient(t, f, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 5)
	for range 5 {
		wg.Go(func() { errs <- c.Notify(t.Context(), "statuspage", notice("investigating", "a")) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if incs := f.Incidents(); len(incs) != 1 || len(incs[0].Updates) != 5 {
		t.Errorf("got %d incidents, want 1 with 5 updates", len(incs))
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		key     string
		page    string
		prep    func(*fakestatuspage.Server)
		notice  *incidentbot.Notice
		code    string
		message string
		wait    time.Duration
	}{
		{name: "wrong key", key: "sp-wrong-secret", code: incidentbot.EUNAUTHORIZED, message: "check STATUSPAGE_API_KEY"},
		{name: "wrong page", page: "nopage", code: incidentbot.ENOTFOUND, message: "check STATUSPAGE_PAGE_ID"},
		{name: "420", prep: func(f *fakestatuspage.Server) { f.Throttle(420, 0) }, code: incidentbot.EUNAVAILABLE, message: "rate limiting", wait: time.Second},
		{name: "429 with Retry-After", prep: func(f *fakestatuspage.Server) { f.Throttle(429, 4) }, code: incidentbot.EUNAVAILABLE, message: "rate limiting", wait: 4 * time.Second},
		{name: "429 with a huge Retry-After", prep: func(f *fakestatuspage.Server) { f.Throttle(429, 9223372037) }, code: incidentbot.EUNAVAILABLE, message: "rate limiting", wait: incidentbot.MaxRetryAfter},
		{name: "server error", prep: func(f *fakestatuspage.Server) { f.FailWith(503) }, code: incidentbot.EUNAVAILABLE, message: "HTTP 503; the bot will retry"},
		{name: "unknown status", notice: &incidentbot.Notice{Key: "INC-42", Status: "closing", Title: "x"}, code: incidentbot.EINVALID, message: `Status "closing" has no status page equivalent`},
		{name: "no incident key", notice: &incidentbot.Notice{Status: "investigating", Title: "Checkout down"}, code: incidentbot.EINVALID, message: "names no incident"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := fakestatuspage.New(t)
			if tc.prep != nil {
				tc.prep(f)
			}
			cfg := statuspage.Config{APIKey: incidentbot.Secret(f.APIKey()), PageID: f.PageID(), APIURL: f.URL(), MinInterval: -1}
			if tc.key != "" {
				cfg.APIKey = incidentbot.Secret(tc.key)
			}
			if tc.page != "" {
				cfg.PageID = tc.page
			}
			var logs bytes.Buffer
			c, err := statuspage.New(cfg, f.Client(), slog.New(slog.NewJSONHandler(&logs, nil)))
			if err != nil {
				t.Fatal(err)
			}
			n := notice("investigating", "a")
			if tc.notice != nil {
				n = *tc.notice
			}
			err = c.Notify(t.Context(), "statuspage", n)
			if code := incidentbot.ErrorCode(err); code != tc.code || !strings.Contains(incidentbot.ErrorMessage(err), tc.message) {
				t.Errorf("got %q %q, want %q containing %q", code, incidentbot.ErrorMessage(err), tc.code, tc.message)
			}
			if got := incidentbot.RetryAfter(err); got != tc.wait {
				t.Errorf("got retry hint %s, want %s", got, tc.wait)
			}
			if secret := cfg.APIKey.Reveal(); strings.Contains(err.Error(), secret) || strings.Contains(logs.String(), secret) {
				t.Errorf("got the API key in %v or logs", err)
			}
		})
	}
}

func TestPacingHonoursContext(t *testing.T) {
	t.Parallel()
	f := fakestatuspage.New(t)
	c, err := statuspage.New(statuspage.Config{APIKey: incidentbot.Secret(f.APIKey()), PageID: f.PageID(), APIURL: f.URL(), MinInterval: time.Hour}, f.Client(), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Cancelled once the first request is in (not after a fixed time, which a
	// loaded machine can spend before the first answer): the second waits
	// its turn an hour away, so only the cancel can end the call.
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() {
		defer cancel()
		for deadline := time.Now().Add(10 * time.Second); len(f.Requests()) == 0 && time.Now().Before(deadline); {
			time.Sleep(5 * time.Millisecond) // polling interval
		}
	}()
	err = c.Notify(ctx, "statuspage", notice("investigating", "a"))
	if code := incidentbot.ErrorCode(err); code != incidentbot.EUNAVAILABLE || len(f.Requests()) != 1 {
		t.Errorf("got %q (%v) after %d requests, want %q after 1 (the second waits its turn)", code, err, len(f.Requests()), incidentbot.EUNAVAILABLE)
	}
}

func TestNewChecksConfig(t *testing.T) {
	t.Parallel()
	_, err := statuspage.New(statuspage.Config{APIURL: "api.statuspage.io"}, nil, nil)
	want := []string{"STATUSPAGE_API_KEY is not set", "STATUSPAGE_PAGE_ID is not set", "STATUSPAGE_API_URL is not an http(s) URL"}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %q, want %d lines", lines, len(want))
	}
	for i, w := range want {
		if !strings.Contains(lines[i], w) {
			t.Errorf("line %d: got %q, want %q", i, lines[i], w)
		}
	}
}

func FuzzNotify(f *testing.F) {
	for _, n := range []incidentbot.Notice{
		notice("investigating", "body"), notice("resolved", ""), {Key: "K", Status: "x", Title: "y"},
		{Severity: 9, Key: "INC-1", Status: "investigating", Title: "t"}, {}, {Severity: incidentbot.SEV1, Key: "INC-1", Status: "monitoring"},
	} {
		f.Add(int(n.Severity), n.Key, n.Status, n.Title, n.Body)
	}
	srv := fakestatuspage.New(f)
	c, err := statuspage.New(statuspage.Config{APIKey: incidentbot.Secret(srv.APIKey()), PageID: srv.PageID(), APIURL: srv.URL(), MinInterval: -1}, srv.Client(), nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, sev int, key, status, title, body string) {
		err := c.Notify(t.Context(), "statuspage", incidentbot.Notice{Severity: incidentbot.Severity(sev), Key: key, Status: status, Title: title, Body: body})
		switch code := incidentbot.ErrorCode(err); code {
		case "", incidentbot.EINVALID, incidentbot.ENOTFOUND:
		default:
			t.Fatalf("got %q (%v), want success, EINVALID or ENOTFOUND", code, err)
		}
	})
}
