// Package web is incidentbot's face in a browser: the home page and the
// public status page with its Atom feed, its JSON summary (the shape of
// Statuspage's /api/v2/summary.json) and the site banner script. Pages are
// html/template, with their CSS and the little JavaScript they need
// embedded in the binary. It reads through root interfaces only.
//
// The public pages are served from an in-memory snapshot that Run rebuilds
// when the store's change mark moves, so a traffic spike during an outage
// costs no database work at all.
package web

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/postmortem"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"datetime": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	// The trends table's cells read the page and one figure.
	"cells": func(p trendsView, c trendCell) any {
		return struct {
			Page trendsView
			Cell trendCell
		}{p, c}
	},
	"statOf": func(p trendsView, s stat) any {
		return struct {
			Page trendsView
			Stat stat
		}{p, s}
	},
}).ParseFS(templateFS, "templates/*.html"))

// Config is what the pages say about the shop and the bot.
type Config struct {
	// Name is the shop's name on the status page ("Example Shop").
	Name string
	// ShopURL is what customer templates link to when a playbook's
	// verify_site has no URL of its own.
	ShopURL string
	// PublicURL is the site's address as people reach it (PUBLIC_URL):
	// the feed's and the JSON summary's links are absolute under it, as
	// feed readers and Statuspage widgets need. Unset, they stay relative:
	// a cached snapshot never takes its host from a request, whose Host
	// header anyone can write.
	PublicURL string
	// Language is the page language when the browser states none we speak.
	Language string
	// Chats are the chat platforms that are on ("slack", "discord"); none
	// and the home page says how to turn chat on.
	Chats []string
	// Poll is how often Run checks the change mark; 0 is DefaultPoll.
	Poll time.Duration

	// The dashboard's figures: times in Location (BOT_TIMEZONE; nil is
	// UTC), lost sales at RevenuePerMinute (or by Profile) in Currency.
	Location         *time.Location
	RevenuePerMinute float64
	Currency         string
	Profile          *postmortem.RevenueProfile
	// MaxStreams bounds the live dashboards open at once; 0 is
	// DefaultMaxStreams. Heartbeat is how often a quiet one hears from
	// us; 0 is DefaultHeartbeat.
	MaxStreams int
	Heartbeat  time.Duration
}

// DefaultPoll is how often Run looks for changes: a customer sees a new
// incident, and a manager's dashboard a chat command, within a second;
// the check is one index lookup.
const DefaultPoll = 500 * time.Millisecond

// maxStale is the age at which Run rebuilds even without a change: the
// 90-day window moves on, and it bounds how long a change the mark missed
// (see Refresh) can stay unseen.
const maxStale = time.Minute

// Site serves the pages. Its snapshot is rebuilt by Run or Refresh.
type Site struct {
	cfg     Config
	src     incidentbot.DashboardSource
	books   incidentbot.Playbooks
	clock   incidentbot.Clock
	logger  *slog.Logger
	home    map[string]cached // by language
	streams *streams
	csvPage int // incidents per read of the CSV export

	snap    atomic.Pointer[snapshot]
	buildMu sync.Mutex // one build at a time
}

// New returns a Site; call Run (or Refresh) so it has something to serve.
func New(cfg Config, src incidentbot.DashboardSource, books incidentbot.Playbooks, clock incidentbot.Clock, logger *slog.Logger) (*Site, error) {
	if src == nil || books == nil || clock == nil {
		return nil, errors.New("web: a status source, playbooks and a clock are required")
	}
	if cfg.Name == "" {
		cfg.Name = defaultName(cfg.ShopURL)
	}
	base, err := publicBase(cfg.PublicURL)
	if err != nil {
		return nil, err
	}
	cfg.PublicURL = base
	if _, ok := texts[cfg.Language]; !ok {
		cfg.Language = i18n.Default
	}
	if cfg.Poll <= 0 {
		cfg.Poll = DefaultPoll
	}
	if cfg.MaxStreams <= 0 {
		cfg.MaxStreams = DefaultMaxStreams
	}
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = DefaultHeartbeat
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Site{cfg: cfg, src: src, books: books, clock: clock, logger: logger, home: map[string]cached{}, streams: newStreams(cfg.MaxStreams), csvPage: csvPage}
	for lang, t := range texts {
		b, err := render("home.html", homeView{Lang: lang, T: t, Name: s.name(lang), Chats: cfg.Chats})
		if err != nil {
			return nil, err
		}
		home := newCached(b, "text/html; charset=utf-8")
		// The same URL is the dashboard once signed in: the browser asks
		// again each time (a 304 while nothing changed), so the welcome
		// never outlives a sign-in in its cache.
		home.cacheH = revalidateH
		s.home[lang] = home
	}
	return s, nil
}

