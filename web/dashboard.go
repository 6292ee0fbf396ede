package web

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/postmortem"
)

// The managers' dashboard: private pages, each reading the viewer the
// sign-in guard put in the request and showing only the incidents of the
// viewer's workspace (every workspace for a Local viewer). No viewer, no
// page: 403.

// pageView is what every private page's layout reads.
type pageView struct {
	Lang     string
	T        text
	D        dashText
	Name     string // the shop's
	Title    string // the page's
	Nav      string // the current page in the menu: "/", "/incidents", "/trends"
	OtherURL string // this page in the other language
	Viewer   Viewer
	Chats    []string
	Error    string // bad input, said at the top of the page

	loc      *time.Location
	now      time.Time
	currency string
}

// newPage starts a private page's view for r.
func (s *Site) newPage(r *http.Request, v Viewer, title func(dashText) string, nav string) pageView {
	lang := s.lang(r)
	q := r.URL.Query()
	q.Set("lang", texts[lang].OtherLang)
	other := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
	d := dashTexts[lang]
	return pageView{
		Lang: lang, T: texts[lang], D: d, Name: s.name(lang), Title: title(d), Nav: nav,
		OtherURL: other.String(), Viewer: v, Chats: s.cfg.Chats,
		loc: s.cfg.Location, now: s.clock.Now(), currency: s.cfg.Currency,
	}
}

// When is a moment in BOT_TIMEZONE: "5 December 2026, 14:02 CET".
func (p pageView) When(t time.Time) string { return i18n.When(p.Lang, t, p.loc) }

// WhenP is When for a time that may not have happened: "—".
func (p pageView) WhenP(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "—"
	}
	return p.When(*t)
}

// Datetime is t for a <time datetime> attribute.
func (p pageView) Datetime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Dur is a duration for people: "2h 05m".
func (p pageView) Dur(d time.Duration) string { return i18n.Duration(p.Lang, d) }

// Ago is how long ago t was: "4m ago".
func (p pageView) Ago(t time.Time) string { return p.D.Ago(p.Dur(p.now.Sub(t))) }

// Money is an amount in the shop's currency.
func (p pageView) Money(v float64) string { return i18n.Money(p.Lang, v, p.currency) }

// Spend is ad spend per currency: "€12.00, $3.50"; "—" for none.
func (p pageView) Spend(m map[string]float64) string {
	if len(m) == 0 {
		return "—"
	}
	var out []string
	for _, c := range slices.Sorted(maps.Keys(m)) {
		out = append(out, i18n.Money(p.Lang, m[c], c))
	}
	return strings.Join(out, ", ")
}

// StatusWord is a status in the page's language.
func (p pageView) StatusWord(s incidentbot.Status) string {
	return i18n.T(p.Lang, "status."+string(s), nil)
}

// KindWord is an event kind in the page's language.
func (p pageView) KindWord(k incidentbot.EventKind) string {
	return i18n.T(p.Lang, "event."+string(k), nil)
}

// tenantOf is the history scope of v: its workspace, or every one for a
// Local viewer.
func tenantOf(v Viewer) *incidentbot.Tenant {
	if v.Local {
		return nil
	}
	return &incidentbot.Tenant{Platform: v.Platform, Workspace: v.Workspace}
}

// private serves page only to a request that carries a viewer; without
// one it answers 403 and says how to get in.
func (s *Site) private(page func(w http.ResponseWriter, r *http.Request, v Viewer)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, ok := ViewerFrom(r.Context())
		if !ok {
			s.message(w, r, http.StatusForbidden, func(d dashText) (string, string) { return d.Forbidden, d.ForbiddenText })
			return
		}
		w.Header().Set("Cache-Control", "private, no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "same-origin")
		page(w, r, v)
	})
}

// messageView is message.html's: a page that only says something.
type messageView struct {
	pageView
	Text string
}

// message answers status with a page saying what went wrong.
func (s *Site) message(w http.ResponseWriter, r *http.Request, status int, say func(dashText) (title, text string)) {
	v, _ := ViewerFrom(r.Context())
	var body string
	p := s.newPage(r, v, func(d dashText) string { t, b := say(d); body = b; return t }, "")
	s.write(w, r, status, "message.html", messageView{pageView: p, Text: body})
}

// unavailable says the store could not be read, logging why.
func (s *Site) unavailable(w http.ResponseWriter, r *http.Request, err error) {
	s.logger.ErrorContext(r.Context(), "dashboard page failed", "path", r.URL.Path, "code", incidentbot.ErrorCode(err), "err", err)
	s.message(w, r, http.StatusServiceUnavailable, func(d dashText) (string, string) { return d.Dashboard, d.Unavailable })
}

// write renders a private page with status.
func (s *Site) write(w http.ResponseWriter, r *http.Request, status int, name string, view any) {
	b, err := render(name, view)
	if err != nil {
		s.logger.ErrorContext(r.Context(), "page did not render", "page", name, "err", err)
		http.Error(w, dashTexts[s.lang(r)].Internal, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Vary", "Accept-Language")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b)
	}
}

// playbookOf is the playbook of inc, or nil: a renamed playbook still
// lets its old incidents show.
func (s *Site) playbookOf(inc *incidentbot.Incident) *incidentbot.Playbook {
	pb, err := s.books.Match(inc.Type, "")
	if err != nil {
		return nil
	}
	return pb
}

// loss is inc's outage and lost sales as of now, as the post-mortem says;
// a drill is practice and costs nothing.
func (s *Site) loss(inc *incidentbot.Incident, now time.Time) postmortem.Loss {
	if inc.Drill {
		return postmortem.Loss{}
	}
	return postmortem.LostSales(inc, s.playbookOf(inc), s.cfg.RevenuePerMinute, s.cfg.Profile, s.cfg.Location, now)
}

// revenueKnown reports whether the shop's revenue is configured.
func (s *Site) revenueKnown() bool { return s.cfg.RevenuePerMinute > 0 || s.cfg.Profile != nil }

// Now is the page's clock, for durations of open incidents.
func (p pageView) Now() time.Time { return p.now }
