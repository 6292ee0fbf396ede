// Package signin lets people into the private pages with the identities
// they already have: "Sign in with Slack" (OpenID Connect) and Discord
// OAuth2, each with state (CSRF) and PKCE, accepting only members of the
// workspaces or the guild the chat side serves. A session is a cookie
// signed with HMAC-SHA256; nothing about it is kept on the server.
//
// Guard puts the signed-in person in the request's context as a
// web.Viewer. Without any sign-in configured, the private pages answer
// only a browser on the machine itself (a Local viewer), and tell anyone
// else how to turn sign-in on.
package signin

import (
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"incidentbot"
	"incidentbot/i18n"
)

// Providers' names, as in the URLs /signin/{provider} and as the Viewer's Platform.
const (
	Slack   = incidentbot.PlatformSlack
	Discord = incidentbot.PlatformDiscord
)

// DefaultSessionTTL is how long a session lasts: a working day, so a
// person removed from the workspace loses access by the next morning.
const DefaultSessionTTL = 12 * time.Hour

// Config says which sign-ins are on and where the site is.
type Config struct {
	// PublicURL is the site's address as browsers reach it, like
	// https://incidents.example.com; the providers send people back to
	// PublicURL/signin/{provider}/callback. Required with a provider.
	PublicURL string
	// Key signs the cookies; at least MinKeyLen bytes. Required with a provider.
	Key []byte
	// SessionTTL is how long a session lasts; 0 is DefaultSessionTTL.
	SessionTTL time.Duration
	// Slack and Discord turn each sign-in on; nil leaves it off.
	Slack   *SlackConfig
	Discord *DiscordConfig
	// HTTPClient calls the providers; nil is a client with a 10-second timeout.
	HTTPClient *http.Client
	// Language is the pages' language when the browser states none the
	// catalog speaks (BOT_LANGUAGE); "" is English.
	Language string
}

// Auth serves the sign-in pages and guards the private ones.
type Auth struct {
	providers map[string]provider
	order     []string // as the sign-in page lists them
	codec     codec
	secure    bool // the Secure cookie attribute
	ttl       time.Duration
	language  string
	clock     incidentbot.Clock
	logger    *slog.Logger
}

// provider is one identity provider's half of the flow.
type provider interface {
	label() string
	// authCodeURL is where to send the browser to sign in.
	authCodeURL(r *http.Request, f flow) (string, error)
	// signIn trades the code for who signed in, checking they belong to
	// an allowed workspace; errors carry a message for people.
	signIn(r *http.Request, code string, f flow) (session, error)
	// allows reports whether a session of workspace is still welcome.
	allows(workspace string) bool
}

// New checks cfg and returns the Auth. With no provider it needs nothing
// else and guards by the loopback rule.
func New(cfg Config, clock incidentbot.Clock, logger *slog.Logger) (*Auth, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	a := &Auth{providers: map[string]provider{}, clock: clock, logger: logger, ttl: cfg.SessionTTL, language: i18n.Or(cfg.Language)}
	if a.ttl <= 0 {
		a.ttl = DefaultSessionTTL
	}
	if cfg.Slack == nil && cfg.Discord == nil {
		return a, nil
	}
	base, err := checkPublicURL(cfg.PublicURL)
	if err != nil {
		return nil, err
	}
	if len(cfg.Key) < MinKeyLen {
		return nil, fmt.Errorf("signin: the signing key must be at least %d bytes", MinKeyLen)
	}
	a.codec = codec{key: slices.Clone(cfg.Key)}
	a.secure = !(base.Scheme == "http" && loopbackHost(base.Host))
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	callback := func(name string) string { return base.JoinPath("signin", name, "callback").String() }
	if cfg.Slack != nil {
		p, err := newSlack(*cfg.Slack, callback(Slack), client, clock)
		if err != nil {
			return nil, err
		}
		a.providers[Slack], a.order = p, append(a.order, Slack)
	}
	if cfg.Discord != nil {
		p, err := newDiscord(*cfg.Discord, callback(Discord), client)
		if err != nil {
			return nil, err
		}
		a.providers[Discord], a.order = p, append(a.order, Discord)
	}
	return a, nil
}

// CheckPublicURL says what is wrong with a public URL for sign-in, for
// configuration checks; nil when it is fine.
func CheckPublicURL(raw string) error {
	_, err := checkPublicURL(raw)
	return err
}

func checkPublicURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.RawQuery != "" || u.Fragment != "":
		return nil, errors.New("the public URL must be the site's address, like https://incidents.example.com")
	case u.Scheme == "http" && !loopbackHost(u.Host):
		// Browsers drop Secure cookies over plain http, so sign-in
		// would loop; and a session must not travel in clear.
		return nil, errors.New("the public URL must use https (plain http only for localhost)")
	}
	return u, nil
}

// Enabled reports whether any sign-in is configured.
func (a *Auth) Enabled() bool { return len(a.providers) > 0 }

// SignOut serves POST /signout: the session cookie is cleared.
func (a *Auth) SignOut() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !sameOrigin(r) {
			a.fail(w, r, refuse(incidentbot.EFORBIDDEN, "cross_site", nil, nil))
			return
		}
		a.clearCookie(w, sessionCookie, "/")
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
}

// sameOrigin refuses a cross-site form post: browsers send Origin with
// every POST, and Sec-Fetch-Site when they know it.
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

// Start serves GET /signin/{provider}: it remembers the flow in a signed
// cookie and sends the browser to the provider.
func (a *Auth) Start() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("provider")
		p, ok := a.providers[name]
		if !ok {
			a.fail(w, r, refuse(incidentbot.ENOTFOUND, "unknown_provider", about(clip(name, 32)), nil))
			return
		}
		f := flow{
			Provider: name,
			State:    random(),
			Nonce:    random(),
			Verifier: oauth2.GenerateVerifier(),
			Next:     safeNext(r.URL.Query().Get("next")),
			Expires:  a.clock.Now().Add(flowTTL).Unix(),
		}
		to, err := p.authCodeURL(r, f)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		value, err := a.codec.seal(flowCookie, f)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		http.SetCookie(w, a.cookie(flowCookie, value, flowPath, int(flowTTL/time.Second)))
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, to, http.StatusFound)
	})
}

// Callback serves GET /signin/{provider}/callback, where the provider
// sends the browser back: state checked against the flow cookie, code
// traded (with the PKCE verifier), membership checked, session set.
func (a *Auth) Callback() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, p, err := a.resume(r)
		a.clearCookie(w, flowCookie, flowPath) // one use, whatever happens
		if err != nil {
			a.fail(w, r, err)
			return
		}
		s, err := p.signIn(r, r.URL.Query().Get("code"), f)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		s.Expires = a.clock.Now().Add(a.ttl).Unix()
		value, err := a.codec.seal(sessionCookie, s)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		http.SetCookie(w, a.cookie(sessionCookie, value, "/", int(a.ttl/time.Second)))
		a.logger.InfoContext(r.Context(), "signed in", "platform", s.Platform, "workspace", s.Workspace, "user", s.UserID)
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, f.Next, http.StatusSeeOther)
	})
}

// resume finds the flow this callback ends and checks the provider's answer.
func (a *Auth) resume(r *http.Request) (flow, provider, error) {
	name := r.PathValue("provider")
	p, ok := a.providers[name]
	if !ok {
		return flow{}, nil, refuse(incidentbot.ENOTFOUND, "unknown_provider", about(clip(name, 32)), nil)
	}
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		if e == "access_denied" {
			return flow{}, nil, refuse(incidentbot.EFORBIDDEN, "cancelled", about(p.label()), nil)
		}
		return flow{}, nil, refuse(incidentbot.EINVALID, "refused", map[string]any{"Provider": p.label(), "Reason": clip(e, 64)}, nil)
	}
	stale := refuse(incidentbot.EINVALID, "stale", nil, nil)
	c, err := r.Cookie(flowCookie)
	if err != nil {
		return flow{}, nil, stale
	}
	var f flow
	if err := a.codec.open(flowCookie, c.Value, &f); err != nil || f.Provider != name || a.clock.Now().Unix() >= f.Expires {
		return flow{}, nil, stale
	}
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(f.State)) != 1 {
		return flow{}, nil, stale
	}
	if q.Get("code") == "" {
		return flow{}, nil, refuse(incidentbot.EINVALID, "no_code", about(p.label()), nil)
	}
	return f, p, nil
}

// safeNext is where to go after signing in: a path on this site, never
// another site ("//evil.example", "/\evil.example", "https://...").
func safeNext(next string) string {
	if next == "" || len(next) > 2048 || next[0] != '/' || strings.HasPrefix(next, "//") ||
		strings.ContainsFunc(next, func(r rune) bool { return r == '\\' || r < 0x20 || r == 0x7f }) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || strings.HasPrefix(u.Path, "/signin") {
		return "/"
	}
	return next
}

// random is 260 bits for a state or a nonce.
func random() string { return rand.Text() + rand.Text() }

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
