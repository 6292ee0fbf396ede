package web_test

import (
	"bufio"
	"context"
	"encoding/csv"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/golden"
	"incidentbot/internal/storetest"
	"incidentbot/server"
	"incidentbot/store"
	"incidentbot/web"
)

// viewerHeader names the test viewer: "local", "slack/T1"; absent, none.
const viewerHeader = "X-Test-Viewer"

// testGuard sets the viewer the request names in viewerHeader.
func testGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch v := r.Header.Get(viewerHeader); {
		case v == "local":
			r = r.WithContext(web.WithViewer(r.Context(), web.Viewer{Local: true}))
		case v != "":
			platform, ws, _ := strings.Cut(v, "/")
			r = r.WithContext(web.WithViewer(r.Context(), web.Viewer{Platform: platform, Workspace: ws, UserID: "U1", Name: "Alice Martin"}))
		}
		next.ServeHTTP(w, r)
	})
}

// dashDeps are every web route, the private ones behind guard.
func dashDeps(site *web.Site, guard func(http.Handler) http.Handler) server.Deps {
	return server.Deps{
		Home: site.Home(), Assets: site.Assets(),
		Status: site.Status(), StatusFeed: site.Feed(), StatusSummary: site.Summary(), StatusBanner: site.Banner(),
		Incidents: site.Incidents(), Incident: site.Incident(), Postmortem: site.Postmortem(),
		HistoryCSV: site.HistoryCSV(), Trends: site.Trends(), Events: site.Events(),
		Guard: guard, Identify: guard,
	}
}

// paris is BOT_TIMEZONE in the dashboard tests.
var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return loc
}()

