package notify_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/bot"
	"incidentbot/bot/console"
	"incidentbot/integrations/notify"
	"incidentbot/integrations/pagerduty"
	"incidentbot/integrations/probe"
	"incidentbot/integrations/statuspage"
	"incidentbot/internal/fake/fakepagerduty"
	"incidentbot/internal/fake/fakesmtp"
	"incidentbot/internal/fake/fakestatuspage"
	"incidentbot/internal/storetest"
	"incidentbot/playbooks"
)

// TestEngineSignals wires the prober and the notifiers as cmd/incidentbot
// does, behind the engine and the default playbooks, against the fakes:
// the subjects the engine writes must reach each service as an update of
// the right incident.
func TestEngineSignals(t *testing.T) {
	t.Parallel()
	ctx := t.Context()

	// The shop answers 503 from its load balancer; every name resolves to it.
	shop := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(shop.Close)
	roots := x509.NewCertPool()
	roots.AddCert(shop.Certificate())
	prober := probe.New(probe.Config{
		Resolver: probe.ResolverFunc(func(context.Context, string) ([]string, error) { return []string{"127.0.0.1"}, nil }),
		Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, shop.Listener.Addr().String())
		},
		TLSConfig: &tls.Config{RootCAs: roots},
	})

	mail := fakesmtp.New(t)
	hook := newWebhook(t, http.StatusOK)
	sp := fakestatuspage.New(t)
	pd := fakepagerduty.New(t)
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&syncBuffer{b: &logs}, nil))

	targets, err := notify.ParseTargets("hosting=mailto:support@host.example,agency=" + hook.srv.URL + "/agency,security=pagerduty")
	if err != nil {
		t.Fatal(err)
	}
	pages, err := statuspage.New(statuspage.Config{APIKey: incidentbot.Secret(sp.APIKey()), PageID: sp.PageID(), APIURL: sp.URL(), MinInterval: -1}, sp.Client(), logger)
	if err != nil {
		t.Fatal(err)
	}
	pager, err := pagerduty.New(pagerduty.Config{RoutingKey: incidentbot.Secret(pd.RoutingKey()), APIURL: pd.URL()}, pd.Client(), logger)
	if err != nil {
		t.Fatal(err)
	}
	notifier, err := notify.New(notify.Config{
		Targets:      targets,
		SMTP:         notify.SMTP{Addr: mail.Addr(), From: "incidents@shop.example"},
		WebhookToken: token,
		Services:     map[string]incidentbot.Notifier{notify.ViaStatuspage: pages, notify.ViaPagerDuty: pager},
	}, hook.srv.Client(), logger)
	if err != nil {
		t.Fatal(err)
	}

	db := storetest.SQLite(t)
	chat := console.NewChat(nil, console.DefaultDirectory())
	clock := incidentbot.NewManualClock(time.Now().UTC())
	eng, err := bot.New(bot.Config{Language: "fr", ShopURL: "https://shop.example.com/"}, bot.Deps{
		Store:     db,
		Playbooks: playbooks.Defaults(),
		Chats:     map[string]incidentbot.Chat{incidentbot.PlatformConsole: chat},
		Prober:    prober,
		Notifier:  notifier,
		Clock:     clock,
		Logger:    logger,
	})
	if err != nil {
		t.Fatal(err)
	}
	alice := incidentbot.Actor{Platform: incidentbot.PlatformConsole, Workspace: "console", User: incidentbot.User{ID: "U_ALICE", Name: "alice"}, ChannelID: console.GeneralChannelID}
	// Outward actions wait for the roles (is the declarer a responder?):
	// a second run, a few seconds later, finds them assigned.
	run := func() {
		t.Helper()
		for range 2 {
			if _, err := eng.RunDue(ctx, 0); err != nil {
				t.Fatalf("RunDue: %v", err)
			}
			clock.Advance(3 * time.Second)
		}
	}

	outage, err := eng.Declare(ctx, alice, incidentbot.DeclareRequest{Title: "Checkout returns 503", Type: "site-outage", Severity: incidentbot.SEV1})
	if err != nil {
		t.Fatal(err)
	}
	run()

	msgs := mail.Messages()
	if len(msgs) != 1 || msgs[0].To[0] != "support@host.example" || !strings.Contains(msgs[0].Data, "Subject: [SEV1] "+outage.Key+" investigating: Checkout returns 503") {
		t.Errorf("got mail %+v, want one to the hosting provider about %s", msgs, outage.Key)
	}
	if len(hook.bodies) != 1 || !strings.Contains(string(hook.bodies[0]), `"target":"agency"`) {
		t.Errorf("got agency webhook calls %q, want one", hook.bodies)
	}
	incs := sp.Incidents()
	if len(incs) != 1 || incs[0].Status != "investigating" || incs[0].Name != "Notre boutique en ligne rencontre actuellement un problème technique et certaines pages ne s'affichent pas" || !strings.Contains(incs[0].Updates[0].Body, "Notre boutique en ligne rencontre") {
		t.Fatalf("got status page incidents %+v, want one investigating with the customer-fr text", incs)
	}
	events, err := db.Timeline(ctx, outage.ID)
	if err != nil {
		t.Fatal(err)
	}
	var probed, shortlink string
	for _, ev := range events {
		var ref incidentbot.ActionRef
		if ev.Kind == incidentbot.EventActionSucceeded && json.Unmarshal(ev.Data, &ref) == nil && ref.StatusPage != "" {
			shortlink = ref.StatusPage
		}
		if ev.Kind == incidentbot.EventProbeResult {
			var d struct {
				Class string `json:"class"`
			}
			_ = json.Unmarshal(ev.Data, &d)
			probed = d.Class
		}
	}
	if probed != probe.ProxyError {
		t.Errorf("got probe class %q, want %q", probed, probe.ProxyError)
	}
	// The status page action keeps the incident's shortlink, through the
	// router, for the post-mortem's Metadata.
	if want := "https://stspg.io/" + incs[0].ID; shortlink != want {
		t.Errorf("got status page link %q on the timeline, want %q", shortlink, want)
	}

	if _, err := eng.SetStatus(ctx, alice, outage.Key, incidentbot.StatusResolved, "Load balancer restarted"); err != nil {
		t.Fatal(err)
	}
	run()
	if incs := sp.Incidents(); len(incs) != 1 || incs[0].Status != "resolved" || !strings.Contains(incs[0].Updates[len(incs[0].Updates)-1].Body, "fonctionne de nouveau") {
		t.Errorf("got status page incidents %+v, want the same one resolved", incs)
	}

	breach, err := eng.Declare(ctx, alice, incidentbot.DeclareRequest{Title: "Card skimmer found in checkout", Type: "security", Severity: incidentbot.SEV1})
	if err != nil {
		t.Fatal(err)
	}
	run()
	if !pd.Open(breach.Key) {
		t.Errorf("got no open PagerDuty alert for %s, want one (events %+v)", breach.Key, pd.Events())
	}

	for _, secret := range []string{sp.APIKey(), pd.RoutingKey(), token} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("got a secret in the logs")
		}
	}
	if strings.Contains(logs.String(), `"level":"ERROR"`) {
		t.Errorf("got errors logged:\n%s", logs.String())
	}
}

// syncBuffer lets the engine's workers share one log buffer.
type syncBuffer struct {
	mu sync.Mutex
	b  *bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
