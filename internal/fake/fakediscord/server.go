// Package fakediscord is a stateful fake of the Discord REST API (v9 and v10
// paths) and of its gateway websocket for tests and the demo, written from
// ../shared/fixtures/discord/README.md rather than from our client: real
// error bodies and codes, per-route and global rate limits with 429s and
// X-RateLimit-* headers, interaction callbacks and webhooks with their
// deadlines, and knobs for failures and latency.
//
// discordgo's endpoints are package variables, so point a session at the
// fake with an http.Client whose transport rewrites the host (see Transport).
package fakediscord

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"incidentbot/internal/fake/fakehttp"
)

// Identities the fake starts with. The bot's user id differs from the
// application id, as for applications older than their bot user (GET
// /users/@me says which is which), so a client mixing them is caught.
const (
	DefaultToken = "fake-discord-bot-token"
	AppID        = "1302445566778899001"
	BotUserID    = "1302445566778899002"
	GuildID      = "1302445566778899100"
	BotName      = "incidentbot"
)

// Option configures a Server.
type Option func(*Server)

// WithToken sets the only bot token the fake accepts.
func WithToken(token string) Option { return func(s *Server) { s.token = token } }

// WithClock makes the fake read time from now: message timestamps,
// interaction deadlines and rate-limit windows follow it.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithRateLimit limits route (a pattern such as "POST /channels/{channel}/messages")
// to n requests per window for each top-level resource (channel, guild, webhook).
func WithRateLimit(route string, n int, per time.Duration) Option {
	return func(s *Server) { s.limits[route] = limit{n: n, per: per} }
}

// WithGlobalRateLimit limits every bot-authenticated request to n per
// window (Discord: 50 a second). Interaction endpoints are exempt.
func WithGlobalRateLimit(n int, per time.Duration) Option {
	return func(s *Server) { s.global = limit{n: n, per: per} }
}

// WithMembers adds people to the guild.
func WithMembers(members ...Member) Option {
	return func(s *Server) {
		for _, m := range members {
			m.Roles = append([]string(nil), m.Roles...)
			s.members = append(s.members, &m)
		}
	}
}

// WithRoles adds roles to the guild.
func WithRoles(roles ...Role) Option {
	return func(s *Server) {
		for _, r := range roles {
			s.roles = append(s.roles, &r)
		}
	}
}

// Server is a fake Discord REST API for one guild. It is safe for concurrent use.
type Server struct {
	http    *fakehttp.Server
	limiter *fakehttp.Limiter
	mux     *http.ServeMux
	token   string
	now     func() time.Time
	limits  map[string]limit
	global  limit

	mu           sync.Mutex
	channels     []*Channel // creation order
	messages     map[string][]*Message
	members      []*Member
	roles        []*Role
	interactions map[string]*interaction
	callbacks    []Callback
	writes       []Write
	commands     map[string][]Command // by guild id, "" for global
	seq          int64

	gw gateway // its own lock: writes to sockets never hold s.mu
}

type limit struct {
	n   int
	per time.Duration
}

// New starts a fake Discord closed when the test ends. The guild has an
// @everyone role (id = guild id) and the bot as a member.
func New(t testing.TB, opts ...Option) *Server {
	s := &Server{
		token:        DefaultToken,
		now:          time.Now,
		limits:       map[string]limit{},
		messages:     map[string][]*Message{},
		interactions: map[string]*interaction{},
		commands:     map[string][]Command{},
		seq:          1443300000000000000,
	}
	s.roles = []*Role{{ID: GuildID, Name: "@everyone"}}
	s.members = []*Member{{User: botUser}}
	for _, o := range opts {
		o(s)
	}
	s.mux = http.NewServeMux()
	s.routes()
	s.limiter = fakehttp.NewLimiter(s.now)
	s.gw = gateway{conns: map[*gatewayConn]bool{}, sessions: map[string]*gatewaySession{}}
	s.http = fakehttp.New(t, http.HandlerFunc(s.serveHTTP))
	t.Cleanup(s.closeGateway) // runs before the HTTP server closes
	return s
}

// URL is the fake's base URL, without a path.
func (s *Server) URL() string { return s.http.URL() }

// Token is the bot token the fake accepts (without the "Bot " prefix).
func (s *Server) Token() string { return s.token }

// Transport returns a RoundTripper sending every request to the fake,
// keeping the path: what a client built for https://discord.com needs.
func (s *Server) Transport() http.RoundTripper {
	u, _ := url.Parse(s.http.URL())
	return rewrite{target: u}
}

