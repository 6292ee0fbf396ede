package alerts

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/bot/console"
	"incidentbot/commands"
	"incidentbot/internal/storetest"
	"incidentbot/mock"
	"incidentbot/store"
)

// TestAlertmanagerOneIncident feeds the fixtures as Alertmanager sends
// them: first notification, repeats every group_interval, a regroup after
// a route change, then the resolve, twice.
func TestAlertmanagerOneIncident(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db, Config{})
		h := w.recv.Alertmanager()
		firing := fixture(t, "alertmanager/firing.json")
		regrouped := edit(t, firing, func(p map[string]any) {
			p["groupKey"] = `{}:{alertname="CheckoutErrorRate"}`
			p["groupLabels"] = map[string]any{"alertname": "CheckoutErrorRate"}
			p["notification_reason"] = "repeat interval elapsed"
		})
		for i, body := range [][]byte{firing, firing, regrouped, firing} {
			r := post(t, h, body, testToken, nil)
			if r.status != http.StatusOK {
				t.Fatalf("notification %d: got status %d (%s), want 200", i, r.status, r.raw)
			}
			want := actDuplicate
			if i == 0 {
				want = actDeclared
			}
			if got := actions(r.body.Results); got != want {
				t.Errorf("notification %d: got actions %q, want %q", i, got, want)
			}
		}
		w.runJobs()
		incs := w.incidents()
		if len(incs) != 1 {
			t.Fatalf("got %d incidents, want 1", len(incs))
		}
		inc := incs[0]
		if inc.Severity != incidentbot.SEV1 || inc.DedupeKey != `alert:alertname="CheckoutErrorRate",env="prod",service="checkout"` {
			t.Errorf("got severity %s, dedupe key %q; want sev1 and the alertname/env/service key", inc.Severity, inc.DedupeKey)
		}
		// Detected when the first notification came; the impact started
		// at the alert's startsAt: the time to detect is the 7.5 minutes
		// Alertmanager's for and group_wait took.
		if !inc.DetectedAt.Equal(fixtureNow) {
			t.Errorf("got detected at %s, want the first notification's receipt %s", inc.DetectedAt, fixtureNow)
		}
		if want := time.Date(2026, 11, 24, 11, 52, 30, 481e6, time.UTC); inc.ImpactStartedAt == nil || !inc.ImpactStartedAt.Equal(want) {
			t.Errorf("got impact started at %v, want the alert's startsAt %s", inc.ImpactStartedAt, want)
		}
		if got, want := declaredLinks(t, w, inc), (incidentbot.AlertLinks{Alert: "http://prometheus.shop.internal:9090/graph?g0.expr=sum%28rate%28http_requests_total%7Bjob%3D%22checkout%22%2Ccode%3D~%225..%22%7D%5B5m%5D%29%29+%2F+sum%28rate%28http_requests_total%7Bjob%3D%22checkout%22%7D%5B5m%5D%29%29+%3E+0.2&g0.tab=1"}); got != want {
			t.Errorf("declared event links: got %+v, want the generatorURL %+v", got, want)
		}
		if n := len(w.events(inc.ID, incidentbot.EventAlertFired)); n != 0 {
			t.Errorf("got %d alert_fired events for repeats of the declaring alert, want 0", n)
		}
		welcome := welcomeText(t, w.warRoom(inc))
		for _, want := range []string{"`team=web`", "34% of checkout requests fail", "runbook: https://runbooks.shop.example/checkout-5xx", "source: http://prometheus.shop.internal:9090/graph?", "693bf903b9405dbc"} {
			if !strings.Contains(welcome, want) {
				t.Errorf("welcome lacks %q:\n%s", want, welcome)
			}
		}

		resolved := fixture(t, "alertmanager/resolved.json")
		for i := range 2 {
			r := post(t, h, resolved, testToken, nil)
			want := actResolved
			if i > 0 {
				want = actDuplicate
			}
			if r.status != http.StatusOK || actions(r.body.Results) != want {
				t.Fatalf("resolved %d: got %d %q, want 200 %q", i, r.status, actions(r.body.Results), want)
			}
		}
		w.runJobs()
		evs := w.events(inc.ID, incidentbot.EventAlertResolved)
		if len(evs) != 1 {
			t.Fatalf("got %d alert_resolved events, want 1", len(evs))
		}
		if want := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC); !evs[0].At.Equal(want) {
			t.Errorf("got event at %s, want now (endsAt is after the test clock) %s", evs[0].At, want)
		}
		suggestions := resolveSuggestions(w.warRoom(inc), inc.Key)
		if len(suggestions) != 1 {
			t.Fatalf("got %d resolve suggestions in the war room, want 1", len(suggestions))
		}
		if got, _ := w.db.Incident(context.Background(), inc.ID); got.Status != incidentbot.StatusInvestigating {
			t.Errorf("got status %s, want investigating: only the commander resolves", got.Status)
		}
	})
}

