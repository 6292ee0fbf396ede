package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/golden"
	"incidentbot/internal/storetest"
	"incidentbot/playbooks"
	"incidentbot/server"
	"incidentbot/store"
	"incidentbot/web"
)

// now is the test clock's time; incidents are declared relative to it.
var now = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

// secretTitle is a title nobody outside may read.
const secretTitle = "DB password leaked in #ops by Bob"

// page is a Site over a real store, behind the real server routes.
type page struct {
	t     *testing.T
	db    *store.DB
	site  *web.Site
	clock *incidentbot.ManualClock
	srv   *httptest.Server
}

// mustBooks loads the default playbooks.
func mustBooks(tb testing.TB) incidentbot.Playbooks {
	tb.Helper()
	books, err := playbooks.LoadDir("")
	if err != nil {
		tb.Fatal(err)
	}
	return books
}

func newPage(t *testing.T, db *store.DB, cfg web.Config) *page {
	t.Helper()
	books := mustBooks(t)
	clock := incidentbot.NewManualClock(now)
	if cfg.Name == "" {
		cfg.Name = "Example Shop"
	}
	site, err := web.New(cfg, db, books, clock, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.NewServer(server.Deps{
		Home: site.Home(), Assets: site.Assets(),
		Status: site.Status(), StatusFeed: site.Feed(), StatusSummary: site.Summary(), StatusBanner: site.Banner(),
	}))
	t.Cleanup(srv.Close)
	return &page{t: t, db: db, site: site, clock: clock, srv: srv}
}

// declare stores an incident the way the engine does: with its declared event.
func (p *page) declare(inc incidentbot.Incident) *incidentbot.Incident {
	p.t.Helper()
	if inc.Title == "" {
		inc.Title = secretTitle
	}
	if inc.Status == "" {
		inc.Status = incidentbot.StatusInvestigating
	}
	if inc.DeclaredAt.IsZero() {
		inc.DeclaredAt = now.Add(-20 * time.Minute)
	}
	inc.Platform, inc.Workspace = incidentbot.PlatformSlack, "T1"
	if err := p.db.CreateIncident(context.Background(), &inc, incidentbot.Change{Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventDeclared}}}); err != nil {
		p.t.Fatal(err)
	}
	return &inc
}

// setStatus changes an incident's status the way the engine does: with an event.
func (p *page) setStatus(id int64, st incidentbot.Status, at time.Time) {
	p.t.Helper()
	_, err := p.db.UpdateIncident(context.Background(), id, func(inc *incidentbot.Incident) (incidentbot.Change, error) {
		inc.Status = st
		switch st {
		case incidentbot.StatusMitigated:
			inc.MitigatedAt = &at
		case incidentbot.StatusResolved:
			inc.ResolvedAt = &at
		case incidentbot.StatusClosed:
			inc.ClosedAt = &at
		}
		return incidentbot.Change{Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventStatusChanged, At: at}}}, nil
	})
	if err != nil {
		p.t.Fatal(err)
	}
}

func (p *page) refresh() {
	p.t.Helper()
	if err := p.site.Refresh(context.Background()); err != nil {
		p.t.Fatal(err)
	}
}

// get fetches path with the given request headers.
func (p *page) get(path string, header ...string) (*http.Response, string) {
	p.t.Helper()
	req, err := http.NewRequest(http.MethodGet, p.srv.URL+path, nil)
	if err != nil {
		p.t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if h := req.Header.Get("Host"); h != "" {
		req.Host = h // Go sends req.Host, never the Host header
	}
	resp, err := p.srv.Client().Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		p.t.Fatal(err)
	}
	return resp, string(b)
}

type summaryJSON struct {
	Page       struct{ Name string }
	Components []struct{ Status string }
	Incidents  []struct {
		ID, Name, Status, Impact string
		IncidentUpdates          []struct{ Body string } `json:"incident_updates"`
	}
	Status struct{ Indicator, Description string }
}