// newDash is a dashboard over db with the shop's revenue set, in Paris.
func newDash(t *testing.T, db *store.DB, cfg web.Config) *page {
	t.Helper()
	cfg.Name, cfg.Location, cfg.RevenuePerMinute, cfg.Currency = "Example Shop", paris, 20, "EUR"
	cfg.Chats = []string{"slack"}
	clock := incidentbot.NewManualClock(now)
	site, err := web.New(cfg, db, mustBooks(t), clock, slog.New(slog.NewTextHandler(testLog{t}, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.NewServer(dashDeps(site, testGuard)))
	t.Cleanup(srv.Close)
	return &page{t: t, db: db, site: site, clock: clock, srv: srv}
}

// update changes an incident and adds ch, as the engine would.
func (p *page) update(id int64, fn func(inc *incidentbot.Incident), ch incidentbot.Change) {
	p.t.Helper()
	if _, err := p.db.UpdateIncident(context.Background(), id, func(inc *incidentbot.Incident) (incidentbot.Change, error) {
		fn(inc)
		return ch, nil
	}); err != nil {
		p.t.Fatal(err)
	}
}

// testLog shows the site's log in the test's output.
type testLog struct{ t *testing.T }

func (l testLog) Write(b []byte) (int, error) {
	l.t.Helper()
	l.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

func at(d time.Duration) *time.Time { t := now.Add(d); return &t }

// seed fills the store with what the dashboard shows: INC-1 open in
// Slack T1 with a commander, an update and two campaigns paused; INC-2
// closed in T1 with a hostile note, a checklist and a follow-up; INC-3
// open in a Discord guild; INC-4 a closed drill in T1.
func (p *page) seed() {
	p.t.Helper()
	one := p.declare(incidentbot.Incident{Title: "Checkout returns 504", Severity: incidentbot.SEV1, Type: "site-outage", DetectedAt: now.Add(-25 * time.Minute)})
	alice := incidentbot.User{ID: "U1", Name: "Alice Martin"}
	p.update(one.ID, func(inc *incidentbot.Incident) { inc.AcknowledgedAt = at(-18 * time.Minute) }, incidentbot.Change{
		Roles:  []incidentbot.RoleChange{{Role: incidentbot.RoleCommander, Users: []incidentbot.User{alice}, At: now.Add(-19 * time.Minute)}},
		Events: []incidentbot.TimelineEvent{{Kind: incidentbot.EventStatusUpdate, At: now.Add(-6 * time.Minute), Actor: alice, Text: "Deploy rolled back; checking payments"}},
	})
	if err := p.db.SavePauses(context.Background(),
		incidentbot.CampaignPause{IncidentID: one.ID, State: incidentbot.PausePaused, PausedAt: at(-15 * time.Minute), Campaign: incidentbot.Campaign{Platform: "meta", Account: "act_1", ID: "c1", Name: "Winter sale", DailyBudget: 96, Currency: "EUR"}},
		incidentbot.CampaignPause{IncidentID: one.ID, State: incidentbot.PausePaused, PausedAt: at(-15 * time.Minute), Campaign: incidentbot.Campaign{Platform: "googleads", Account: "123", ID: "c2", Name: "Brand search", DailyBudget: 48, Currency: "EUR"}},
	); err != nil {
		p.t.Fatal(err)
	}

	two := p.declare(incidentbot.Incident{Title: "Payments fail with =cmd|' /C calc'!A0", Severity: incidentbot.SEV2, Type: "checkout-failure", DeclaredAt: now.Add(-72 * time.Hour), DetectedAt: now.Add(-72 * time.Hour), ImpactStartedAt: at(-72*time.Hour - 20*time.Minute)})
	p.update(two.ID, func(inc *incidentbot.Incident) {
		inc.AcknowledgedAt, inc.MitigatedAt, inc.ResolvedAt, inc.ClosedAt = at(-72*time.Hour+5*time.Minute), at(-72*time.Hour+30*time.Minute), at(-72*time.Hour+45*time.Minute), at(-70*time.Hour)
		inc.Status, inc.Summary = incidentbot.StatusClosed, "The payment provider's certificate expired."
	}, incidentbot.Change{
		Events: []incidentbot.TimelineEvent{
			{Kind: incidentbot.EventNote, At: now.Add(-72*time.Hour + 10*time.Minute), Actor: alice, Text: `<script>alert("owned")</script> seen in the logs`},
			{Kind: incidentbot.EventStatusChanged, At: now.Add(-72*time.Hour + 45*time.Minute), Actor: alice, Text: "resolved"},
		},
		Roles:     []incidentbot.RoleChange{{Role: incidentbot.RoleCommander, Users: []incidentbot.User{alice}, At: now.Add(-72 * time.Hour)}},
		Checklist: []incidentbot.ChecklistEntry{{Position: 1, Text: "Check the payment provider's status page", State: incidentbot.ChecklistDone, By: alice, At: at(-71 * time.Hour)}, {Position: 2, Text: "Inform customers", State: incidentbot.ChecklistOpen}},
		FollowUps: []incidentbot.FollowUp{
			{Text: "Alert 30 days before a certificate expires", Type: incidentbot.FollowUpDetect, Priority: 1, Owner: "@bruno", Due: "2026-03-31", CreatedBy: alice, CreatedAt: now.Add(-70 * time.Hour)},
			{Text: "Renew certificates automatically", Type: incidentbot.FollowUpPrevent, Priority: 2, Owner: "<@U1>", Ticket: "https://github.com/acme/shop/issues/12?a=1&b=<2>", CreatedBy: alice, CreatedAt: now.Add(-70 * time.Hour)},
			{Text: "Write the runbook", Type: incidentbot.FollowUpProcess, Priority: 3, Owner: "<@U9>", Ticket: "javascript:alert(1)", CreatedBy: alice, CreatedAt: now.Add(-70 * time.Hour)},
		},
	})

	three := p.declare(incidentbot.Incident{Title: "Search is slow for the guild", Severity: incidentbot.SEV3, Type: "generic"})
	p.update(three.ID, func(inc *incidentbot.Incident) { inc.Platform, inc.Workspace = incidentbot.PlatformDiscord, "G1" }, incidentbot.Change{})

	drill := p.declare(incidentbot.Incident{Title: "Practice: checkout down", Severity: incidentbot.SEV2, Type: "site-outage", Drill: true, DeclaredAt: now.Add(-48 * time.Hour)})
	p.setStatus(drill.ID, incidentbot.StatusClosed, now.Add(-47*time.Hour))
	p.refresh()
}

// TestDashboardPages: each private page, for a local viewer, as golden
// HTML; the CSV export as a golden file.
func TestDashboardPages(t *testing.T) {
	t.Parallel()
	p := newDash(t, storetest.SQLite(t), web.Config{})
	p.seed()
	for _, tc := range []struct{ path, file string }{
		{"/", "dashboard_en.html"},
		{"/?lang=fr", "dashboard_fr.html"},
		{"/incidents", "incidents_en.html"},
		{"/incidents?severity=sev2&q=payments&lang=fr", "incidents_filtered_fr.html"},
		{"/incidents/INC-2", "incident_en.html"},
		{"/incidents/INC-1?lang=fr", "incident_open_fr.html"},
		{"/trends?months=3", "trends_en.html"},
		{"/trends?months=3&lang=fr", "trends_fr.html"},
		{"/incidents/INC-2?lang=fr", "incident_fr.html"},
		{"/history.csv", "history.csv"},
		{"/incidents/INC-2/postmortem.md", "postmortem_inc-2.md"},
	} {
		resp, body := p.get(tc.path, viewerHeader, "local")
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %s\n%s", tc.path, resp.Status, body)
			continue
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "private, no-store" {
			t.Errorf("GET %s: Cache-Control %q, want private, no-store", tc.path, cc)
		}
		golden.Check(t, tc.file, []byte(body))
	}
}

// TestDashboardTenancy: a viewer signed in to one workspace sees its
// incidents only, on every page; another workspace's incident is "not
// found" like one that does not exist; no viewer, no private page.
func TestDashboardTenancy(t *testing.T) {
	t.Parallel()
	p := newDash(t, storetest.SQLite(t), web.Config{})
	p.seed()
	const slackT1 = "slack/T1"
	for _, path := range []string{"/", "/incidents", "/trends", "/history.csv"} {
		_, body := p.get(path, viewerHeader, slackT1)
		if strings.Contains(body, "Search is slow") || strings.Contains(body, "INC-3") {
			t.Errorf("%s shows the Discord guild's incident to a Slack T1 viewer:\n%s", path, body)
		}
		if _, local := p.get(path, viewerHeader, "local"); !strings.Contains(local, "INC-3") && path != "/trends" {
			t.Errorf("%s hides the guild's incident from a local viewer", path)
		}
	}
	for _, path := range []string{"/incidents/INC-3", "/incidents/INC-3/postmortem.md", "/incidents/INC-99", "/incidents/nonsense"} {
		resp, body := p.get(path, viewerHeader, slackT1)
		if resp.StatusCode != http.StatusNotFound || strings.Contains(body, "Search is slow") {
			t.Errorf("%s for a T1 viewer: got %s, want 404 without the incident", path, resp.Status)
		}
	}
	if resp, body := p.get("/incidents/INC-1", viewerHeader, "discord/G1"); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "Checkout returns 504") {
		t.Errorf("a Slack incident for a Discord viewer: got %s, want 404", resp.Status)
	}
	for _, path := range []string{"/incidents", "/incidents/INC-1", "/incidents/INC-1/postmortem.md", "/history.csv", "/trends", "/events"} {
		resp, body := p.get(path)
		if resp.StatusCode != http.StatusForbidden || strings.Contains(body, "Checkout returns 504") || !strings.Contains(body, "loopback") {
			t.Errorf("%s without a viewer: got %s, want 403 saying how to get in:\n%s", path, resp.Status, body)
		}
	}
	if _, body := p.get("/"); !strings.Contains(body, "Public pages") || strings.Contains(body, "INC-1") {
		t.Errorf("/ without a viewer is not the public welcome:\n%s", body)
	}
}

// TestDashboardBadInput: bad filters are said in the page's language,
// with a 400, and nothing is listed.
func TestDashboardBadInput(t *testing.T) {
	t.Parallel()
	p := newDash(t, storetest.SQLite(t), web.Config{})
	p.seed()
	for _, tc := range []struct{ path, want string }{
		{"/incidents?from=yesterday", "“yesterday” is not a date: write it as YYYY-MM-DD."},
		{"/incidents?from=2026-03-10&to=2026-03-01", "The end date is before the start date."},
		{"/incidents?severity=sev9", "“sev9” is not a severity"},
		{"/incidents?platform=teams&lang=fr", "«\u00a0teams\u00a0» n&#39;est pas une plateforme"},
		{"/incidents?page=0", "The page number must be a whole number from 1."},
		{"/history.csv?to=31/12/2026", "“31/12/2026” is not a date"},
		{"/trends?months=7", "The period must be 3, 6, 12, 24 or 36 months."},
	} {
		resp, body := p.get(tc.path, viewerHeader, "local")
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, tc.want) || strings.Contains(body, "INC-1") {
			t.Errorf("%s: got %s, want 400 saying %q and listing nothing:\n%s", tc.path, resp.Status, tc.want, body)
		}
	}
}

// TestHistoryCSV: RFC 4180 (CRLF, quoted fields), every matching
// incident, and no cell a spreadsheet would run as a formula.
func TestHistoryCSV(t *testing.T) {
	t.Parallel()
	p := newDash(t, storetest.SQLite(t), web.Config{})
	p.seed()
	resp, body := p.get("/history.csv?playbook=checkout-failure", viewerHeader, "local")
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("Content-Type %q, Content-Disposition %q", ct, resp.Header.Get("Content-Disposition"))
	}
	if !strings.Contains(body, "\r\n") || strings.Count(body, "\n") != strings.Count(body, "\r\n") {
		t.Error("lines do not end in CRLF")
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[1][0] != "INC-2" {
		t.Fatalf("got %d records, want the header and INC-2: %q", len(recs), recs)
	}
	if title := recs[1][1]; title != "Payments fail with =cmd|' /C calc'!A0" {
		t.Errorf("title %q", title)
	}
	for _, rec := range recs {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("cell %q would run as a formula", cell)
			}
		}
	}
	p.declare(incidentbot.Incident{Title: "@SUM(1+1)*cmd|' /C calc'!A0", Severity: incidentbot.SEV4, Type: "generic"})
	_, body = p.get("/history.csv?severity=sev4", viewerHeader, "local")
	recs, err = csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(recs) != 2 || recs[1][1] != "'@SUM(1+1)*cmd|' /C calc'!A0" {
		t.Errorf("a title starting with @: got %q, %v; want it prefixed with a quote", recs, err)
	}
}