type rewrite struct{ target *url.URL }

func (t rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = t.target.Scheme, t.target.Host, t.target.Host
	return http.DefaultTransport.RoundTrip(r)
}

// FailNext makes the next n calls of route answer status with a Discord
// error body {"message":..., "code":code}.
func (s *Server) FailNext(route string, status, code int, message string, n int) {
	s.http.FailNext(route, func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, &apiError{status: status, code: code, message: message})
	}, n)
}

// RateLimitNext makes the next n calls of route answer 429 with
// retry_after; global marks the global limit.
func (s *Server) RateLimitNext(route string, retryAfter time.Duration, global bool, n int) {
	s.http.FailNext(route, func(w http.ResponseWriter, _ *http.Request) {
		writeRateLimited(w, retryAfter, global, "injected")
	}, n)
}

// SetLatency delays every call of route ("" for all routes) by d.
func (s *Server) SetLatency(route string, d time.Duration) { s.http.SetLatency(route, d) }

// Calls counts the requests to route, including refused ones.
func (s *Server) Calls(route string) int { return s.http.Calls(route) }

// apiError is a Discord error answer.
type apiError struct {
	status  int
	code    int
	message string
}

func errorf(status, code int, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// invalidForm is Discord's 50035 with the offending field.
func invalidForm(field, problem string) *apiError {
	return errorf(http.StatusBadRequest, 50035, "Invalid Form Body (%s: %s)", field, problem)
}

// handler serves one route with s.mu held; it returns the status and the
// JSON body (nil: 204 No Content) or an error.
type handler func(s *Server, r *http.Request, body []byte) (int, any, *apiError)

// auth says how a route is authenticated.
type auth int

const (
	botAuth     auth = iota // Authorization: Bot <token>, counted in the global limit
	tokenInPath             // interaction and webhook routes: the token is the credential
	public                  // GET /gateway: no credential
)

func (s *Server) handle(pattern string, a auth, h handler) {
	route := pattern
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) { s.serve(w, r, route, a, h) })
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/" {
		s.serveGateway(w, r)
		return
	}
	path, ok := strings.CutPrefix(r.URL.Path, "/api/v10/")
	if !ok {
		path, ok = strings.CutPrefix(r.URL.Path, "/api/v9/")
	}
	if !ok {
		writeError(w, errorf(http.StatusNotFound, 0, "404: Not Found"))
		return
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path = "/" + path
	r2.URL.RawPath = ""
	if _, pattern := s.mux.Handler(r2); pattern == "" {
		writeError(w, errorf(http.StatusNotFound, 0, "404: Not Found"))
		return
	}
	s.mux.ServeHTTP(w, r2)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, route string, a auth, h handler) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		writeError(w, errorf(http.StatusBadRequest, 50109, "The request body contains invalid JSON."))
		return
	}
	if !s.http.Admit(r, route) {
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if a == botAuth && r.Header.Get("Authorization") != "Bot "+s.token {
		writeError(w, errorf(http.StatusUnauthorized, 0, "401: Unauthorized"))
		return
	}
	if s.http.Injected(w, r, route) {
		return
	}
	if a == botAuth && s.global.n > 0 {
		if u, ok := s.limiter.Take("global", s.global.n, s.global.per); !ok {
			writeRateLimited(w, u.ResetAfter, true, "global")
			return
		}
	}
	if l, ok := s.limits[route]; ok {
		bucket := route + " " + major(r)
		u, ok := s.limiter.Take(bucket, l.n, l.per)
		if !ok {
			writeRateLimited(w, u.ResetAfter, false, bucketID(bucket))
			return
		}
		s.rateHeaders(w, bucket, l.n, u)
	}
	// A multipart body (files) carries its JSON in payload_json: the route checks it.
	multipart := strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data")
	if len(body) > 0 && !multipart && !json.Valid(body) {
		writeError(w, errorf(http.StatusBadRequest, 50109, "The request body contains invalid JSON."))
		return
	}
	status, v, apiErr := h(s, r, body)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	if v == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	fakehttp.WriteJSON(w, status, v)
}

// major is the top-level resource a route's limit is kept per.
func major(r *http.Request) string {
	for _, k := range []string{"channel", "guild", "interaction"} {
		if v := r.PathValue(k); v != "" {
			return v
		}
	}
	return r.PathValue("app") + "/" + r.PathValue("token")
}