func (p *page) summary(query string) summaryJSON {
	p.t.Helper()
	resp, body := p.get("/status/summary.json" + query)
	if resp.StatusCode != http.StatusOK {
		p.t.Fatalf("summary.json: %s %s", resp.Status, body)
	}
	var s summaryJSON
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		p.t.Fatalf("summary.json does not parse: %v\n%s", err, body)
	}
	return s
}

func TestStatusLevels(t *testing.T) {
	t.Parallel()
	type inc = incidentbot.Incident
	tests := []struct {
		name      string
		incidents []inc
		mitigate  bool
		indicator string
		component string
		state     string
		listed    int
	}{
		{"no incident", nil, false, "none", "operational", "All systems operational", 0},
		{"sev1 is a major outage", []inc{{Severity: incidentbot.SEV1, Type: "site-outage"}}, false, "critical", "major_outage", "Major outage", 1},
		{"sev2 is a partial outage", []inc{{Severity: incidentbot.SEV2, Type: "checkout-failure"}}, false, "major", "partial_outage", "Partial outage", 1},
		{"sev3 is degraded", []inc{{Severity: incidentbot.SEV3, Type: "generic"}}, false, "minor", "degraded_performance", "Degraded service", 1},
		{"sev4 is operational but listed", []inc{{Severity: incidentbot.SEV4, Type: "generic"}}, false, "none", "operational", "All systems operational", 1},
		{"mitigated sev1 is degraded", []inc{{Severity: incidentbot.SEV1, Type: "site-outage"}}, true, "minor", "degraded_performance", "Degraded service", 1},
		{"the worst open incident wins", []inc{{Severity: incidentbot.SEV3}, {Severity: incidentbot.SEV1}, {Severity: incidentbot.SEV2}}, false, "critical", "major_outage", "Major outage", 3},
		{"drills are never shown", []inc{{Severity: incidentbot.SEV1, Drill: true}}, false, "none", "operational", "All systems operational", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := newPage(t, storetest.SQLite(t), web.Config{})
			for _, in := range tc.incidents {
				got := p.declare(in)
				if tc.mitigate {
					p.setStatus(got.ID, incidentbot.StatusMitigated, now.Add(-time.Minute))
				}
			}
			p.refresh()
			s := p.summary("")
			if s.Status.Indicator != tc.indicator || s.Components[0].Status != tc.component || len(s.Incidents) != tc.listed {
				t.Errorf("got indicator %q, component %q, %d incidents; want %q, %q, %d", s.Status.Indicator, s.Components[0].Status, len(s.Incidents), tc.indicator, tc.component, tc.listed)
			}
			if len(s.Incidents) > 1 && s.Incidents[0].Impact != "critical" {
				t.Errorf("first incident's impact is %q, want the worst (critical) first", s.Incidents[0].Impact)
			}
			_, html := p.get("/status")
			if !strings.Contains(html, `<h2 id="now">`+tc.state+`</h2>`) {
				t.Errorf("the page does not say %q:\n%s", tc.state, html)
			}
		})
	}
}

// TestStatusPublicTextOnly: the page, the feed and the JSON carry the
// playbook's customer message, never the title people typed.
func TestStatusPublicTextOnly(t *testing.T) {
	t.Parallel()
	p := newPage(t, storetest.SQLite(t), web.Config{ShopURL: "https://shop.example.com/"})
	p.declare(incidentbot.Incident{Severity: incidentbot.SEV1, Type: "site-outage"})
	resolved := p.declare(incidentbot.Incident{Severity: incidentbot.SEV2, Type: "checkout-failure", DeclaredAt: now.Add(-48 * time.Hour)})
	p.setStatus(resolved.ID, incidentbot.StatusClosed, now.Add(-47*time.Hour))
	p.refresh()
	for _, path := range []string{"/status", "/status/feed.atom", "/status/summary.json", "/status?lang=fr", "/status/feed.atom?lang=fr", "/status/summary.json?lang=fr"} {
		_, body := p.get(path)
		if strings.Contains(body, "password") || strings.Contains(body, "Bob") || strings.Contains(body, "#ops") {
			t.Errorf("%s shows the title:\n%s", path, body)
		}
	}
	s := p.summary("")
	if len(s.Incidents) != 1 || !strings.HasPrefix(s.Incidents[0].IncidentUpdates[0].Body, "Our online shop has a technical problem") ||
		s.Incidents[0].Name != "Our online shop has a technical problem and some pages do not load" {
		t.Errorf("got incidents %+v, want the site-outage customer-en message", s.Incidents)
	}
	_, html := p.get("/status")
	if !strings.Contains(html, "Follow along: https://shop.example.com/") {
		t.Errorf("the open incident's message lacks the shop URL the template links to:\n%s", html)
	}
	// A closed incident reads the template's resolved branch.
	if !strings.Contains(html, "Payments work again on our shop") {
		t.Errorf("the past incident does not show its resolved message:\n%s", html)
	}
}