// TestIncidentPageEscapes: a <script> typed in chat shows as text on the
// incident page, in the timeline and in the post-mortem goldmark renders.
func TestIncidentPageEscapes(t *testing.T) {
	t.Parallel()
	p := newDash(t, storetest.SQLite(t), web.Config{})
	p.seed()
	_, body := p.get("/incidents/INC-2", viewerHeader, "local")
	if strings.Contains(body, "<script>alert") {
		t.Fatalf("a <script> from the timeline reached the page as markup:\n%s", body)
	}
	timeline, postmortem, _ := strings.Cut(body, `id="postmortem"`)
	if !strings.Contains(timeline, "&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt; seen in the logs") {
		t.Errorf("the timeline does not show the note as text:\n%s", timeline)
	}
	if !strings.Contains(postmortem, "&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt; seen in the logs") {
		t.Errorf("the post-mortem does not show the note as text:\n%s", postmortem)
	}
	if !strings.Contains(postmortem, "<table>") || !strings.Contains(postmortem, "<h3>") {
		t.Errorf("the post-mortem's Markdown was not rendered (tables, headings under the section):\n%s", postmortem)
	}
}

// TestIncidentPageFacts: the summary says when the impact started and the
// time to detect; a follow-up's owner is a name, never a chat mention,
// and its ticket is a link only when it is an http(s) URL.
func TestIncidentPageFacts(t *testing.T) {
	t.Parallel()
	p := newDash(t, storetest.SQLite(t), web.Config{Location: paris})
	p.seed()
	_, body := p.get("/incidents/INC-2", viewerHeader, "local")
	page, _, _ := strings.Cut(body, `id="postmortem"`)
	for _, want := range []string{
		"<dt>Impact started</dt><dd>11 March 2026, 10:10 CET</dd>", // 20 minutes before its detection
		"<dt>Time to detect</dt><dd>20m</dd>",
		"Renew certificates automatically · Owner: Alice Martin", // <@U1> is Alice in this incident
		"Write the runbook · Owner: @U9",                         // nobody the incident knows
		`Ticket: <a href="https://github.com/acme/shop/issues/12?a=1&amp;b=%3c2%3e">github.com/acme/shop/issues/12</a>`,
		"Ticket: javascript:alert(1)",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the incident page lacks %s:\n%s", want, page)
		}
	}
	for _, bad := range []string{"&lt;@U", `href="javascript`, `href="#ZgotmplZ"`} {
		if strings.Contains(page, bad) {
			t.Errorf("the incident page has %s:\n%s", bad, page)
		}
	}
	_, fr := p.get("/incidents/INC-2?lang=fr", viewerHeader, "local")
	if !strings.Contains(fr, "<dt>Début de l&#39;impact</dt>") || !strings.Contains(fr, "<dt>Délai de détection</dt><dd>20 min</dd>") {
		t.Errorf("the French page does not say the impact start and time to detect:\n%s", fr)
	}
}

