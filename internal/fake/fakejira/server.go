// Package fakejira is a stateful fake of the Jira Cloud REST API v3 for
// the calls that file follow-ups, written from Atlassian's documentation:
// basic auth with an e-mail and API token (401 otherwise), POST
// /rest/api/3/issue (201 with id, key and self; 400 with errorMessages and
// field errors for an unknown project or issue type, a missing or long
// summary, a description that is not an ADF document, a label with a
// space), POST /rest/api/3/search/jql over a small JQL subset (project =,
// labels =, AND; an unbounded query is refused) paged with nextPageToken,
// 429 with Retry-After, and an issue created whose answer never arrives.
package fakejira

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"incidentbot/internal/fake/fakehttp"
)

// Defaults the fake accepts unless options say otherwise.
const (
	DefaultEmail   = "bot@acme.example"
	DefaultToken   = "ATATT3xFfGF0fake0000000000"
	DefaultProject = "OPS"
)

// Issue is one issue of the site.
type Issue struct {
	ID          string
	Key         string
	Project     string
	IssueType   string
	Summary     string
	Description map[string]any // the ADF document as sent
	Labels      []string
}

// Option configures a Server.
type Option func(*Server)

// WithCredentials sets the only e-mail and token the fake accepts.
func WithCredentials(email, token string) Option {
	return func(s *Server) { s.email, s.token = email, token }
}

// WithProject adds a project and its issue types (default: OPS with Task and Bug).
func WithProject(key string, types ...string) Option {
	return func(s *Server) { s.projects[key] = types }
}

// Server is a fake Jira Cloud site. It is safe for concurrent use.
type Server struct {
	http     *fakehttp.Server
	email    string
	token    string
	projects map[string][]string

	lose   fakehttp.Countdown // creates to perform, then answer as if lost
	mu     sync.Mutex
	issues []Issue
}

// New starts a fake closed when the test ends.
func New(tb testing.TB, opts ...Option) *Server {
	s := &Server{email: DefaultEmail, token: DefaultToken, projects: map[string][]string{DefaultProject: {"Task", "Bug"}}}
	for _, o := range opts {
		o(s)
	}
	s.http = fakehttp.New(tb, http.HandlerFunc(s.serveHTTP))
	return s
}

// URL is the site (JIRA_BASE_URL).
func (s *Server) URL() string { return s.http.URL() }

// Email and Token are the credentials the fake accepts.
func (s *Server) Email() string { return s.email }

// Token is the API token the fake accepts.
func (s *Server) Token() string { return s.token }

// Client is an HTTP client for the fake.
func (s *Server) Client() *http.Client { return s.http.Client() }

// Calls counts the calls of a route: "create" or "search".
func (s *Server) Calls(route string) int { return s.http.Calls(route) }

// Issues returns the issues in the order created.
func (s *Server) Issues() []Issue {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Issue(nil), s.issues...)
}

// LoseNextCreates makes the next n creates file the issue, then answer 504.
func (s *Server) LoseNextCreates(n int) { s.lose.Add(n) }

// Throttle answers the next calls, one per entry, 429 with that many
// seconds in Retry-After, as Jira Cloud's rate limiting does.
func (s *Server) Throttle(retryAfter ...int) {
	for _, secs := range retryAfter {
		s.http.FailNext("", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			w.Header().Set("X-RateLimit-NearLimit", "true")
			writeErrors(w, http.StatusTooManyRequests, nil, "Rate limit exceeded.")
		}, 1)
	}
}

// FailWith answers the next calls with these bare statuses (500, 503 ...).
func (s *Server) FailWith(statuses ...int) {
	for _, status := range statuses {
		s.http.FailNext("", fakehttp.Status(status), 1)
	}
}

func writeErrors(w http.ResponseWriter, status int, fields map[string]string, messages ...string) {
	if fields == nil {
		fields = map[string]string{}
	}
	if messages == nil {
		messages = []string{}
	}
	fakehttp.WriteJSON(w, status, map[string]any{"errorMessages": messages, "errors": fields})
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	route := "other"
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/rest/api/3/issue":
		route = "create"
	case r.Method == http.MethodPost && r.URL.Path == "/rest/api/3/search/jql":
		route = "search"
	}
	if !s.http.Admit(r, route) {
		return
	}
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte(s.email+":"+s.token))
	if r.Header.Get("Authorization") != want {
		writeErrors(w, http.StatusUnauthorized, nil, "Client must be authenticated to access this resource.")
		return
	}
	if s.http.Injected(w, r, route) {
		return
	}
	switch route {
	case "create":
		s.create(w, r)
	case "search":
		s.search(w, r)
	default:
		writeErrors(w, http.StatusNotFound, nil, "The requested resource could not be found.")
	}
}

// base is the site URL of the request, for self links.
func (s *Server) base() string { return strings.TrimSuffix(s.URL(), "/") }