func TestStatusLanguage(t *testing.T) {
	t.Parallel()
	p := newPage(t, storetest.SQLite(t), web.Config{Language: "en"})
	p.declare(incidentbot.Incident{Severity: incidentbot.SEV1, Type: "site-outage"})
	p.refresh()
	tests := []struct {
		name, query, accept string
		lang, text          string
	}{
		{"default", "", "", "en", "Our online shop has a technical problem"},
		{"browser prefers French", "", "fr-CH, fr;q=0.9, en;q=0.8", "fr", "Notre boutique en ligne rencontre actuellement un problème technique"},
		{"browser prefers English", "", "en-GB,fr;q=0.5", "en", "Our online shop"},
		{"unknown languages fall back", "", "de-DE,es;q=0.9", "en", "Our online shop"},
		{"query beats the browser", "?lang=en", "fr", "en", "Our online shop"},
		{"query in French", "?lang=fr", "en", "fr", "Panne majeure"},
		{"unknown query is ignored", "?lang=xx", "fr", "fr", "Notre boutique"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp, html := p.get("/status"+tc.query, "Accept-Language", tc.accept)
			if !strings.Contains(html, `<html lang="`+tc.lang+`">`) || !strings.Contains(html, tc.text) {
				t.Errorf("got %s, want lang %q and %q:\n%s", resp.Status, tc.lang, tc.text, html)
			}
		})
	}
}

func TestStatusCacheHeaders(t *testing.T) {
	t.Parallel()
	p := newPage(t, storetest.SQLite(t), web.Config{})
	p.refresh()
	for _, tc := range []struct {
		path, contentType string
		cors              bool
	}{
		{"/status", "text/html; charset=utf-8", false},
		{"/status/feed.atom", "application/atom+xml; charset=utf-8", true},
		{"/status/summary.json", "application/json", true},
		{"/api/v2/summary.json", "application/json", true},
		{"/status/banner.js", "text/javascript; charset=utf-8", true},
	} {
		resp, body := p.get(tc.path)
		etag := resp.Header.Get("ETag")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != tc.contentType || etag == "" ||
			resp.Header.Get("Cache-Control") != "public, max-age=10" || body == "" {
			t.Errorf("%s: got %s, %q, ETag %q, Cache-Control %q", tc.path, resp.Status, resp.Header.Get("Content-Type"), etag, resp.Header.Get("Cache-Control"))
		}
		if got := resp.Header.Get("Access-Control-Allow-Origin") == "*"; got != tc.cors {
			t.Errorf("%s: CORS open is %v, want %v", tc.path, got, tc.cors)
		}
		again, body := p.get(tc.path, "If-None-Match", etag)
		if again.StatusCode != http.StatusNotModified || body != "" {
			t.Errorf("%s with If-None-Match: got %s and %d bytes, want 304 and none", tc.path, again.Status, len(body))
		}
		if other, _ := p.get(tc.path, "If-None-Match", `"stale"`); other.StatusCode != http.StatusOK {
			t.Errorf("%s with a stale ETag: got %s, want 200", tc.path, other.Status)
		}
	}
	en, _ := p.get("/status")
	fr, _ := p.get("/status?lang=fr")
	if en.Header.Get("ETag") == fr.Header.Get("ETag") || en.Header.Get("Vary") != "Accept-Language" {
		t.Errorf("the languages share ETag %q or Vary is %q", en.Header.Get("ETag"), en.Header.Get("Vary"))
	}
}

