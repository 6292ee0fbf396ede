// Package fakediscordoauth is a stateful fake of Discord's OAuth2 for
// people signing in to a web site, written from Discord's OAuth2 and user
// resource documentation: /oauth2/authorize, the token endpoint (form
// posts only, RFC 6749 errors), GET /users/@me and GET
// /users/@me/guilds/{guild.id}/member (scope guilds.members.read; 404
// "Unknown Guild" for a non-member). The bot's own API is fakediscord's.
//
// The browser's Discord session is the fake's current user (SignInAs):
// the authorize endpoint approves as them at once, or refuses (Deny).
package fakediscordoauth

import (
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"incidentbot/internal/fake/fakehttp"
)

// Identities the fake starts with.
const (
	ClientID     = "1302445566778899001"
	ClientSecret = "fake-discord-oauth-client-secret"
	GuildID      = "1302445566778899100"
)

// DefaultUser is signed in to Discord until SignInAs says otherwise.
var DefaultUser = User{ID: "80351110224678912", Username: "grace", GlobalName: "Grace Hopper", Guilds: []string{GuildID}}

// User is a person signed in to Discord in the browser, with the guilds
// they are a member of.
type User struct {
	ID, Username, GlobalName string
	Guilds                   []string
}

// Option configures a Server.
type Option func(*Server)

// WithClock makes codes age by now.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// Server is the fake. It is safe for concurrent use.
type Server struct {
	http   *fakehttp.Server
	now    func() time.Time
	grants *fakehttp.Grants

	fakehttp.Consent // AllowRedirect, Deny

	mu   sync.Mutex
	user User
}

// New starts a fake closed when the test ends.
func New(tb testing.TB, opts ...Option) *Server {
	s := &Server{now: time.Now, user: DefaultUser}
	for _, o := range opts {
		o(s)
	}
	s.grants = fakehttp.NewGrants(func() time.Time { return s.now() })
	s.http = fakehttp.New(tb, nil)
	s.http.Handle("GET /oauth2/authorize", http.HandlerFunc(s.authorize))
	s.http.Handle("POST /api/oauth2/token", http.HandlerFunc(s.token))
	s.http.Handle("POST /api/v10/oauth2/token", http.HandlerFunc(s.token))
	s.http.Handle("GET /api/v10/users/@me", http.HandlerFunc(s.me))
	s.http.Handle("GET /api/v10/users/@me/guilds/{guild}/member", http.HandlerFunc(s.member))
	return s
}

// URL is Discord's address for the bot: DISCORD_OAUTH_URL.
func (s *Server) URL() string { return s.http.URL() }

// SignInAs makes u the person signed in to Discord in the browser.
func (s *Server) SignInAs(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u.Guilds = slices.Clone(u.Guilds)
	s.user = u
}

// Calls counts the calls of a route ("GET /api/v10/users/@me").
func (s *Server) Calls(route string) int { return s.http.Calls(route) }

// FailNext serves answer to the next n calls of route.
func (s *Server) FailNext(route string, answer http.HandlerFunc, n int) {
	s.http.FailNext(route, answer, n)
}