// welcomeText returns the text of the war room's welcome message.
func welcomeText(t *testing.T, msgs []console.Posted) string {
	t.Helper()
	for _, m := range msgs {
		if strings.Contains(m.Message.Text, "*What happened:*") {
			return m.Message.Text
		}
	}
	t.Fatalf("no welcome among %d messages", len(msgs))
	return ""
}

// resolveSuggestions returns the messages with a "resolve <key>" button.
func resolveSuggestions(msgs []console.Posted, key string) []console.Posted {
	var out []console.Posted
	for _, m := range msgs {
		if slices.ContainsFunc(m.Message.Buttons, func(b incidentbot.Button) bool {
			return b.ActionID == "resolve "+key && b.Label == "Resolve incident"
		}) {
			out = append(out, m)
		}
	}
	return out
}

// TestAlertmanagerStormGroup sends one group of three alerts (one alert
// per pod) many times, concurrently: one incident, each pod's alert on
// the timeline once.
func TestAlertmanagerStormGroup(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db, Config{})
		h := w.recv.Alertmanager()
		body := fixture(t, "alertmanager/storm_group.json")
		var wg sync.WaitGroup
		statuses := make([]int, 40)
		for i := range statuses {
			wg.Go(func() {
				statuses[i] = post(t, h, body, testToken, nil).status
			})
		}
		wg.Wait()
		for i, s := range statuses {
			if s != http.StatusOK {
				t.Errorf("notification %d: got status %d, want 200", i, s)
			}
		}
		incs := w.incidents()
		if len(incs) != 1 {
			t.Fatalf("got %d incidents, want 1", len(incs))
		}
		fired := w.events(incs[0].ID, incidentbot.EventAlertFired)
		if len(fired) != 2 {
			t.Errorf("got %d alert_fired events, want 2 (the pods that did not declare)", len(fired))
		}
	})
}

// TestAlertmanagerResolveInGroup: the suggestion waits until no alert of
// the incident fires any more.
func TestAlertmanagerResolveInGroup(t *testing.T) {
	t.Parallel()
	w := newWorld(t, storetest.SQLite(t), Config{})
	h := w.recv.Alertmanager()
	body := fixture(t, "alertmanager/storm_group.json")
	post(t, h, body, testToken, nil)
	w.runJobs()
	inc := w.incidents()[0]
	resolveOne := edit(t, body, func(p map[string]any) {
		a := p["alerts"].([]any)
		a[0].(map[string]any)["status"] = "resolved"
		a[0].(map[string]any)["endsAt"] = "2026-11-24T11:58:00Z"
	})
	if r := post(t, h, resolveOne, testToken, nil); actions(r.body.Results) != "resolved,duplicate,duplicate" {
		t.Fatalf("got actions %q, want resolved,duplicate,duplicate", actions(r.body.Results))
	}
	w.runJobs()
	if n := len(resolveSuggestions(w.warRoom(inc), inc.Key)); n != 0 {
		t.Fatalf("got %d resolve suggestions while two pods still fire, want 0", n)
	}
	resolveAll := edit(t, body, func(p map[string]any) {
		p["status"] = "resolved"
		for _, a := range p["alerts"].([]any) {
			a.(map[string]any)["status"] = "resolved"
			a.(map[string]any)["endsAt"] = "2026-11-24T11:59:00Z"
		}
	})
	if r := post(t, h, resolveAll, testToken, nil); actions(r.body.Results) != "duplicate,resolved,resolved" {
		t.Fatalf("got actions %q, want duplicate,resolved,resolved", actions(r.body.Results))
	}
	w.runJobs()
	if n := len(resolveSuggestions(w.warRoom(inc), inc.Key)); n != 1 {
		t.Errorf("got %d resolve suggestions, want 1 for the two alerts resolved together", n)
	}
	if n := len(w.events(inc.ID, incidentbot.EventAlertResolved)); n != 3 {
		t.Errorf("got %d alert_resolved events, want 3", n)
	}
}