// publicBase is raw without its trailing slash, so paths join under it;
// "" stays "" (relative links).
func publicBase(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", errors.New("web: the public URL must be the site's address, like https://incidents.example.com")
	}
	return strings.TrimSuffix(u.String(), "/"), nil
}

// name is the shop's name on the pages: STATUS_PAGE_NAME, else SHOP_URL's
// host, else "our shop" in lang.
func (s *Site) name(lang string) string {
	if s.cfg.Name != "" {
		return s.cfg.Name
	}
	return texts[lang].OurShop
}

// Run rebuilds the snapshot at start and whenever the change mark moves,
// until ctx ends; then it ends the live streams. A failed check keeps
// serving the last snapshot.
//
// A build reads and renders every incident the pages show, so during a
// storm of declarations (thousands open, the mark moving all the time) it
// would take a growing share of the CPU the commands need: the next check
// waits buildShare times as long as the last build took, if that is more
// than Poll. In normal times a build takes a millisecond and Poll rules.
func (s *Site) Run(ctx context.Context) error {
	timer := time.NewTimer(s.cfg.Poll)
	defer timer.Stop()
	defer s.streams.stop.Do(func() { close(s.streams.stopped) })
	for {
		start := time.Now()
		built, err := s.refresh(ctx)
		if err != nil && ctx.Err() == nil {
			s.logger.WarnContext(ctx, "status page not refreshed, serving the last snapshot", "err", err)
		}
		wait := s.cfg.Poll
		if built {
			wait = max(wait, buildShare*time.Since(start))
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
	}
}

// buildShare bounds the snapshot builds to about a tenth of a core.
const buildShare = 10

// Refresh rebuilds the snapshot if the store changed since the last build
// (or it is older than maxStale). A mark that moved gets one more build on
// the next call even if it stays put: on Postgres a transaction can take
// an event id before another and commit after it, so the first build may
// have missed it.
func (s *Site) Refresh(ctx context.Context) error {
	_, err := s.refresh(ctx)
	return err
}

// refresh is Refresh, saying whether it built.
func (s *Site) refresh(ctx context.Context) (bool, error) {
	mark, err := s.src.ChangeMark(ctx)
	if err != nil {
		return false, err
	}
	if s.fresh(s.snap.Load(), mark) {
		return false, nil
	}
	_, err = s.rebuild(ctx, mark)
	return err == nil, err
}

// fresh reports whether cur needs no rebuild at mark.
func (s *Site) fresh(cur *snapshot, mark int64) bool {
	return cur != nil && cur.mark == mark && cur.settled && s.clock.Now().Sub(cur.built) < maxStale
}

// current returns the snapshot, building the first one on demand so a
// request that arrives before Run's first build still gets the page.
func (s *Site) current(ctx context.Context) (*snapshot, error) {
	if cur := s.snap.Load(); cur != nil {
		return cur, nil
	}
	mark, err := s.src.ChangeMark(ctx)
	if err != nil {
		return nil, err
	}
	return s.rebuild(ctx, mark)
}

func (s *Site) rebuild(ctx context.Context, mark int64) (*snapshot, error) {
	s.buildMu.Lock()
	defer s.buildMu.Unlock()
	cur := s.snap.Load()
	if s.fresh(cur, mark) {
		return cur, nil // another caller built it while we waited
	}
	snap, err := s.build(ctx, mark)
	if err != nil {
		return nil, fmt.Errorf("build status page: %w", err)
	}
	// Built twice at the same mark, it has seen every change up to it.
	snap.settled = cur != nil && cur.mark == mark
	s.snap.Store(snap)
	s.streams.publish()
	return snap, nil
}

// Home serves / : the dashboard to a viewer (signed in, or local); to
// anyone else what this server is and whether chat is on.
func (s *Site) Home() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := ViewerFrom(r.Context()); ok {
			s.private(s.dashboard).ServeHTTP(w, r)
			return
		}
		s.home[s.lang(r)].serve(w, r, false)
	})
}

