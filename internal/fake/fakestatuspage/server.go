// Package fakestatuspage is a stateful fake of the Atlassian Statuspage REST API v1
// (the incident endpoints) for tests and the demo, written from its
// documentation: "Authorization: OAuth <key>", incidents with updates and
// metadata, the unresolved list, 422 validation errors, and the 420/429
// answers of its rate limit.
package fakestatuspage

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"incidentbot/internal/fake/fakehttp"
)

// Defaults the fake accepts unless options say otherwise.
const (
	DefaultAPIKey = "sp-fake-0123456789abcdef"
	DefaultPageID = "kctbh9vrtdwd"
)

// Update is one incident update as the page shows it.
type Update struct {
	ID        string    `json:"id"`
	Status    string    `json:"status"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

// Incident is one incident as the fake stores and serves it.
type Incident struct {
	ID         string                    `json:"id"`
	PageID     string                    `json:"page_id"`
	Name       string                    `json:"name"`
	Status     string                    `json:"status"`
	Impact     string                    `json:"impact"`
	Shortlink  string                    `json:"shortlink"`
	Metadata   map[string]map[string]any `json:"metadata,omitempty"`
	Updates    []Update                  `json:"incident_updates"`
	CreatedAt  time.Time                 `json:"created_at"`
	UpdatedAt  time.Time                 `json:"updated_at"`
	ResolvedAt *time.Time                `json:"resolved_at"`
}

// Option configures a Server.
type Option func(*Server)

// WithAPIKey sets the only API key the fake accepts.
func WithAPIKey(key string) Option { return func(s *Server) { s.key = key } }

// Server is a fake Statuspage API. It is safe for concurrent use.
type Server struct {
	http *fakehttp.Server
	key  string
	page string

	mu        sync.Mutex
	incidents []*Incident
	seq       int
}

// New starts a fake closed when the test ends.
func New(tb testing.TB, opts ...Option) *Server {
	s := &Server{key: DefaultAPIKey, page: DefaultPageID}
	for _, o := range opts {
		o(s)
	}
	s.http = fakehttp.New(tb, nil)
	s.http.Handle("GET /v1/pages/{page}/incidents/unresolved", s.guard(s.unresolved))
	s.http.Handle("POST /v1/pages/{page}/incidents", s.guard(s.create))
	s.http.Handle("PATCH /v1/pages/{page}/incidents/{id}", s.guard(s.patch))
	return s
}

// URL is the API base (STATUSPAGE_API_URL).
func (s *Server) URL() string { return s.http.URL() }

// APIKey is the key the fake accepts.
func (s *Server) APIKey() string { return s.key }

// PageID is the fake's only page.
func (s *Server) PageID() string { return s.page }

// Client is an HTTP client for the fake.
func (s *Server) Client() *http.Client { return s.http.Client() }

// Incidents returns copies of every incident, oldest first.
func (s *Server) Incidents() []Incident {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Incident, len(s.incidents))
	for i, inc := range s.incidents {
		out[i] = *inc
		out[i].Updates = slices.Clone(inc.Updates)
	}
	return out
}

// AddIncident stores an incident made elsewhere (by hand on the page, or by
// an earlier run of the bot) and returns its id.
func (s *Server) AddIncident(inc Incident) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.add(inc).ID
}

// Delete removes an incident, as someone deleting it on the page would.
func (s *Server) Delete(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.incidents = slices.DeleteFunc(s.incidents, func(inc *Incident) bool { return inc.ID == id })
}

// Requests returns "METHOD path" of every request, in order.
func (s *Server) Requests() []string { return s.http.Requests() }

// Throttle answers the next request with code (420 or 429) and, when
// retryAfter > 0, a Retry-After header of that many seconds. Throttle and
// FailWith answers come in the order queued.
func (s *Server) Throttle(code, retryAfter int) {
	s.http.FailNext("", func(w http.ResponseWriter, _ *http.Request) {
		if retryAfter > 0 {
			// As sent, unconverted: a huge value must reach the client whole.
			w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
		}
		fakehttp.WriteJSON(w, code, map[string]string{"error": "Rate limit exceeded. Please retry later."})
	}, 1)
}

// FailWith answers the next requests with these bare statuses.
func (s *Server) FailWith(statuses ...int) {
	for _, status := range statuses {
		s.http.FailNext("", fakehttp.Status(status), 1)
	}
}

// guard checks the key, then the page; Statuspage answers its rate limit
// before both.
func (s *Server) guard(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Header.Get("Authorization") != "OAuth "+s.key:
			fakehttp.WriteJSON(w, http.StatusUnauthorized, map[string]string{"error": "Could not authenticate"})
		case r.PathValue("page") != s.page:
			fakehttp.WriteJSON(w, http.StatusNotFound, map[string]string{"error": "The requested resource could not be found."})
		default:
			next(w, r)
		}
	})
}

var statuses = map[string]bool{"investigating": true, "identified": true, "monitoring": true, "resolved": true}
var impacts = map[string]bool{"": true, "none": true, "minor": true, "major": true, "critical": true}

type incidentBody struct {
	Incident struct {
		Name           *string                   `json:"name"`
		Status         *string                   `json:"status"`
		Body           *string                   `json:"body"`
		ImpactOverride *string                   `json:"impact_override"`
		Metadata       map[string]map[string]any `json:"metadata"`
	} `json:"incident"`
}

func decode(w http.ResponseWriter, r *http.Request) (incidentBody, bool) {
	var b incidentBody
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&b); err != nil {
		fakehttp.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": "Could not parse request body"})
		return b, false
	}
	var problems []string
	if st := b.Incident.Status; st != nil && !statuses[*st] {
		problems = append(problems, "Status is not included in the list")
	}
	if im := b.Incident.ImpactOverride; im != nil && !impacts[*im] {
		problems = append(problems, "Impact override is not included in the list")
	}
	if len(problems) > 0 {
		fakehttp.WriteJSON(w, http.StatusUnprocessableEntity, map[string][]string{"error": problems})
		return b, false
	}
	return b, true
}

func (s *Server) unresolved(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	out := []Incident{}
	for i := len(s.incidents) - 1; i >= 0; i-- { // newest first, as the API lists them
		if inc := s.incidents[i]; inc.Status != "resolved" {
			out = append(out, *inc)
		}
	}
	s.mu.Unlock()
	fakehttp.WriteJSON(w, http.StatusOK, out)
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	b, ok := decode(w, r)
	if !ok {
		return
	}
	in := b.Incident
	if in.Name == nil || *in.Name == "" {
		fakehttp.WriteJSON(w, http.StatusUnprocessableEntity, map[string][]string{"error": {"Name can't be blank"}})
		return
	}
	inc := Incident{Name: *in.Name, Status: "investigating", Metadata: in.Metadata}
	if in.Status != nil {
		inc.Status = *in.Status
	}
	if in.ImpactOverride != nil {
		inc.Impact = *in.ImpactOverride
	}
	body := ""
	if in.Body != nil {
		body = *in.Body
	}
	s.mu.Lock()
	created := s.add(inc)
	s.update(created, inc.Status, body)
	out := *created
	s.mu.Unlock()
	fakehttp.WriteJSON(w, http.StatusCreated, out)
}

func (s *Server) patch(w http.ResponseWriter, r *http.Request) {
	b, ok := decode(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.incidents, func(inc *Incident) bool { return inc.ID == r.PathValue("id") })
	if i < 0 {
		fakehttp.WriteJSON(w, http.StatusNotFound, map[string]string{"error": "The requested resource could not be found."})
		return
	}
	inc := s.incidents[i]
	in := b.Incident
	if in.Name != nil && *in.Name != "" {
		inc.Name = *in.Name
	}
	if in.Metadata != nil {
		inc.Metadata = in.Metadata
	}
	status := inc.Status
	if in.Status != nil {
		status = *in.Status
	}
	body := ""
	if in.Body != nil {
		body = *in.Body
	}
	s.update(inc, status, body)
	fakehttp.WriteJSON(w, http.StatusOK, *inc)
}

// add stores inc with a new id; s.mu is held.
func (s *Server) add(inc Incident) *Incident {
	s.seq++
	now := time.Now().UTC()
	inc.ID = fmt.Sprintf("p31zjtct2jer%04d", s.seq)
	inc.PageID = s.page
	inc.Shortlink = "https://stspg.io/" + inc.ID
	if inc.Status == "" {
		inc.Status = "investigating"
	}
	if inc.CreatedAt.IsZero() {
		inc.CreatedAt = now
	}
	inc.UpdatedAt = now
	if inc.Updates == nil {
		inc.Updates = []Update{}
	}
	p := &inc
	s.incidents = append(s.incidents, p)
	return p
}

// update records a status change or a new update body; s.mu is held.
func (s *Server) update(inc *Incident, status, body string) {
	s.seq++
	now := time.Now().UTC()
	inc.Status = status
	inc.UpdatedAt = now
	if status == "resolved" && inc.ResolvedAt == nil {
		inc.ResolvedAt = &now
	}
	inc.Updates = append(inc.Updates, Update{ID: fmt.Sprintf("upd%04d", s.seq), Status: status, Body: body, CreatedAt: now})
}