// TestResolveButton: a person clicks the suggestion's button, which runs
// its ActionID through the command handler like a typed command.
func TestResolveButton(t *testing.T) {
	t.Parallel()
	w := newWorld(t, storetest.SQLite(t), Config{})
	h := w.recv.Alertmanager()
	post(t, h, fixture(t, "alertmanager/firing.json"), testToken, nil)
	w.runJobs()
	inc := w.incidents()[0]
	post(t, h, fixture(t, "alertmanager/resolved.json"), testToken, nil)
	w.runJobs()
	s := resolveSuggestions(w.warRoom(inc), inc.Key)
	if len(s) != 1 {
		t.Fatalf("got %d suggestions, want 1", len(s))
	}
	bob := incidentbot.Actor{Platform: incidentbot.PlatformConsole, Workspace: "console", User: incidentbot.User{ID: "U_BOB", Name: "bob"}, ChannelID: inc.WarRoom}
	// Nobody holds the commander role of an alert incident, so any person may click.
	reply := commands.NewHandler(w.eng, w.clock, nil).Handle(context.Background(), bob, s[0].Message.Buttons[0].ActionID)
	got, _ := w.db.Incident(context.Background(), inc.ID)
	if got.Status != incidentbot.StatusResolved {
		t.Errorf("got status %s after the click (reply %q), want resolved", got.Status, reply.Message.Text)
	}
}

// TestAutoResolve: a rule with auto_resolve resolves the incident itself,
// once, however many of its alerts resolve together.
func TestAutoResolve(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name             string
		firing, resolved func(t *testing.T) []byte
		wantActions      string
	}{
		{"one alert",
			func(t *testing.T) []byte { return fixture(t, "alertmanager/firing.json") },
			func(t *testing.T) []byte { return fixture(t, "alertmanager/resolved.json") },
			"resolved"},
		{"group of three",
			func(t *testing.T) []byte { return fixture(t, "alertmanager/storm_group.json") },
			func(t *testing.T) []byte {
				return edit(t, fixture(t, "alertmanager/storm_group.json"), func(p map[string]any) {
					for _, a := range p["alerts"].([]any) {
						a.(map[string]any)["status"] = "resolved"
						a.(map[string]any)["endsAt"] = "2026-11-24T11:59:00Z"
					}
				})
			},
			"resolved,resolved,resolved"},
	}
	rules, err := ParseRules([]byte("rules:\n  - match_re: {alertname: 'Checkout.*'}\n    auto_resolve: true\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, storetest.SQLite(t), Config{Rules: rules})
			h := w.recv.Alertmanager()
			post(t, h, tc.firing(t), testToken, nil)
			w.runJobs()
			r := post(t, h, tc.resolved(t), testToken, nil)
			if got := actions(r.body.Results); got != tc.wantActions {
				t.Errorf("got actions %q, want %q", got, tc.wantActions)
			}
			w.runJobs()
			inc := w.incidents()[0]
			if inc.Status != incidentbot.StatusResolved {
				t.Errorf("got status %s, want resolved", inc.Status)
			}
			if n := len(resolveSuggestions(w.warRoom(inc), inc.Key)); n != 0 {
				t.Errorf("got %d suggestions, want 0 after an automatic resolve", n)
			}
			if n := len(w.events(inc.ID, incidentbot.EventStatusChanged)); n != 1 {
				t.Errorf("got %d status changes, want 1", n)
			}
		})
	}
}