func bucketID(bucket string) string {
	var h uint64 = 1469598103934665603
	for i := 0; i < len(bucket); i++ {
		h = (h ^ uint64(bucket[i])) * 1099511628211
	}
	return strconv.FormatUint(h, 16)
}

// rateHeaders describes a bucket after a request it let through.
func (s *Server) rateHeaders(w http.ResponseWriter, bucket string, n int, u fakehttp.Usage) {
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(n))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(u.Remaining))
	h.Set("X-RateLimit-Reset-After", seconds(u.ResetAfter))
	h.Set("X-RateLimit-Reset", seconds(time.Duration(s.now().Add(u.ResetAfter).UnixNano())))
	h.Set("X-RateLimit-Bucket", bucketID(bucket))
}

func seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }

func writeError(w http.ResponseWriter, e *apiError) {
	fakehttp.WriteJSON(w, e.status, map[string]any{"message": e.message, "code": e.code})
}

func writeRateLimited(w http.ResponseWriter, wait time.Duration, global bool, bucket string) {
	h := w.Header()
	fakehttp.SetRetryAfter(h, wait)
	h.Set("X-RateLimit-Limit", "1")
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset-After", seconds(wait))
	h.Set("X-RateLimit-Bucket", bucket)
	scope := "user"
	if global {
		h.Set("X-RateLimit-Global", "true")
		scope = "global"
	}
	h.Set("X-RateLimit-Scope", scope)
	fakehttp.WriteJSON(w, http.StatusTooManyRequests, map[string]any{
		"message": "You are being rate limited.", "retry_after": math.Round(wait.Seconds()*1000) / 1000, "global": global,
	})
}

// nextID returns a new snowflake-looking id. Called with s.mu held.
func (s *Server) nextID() string {
	s.seq++
	return strconv.FormatInt(s.seq, 10)
}

// routes lists every route the fake serves, one file per family.
func (s *Server) routes() {
	s.handle("GET /guilds/{guild}/channels", botAuth, (*Server).guildChannels)
	s.handle("POST /guilds/{guild}/channels", botAuth, (*Server).createChannel)
	s.handle("GET /guilds/{guild}/members", botAuth, (*Server).listMembers)
	s.handle("GET /guilds/{guild}/members/search", botAuth, (*Server).searchMembers)
	s.handle("GET /guilds/{guild}/members/{user}", botAuth, (*Server).getMember)
	s.handle("GET /guilds/{guild}/roles", botAuth, (*Server).listRoles)

	s.handle("GET /channels/{channel}", botAuth, (*Server).getChannel)
	s.handle("PATCH /channels/{channel}", botAuth, (*Server).editChannel)
	s.handle("PUT /channels/{channel}/permissions/{target}", botAuth, (*Server).setPermission)
	s.handle("GET /channels/{channel}/messages", botAuth, (*Server).listMessages)
	s.handle("POST /channels/{channel}/messages", botAuth, (*Server).postMessage)
	s.handle("GET /channels/{channel}/messages/{message}", botAuth, (*Server).getMessage)
	s.handle("PATCH /channels/{channel}/messages/{message}", botAuth, (*Server).editMessage)
	// Only the current pin route: PUT /channels/{id}/pins/{id} is
	// deprecated (discord.com/developers/docs/resources/message#pin-message),
	// so a client still on it gets the fake's 404.
	s.handle("PUT /channels/{channel}/messages/pins/{message}", botAuth, (*Server).pin)

	s.handle("GET /users/@me", botAuth, (*Server).me)

	s.handle("POST /interactions/{interaction}/{token}/callback", tokenInPath, (*Server).callback)
	s.handle("POST /webhooks/{app}/{token}", tokenInPath, (*Server).followup)
	s.handle("PATCH /webhooks/{app}/{token}/messages/{message}", tokenInPath, (*Server).editFollowup)

	s.handle("GET /gateway", public, (*Server).getGateway)
	s.handle("GET /gateway/bot", botAuth, (*Server).getGatewayBot)

	s.handle("GET /applications/{app}/commands", botAuth, (*Server).listCommands)
	s.handle("PUT /applications/{app}/commands", botAuth, (*Server).overwriteCommands)
	s.handle("GET /applications/{app}/guilds/{guild}/commands", botAuth, (*Server).listCommands)
	s.handle("PUT /applications/{app}/guilds/{guild}/commands", botAuth, (*Server).overwriteCommands)
}
