package probe_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"incidentbot"
	"incidentbot/integrations/probe"
)

const (
	stripeOK  = `{"page":{"id":"kctbh9vrtdwd","name":"Stripe","url":"https://status.stripe.com","updated_at":"2026-11-26T06:00:00Z"},"status":{"indicator":"none","description":"All Systems Operational"}}`
	shopifyKO = `{"page":{"id":"x","name":"Shopify"},"status":{"indicator":"major","description":"Partial System Outage"}}`
)

func TestProviderStatus(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.Handle("GET /api/v2/status.json", handler(200, nil, stripeOK))
	mux.Handle("GET /shopify/api/v2/status.json", handler(200, nil, shopifyKO))
	mux.Handle("GET /busy/api/v2/status.json", handler(503, nil, ""))
	mux.Handle("GET /html/api/v2/status.json", handler(200, nil, "<html>"))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	tests := []struct {
		name    string
		url     string
		want    probe.Provider
		errCode string
	}{
		{"operational", srv.URL, probe.Provider{Name: "Stripe", Indicator: "none", Description: "All Systems Operational", Healthy: true}, ""},
		{"full API URL", srv.URL + "/api/v2/status.json", probe.Provider{Name: "Stripe", Indicator: "none", Description: "All Systems Operational", Healthy: true}, ""},
		{"major outage", srv.URL + "/shopify/", probe.Provider{Name: "Shopify", Indicator: "major", Description: "Partial System Outage"}, ""},
		{"provider page down", srv.URL + "/busy", probe.Provider{}, incidentbot.EUNAVAILABLE},
		{"not Statuspage", srv.URL + "/html", probe.Provider{}, incidentbot.EINVALID},
		{"wrong URL", srv.URL + "/nothing", probe.Provider{}, incidentbot.EINVALID},
		{"not a URL", "status.stripe.com", probe.Provider{}, incidentbot.EINVALID},
		{"unreachable", "http://" + closedPort(t), probe.Provider{}, incidentbot.EUNAVAILABLE},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := probe.ProviderStatus(t.Context(), srv.Client(), tc.url)
			if code := incidentbot.ErrorCode(err); code != tc.errCode || got != tc.want {
				t.Errorf("got %+v, %q (%v), want %+v, %q", got, code, err, tc.want, tc.errCode)
			}
		})
	}
}

func FuzzParseProviderStatus(f *testing.F) {
	for _, s := range []string{stripeOK, shopifyKO, `{}`, `{"status":{"indicator":""}}`, `[`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := probe.ParseProviderStatus(body)
		if err != nil {
			if code := incidentbot.ErrorCode(err); code != incidentbot.EINVALID {
				t.Fatalf("got code %q, want %q", code, incidentbot.EINVALID)
			}
			return
		}
		if p.Indicator == "" || p.Healthy != (p.Indicator == "none") {
			t.Fatalf("got %+v: indicator empty or healthy inconsistent", p)
		}
	})
}