// TestAttachMode: a warning only joins an open incident with its key.
func TestAttachMode(t *testing.T) {
	t.Parallel()
	w := newWorld(t, storetest.SQLite(t), Config{})
	h := w.recv.Alertmanager()
	warning := edit(t, fixture(t, "alertmanager/firing.json"), func(p map[string]any) {
		a := p["alerts"].([]any)[0].(map[string]any)
		a["labels"].(map[string]any)["severity"] = "warning"
		a["fingerprint"] = "1111111111111111"
	})
	if r := post(t, h, warning, testToken, nil); actions(r.body.Results) != actIgnored {
		t.Fatalf("warning alone: got %q, want ignored", actions(r.body.Results))
	}
	if n := len(w.incidents()); n != 0 {
		t.Fatalf("got %d incidents from a lone warning, want 0", n)
	}
	post(t, h, fixture(t, "alertmanager/firing.json"), testToken, nil)
	if r := post(t, h, warning, testToken, nil); actions(r.body.Results) != actAttached {
		t.Fatalf("warning with an open critical: got %q, want attached", actions(r.body.Results))
	}
	inc := w.incidents()[0]
	if n := len(w.events(inc.ID, incidentbot.EventAlertFired)); n != 1 {
		t.Errorf("got %d alert_fired events, want 1", n)
	}
}

// failingDeliveries is a DeliveryStore whose claims fail as an
// unreachable database does.
type failingDeliveries struct{ incidentbot.DeliveryStore }

func (failingDeliveries) ClaimDelivery(ctx context.Context, source, id string, at time.Time) (bool, error) {
	return false, incidentbot.WrapError(incidentbot.EUNAVAILABLE, errors.New("connection refused"), "The database is unavailable.")
}

func (failingDeliveries) ClaimDeliveries(ctx context.Context, source string, ids []string, at time.Time) ([]bool, error) {
	return nil, incidentbot.WrapError(incidentbot.EUNAVAILABLE, errors.New("connection refused"), "The database is unavailable.")
}

// TestStoreFailure: 503 only when nothing could be recorded; our own
// refusals stay 2xx so Alertmanager does not hammer us.
func TestStoreFailure(t *testing.T) {
	t.Parallel()
	w := newWorld(t, storetest.SQLite(t), Config{})
	logs := &syncBuffer{}
	broken := New(Config{Token: testToken, Platform: incidentbot.PlatformConsole, Workspace: "console", Channel: console.GeneralChannelID},
		w.eng, failingDeliveries{w.db}, w.clock, slogTo(logs))
	firing := fixture(t, "alertmanager/firing.json")
	if r := post(t, broken.Alertmanager(), firing, testToken, nil); r.status != http.StatusServiceUnavailable || !strings.Contains(r.body.Error, "Send the notification again") {
		t.Errorf("got %d %q, want 503 saying Alertmanager retries", r.status, r.body.Error)
	}
	if n := len(w.incidents()); n != 0 {
		t.Errorf("got %d incidents, want 0", n)
	}
	// The retry, once the store is back, declares.
	if r := post(t, w.recv.Alertmanager(), firing, testToken, nil); r.status != http.StatusOK || actions(r.body.Results) != actDeclared {
		t.Errorf("retry: got %d %q, want 200 declared", r.status, actions(r.body.Results))
	}
	if r := post(t, broken.Alertmanager(), fixture(t, "alertmanager/resolved.json"), testToken, nil); r.status != http.StatusServiceUnavailable {
		t.Errorf("resolve: got %d, want 503", r.status)
	}
	if !strings.Contains(logs.String(), "level=ERROR msg=\"alert not recorded") {
		t.Errorf("the store failure was not logged")
	}
}

