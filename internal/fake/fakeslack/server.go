// Package fakeslack is a stateful fake of the Slack Web API for tests and the
// demo, written from ../shared/fixtures/slack/web_api.md rather than from
// our client: real error bodies, HTTP 200 for application errors, 429 with
// Retry-After per method tier, and knobs for failures and latency.
//
// Point slack-go at it with slack.OptionAPIURL(srv.URL()).
package fakeslack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"incidentbot/internal/fake/fakehttp"
)

// Identities the fake answers with.
const (
	DefaultToken = "xoxb-fake-bot-token"
	BotUserID    = "U05INCBOT1"
	BotID        = "B05INCBOT2"
	TeamID       = "T01SHOPX9Q"
)

// tiers gives each method's limit in requests per minute (web_api.md).
var tiers = map[string]int{
	"conversations.create":         20,
	"conversations.invite":         50,
	"conversations.setTopic":       20,
	"conversations.setPurpose":     20,
	"conversations.info":           50,
	"conversations.list":           20,
	"conversations.archive":        20,
	"conversations.members":        50,
	"conversations.history":        50,
	"chat.postMessage":             60,
	"files.getUploadURLExternal":   100,
	"files.completeUploadExternal": 100,
	"chat.postEphemeral":           100,
	"chat.update":                  50,
	"pins.add":                     20,
	"views.open":                   100,
	"users.info":                   100,
	"users.lookupByEmail":          50,
	"usergroups.list":              20,
	"usergroups.users.list":        20,
}

// Option configures a Server.
type Option func(*Server)

// WithToken sets the only bot token the fake accepts.
func WithToken(token string) Option { return func(s *Server) { s.token = token } }

// WithClock makes the fake read time from now: message timestamps, trigger
// expiry and rate-limit windows follow it.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithoutRateLimits turns the per-method tier limits off.
func WithoutRateLimits() Option { return func(s *Server) { s.limits = map[string]int{} } }

// WithRateLimit sets one method's limit in requests per minute; 0 removes it.
func WithRateLimit(method string, perMinute int) Option {
	return func(s *Server) { s.limits[method] = perMinute }
}

// WithUsers adds people to the workspace.
func WithUsers(users ...User) Option {
	return func(s *Server) {
		for _, u := range users {
			s.addUser(u)
		}
	}
}

// WithUserGroups adds user groups to the workspace.
func WithUserGroups(groups ...UserGroup) Option {
	return func(s *Server) {
		for _, g := range groups {
			g.Users = append([]string(nil), g.Users...)
			s.groups = append(s.groups, &g)
		}
	}
}

// Server is a fake Slack Web API. It is safe for concurrent use.
type Server struct {
	http     *fakehttp.Server
	limiter  *fakehttp.Limiter
	token    string
	appToken string
	sock     sockets
	now      func() time.Time
	limits   map[string]int // per minute

	mu        sync.Mutex
	channels  []*channel // creation order
	users     []*User
	groups    []*UserGroup
	triggers  map[string]*trigger
	responses map[string]*responseURL // by id: ResponseURL
	views     []View
	files     []*File
	lastSec   int64
	lastUsec  int64
	seq       int
}

type handler func(s *Server, p params) (any, string)

// methods routes each Web API method to its handler (one file per family).
var methods = map[string]handler{
	"auth.test":                    (*Server).authTest,
	"conversations.create":         (*Server).conversationsCreate,
	"conversations.invite":         (*Server).conversationsInvite,
	"conversations.setTopic":       (*Server).conversationsSetTopic,
	"conversations.setPurpose":     (*Server).conversationsSetPurpose,
	"conversations.info":           (*Server).conversationsInfo,
	"conversations.list":           (*Server).conversationsList,
	"conversations.archive":        (*Server).conversationsArchive,
	"conversations.members":        (*Server).conversationsMembers,
	"conversations.history":        (*Server).conversationsHistory,
	"apps.connections.open":        (*Server).appsConnectionsOpen,
	"chat.postMessage":             (*Server).chatPostMessage,
	"chat.postEphemeral":           (*Server).chatPostEphemeral,
	"chat.update":                  (*Server).chatUpdate,
	"files.getUploadURLExternal":   (*Server).filesGetUploadURLExternal,
	"files.completeUploadExternal": (*Server).filesCompleteUploadExternal,
	"pins.add":                     (*Server).pinsAdd,
	"views.open":                   (*Server).viewsOpen,
	"users.info":                   (*Server).usersInfo,
	"users.lookupByEmail":          (*Server).usersLookupByEmail,
	"usergroups.list":              (*Server).usergroupsList,
	"usergroups.users.list":        (*Server).usergroupsUsersList,
}

// New starts a fake Slack closed when the test ends.
func New(t testing.TB, opts ...Option) *Server {
	s := &Server{
		token:    DefaultToken,
		appToken: DefaultAppToken,
		sock:     sockets{acks: map[string]json.RawMessage{}},
		now:      time.Now,
		limits:   map[string]int{},
		triggers: map[string]*trigger{},
	}
	for m, n := range tiers {
		s.limits[m] = n
	}
	s.addUser(User{ID: BotUserID, Name: "incidentbot", RealName: "incidentbot", IsBot: true})
	for _, o := range opts {
		o(s)
	}
	s.limiter = fakehttp.NewLimiter(s.now)
	s.http = fakehttp.New(t, http.HandlerFunc(s.serveHTTP))
	t.Cleanup(s.closeSockets) // runs first: clients see their socket close

	return s
}