// countingSource counts the reads the status page makes.
type countingSource struct {
	incidentbot.DashboardSource
	finds atomic.Int64
}

func (c *countingSource) FindIncidents(ctx context.Context, f incidentbot.IncidentFilter) ([]*incidentbot.Incident, error) {
	c.finds.Add(1)
	return c.DashboardSource.FindIncidents(ctx, f)
}

// TestStatusSnapshot: requests read the snapshot, never the store; a
// change is served after the next refresh, and Run refreshes by itself.
func TestStatusSnapshot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		src := &countingSource{DashboardSource: db}
		books := mustBooks(t)
		clock := incidentbot.NewManualClock(now)
		site, err := web.New(web.Config{Poll: 10 * time.Millisecond}, src, books, clock, nil)
		if err != nil {
			t.Fatal(err)
		}
		p := &page{t: t, db: db, site: site, clock: clock}
		p.srv = httptest.NewServer(server.NewServer(server.Deps{Status: site.Status(), StatusSummary: site.Summary()}))
		t.Cleanup(p.srv.Close)

		if s := p.summary(""); s.Status.Indicator != "none" {
			t.Fatalf("first request: indicator %q, want none (built on demand)", s.Status.Indicator)
		}
		reads := src.finds.Load()
		for range 50 {
			p.get("/status")
			p.get("/status/summary.json")
		}
		p.refresh() // settles the first build
		p.refresh()
		if got := src.finds.Load(); got != reads+2 { // the settling build reads twice (recent and open)
			t.Errorf("100 requests and two refreshes read the store %d times, want 2", got-reads)
		}

		inc := p.declare(incidentbot.Incident{Severity: incidentbot.SEV1, Type: "site-outage"})
		if s := p.summary(""); s.Status.Indicator != "none" {
			t.Errorf("before a refresh: indicator %q, want the snapshot's none", s.Status.Indicator)
		}
		p.refresh()
		if s := p.summary(""); s.Status.Indicator != "critical" {
			t.Errorf("after a refresh: indicator %q, want critical", s.Status.Indicator)
		}

		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- site.Run(ctx) }()
		p.setStatus(inc.ID, incidentbot.StatusResolved, now)
		deadline := time.Now().Add(5 * time.Second)
		for p.summary("").Status.Indicator != "none" {
			if time.Now().After(deadline) {
				t.Fatal("Run did not pick up the resolution within 5s")
			}
			time.Sleep(5 * time.Millisecond) // polling interval, not a wait for work
		}
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run returned %v", err)
		}
	})
}