// TestDeclareRefused: a declaration the service refuses for a reason of
// its own is a per-alert failure in a 200, never a 5xx.
func TestDeclareRefused(t *testing.T) {
	t.Parallel()
	svc := &mock.IncidentService{
		OpenByDedupeKeysFn: func(ctx context.Context, actor incidentbot.Actor, keys []string) (map[string]*incidentbot.Incident, error) {
			return nil, nil
		},
		DeclareFn: func(ctx context.Context, actor incidentbot.Actor, req incidentbot.DeclareRequest) (*incidentbot.Incident, error) {
			return nil, incidentbot.Errorf(incidentbot.EFORBIDDEN, "Alerts may not declare here.")
		},
	}
	recv := New(Config{Token: testToken}, svc, storetest.SQLite(t), nil, nil)
	r := post(t, recv.Alertmanager(), fixture(t, "alertmanager/firing.json"), testToken, nil)
	if r.status != http.StatusOK || actions(r.body.Results) != actFailed || r.body.Results[0].Reason != "Alerts may not declare here." {
		t.Errorf("got %d %+v, want 200 with a failed result and the reason", r.status, r.body.Results)
	}
}

// TestUnknownRuleType: a rule naming a missing playbook still declares.
func TestUnknownRuleType(t *testing.T) {
	t.Parallel()
	rules, err := ParseRules([]byte("rules:\n  - match_re: {alertname: 'Checkout.*'}\n    type: no-such-playbook\n"))
	if err != nil {
		t.Fatal(err)
	}
	w := newWorld(t, storetest.SQLite(t), Config{Rules: rules})
	r := post(t, w.recv.Alertmanager(), fixture(t, "alertmanager/firing.json"), testToken, nil)
	if actions(r.body.Results) != actDeclared {
		t.Fatalf("got %q, want declared", actions(r.body.Results))
	}
	if inc := w.incidents()[0]; inc.Type != "checkout-failure" {
		t.Errorf("got playbook %q, want checkout-failure picked from the title", inc.Type)
	}
}

// TestGrafana maps the fixture through the same flow, signature checked.
func TestGrafana(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db, Config{GrafanaSecret: "synthetic-grafana-hmac-secret"})
		body := fixture(t, "grafana/firing.json")
		sig := grafanaSigned("synthetic-grafana-hmac-secret", fixtureNow, body)
		for i := range 3 {
			r := post(t, w.recv.Grafana(), body, testToken, sig)
			want := actDuplicate
			if i == 0 {
				want = actDeclared
			}
			if r.status != http.StatusOK || actions(r.body.Results) != want {
				t.Fatalf("delivery %d: got %d %q (%s), want 200 %q", i, r.status, actions(r.body.Results), r.raw, want)
			}
		}
		w.runJobs()
		incs := w.incidents()
		if len(incs) != 1 {
			t.Fatalf("got %d incidents, want 1", len(incs))
		}
		want := incidentbot.AlertLinks{
			Alert:     "https://grafana.shop.example/alerting/grafana/cf3k9x2m1q8ghd/view?orgId=1",
			Dashboard: "https://grafana.shop.example/d/shop-checkout?from=1795517590000&orgId=1&to=1795521220000&viewPanel=4",
		}
		if got := declaredLinks(t, w, incs[0]); got != want {
			t.Errorf("declared event links: got %+v, want the generatorURL and the panel %+v", got, want)
		}
		welcome := welcomeText(t, w.warRoom(incs[0]))
		for _, want := range []string{"dashboard: https://grafana.shop.example/d/shop-checkout", "panel: ", "silence: ", "var='A'", "`grafana_folder=Shop`"} {
			if !strings.Contains(welcome, want) {
				t.Errorf("welcome lacks %q:\n%s", want, welcome)
			}
		}
	})
}