// URL is the base for slack.OptionAPIURL, ending in "/api/".
func (s *Server) URL() string { return s.http.URL() + "/api/" }

// Token is the bot token the fake accepts.
func (s *Server) Token() string { return s.token }

// FailNext makes the next n calls of method answer {"ok":false,"error":slackError}.
func (s *Server) FailNext(method, slackError string, n int) {
	s.http.FailNext(method, func(w http.ResponseWriter, _ *http.Request) { writeError(w, slackError) }, n)
}

// RateLimitNext makes the next n calls of method answer 429 with Retry-After.
func (s *Server) RateLimitNext(method string, retryAfter time.Duration, n int) {
	if retryAfter < time.Second {
		retryAfter = time.Second
	}
	s.http.FailNext(method, func(w http.ResponseWriter, _ *http.Request) { writeRateLimited(w, retryAfter) }, n)
}

// FailStatusNext makes the next n calls of method answer a bare HTTP
// status, as Slack's edge does with 5xx.
func (s *Server) FailStatusNext(method string, status, n int) {
	s.http.FailNext(method, fakehttp.Status(status), n)
}

// SetLatency delays every call of method ("" for all methods) by d.
func (s *Server) SetLatency(method string, d time.Duration) { s.http.SetLatency(method, d) }

// Calls counts the requests to method, including refused ones.
func (s *Server) Calls(method string) int { return s.http.Calls(method) }

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == socketPath {
		s.serveSocket(w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, responsePath) {
		s.respond(w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, uploadPath) {
		s.serveUpload(w, r)
		return
	}
	method, ok := strings.CutPrefix(r.URL.Path, "/api/")
	if !ok || r.Method != http.MethodPost && r.Method != http.MethodGet {
		http.NotFound(w, r)
		return
	}
	p, err := readParams(r)
	if err != nil {
		writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_form_data"})
		return
	}

	if !s.http.Admit(r, method) {
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if p.token == "" {
		writeError(w, "not_authed")
		return
	}
	// Socket Mode takes the app-level token; every other method the bot token.
	want := s.token
	if method == "apps.connections.open" {
		want = s.appToken
	}
	switch {
	case p.token == want:
	case p.token == s.token || p.token == s.appToken:
		writeError(w, "not_allowed_token_type")
		return
	default:
		writeError(w, "invalid_auth")
		return
	}
	if s.http.Injected(w, r, method) {
		return
	}
	if limit := s.limits[method]; limit > 0 {
		if u, ok := s.limiter.Take(method, limit, time.Minute); !ok {
			writeRateLimited(w, u.ResetAfter)
			return
		}
	}
	h, ok := methods[method]
	if !ok {
		writeError(w, "unknown_method")
		return
	}
	body, slackErr := h(s, p)
	if slackErr != "" {
		writeError(w, slackErr)
		return
	}
	out := map[string]any{"ok": true}
	if m, ok := body.(map[string]any); ok {
		for k, v := range m {
			out[k] = v
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// params are a request's arguments, from a form, a query string or a JSON body.
type params struct {
	token  string
	values url.Values
	json   map[string]json.RawMessage
}

func readParams(r *http.Request) (params, error) {
	var p params
	if auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		p.token = auth
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			return p, err
		}
		// apps.connections.open sends no arguments at all.
		if len(bytes.TrimSpace(b)) > 0 {
			if err := json.Unmarshal(b, &p.json); err != nil {
				return p, err
			}
		}
		p.values = url.Values{}
		return p, nil
	}
	if err := r.ParseForm(); err != nil {
		return p, err
	}
	p.values = r.Form
	if t := p.values.Get("token"); t != "" {
		p.token = t
	}
	return p, nil
}

// get returns a string argument from the form or the JSON body.
func (p params) get(name string) string {
	if v := p.values.Get(name); v != "" {
		return v
	}
	raw, ok := p.json[name]
	if !ok {
		return ""
	}
	var str string
	if json.Unmarshal(raw, &str) == nil {
		return str
	}
	return string(raw)
}

func (p params) bool(name string) bool {
	b, _ := strconv.ParseBool(p.get(name))
	return b
}

// writeJSON answers as Slack does, with the charset in the Content-Type.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	fakehttp.WriteJSON(w, status, v)
}

func writeError(w http.ResponseWriter, code string) {
	writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": code})
}

func writeRateLimited(w http.ResponseWriter, wait time.Duration) {
	fakehttp.SetRetryAfter(w.Header(), wait)
	writeJSON(w, http.StatusTooManyRequests, map[string]any{"ok": false, "error": "ratelimited"})
}

// nextTS returns a message timestamp like "1795521661.000200", strictly
// increasing even when the clock stands still. Called with s.mu held.
func (s *Server) nextTS() string {
	sec := s.now().Unix()
	if sec > s.lastSec {
		s.lastSec, s.lastUsec = sec, 0
	}
	s.lastUsec += 100
	if s.lastUsec >= 1_000_000 {
		s.lastSec, s.lastUsec = s.lastSec+1, 100
	}
	return fmt.Sprintf("%d.%06d", s.lastSec, s.lastUsec)
}

// nextID returns a Slack-looking id with the given prefix. Called with s.mu held.
func (s *Server) nextID(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s%09d", prefix, s.seq)
}
