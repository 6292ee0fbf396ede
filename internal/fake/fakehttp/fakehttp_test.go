package fakehttp_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"incidentbot/internal/fake/fakehttp"
)

const (
	ping = "GET /ping"
	pong = "POST /pong"
)

// newServer serves ping and pong, each answering its own name.
func newServer(t *testing.T) *fakehttp.Server {
	t.Helper()
	s := fakehttp.New(t, nil)
	for _, route := range []string{ping, pong} {
		s.Handle(route, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fakehttp.WriteJSON(w, http.StatusOK, map[string]string{"route": route})
		}))
	}
	return s
}

func call(t *testing.T, s *fakehttp.Server, route string) (int, string) {
	t.Helper()
	method, path, _ := strings.Cut(route, " ")
	req, err := http.NewRequestWithContext(t.Context(), method, s.URL()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, strings.TrimSpace(string(b))
}

func TestFailNext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		queue func(s *fakehttp.Server)
		calls []string
		want  []int
	}{
		{
			name:  "nothing queued",
			queue: func(s *fakehttp.Server) {},
			calls: []string{ping, pong},
			want:  []int{200, 200},
		},
		{
			name:  "n answers for one route, others untouched",
			queue: func(s *fakehttp.Server) { s.FailNext(ping, fakehttp.Status(503), 2) },
			calls: []string{pong, ping, ping, ping},
			want:  []int{200, 503, 503, 200},
		},
		{
			name: "every route, in the order queued",
			queue: func(s *fakehttp.Server) {
				s.FailNext("", fakehttp.Status(429), 1)
				s.FailNext("", fakehttp.Status(502), 1)
			},
			calls: []string{pong, ping, ping},
			want:  []int{429, 502, 200},
		},
		{
			name: "the route's own answers first",
			queue: func(s *fakehttp.Server) {
				s.FailNext("", fakehttp.Status(500), 1)
				s.FailNext(ping, fakehttp.Status(404), 1)
			},
			calls: []string{ping, ping, ping},
			want:  []int{404, 500, 200},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			tc.queue(s)
			for i, route := range tc.calls {
				if got, body := call(t, s, route); got != tc.want[i] {
					t.Errorf("call %d (%s): got %d %s, want %d", i, route, got, body, tc.want[i])
				}
			}
		})
	}
}

func TestCallsAndRequests(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.FailNext(pong, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadGateway) }, 1)
	call(t, s, ping)
	call(t, s, pong)
	call(t, s, pong)
	if got, _ := call(t, s, "GET /nowhere"); got != http.StatusNotFound {
		t.Errorf("got %d for an unknown path, want 404", got)
	}
	for route, want := range map[string]int{ping: 1, pong: 2, "": 0, "GET /nowhere": 0} {
		if got := s.Calls(route); got != want {
			t.Errorf("Calls(%q): got %d, want %d", route, got, want)
		}
	}
	want := "GET /ping, POST /pong, POST /pong, GET /nowhere"
	if got := strings.Join(s.Requests(), ", "); got != want {
		t.Errorf("got requests %q, want %q", got, want)
	}
}

func TestAdmitWaitsLatency(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.SetLatency("", 2*time.Second)
	s.SetLatency(ping, time.Second)
	tests := []struct {
		route string
		want  time.Duration
	}{
		{ping, 3 * time.Second},
		{pong, 2 * time.Second},
	}
	for _, tc := range tests {
		synctest.Test(t, func(t *testing.T) {
			start := time.Now()
			if !s.Admit(httptest.NewRequest("GET", "/", nil), tc.route) {
				t.Fatalf("%s: got refused, want admitted", tc.route)
			}
			if got := time.Since(start); got != tc.want {
				t.Errorf("%s: got a wait of %v, want %v", tc.route, got, tc.want)
			}
		})
	}
}

func TestAdmitGivesUpWithTheClient(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	gone := httptest.NewRequest("GET", "/", nil).WithContext(ctx)
	tests := []struct {
		name    string
		latency time.Duration
		want    bool
	}{
		{"no latency: nothing to wait for", 0, true},
		{"latency: the client left first", time.Hour, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			s.SetLatency(ping, tc.latency)
			if got := s.Admit(gone, ping); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			if got := s.Calls(ping); got != 1 {
				t.Errorf("got %d calls, want 1", got)
			}
		})
	}
}

func TestHandleNeedsOwnMux(t *testing.T) {
	t.Parallel()
	s := fakehttp.New(t, http.NotFoundHandler())
	defer func() {
		if recover() == nil {
			t.Error("got no panic, want one for Handle on a server with its own handler")
		}
	}()
	s.Handle(ping, http.NotFoundHandler())
}

func TestRouteWithOwnHandler(t *testing.T) {
	t.Parallel()
	var s *fakehttp.Server
	s = fakehttp.New(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Name the route from the path, as the Slack fake does.
		s.Route(strings.TrimPrefix(r.URL.Path, "/api/"), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNoContent)
		})).ServeHTTP(w, r)
	}))
	s.FailNext("chat.update", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) }, 1)
	for _, want := range []int{http.StatusTeapot, http.StatusNoContent} {
		if got, _ := call(t, s, "POST /api/chat.update"); got != want {
			t.Errorf("got %d, want %d", got, want)
		}
	}
	if got := s.Calls("chat.update"); got != 2 {
		t.Errorf("got %d calls, want 2", got)
	}
}

func TestWriteJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		preset string
		want   string
	}{
		{"default content type", "", "application/json"},
		{"caller's content type kept", "application/json; charset=utf-8", "application/json; charset=utf-8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := httptest.NewRecorder()
			if tc.preset != "" {
				w.Header().Set("Content-Type", tc.preset)
			}
			fakehttp.WriteJSON(w, http.StatusCreated, map[string]any{"ok": true})
			if got := w.Header().Get("Content-Type"); got != tc.want {
				t.Errorf("got Content-Type %q, want %q", got, tc.want)
			}
			if w.Code != http.StatusCreated || w.Body.String() != "{\"ok\":true}\n" {
				t.Errorf("got %d %q, want 201 {\"ok\":true}", w.Code, w.Body.String())
			}
		})
	}
}

func TestSetRetryAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		wait time.Duration
		want string
	}{
		{0, ""},
		{-time.Second, ""},
		{time.Nanosecond, "1"},
		{time.Second, "1"},
		{1500 * time.Millisecond, "2"},
		{time.Minute, "60"},
	}
	for _, tc := range tests {
		t.Run(tc.wait.String(), func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			fakehttp.SetRetryAfter(h, tc.wait)
			if got := h.Get("Retry-After"); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