// TestStatusPast90Days: resolved incidents older than 90 days drop off;
// an incident still open from before stays.
func TestStatusPast90Days(t *testing.T) {
	t.Parallel()
	p := newPage(t, storetest.SQLite(t), web.Config{})
	old := p.declare(incidentbot.Incident{Severity: incidentbot.SEV2, Type: "site-outage", DeclaredAt: now.Add(-100 * 24 * time.Hour)})
	p.setStatus(old.ID, incidentbot.StatusClosed, now.Add(-99*24*time.Hour))
	recent := p.declare(incidentbot.Incident{Severity: incidentbot.SEV2, Type: "site-outage", DeclaredAt: now.Add(-80 * 24 * time.Hour)})
	p.setStatus(recent.ID, incidentbot.StatusResolved, now.Add(-80*24*time.Hour+time.Hour))
	lingering := p.declare(incidentbot.Incident{Severity: incidentbot.SEV3, Type: "generic", DeclaredAt: now.Add(-120 * 24 * time.Hour)})
	p.refresh()
	_, html := p.get("/status")
	for id, want := range map[string]bool{"inc-" + itoa(old.ID): false, "inc-" + itoa(recent.ID): true, "inc-" + itoa(lingering.ID): true} {
		if got := strings.Contains(html, `id="`+id+`"`); got != want {
			t.Errorf("%s shown: %v, want %v", id, got, want)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestHomeSaysChatIsOff(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		chats []string
		want  string
	}{
		{"off", nil, "Chat is off"},
		{"on", []string{"slack", "discord"}, "Chat is on: slack, discord."},
	} {
		p := newPage(t, storetest.SQLite(t), web.Config{Chats: tc.chats})
		resp, html := p.get("/")
		if resp.StatusCode != http.StatusOK || !strings.Contains(html, tc.want) || !strings.Contains(html, `href="/status?lang=en"`) {
			t.Errorf("%s: got %s:\n%s", tc.name, resp.Status, html)
		}
		if _, fr := p.get("/?lang=fr"); tc.chats == nil && !strings.Contains(fr, "Le chat est désactivé") {
			t.Errorf("%s: the French home page does not say chat is off:\n%s", tc.name, fr)
		}
	}
}

// TestStatusGolden pins the server-rendered pages, feed and JSON; times
// in BOT_TIMEZONE (Paris).
func TestStatusGolden(t *testing.T) {
	t.Parallel()
	p := newPage(t, storetest.SQLite(t), web.Config{ShopURL: "https://shop.example.com/", PublicURL: "https://status.example.com/", Location: paris})
	p.declare(incidentbot.Incident{Severity: incidentbot.SEV1, Type: "site-outage", ImpactStartedAt: at(-65 * time.Minute)})
	past := p.declare(incidentbot.Incident{Severity: incidentbot.SEV2, Type: "checkout-failure", DeclaredAt: now.Add(-72 * time.Hour)})
	p.setStatus(past.ID, incidentbot.StatusResolved, now.Add(-71*time.Hour))
	p.refresh()
	for file, path := range map[string]string{
		"status_en.html":     "/status?lang=en",
		"status_fr.html":     "/status?lang=fr",
		"feed_en.atom":       "/status/feed.atom?lang=en",
		"feed_fr.atom":       "/status/feed.atom?lang=fr",
		"home_fr.html":       "/?lang=fr",
		"summary_fr.json":    "/status/summary.json?lang=fr",
		"home_chat_off.html": "/",
	} {
		_, body := p.get(path)
		golden.Check(t, file, []byte(body))
	}
	empty := newPage(t, storetest.SQLite(t), web.Config{})
	empty.refresh()
	_, body := empty.get("/status")
	golden.Check(t, "status_empty_en.html", []byte(body))
}

func TestPreferredLanguage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ header, want string }{
		{"", ""},
		{"fr", "fr"},
		{"fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7", "fr"},
		{"en;q=0.5, fr;q=0.6", "fr"},
		{"de, en;q=0.1", "en"},
		{"fr;q=0, en;q=0.1", "en"},
		{"*", ""},
		{"FR-ca", "fr"},
		{"fr;q=2, en", "en"},
		{"fr;level=1, en;q=0.3", "en"},
		{"en, fr", "en"},
	} {
		if got := web.PreferredLanguage(tc.header, []string{"en", "fr"}); got != tc.want {
			t.Errorf("PreferredLanguage(%q) = %q, want %q", tc.header, got, tc.want)
		}
	}
}

func FuzzPreferredLanguage(f *testing.F) {
	for _, s := range []string{"", "fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5", "en;q=", ";;,,", "fr;q=NaN", "en;q=1e309"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		got := web.PreferredLanguage(header, []string{"en", "fr"})
		if got != "" && got != "en" && got != "fr" {
			t.Fatalf("PreferredLanguage(%q) = %q, not a supported language", header, got)
		}
		if got != "" && !strings.Contains(strings.ToLower(header), got) {
			t.Fatalf("PreferredLanguage(%q) = %q, which the header does not name", header, got)
		}
	})
}