// TestEvents: the live stream sends the viewer's open incidents at once,
// again after a change (one refresh, no reload), ends when Run ends,
// and refuses a stream past the limit.
func TestEvents(t *testing.T) {
	t.Parallel()
	p := newDash(t, storetest.SQLite(t), web.Config{MaxStreams: 1, Poll: 20 * time.Millisecond})
	p.seed()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.site.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()

	req, _ := http.NewRequest(http.MethodGet, p.srv.URL+"/events", nil)
	req.Header.Set(viewerHeader, "slack/T1")
	resp, err := p.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("got %s %q, want 200 text/event-stream", resp.Status, resp.Header.Get("Content-Type"))
	}
	events := make(chan string, 10)
	go func() {
		defer close(events)
		sc := bufio.NewScanner(resp.Body)
		var ev strings.Builder
		for sc.Scan() {
			if sc.Text() == "" && ev.Len() > 0 {
				events <- ev.String()
				ev.Reset()
				continue
			}
			ev.WriteString(sc.Text() + "\n")
		}
	}()
	next := func(what string) string {
		t.Helper()
		for {
			select {
			case ev, ok := <-events:
				if !ok {
					t.Fatalf("%s: the stream ended", what)
				}
				if strings.HasPrefix(ev, "event: incidents\n") {
					return ev
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("%s: no event within 10s", what)
			}
		}
	}
	first := next("the first list")
	if !strings.Contains(first, "INC-1") || strings.Contains(first, "INC-3") || !strings.Contains(first, "data: ") {
		t.Errorf("first event:\n%s\nwant INC-1 and not the guild's INC-3", first)
	}

	if over, _ := p.get("/events", viewerHeader, "local"); over.StatusCode != http.StatusServiceUnavailable || over.Header.Get("Retry-After") == "" {
		t.Errorf("a second stream with MaxStreams 1: got %s, want 503 with Retry-After", over.Status)
	}

	p.declare(incidentbot.Incident{Title: "Images do not load", Severity: incidentbot.SEV2, Type: "generic"})
	if ev := next("the list after a declaration"); !strings.Contains(ev, "Images do not load") {
		t.Errorf("after a declaration:\n%s", ev)
	}

	cancel()
	for range events {
	}
}

// TestDashboardMessagesFrench: the pages that only say something (403,
// 404, a bad CSV filter) speak the reader's language.
func TestDashboardMessagesFrench(t *testing.T) {
	t.Parallel()
	p := newDash(t, storetest.SQLite(t), web.Config{})
	p.seed()
	for _, tc := range []struct {
		path   string
		header []string
		status int
		want   string
	}{
		{"/trends?lang=fr", nil, http.StatusForbidden, "<h1>Cette page est privée</h1>"},
		{"/incidents/INC-99", []string{viewerHeader, "local", "Accept-Language", "fr-FR"}, http.StatusNotFound, "<h1>Incident INC-99 introuvable.</h1>"},
		{"/history.csv?severity=grave&lang=fr", []string{viewerHeader, "local"}, http.StatusBadRequest, "«\u00a0grave\u00a0» n'est pas une sévérité"},
	} {
		resp, body := p.get(tc.path, tc.header...)
		if resp.StatusCode != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("%s: got %s, want %d saying %q:\n%s", tc.path, resp.Status, tc.status, tc.want, body)
		}
	}
}