func TestGrafanaSignature(t *testing.T) {
	t.Parallel()
	body := fixture(t, "grafana/firing.json")
	signedAt := time.Unix(1795521220, 0).UTC()
	const (
		plainSig = "5e5fe678d0f0852635c1ccff35b7a650086cdd1fe809a5d292b4a0fddfac2be4"
		tsSig    = "3565d24f1cef1c22e61c710ad94d904b9612fec32c1b43dc781a75a24f0b537a"
	)
	tests := []struct {
		name   string
		sig    string
		ts     string
		now    time.Time
		body   []byte
		secret incidentbot.Secret
		want   string // "" for success, else a part of the refusal
	}{
		{name: "timestamp signed", sig: tsSig, ts: "1795521220", now: signedAt.Add(time.Minute), want: ""},
		{name: "uppercase hex", sig: strings.ToUpper(tsSig), ts: "1795521220", now: signedAt, want: ""},
		{name: "missing", now: signedAt, want: "Missing X-Grafana-Alerting-Signature"},
		{name: "not hex", sig: "zz", ts: "1795521220", now: signedAt, want: "not hex"},
		{name: "wrong secret", sig: tsSig, ts: "1795521220", now: signedAt, secret: "another-secret", want: "Wrong X-Grafana-Alerting-Signature"},
		{name: "body changed", sig: tsSig, ts: "1795521220", now: signedAt, body: append(append([]byte{}, body...), ' '), want: "Wrong"},
		{name: "timestamp changed", sig: tsSig, ts: "1795521221", now: signedAt, want: "Wrong"},
		// A body-only signature never expires: refused, however valid.
		{name: "body signed without timestamp", sig: plainSig, now: signedAt, want: "Missing X-Grafana-Alerting-Timestamp"},
		{name: "timestamp dropped", sig: tsSig, now: signedAt, want: "Missing X-Grafana-Alerting-Timestamp"},
		{name: "timestamp old", sig: tsSig, ts: "1795521220", now: signedAt.Add(time.Hour), want: "replay"},
		{name: "timestamp ahead", sig: tsSig, ts: "1795521220", now: signedAt.Add(-6 * time.Minute), want: "replay"},
		{name: "timestamp garbage", sig: tsSig, ts: "yesterday", now: signedAt, want: "Unix time"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			secret := tc.secret
			if secret == "" {
				secret = "synthetic-grafana-hmac-secret"
			}
			b := body
			if tc.body != nil {
				b = tc.body
			}
			err := checkSignature(secret, tc.sig, tc.ts, b, tc.now)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("got %v, want success", err)
			case tc.want != "" && (err == nil || !strings.Contains(incidentbot.ErrorMessage(err), tc.want)):
				t.Errorf("got %v, want a refusal saying %q", err, tc.want)
			case err != nil && strings.Contains(err.Error(), string(secret)):
				t.Errorf("the error reveals the secret: %v", err)
			}
		})
	}
}