// Status serves the public status page.
func (s *Site) Status() http.Handler {
	return s.public(func(v *variant) cached { return v.page }, false)
}

// Feed serves the status page as an Atom feed.
func (s *Site) Feed() http.Handler { return s.public(func(v *variant) cached { return v.feed }, true) }

// Summary serves the JSON summary in the shape of Statuspage's.
func (s *Site) Summary() http.Handler {
	return s.public(func(v *variant) cached { return v.summary }, true)
}

// Banner serves /status/banner.js, the script shops paste into their theme.
func (s *Site) Banner() http.Handler {
	c := newCached(bannerScript(s.cfg.Language), "text/javascript; charset=utf-8")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { c.serve(w, r, true) })
}

// bannerMarker is the line of banner.js the server fills in.
const bannerMarker = "var link = {};"

// bannerScript is banner.js with its link's word in every language the
// catalog speaks, fallback the one for a page that states none.
func bannerScript(fallback string) []byte {
	b, err := assetFS.ReadFile("assets/banner.js")
	if err != nil || !bytes.Contains(b, []byte(bannerMarker)) {
		panic("web: assets/banner.js lacks " + bannerMarker) // embedded at build time
	}
	words := map[string]string{}
	for lang, t := range texts {
		words[lang] = t.BannerMore
	}
	j, err := json.Marshal(map[string]any{"words": words, "fallback": fallback})
	if err != nil {
		panic(err)
	}
	return bytes.Replace(b, []byte(bannerMarker), []byte("var link = "+string(j)+";"), 1)
}

// Assets serves /assets/ (the stylesheet).
func (s *Site) Assets() http.Handler {
	sub, err := fs.Sub(assetFS, "assets")
	if err != nil {
		panic(err)
	}
	files := http.StripPrefix("/assets/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=300")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	})
}

// public serves one part of the snapshot in the request's language.
func (s *Site) public(pick func(*variant) cached, cors bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		snap, err := s.current(r.Context())
		if err != nil {
			s.logger.ErrorContext(r.Context(), "status page unavailable", "err", err)
			http.Error(w, texts[s.lang(r)].Unavailable, http.StatusServiceUnavailable)
			return
		}
		v := snap.variants[s.lang(r)]
		pick(v).serve(w, r, cors)
	})
}

// lang is ?lang= when we speak it, else the browser's preference, else the default.
func (s *Site) lang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l != "" {
		if _, ok := texts[l]; ok {
			return l
		}
	}
	if l := PreferredLanguage(r.Header.Get("Accept-Language"), i18n.Supported); l != "" {
		return l
	}
	return s.cfg.Language
}

// maxAge is how long browsers and CDNs may reuse a public page without
// asking: short, so a new incident shows within seconds; after it, the
// ETag makes asking again cost a 304.
const maxAge = 10

// cached is a response body ready to serve, with its ETag and its
// headers' values built once: serving it allocates nothing of its own.
type cached struct {
	body                  []byte
	etag                  string
	etagH, typeH, lengthH []string
	cacheH                []string // Cache-Control; nil is cacheControlH
}

// Header values shared by every public response (never appended to).
var (
	cacheControlH = []string{fmt.Sprintf("public, max-age=%d", maxAge)}
	varyH         = []string{"Accept-Language"}
	nosniffH      = []string{"nosniff"}
	revalidateH   = []string{"no-cache"}
	anyOriginH    = []string{"*"}
)

func newCached(body []byte, contentType string) cached {
	etag := etagOf(body)
	return cached{body: body, etag: etag, etagH: []string{etag}, typeH: []string{contentType}, lengthH: []string{strconv.Itoa(len(body))}}
}

func (c cached) serve(w http.ResponseWriter, r *http.Request, cors bool) {
	h := w.Header()
	h["Etag"] = c.etagH
	h["Cache-Control"] = cacheControlH
	if c.cacheH != nil {
		h["Cache-Control"] = c.cacheH
	}
	h["Vary"] = varyH
	h["X-Content-Type-Options"] = nosniffH
	if cors {
		// Public data, read by the shop's own pages on another origin.
		h["Access-Control-Allow-Origin"] = anyOriginH
	}
	if matchETag(r.Header.Get("If-None-Match"), c.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Type"] = c.typeH
	h["Content-Length"] = c.lengthH
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(c.body)
	}
}
