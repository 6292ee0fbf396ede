// Package fakelinear is a stateful fake of Linear's GraphQL API for the
// two operations that file follow-ups, written from Linear's
// documentation: a personal API key in Authorization (an
// AUTHENTICATION_ERROR otherwise), the issueCreate mutation in a team
// (title required, priority 0 to 4, dueDate a date), the issues query
// filtered by team id and description contains, archived issues included
// on request, and the request budget of an API key (X-RateLimit-Requests-*
// headers on every answer, a RATELIMITED error once spent). The fake knows
// operations by their root field, not by parsing GraphQL; anything else is
// a GRAPHQL_VALIDATION_FAILED error.
package fakelinear

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"incidentbot/internal/fake/fakehttp"
)

// Defaults the fake accepts unless options say otherwise.
const (
	DefaultAPIKey = "lin_api_fake00000000000000000000000000000"
	DefaultTeamID = "9cfb482a-81e3-4154-b5b9-2c805e70a02d"
	DefaultTeam   = "ENG"
)

// Issue is one issue of the workspace.
type Issue struct {
	ID          string
	Identifier  string // ENG-1
	TeamID      string
	Title       string
	Description string
	Priority    int
	DueDate     string
	Archived    bool
}

// Option configures a Server.
type Option func(*Server)

// WithAPIKey sets the only key the fake accepts.
func WithAPIKey(k string) Option { return func(s *Server) { s.key = k } }

// WithRateLimit sets the key's request budget: n an hour (0, the default:
// no limit).
func WithRateLimit(n int) Option { return func(s *Server) { s.limit = n } }

// WithClock makes the fake read time from now (rate-limit windows).
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// Server is a fake Linear workspace with one team. It is safe for concurrent use.
type Server struct {
	http    *fakehttp.Server
	key     string
	limit   int
	now     func() time.Time
	limiter *fakehttp.Limiter

	lose   fakehttp.Countdown // creates to perform, then answer as if lost
	mu     sync.Mutex
	issues []Issue
}

// New starts a fake closed when the test ends.
func New(tb testing.TB, opts ...Option) *Server {
	s := &Server{key: DefaultAPIKey, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	s.limiter = fakehttp.NewLimiter(s.now)
	s.http = fakehttp.New(tb, http.HandlerFunc(s.serveHTTP))
	return s
}

// URL is the GraphQL endpoint (LINEAR_API_URL).
func (s *Server) URL() string { return s.http.URL() + "/graphql" }

// APIKey is the key the fake accepts.
func (s *Server) APIKey() string { return s.key }

// Client is an HTTP client for the fake.
func (s *Server) Client() *http.Client { return s.http.Client() }

// Calls counts the calls of an operation: "issueCreate" or "issues".
func (s *Server) Calls(op string) int { return s.http.Calls(op) }

// Issues returns the issues in the order created.
func (s *Server) Issues() []Issue {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Issue(nil), s.issues...)
}

// Archive archives issue identifier, as a person closing it for good would.
func (s *Server) Archive(identifier string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.issues {
		if s.issues[i].Identifier == identifier {
			s.issues[i].Archived = true
		}
	}
}

// LoseNextCreates makes the next n issueCreate calls file the issue, then
// answer 502.
func (s *Server) LoseNextCreates(n int) { s.lose.Add(n) }

// FailWith answers the next calls with these bare statuses (500, 502 ...).
func (s *Server) FailWith(statuses ...int) {
	for _, status := range statuses {
		s.http.FailNext("", fakehttp.Status(status), 1)
	}
}

// gqlError writes one GraphQL error with Linear's extensions.
func gqlError(w http.ResponseWriter, status int, code, msg string) {
	fakehttp.WriteJSON(w, status, map[string]any{"errors": []map[string]any{{
		"message":    msg,
		"extensions": map[string]any{"code": code, "userError": true, "userPresentableMessage": msg},
	}}})
}

type request struct {
	Query     string          `json:"query"`
	Variables json.RawMessage `json:"variables"`
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	var req request
	if r.Method != http.MethodPost || r.URL.Path != "/graphql" {
		http.NotFound(w, r)
		return
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
		gqlError(w, http.StatusBadRequest, "GRAPHQL_PARSE_FAILED", "Body is not a GraphQL request.")
		return
	}
	op := "other"
	switch {
	case strings.Contains(req.Query, "issueCreate("):
		op = "issueCreate"
	case strings.Contains(req.Query, "issues("):
		op = "issues"
	}
	if !s.http.Admit(r, op) {
		return
	}
	if r.Header.Get("Authorization") != s.key {
		gqlError(w, http.StatusBadRequest, "AUTHENTICATION_ERROR", "Authentication required, not authenticated")
		return
	}
	if s.limit > 0 {
		u, ok := s.limiter.Take(s.key, s.limit, time.Hour)
		h := w.Header()
		h.Set("X-RateLimit-Requests-Limit", strconv.Itoa(s.limit))
		h.Set("X-RateLimit-Requests-Remaining", strconv.Itoa(u.Remaining))
		h.Set("X-RateLimit-Requests-Reset", strconv.FormatInt(s.now().Add(u.ResetAfter).UnixMilli(), 10))
		if !ok {
			gqlError(w, http.StatusBadRequest, "RATELIMITED", "Rate limit exceeded")
			return
		}
	}
	if s.http.Injected(w, r, op) {
		return
	}
	switch op {
	case "issueCreate":
		s.issueCreate(w, r, req.Variables)
	case "issues":
		s.issuesQuery(w, req.Query, req.Variables)
	default:
		gqlError(w, http.StatusBadRequest, "GRAPHQL_VALIDATION_FAILED", "The fake knows issueCreate and issues only.")
	}
}