// TestAuth: every webhook refuses a missing or wrong token with 401 and
// touches nothing (the mock service panics on any call).
func TestAuth(t *testing.T) {
	t.Parallel()
	am := fixture(t, "alertmanager/firing.json")
	gf := fixture(t, "grafana/firing.json")
	generic := []byte(`{"title":"Shop down","severity":"critical"}`)
	tests := []struct {
		name    string
		cfg     Config
		handler func(*Receiver) http.Handler
		body    []byte
		header  map[string]string
		want    string
	}{
		{"alertmanager no header", Config{Token: testToken}, (*Receiver).Alertmanager, am, nil, "Missing or wrong bearer token"},
		{"alertmanager wrong token", Config{Token: testToken}, (*Receiver).Alertmanager, am, map[string]string{"Authorization": "Bearer nope"}, "Missing or wrong bearer token"},
		{"alertmanager basic auth", Config{Token: testToken}, (*Receiver).Alertmanager, am, map[string]string{"Authorization": "Basic " + testToken}, "Missing or wrong bearer token"},
		{"alertmanager token prefix", Config{Token: testToken}, (*Receiver).Alertmanager, am, map[string]string{"Authorization": "Bearer " + testToken[:10]}, "Missing or wrong bearer token"},
		{"no token configured", Config{}, (*Receiver).Alertmanager, am, map[string]string{"Authorization": "Bearer "}, "set ALERT_WEBHOOK_TOKEN"},
		{"generic wrong token", Config{Token: testToken}, (*Receiver).Generic, generic, map[string]string{"Authorization": "Bearer x"}, "Missing or wrong bearer token"},
		{"grafana nothing configured", Config{}, (*Receiver).Grafana, gf, nil, "no Grafana alerts yet"},
		{"grafana token ok signature missing", Config{Token: testToken, GrafanaSecret: "s"}, (*Receiver).Grafana, gf, map[string]string{"Authorization": "Bearer " + testToken}, "Missing X-Grafana-Alerting-Signature"},
		{"grafana signature ok token wrong", Config{Token: testToken, GrafanaSecret: "synthetic-grafana-hmac-secret"}, (*Receiver).Grafana, gf,
			map[string]string{"Authorization": "Bearer nope", GrafanaSignatureHeader: "5e5fe678d0f0852635c1ccff35b7a650086cdd1fe809a5d292b4a0fddfac2be4"}, "Missing or wrong bearer token"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			logs := &syncBuffer{}
			recv := New(tc.cfg, &mock.IncidentService{}, nil, nil, slogTo(logs))
			r := post(t, tc.handler(recv), tc.body, "", tc.header)
			if r.status != http.StatusUnauthorized || !strings.Contains(r.body.Error, tc.want) {
				t.Errorf("got %d %q, want 401 saying %q", r.status, r.body.Error, tc.want)
			}
			if strings.Contains(logs.String(), testToken) || strings.Contains(r.raw, testToken) {
				t.Errorf("the token reached the logs or the answer")
			}
		})
	}
}

// TestMalformed: bodies we cannot use get 400 with the reason and change nothing.
func TestMalformed(t *testing.T) {
	t.Parallel()
	am := fixture(t, "alertmanager/firing.json")
	tests := []struct {
		name    string
		handler func(*Receiver) http.Handler
		body    []byte
		want    string
	}{
		{"empty", (*Receiver).Alertmanager, nil, "the body is empty"},
		{"not json", (*Receiver).Alertmanager, []byte("alertname=x"), "invalid character"},
		{"truncated", (*Receiver).Alertmanager, am[:100], "not a valid Alertmanager webhook payload"},
		{"two values", (*Receiver).Alertmanager, append(append([]byte{}, am...), am...), "more than one JSON value"},
		{"alerts not a list", (*Receiver).Alertmanager, []byte(`{"version":"4","alerts":{}}`), "field alerts must be a list, not object"},
		{"labels not strings", (*Receiver).Alertmanager, []byte(`{"version":"4","alerts":[{"status":"firing","labels":{"a":1}}]}`), "field alerts.labels must be a string, not number"},
		{"bad time", (*Receiver).Alertmanager, []byte(`{"version":"4","alerts":[{"status":"firing","labels":{"a":"b"},"startsAt":"yesterday"}]}`), "not a valid Alertmanager"},
		{"bad status", (*Receiver).Alertmanager, []byte(`{"version":"4","alerts":[{"status":"pending","labels":{"a":"b"}}]}`), `alerts[0].status is "pending"`},
		{"no labels", (*Receiver).Alertmanager, []byte(`{"version":"4","alerts":[{"status":"firing"}]}`), "alerts[0] has no labels"},
		{"version 5", (*Receiver).Alertmanager, []byte(`{"version":"5","alerts":[]}`), `version "5" is not supported`},
		{"grafana custom payload", (*Receiver).Grafana, []byte(`{"text":"hello"}`), "use the default payload"},
		{"generic no title", (*Receiver).Generic, []byte(`{"severity":"critical"}`), `needs a "title"`},
		{"generic bad status", (*Receiver).Generic, []byte(`{"title":"x","status":"ok"}`), `"status" is "ok"`},
		{"generic bad severity", (*Receiver).Generic, []byte(`{"title":"x","severity":"apocalyptic"}`), `"severity" is "apocalyptic"`},
		{"generic long key", (*Receiver).Generic, []byte(`{"title":"x","dedupe_key":"` + strings.Repeat("k", 201) + `"}`), "longer than 200 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			recv := New(Config{Token: testToken}, &mock.IncidentService{}, nil, nil, nil)
			r := post(t, tc.handler(recv), tc.body, testToken, nil)
			if r.status != http.StatusBadRequest || !strings.Contains(r.body.Error, tc.want) {
				t.Errorf("got %d %q, want 400 saying %q", r.status, r.body.Error, tc.want)
			}
		})
	}
	t.Run("too large", func(t *testing.T) {
		t.Parallel()
		recv := New(Config{Token: testToken, MaxBody: 100}, &mock.IncidentService{}, nil, nil, nil)
		if r := post(t, recv.Alertmanager(), am, testToken, nil); r.status != http.StatusRequestEntityTooLarge {
			t.Errorf("got %d, want 413", r.status)
		}
	})
	t.Run("GET", func(t *testing.T) {
		t.Parallel()
		recv := New(Config{Token: testToken}, &mock.IncidentService{}, nil, nil, nil)
		rec := httptest.NewRecorder()
		recv.Alertmanager().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/webhooks/alertmanager", nil))
		if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "POST, PUT" {
			t.Errorf("got %d, Allow %q; want 405, Allow POST, PUT", rec.Code, rec.Header().Get("Allow"))
		}
	})
	t.Run("unknown fields", func(t *testing.T) {
		t.Parallel()
		body := edit(t, am, func(p map[string]any) { p["futureField"] = map[string]any{"x": 1} })
		if _, err := parseAlertmanager(body); err != nil {
			t.Errorf("got %v, want unknown fields tolerated", err)
		}
	})
}

