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
	// The provider's own words stay as they are; the bot's are said in
	// the reader's language.
	want := []struct {
		name    string
		healthy bool
		en, fr  string
	}{
		{"payments", true, "All Systems Operational", "All Systems Operational"},
		{"hosting", false, "Partial System Outage (major)", "Partial System Outage (majeur)"},
		{"cdn", false, "The status page of " + broken.Listener.Addr().String() + " answered HTTP 503; check it in a browser.",
			"La page de statut de " + broken.Listener.Addr().String() + " a répondu HTTP 503\u00a0; consultez-la dans un navigateur."},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d statuses %+v, want %d", len(got), got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Name != w.name || g.Healthy != w.healthy || g.Description != w.en || g.DescriptionIn("en") != w.en || g.DescriptionIn("fr") != w.fr {
			t.Errorf("page %d: got %s healthy %t %q / %q, want %s %t %q / %q", i, g.Name, g.Healthy, g.DescriptionIn("en"), g.DescriptionIn("fr"), w.name, w.healthy, w.en, w.fr)
		}
	}
}
