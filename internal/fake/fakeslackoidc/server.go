// Package fakeslackoidc is a stateful fake of Sign in with Slack, Slack's
// OpenID Connect provider, written from Slack's documentation: the
// discovery document, the signing keys (a real RSA key: ID tokens are
// RS256-signed), /openid/connect/authorize, openid.connect.token (which,
// like every Slack Web API method, answers HTTP 200 with "ok": false on
// error) and openid.connect.userInfo.
//
// The browser's Slack session is the fake's current user (SignInAs): the
// authorize endpoint approves as them at once, or refuses (Deny).
package fakeslackoidc

import (
	"crypto/rsa"
	"net/http"
	"sync"
	"testing"
	"time"

	"incidentbot/internal/fake/fakehttp"
)

// Identities the fake starts with.
const (
	ClientID     = "1111111111.2222222222"
	ClientSecret = "fake-slack-oidc-client-secret"
	TeamID       = "T0FAKETEAM1"
	TeamName     = "Example Shop"
)

// DefaultUser is signed in to Slack until SignInAs says otherwise.
var DefaultUser = User{ID: "U0FAKEUSER1", Team: TeamID, Name: "Ada Lovelace"}

// User is a person signed in to Slack in the browser.
type User struct{ ID, Team, Name string }

// Option configures a Server.
type Option func(*Server)

// WithClock makes the fake read time from now: codes age and ID tokens
// are issued and expire by it.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithTokenLifetime sets how long an ID token is valid (Slack: minutes).
func WithTokenLifetime(d time.Duration) Option { return func(s *Server) { s.lifetime = d } }

// Server is the fake. It is safe for concurrent use.
type Server struct {
	http     *fakehttp.Server
	key      *rsa.PrivateKey
	now      func() time.Time
	lifetime time.Duration
	grants   *fakehttp.Grants

	fakehttp.Consent // AllowRedirect, Deny

	mu   sync.Mutex
	user User
}

// New starts a fake closed when the test ends.
func New(tb testing.TB, opts ...Option) *Server {
	s := &Server{key: signingKey(tb), now: time.Now, lifetime: 5 * time.Minute, user: DefaultUser}
	for _, o := range opts {
		o(s)
	}
	s.grants = fakehttp.NewGrants(func() time.Time { return s.now() })
	s.http = fakehttp.New(tb, nil)
	s.http.Handle("GET /.well-known/openid-configuration", http.HandlerFunc(s.discovery))
	s.http.Handle("GET /openid/connect/keys", http.HandlerFunc(s.keys))
	s.http.Handle("GET /openid/connect/authorize", http.HandlerFunc(s.authorize))
	s.http.Handle("POST /api/openid.connect.token", http.HandlerFunc(s.token))
	s.http.Handle("GET /api/openid.connect.userInfo", http.HandlerFunc(s.userInfo))
	s.http.Handle("POST /api/openid.connect.userInfo", http.HandlerFunc(s.userInfo))
	return s
}

// URL is the issuer: SLACK_OIDC_URL for the bot.
func (s *Server) URL() string { return s.http.URL() }

// SignInAs makes u the person signed in to Slack in the browser.
func (s *Server) SignInAs(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user = u
}

// Calls counts the calls of a route ("POST /api/openid.connect.token").
func (s *Server) Calls(route string) int { return s.http.Calls(route) }

// FailNext serves answer to the next n calls of route.
func (s *Server) FailNext(route string, answer http.HandlerFunc, n int) {
	s.http.FailNext(route, answer, n)
}