// TestGeneric declares from the generic webhook, once, and resolves.
func TestGeneric(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db, Config{})
		h := w.recv.Generic()
		firing := []byte(`{"title":"Checkout returns 504","severity":"error","dedupe_key":"checkout-504","url":"https://status.shop.example/checks/9","description":"Synthetic check failed 3 times"}`)
		for i := range 3 {
			r := post(t, h, firing, testToken, nil)
			want := actDuplicate
			if i == 0 {
				want = actDeclared
			}
			if actions(r.body.Results) != want {
				t.Fatalf("delivery %d: got %q (%s), want %q", i, actions(r.body.Results), r.raw, want)
			}
		}
		w.runJobs()
		inc := w.incidents()[0]
		if inc.Title != "Checkout returns 504" || inc.Severity != incidentbot.SEV2 || inc.DedupeKey != "generic:checkout-504" {
			t.Errorf("got %q %s %q, want the title, sev2 and generic:checkout-504", inc.Title, inc.Severity, inc.DedupeKey)
		}
		if !strings.Contains(inc.Impact, "link: https://status.shop.example/checks/9") {
			t.Errorf("impact lacks the link:\n%s", inc.Impact)
		}
		resolved := []byte(`{"title":"Checkout returns 504","dedupe_key":"checkout-504","status":"resolved"}`)
		post(t, h, resolved, testToken, nil)
		post(t, h, resolved, testToken, nil)
		w.runJobs()
		if n := len(resolveSuggestions(w.warRoom(inc), inc.Key)); n != 1 {
			t.Errorf("got %d suggestions, want 1", n)
		}
	})
}

// TestFingerprint: our fingerprint is Alertmanager's for the fixtures.
func TestFingerprint(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"firing.json", "resolved.json", "storm_group.json"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var p amPayload
			if err := decodeJSON(fixture(t, "alertmanager/"+name), &p, "test"); err != nil {
				t.Fatal(err)
			}
			for _, a := range p.Alerts {
				if got := Fingerprint(a.Labels); got != a.Fingerprint {
					t.Errorf("got %s, want %s", got, a.Fingerprint)
				}
			}
		})
	}
	if got, want := Fingerprint(map[string]string{"alertname": "alert1", "lbl1": "val1"}), "fac0861a85de433a"; got != want {
		t.Errorf("grafana/alerting test value: got %s, want %s", got, want)
	}
}
