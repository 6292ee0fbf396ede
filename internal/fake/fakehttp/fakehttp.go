// Package fakehttp is the plumbing the stateful fake APIs in internal/fake
// share, so that each fake holds only what its API does.
//
// A Server is an httptest server closed when the test ends (New, URL,
// Client) with knobs per route, a route being whatever name the fake's
// tests use ("chat.postMessage", "POST /channels/{channel}/messages"):
//
//   - Calls(route) counts the calls, refused and failed ones included;
//   - SetLatency(route, d) delays them ("" adds d to every route);
//   - FailNext(route, answer, n) serves answer instead of the handler to the
//     next n calls ("" for any route; the route's own answers go first;
//     answers come in the order queued); Status(code) is the bare-status answer;
//   - Requests() lists "METHOD path" of every request received.
//
// With a nil handler, New serves the Server's own mux, which Handle fills;
// Handle(pattern, h) is Route(pattern, h): Admit (count, then wait the
// latency, giving up when the client does), then the next queued answer if
// any, then h. A fake that must check credentials between the two, as most
// real APIs do, serves its own handler and calls Admit and Injected itself:
//
//	s.http = fakehttp.New(tb, http.HandlerFunc(s.serveHTTP))
//	...
//	if !s.http.Admit(r, method) { return }
//	if !authorized(r) { ...; return }
//	if s.http.Injected(w, r, method) { return }
//
// Around the Server: Limiter keeps sliding-window rate limits per bucket on
// an injected clock; WriteJSON and SetRetryAfter write answers. Each fake
// keeps its own option names and knob signatures and forwards to these.
package fakehttp

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Server is an httptest server with per-route knobs. It is safe for concurrent use.
type Server struct {
	srv *httptest.Server
	mux *http.ServeMux

	mu       sync.Mutex
	calls    map[string]int
	latency  map[string]time.Duration
	queued   map[string][]http.HandlerFunc
	requests []string
}

// New starts a server closed when the test ends. It serves h, or with a nil
// h its own mux, which Handle fills.
func New(tb testing.TB, h http.Handler) *Server {
	s := &Server{
		calls:   map[string]int{},
		latency: map[string]time.Duration{},
		queued:  map[string][]http.HandlerFunc{},
	}
	if h == nil {
		s.mux = http.NewServeMux()
		h = s.mux
	}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests = append(s.requests, r.Method+" "+r.URL.Path)
		s.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	tb.Cleanup(s.srv.Close)
	return s
}

// URL is the server's base URL, without a path.
func (s *Server) URL() string { return s.srv.URL }

// Client is an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Handle serves pattern on the server's own mux through Route, naming the
// route by the pattern. It panics when New was given a handler.
func (s *Server) Handle(pattern string, h http.Handler) {
	if s.mux == nil {
		panic("fakehttp: Handle on a server built with its own handler")
	}
	s.mux.Handle(pattern, s.Route(pattern, h))
}

// Route wraps h: Admit, then a queued answer if any, then h.
func (s *Server) Route(route string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.Admit(r, route) || s.Injected(w, r, route) {
			return
		}
		h.ServeHTTP(w, r)
	})
}

// Admit counts a call of route and waits its latency plus that of every
// route; false when the client gave up first and nothing should be written.
func (s *Server) Admit(r *http.Request, route string) bool {
	s.mu.Lock()
	s.calls[route]++
	d := s.latency[""]
	if route != "" {
		d += s.latency[route]
	}
	s.mu.Unlock()
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-r.Context().Done():
		return false
	case <-t.C:
		return true
	}
}

// Injected serves the next answer queued for route, else the next queued
// for every route, and reports whether it did.
func (s *Server) Injected(w http.ResponseWriter, r *http.Request, route string) bool {
	s.mu.Lock()
	answer := s.pop(route)
	if answer == nil && route != "" {
		answer = s.pop("")
	}
	s.mu.Unlock()
	if answer == nil {
		return false
	}
	answer(w, r)
	return true
}

// pop takes the first answer queued for route; s.mu is held.
func (s *Server) pop(route string) http.HandlerFunc {
	q := s.queued[route]
	if len(q) == 0 {
		return nil
	}
	s.queued[route] = q[1:]
	return q[0]
}

// FailNext makes the next n calls of route ("" for any route) get answer
// instead of their handler, in the order queued.
func (s *Server) FailNext(route string, answer http.HandlerFunc, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.queued[route] = append(s.queued[route], answer)
	}
}

// SetLatency delays every call of route ("" for every route, added to the
// route's own) by d.
func (s *Server) SetLatency(route string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency[route] = d
}

// Calls counts the calls of route that reached Admit, refused ones included.
func (s *Server) Calls(route string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[route]
}

// Requests returns "METHOD path" of every request received, in order.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// WriteJSON writes v as JSON with status; the Content-Type is
// application/json unless the caller set one.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Status is an answer of a bare HTTP status with its text, as a proxy or
// load balancer in front of an API sends.
func Status(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { http.Error(w, http.StatusText(code), code) }
}

// SetRetryAfter sets Retry-After to d in whole seconds, rounded up as a
// client must not retry early; d <= 0 sets nothing.
func SetRetryAfter(h http.Header, d time.Duration) {
	if d <= 0 {
		return
	}
	h.Set("Retry-After", strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10))
}
