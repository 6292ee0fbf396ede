package server

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"incidentbot"
)

func TestRoutes(t *testing.T) {
	t.Parallel()
	notReady := incidentbot.Errorf(incidentbot.EUNAVAILABLE, "The database is not reachable.")
	tests := []struct {
		name       string
		method     string
		path       string
		ready      error
		wantStatus int
		wantBody   string
	}{
		{"healthz", "GET", "/healthz", nil, 200, `"status":"ok"`},
		{"healthz even when not ready", "GET", "/healthz", notReady, 200, `"status":"ok"`},
		{"readyz ok", "GET", "/readyz", nil, 200, `"status":"ok"`},
		{"readyz down", "GET", "/readyz", notReady, 503, "The database is not reachable."},
		{"readyz hides causes", "GET", "/readyz", errors.New("dial tcp: password=hunter2"), 503, "Internal error."},
		{"metrics", "GET", "/metrics", nil, 200, "metric_one 1"},
		{"wrong method", "POST", "/healthz", nil, 405, ""},
		{"unknown path", "GET", "/nope", nil, 404, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := NewServer(Deps{
				Logger: slog.New(slog.DiscardHandler),
				Ready:  func(*http.Request) error { return tc.ready },
				Metrics: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					io.WriteString(w, "metric_one 1\n")
				}),
			})
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
			if rec.Code != tc.wantStatus {
				t.Fatalf("status: got %d, want %d", rec.Code, tc.wantStatus)
			}
			if !strings.Contains(rec.Body.String(), tc.wantBody) {
				t.Errorf("body: got %q, want it to contain %q", rec.Body.String(), tc.wantBody)
			}
			if strings.Contains(rec.Body.String(), "hunter2") {
				t.Errorf("body leaks the cause: %q", rec.Body.String())
			}
		})
	}
}

func TestPanicBecomesInternalError(t *testing.T) {
	t.Parallel()
	var logs strings.Builder
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	h := recoverPanics(logger, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 500 {
		t.Fatalf("status: got %d, want 500", rec.Code)
	}
	if !strings.Contains(logs.String(), "panic in handler") {
		t.Errorf("panic not logged: %s", logs.String())
	}
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	var readErr error
	h := limitBody(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, readErr = io.ReadAll(r.Body)
		Error(w, r, slog.New(slog.DiscardHandler), readErr)
	}), 10)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/", strings.NewReader(strings.Repeat("x", 11))))
	if readErr == nil || rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("got err %v status %d, want a read error and 413", readErr, rec.Code)
	}
}

// TestObserve: each request's time is reported under its route's pattern,
// a path no route serves under none.
func TestObserve(t *testing.T) {
	t.Parallel()
	var routes []string
	h := NewServer(Deps{
		Logger:        slog.New(slog.DiscardHandler),
		Ready:         func(*http.Request) error { return nil },
		SlackCommands: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "declared") }),
		Observe: func(route string, took time.Duration) {
			if took <= 0 {
				t.Errorf("%s took %v", route, took)
			}
			routes = append(routes, route)
		},
	})
	for _, req := range []*http.Request{httptest.NewRequest("POST", "/slack/commands", nil), httptest.NewRequest("GET", "/nope", nil)} {
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	if want := []string{"POST /slack/commands", ""}; !slices.Equal(routes, want) {
		t.Errorf("routes: got %q, want %q", routes, want)
	}
}
