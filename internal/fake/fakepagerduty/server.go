// Package fakepagerduty is a stateful fake of the PagerDuty Events API v2
// (POST /v2/enqueue) for tests and the demo, written from PagerDuty's
// documentation: 202 with the dedup key, 400 "invalid event" with the
// list of problems, 429 when throttled, and alerts opened and resolved by
// dedup key.
package fakepagerduty

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"unicode/utf8"

	"incidentbot/internal/fake/fakehttp"
)

// DefaultRoutingKey is the integration key the fake accepts unless
// WithRoutingKey says otherwise; real keys are 32 characters.
const DefaultRoutingKey = "R0UT1NGK3Yfake0000000000000000ab"

// Event is one accepted event, as sent.
type Event struct {
	RoutingKey  string `json:"routing_key"`
	EventAction string `json:"event_action"`
	DedupKey    string `json:"dedup_key"`
	Client      string `json:"client"`
	Payload     *struct {
		Summary       string            `json:"summary"`
		Source        string            `json:"source"`
		Severity      string            `json:"severity"`
		CustomDetails map[string]string `json:"custom_details"`
	} `json:"payload"`
}

// Option configures a Server.
type Option func(*Server)

// WithRoutingKey sets the only routing key the fake accepts.
func WithRoutingKey(key string) Option { return func(s *Server) { s.key = key } }

// Server is a fake Events API. It is safe for concurrent use.
type Server struct {
	http *fakehttp.Server
	key  string

	mu     sync.Mutex
	events []Event
	open   map[string]bool // dedup key -> triggered and not resolved
}

// New starts a fake closed when the test ends.
func New(tb testing.TB, opts ...Option) *Server {
	s := &Server{key: DefaultRoutingKey, open: map[string]bool{}}
	for _, o := range opts {
		o(s)
	}
	s.http = fakehttp.New(tb, nil)
	s.http.Handle("POST /v2/enqueue", http.HandlerFunc(s.enqueue))
	return s
}

// URL is the API base (PAGERDUTY_API_URL).
func (s *Server) URL() string { return s.http.URL() }

// RoutingKey is the key the fake accepts.
func (s *Server) RoutingKey() string { return s.key }

// Client is an HTTP client for the fake.
func (s *Server) Client() *http.Client { return s.http.Client() }

// Events returns the accepted events in order.
func (s *Server) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Event(nil), s.events...)
}

// Open reports whether the alert with dedupKey is triggered and not resolved.
func (s *Server) Open(dedupKey string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.open[dedupKey]
}

// Throttle answers 429 to the next requests, one per entry, with that many
// seconds in Retry-After (0: no header, as PagerDuty usually sends).
// Throttle and FailWith answers come in the order queued.
func (s *Server) Throttle(retryAfter ...int) {
	for _, secs := range retryAfter {
		s.http.FailNext("", func(w http.ResponseWriter, _ *http.Request) {
			if secs > 0 {
				// As sent, unconverted: a huge value must reach the client whole.
				w.Header().Set("Retry-After", strconv.Itoa(secs))
			}
			fakehttp.WriteJSON(w, http.StatusTooManyRequests, map[string]string{"status": "throttle event", "message": "Requests for this service are arriving too quickly.  Please retry later."})
		}, 1)
	}
}

// FailWith answers the next requests with these bare statuses (500, 502 ...).
func (s *Server) FailWith(statuses ...int) {
	for _, status := range statuses {
		s.http.FailNext("", fakehttp.Status(status), 1)
	}
}

func invalid(w http.ResponseWriter, problems ...string) {
	fakehttp.WriteJSON(w, http.StatusBadRequest, map[string]any{"status": "invalid event", "message": "Event object is invalid", "errors": problems})
}

var severities = map[string]bool{"critical": true, "error": true, "warning": true, "info": true}

func (s *Server) enqueue(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ev Event
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 512<<10)).Decode(&ev); err != nil {
		invalid(w, "Could not parse JSON: "+err.Error())
		return
	}
	var problems []string
	if ev.RoutingKey != s.key {
		// PagerDuty answers an unknown key the same way as a malformed event.
		problems = append(problems, "'routing_key' is invalid")
	}
	switch ev.EventAction {
	case "trigger":
		switch {
		case ev.Payload == nil:
			problems = append(problems, "'payload' is missing or blank")
		default:
			if ev.Payload.Summary == "" {
				problems = append(problems, "'payload.summary' is missing or blank")
			}
			if utf8.RuneCountInString(ev.Payload.Summary) > 1024 {
				problems = append(problems, "'payload.summary' is too long (max 1024)")
			}
			if ev.Payload.Source == "" {
				problems = append(problems, "'payload.source' is missing or blank")
			}
			if !severities[ev.Payload.Severity] {
				problems = append(problems, "'payload.severity' is invalid (must be one of the following: 'critical', 'warning', 'error' or 'info')")
			}
		}
	case "acknowledge", "resolve":
		if ev.DedupKey == "" {
			problems = append(problems, "'dedup_key' is missing or blank")
		}
	default:
		problems = append(problems, "'event_action' is invalid (must be one of the following: 'trigger', 'acknowledge' or 'resolve')")
	}
	if len(problems) > 0 {
		invalid(w, problems...)
		return
	}
	if ev.DedupKey == "" {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		ev.DedupKey = hex.EncodeToString(b)
	}
	switch ev.EventAction {
	case "trigger":
		s.open[ev.DedupKey] = true
	case "resolve":
		delete(s.open, ev.DedupKey)
	}
	s.events = append(s.events, ev)
	fakehttp.WriteJSON(w, http.StatusAccepted, map[string]string{"status": "success", "message": "Event processed", "dedup_key": ev.DedupKey})
}
