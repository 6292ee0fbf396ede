package probe

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"incidentbot"
)

func TestParseProviderPages(t *testing.T) {
	t.Parallel()
	got, err := ParseProviderPages(" stripe=https://status.stripe.com , host=http://127.0.0.1:1/ ,")
	if err != nil || len(got) != 2 || got[0] != (ProviderPage{"stripe", "https://status.stripe.com"}) || got[1].Name != "host" {
		t.Fatalf("got %+v, %v", got, err)
	}
	for _, bad := range []string{"stripe", "=https://x", "stripe=ftp://x", "stripe=status.stripe.com"} {
		if _, err := ParseProviderPages(bad); incidentbot.ErrorCode(err) != incidentbot.EINVALID {
			t.Errorf("ParseProviderPages(%q): got %v, want EINVALID", bad, err)
		}
	}
}

func TestProviderStatuses(t *testing.T) {
	t.Parallel()
	page := func(body string, status int) *httptest.Server {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/api/v2/status.json" {
				http.NotFound(w, r)
				return
			}
			w.WriteHeader(status)
			w.Write([]byte(body))
		}))
		t.Cleanup(srv.Close)
		return srv
	}
	ok := page(`{"page":{"name":"Pay"},"status":{"indicator":"none","description":"All Systems Operational"}}`, 200)
	degraded := page(`{"status":{"indicator":"major","description":"Partial System Outage"}}`, 200)
	broken := page(`oops`, 503)
	got := Providers{Client: http.DefaultClient, Pages: []ProviderPage{
		{"payments", ok.URL}, {"hosting", degraded.URL}, {"cdn", broken.URL},
	}}.ProviderStatuses(context.Background())
	want := []incidentbot.ProviderStatus{
		{Name: "payments", Healthy: true, Description: "All Systems Operational"},
		{Name: "hosting", Description: "Partial System Outage (major)"},
	}
	if len(got) != 3 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("got %+v, want %+v then cdn unreadable", got, want)
	}
	if got[2].Name != "cdn" || got[2].Healthy || got[2].Description == "" {
		t.Errorf("unreadable page: got %+v, want unhealthy with the reason", got[2])
	}
}