// TestBannerWords: the banner script carries its link's word in every
// language from the catalog, and the bot's language for a shop page that
// states none.
func TestBannerWords(t *testing.T) {
	t.Parallel()
	p := newPage(t, storetest.SQLite(t), web.Config{Language: "fr"})
	resp, js := p.get("/status/banner.js")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("got %s, CORS %q", resp.Status, resp.Header.Get("Access-Control-Allow-Origin"))
	}
	if want := `var link = {"fallback":"fr","words":{"en":"Details","fr":"Suivi"}};`; !strings.Contains(js, want) {
		t.Errorf("banner.js lacks %s:\n%s", want, js)
	}
}

// TestShopNameDefault: without STATUS_PAGE_NAME the pages name the shop
// after SHOP_URL's host, else "our shop" in the page's language.
func TestShopNameDefault(t *testing.T) {
	t.Parallel()
	db := storetest.SQLite(t)
	for _, tc := range []struct{ shopURL, path, want string }{
		{"", "/status?lang=fr", `<p class="brand">Notre boutique</p>`},
		{"", "/status?lang=en", `<p class="brand">Our shop</p>`},
		{"", "/?lang=fr", `<p class="brand">Notre boutique</p>`},
		{"https://www.shop.example.com/", "/status?lang=fr", `<p class="brand">shop.example.com</p>`},
	} {
		site, err := web.New(web.Config{ShopURL: tc.shopURL}, db, mustBooks(t), incidentbot.NewManualClock(now), nil)
		if err != nil {
			t.Fatal(err)
		}
		h := server.NewServer(server.Deps{Home: site.Home(), Status: site.Status()})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.path, nil))
		if body := rec.Body.String(); rec.Code != http.StatusOK || !strings.Contains(body, tc.want) {
			t.Errorf("SHOP_URL %q, %s: got %d, want %s:\n%s", tc.shopURL, tc.path, rec.Code, tc.want, body)
		}
	}
}

// TestStatusLinks: with PUBLIC_URL the feed's and the summary's links are
// absolute under it, as feed readers and Statuspage widgets need; without
// it they stay relative, whatever Host the request claims, since the
// snapshot is shared by every request.
func TestStatusLinks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, publicURL, base string }{
		{"PUBLIC_URL set", "https://status.example.com", "https://status.example.com"},
		{"PUBLIC_URL under a path", "https://example.com/incidents/", "https://example.com/incidents"},
		{"PUBLIC_URL unset", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := newPage(t, storetest.SQLite(t), web.Config{PublicURL: tc.publicURL})
			p.declare(incidentbot.Incident{Severity: incidentbot.SEV1, Type: "site-outage"})
			p.refresh()
			_, body := p.get("/status/summary.json", "Host", "evil.example")
			var sum struct {
				Page      struct{ URL string }
				Incidents []struct{ Shortlink string }
			}
			if err := json.Unmarshal([]byte(body), &sum); err != nil {
				t.Fatal(err)
			}
			if want := tc.base + "/status"; sum.Page.URL != want {
				t.Errorf("page.url is %q, want %q", sum.Page.URL, want)
			}
			if want := tc.base + "/status#inc-1"; len(sum.Incidents) != 1 || sum.Incidents[0].Shortlink != want {
				t.Errorf("incidents are %+v, want one with shortlink %q", sum.Incidents, want)
			}
			_, feed := p.get("/status/feed.atom?lang=en", "Host", "evil.example")
			for _, want := range []string{
				`rel="alternate" type="text/html" href="` + tc.base + `/status?lang=en"`,
				`rel="self" type="application/atom+xml" href="` + tc.base + `/status/feed.atom?lang=en"`,
				`href="` + tc.base + `/status?lang=en#inc-1"`,
			} {
				if !strings.Contains(feed, want) {
					t.Errorf("the feed lacks %s:\n%s", want, feed)
				}
			}
			if strings.Contains(body+feed, "evil.example") {
				t.Errorf("a request's Host reached the shared snapshot:\n%s\n%s", body, feed)
			}
		})
	}
}

