// Package fakegithub is a stateful fake of the GitHub REST API's issues
// (POST and GET /repos/{owner}/{repo}/issues) for tests and the demo,
// written from GitHub's documentation: tokens checked (401 "Bad
// credentials"; a repository the token cannot see is 404; a read-only
// token gets 403 on create), 422 "Validation Failed" with field errors,
// the primary rate limit (X-RateLimit-* on every answer, 403 with
// X-RateLimit-Remaining 0 once spent), secondary limits (429 with
// Retry-After), the issue list paged with a Link header and filtered by
// state, since and labels, pull requests in that list, and an issue
// created whose answer never arrives.
package fakegithub

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"incidentbot/internal/fake/fakehttp"
)

// DefaultToken and DefaultRepo are what the fake accepts unless options say.
const (
	DefaultToken = "github_pat_fake0000000000000000000000"
	DefaultRepo  = "acme/shop"
)

// Issue is one issue (or pull request) of the repository.
type Issue struct {
	Number      int
	Title       string
	Body        string
	Labels      []string
	State       string // open, closed
	PullRequest bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Option configures a Server.
type Option func(*Server)

// WithToken sets the only token the fake accepts.
func WithToken(t string) Option { return func(s *Server) { s.token = t } }

// WithRepo sets the only repository that exists.
func WithRepo(r string) Option { return func(s *Server) { s.repo = r } }

// ReadOnly makes the token one that may read issues but not create them.
func ReadOnly() Option { return func(s *Server) { s.readOnly = true } }

// WithRateLimit sets the primary rate limit: n requests an hour (GitHub:
// 5,000 for a token); 0, the default, is no limit.
func WithRateLimit(n int) Option { return func(s *Server) { s.limit = n } }

// WithClock makes the fake read time from now (issue times, rate-limit windows).
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// Server is a fake GitHub. It is safe for concurrent use.
type Server struct {
	http     *fakehttp.Server
	token    string
	repo     string
	readOnly bool
	limit    int
	now      func() time.Time
	limiter  *fakehttp.Limiter

	lose   fakehttp.Countdown // creates to perform, then answer as if lost
	mu     sync.Mutex         // guards token, down and issues
	down   int                // when set, the status every call gets
	issues []Issue
}

// New starts a fake closed when the test ends.
func New(tb testing.TB, opts ...Option) *Server {
	s := &Server{token: DefaultToken, repo: DefaultRepo, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	s.limiter = fakehttp.NewLimiter(s.now)
	s.http = fakehttp.New(tb, http.HandlerFunc(s.serveHTTP))
	return s
}

// URL is the API base (GITHUB_API_URL).
func (s *Server) URL() string { return s.http.URL() }

// Token is the token the fake accepts.
func (s *Server) Token() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.token
}

// SetToken makes t the only token the fake accepts from now on, as when an
// administrator renews an expired token or restores a revoked one.
func (s *Server) SetToken(t string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.token = t
}

// Repo is the repository that exists.
func (s *Server) Repo() string { return s.repo }

// Client is an HTTP client for the fake.
func (s *Server) Client() *http.Client { return s.http.Client() }

// Calls counts the calls of a route: "list" or "create".
func (s *Server) Calls(route string) int { return s.http.Calls(route) }

// Issues returns the repository's issues and pull requests by number.
func (s *Server) Issues() []Issue {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Issue, len(s.issues))
	copy(out, s.issues)
	return out
}

// AddIssue files an issue (or, with pr, a pull request) as someone else
// would, and returns its number.
func (s *Server) AddIssue(title, body string, pr bool) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.add(Issue{Title: title, Body: body, State: "open", PullRequest: pr}).Number
}

// add appends is with the next number and the time now; s.mu is held.
func (s *Server) add(is Issue) Issue {
	is.Number = len(s.issues) + 1
	is.CreatedAt = s.now().UTC().Truncate(time.Second)
	is.UpdatedAt = is.CreatedAt
	s.issues = append(s.issues, is)
	return is
}

// LoseNextCreates makes the next n creates file the issue, then answer 502
// as a gateway that timed out: the client never learns the number.
func (s *Server) LoseNextCreates(n int) { s.lose.Add(n) }

// SecondaryLimit answers the next calls, one per entry, 429 with that many
// seconds in Retry-After, as GitHub's secondary rate limits do.
func (s *Server) SecondaryLimit(retryAfter ...int) {
	for _, secs := range retryAfter {
		s.http.FailNext("", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			writeError(w, http.StatusTooManyRequests, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.")
		}, 1)
	}
}

// Down answers every call from now on with the bare status (503: an
// outage), until Down(0).
func (s *Server) Down(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = status
}

// FailWith answers the next calls with these bare statuses (500, 502 ...).
func (s *Server) FailWith(statuses ...int) {
	for _, status := range statuses {
		s.http.FailNext("", fakehttp.Status(status), 1)
	}
}

func writeError(w http.ResponseWriter, status int, msg string) {
	fakehttp.WriteJSON(w, status, map[string]string{"message": msg, "documentation_url": "https://docs.github.com/rest"})
}

// serveHTTP checks the token and the rate limit, then routes.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	route := "other"
	prefix := "/repos/" + s.repo + "/issues"
	switch {
	case r.URL.Path == prefix && r.Method == http.MethodGet:
		route = "list"
	case r.URL.Path == prefix && r.Method == http.MethodPost:
		route = "create"
	}
	if !s.http.Admit(r, route) {
		return
	}
	s.mu.Lock()
	down := s.down
	s.mu.Unlock()
	if down != 0 {
		fakehttp.Status(down)(w, r)
		return
	}
	auth := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok {
		tok, ok = strings.CutPrefix(auth, "token ")
	}
	if !ok || tok != s.Token() {
		writeError(w, http.StatusUnauthorized, "Bad credentials")
		return
	}
	if s.limit > 0 {
		u, ok := s.limiter.Take("core", s.limit, time.Hour)
		h := w.Header()
		h.Set("X-RateLimit-Limit", strconv.Itoa(s.limit))
		h.Set("X-RateLimit-Remaining", strconv.Itoa(u.Remaining))
		h.Set("X-RateLimit-Reset", strconv.FormatInt(s.now().Add(u.ResetAfter).Unix(), 10))
		h.Set("X-RateLimit-Resource", "core")
		if !ok {
			writeError(w, http.StatusForbidden, fmt.Sprintf("API rate limit exceeded for user ID 1. [rate limit: %d an hour]", s.limit))
			return
		}
	}
	if s.http.Injected(w, r, route) {
		return
	}
	switch route {
	case "list":
		s.list(w, r)
	case "create":
		s.create(w, r)
	default:
		// GitHub answers a repository the token cannot see as missing.
		writeError(w, http.StatusNotFound, "Not Found")
	}
}