func TestPublicURLChecked(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{"status.example.com", "ftp://status.example.com", "https://status.example.com/?x=1", "https://user:pw@status.example.com"} {
		if _, err := web.New(web.Config{PublicURL: raw}, storetest.SQLite(t), mustBooks(t), incidentbot.NewManualClock(now), nil); err == nil {
			t.Errorf("web.New took PUBLIC_URL %q, want an error", raw)
		}
	}
}

// TestStatusImpactStart: customers lived the outage from its impact start,
// not from the declaration: the page, the JSON's started_at and the feed
// say so; created_at and the feed's published stay the declaration.
func TestStatusImpactStart(t *testing.T) {
	t.Parallel()
	declared, impact, detected := now.Add(-20*time.Minute), now.Add(-88*time.Minute), now.Add(-30*time.Minute)
	for _, tc := range []struct {
		name string
		inc  incidentbot.Incident
		want time.Time
	}{
		{"impact start set", incidentbot.Incident{ImpactStartedAt: &impact, DetectedAt: detected}, impact},
		{"an alert's startsAt", incidentbot.Incident{DetectedAt: detected}, detected},
		{"the declaration otherwise", incidentbot.Incident{}, declared},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := newPage(t, storetest.SQLite(t), web.Config{})
			tc.inc.Severity, tc.inc.Type, tc.inc.DeclaredAt = incidentbot.SEV1, "site-outage", declared
			p.declare(tc.inc)
			p.refresh()
			_, body := p.get("/status/summary.json")
			var sum struct {
				Incidents []struct {
					StartedAt time.Time `json:"started_at"`
					CreatedAt time.Time `json:"created_at"`
				}
			}
			if err := json.Unmarshal([]byte(body), &sum); err != nil {
				t.Fatal(err)
			}
			if len(sum.Incidents) != 1 || !sum.Incidents[0].StartedAt.Equal(tc.want) || !sum.Incidents[0].CreatedAt.Equal(declared) {
				t.Fatalf("incidents %+v, want started_at %s and created_at %s", sum.Incidents, tc.want, declared)
			}
			stamp := tc.want.UTC().Format(time.RFC3339)
			if _, html := p.get("/status?lang=en"); !strings.Contains(html, `<time datetime="`+stamp+`">`) {
				t.Errorf("the page does not say the incident started at %s:\n%s", stamp, html)
			}
			if _, feed := p.get("/status/feed.atom?lang=en"); !strings.Contains(feed, "<published>"+declared.Format(time.RFC3339)+"</published>") {
				t.Errorf("the feed's entry is not published at the declaration:\n%s", feed)
			}
		})
	}
}

// TestStatusListsBounded: past 25 open incidents the page lists the 25
// worst and says how many more are open, in the reader's language; the
// summary lists the same 25, and the level still counts every one (a SEV1
// declared first among thirty SEV3s leads).
func TestStatusListsBounded(t *testing.T) {
	t.Parallel()
	p := newPage(t, storetest.SQLite(t), web.Config{})
	p.declare(incidentbot.Incident{Severity: incidentbot.SEV1, Type: "site-outage", DeclaredAt: now.Add(-time.Hour)})
	for i := range 30 {
		p.declare(incidentbot.Incident{Severity: incidentbot.SEV3, Type: "site-outage", DeclaredAt: now.Add(-time.Duration(i) * time.Minute)})
	}
	p.refresh()
	sum := p.summary("")
	if len(sum.Incidents) != 25 || sum.Incidents[0].Impact != "critical" || sum.Status.Indicator != "critical" {
		t.Errorf("summary: %d incidents, first %q, indicator %q; want 25, the SEV1 first, critical", len(sum.Incidents), sum.Incidents[0].Impact, sum.Status.Indicator)
	}
	for _, c := range []struct{ query, want string }{{"?lang=en", "6 more incidents are open."}, {"?lang=fr", "6 autres incidents sont en cours."}} {
		_, body := p.get("/status" + c.query)
		if n := strings.Count(body, `class="incident level-`); n != 25 || !strings.Contains(body, c.want) {
			t.Errorf("status%s: %d incidents listed, says %q: %v; want 25 and it", c.query, n, c.want, strings.Contains(body, c.want))
		}
	}
}
