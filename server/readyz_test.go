package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// /readyz answers 503 within its timeout while the store is stuck, whether
// the driver gives up when its context ends or ignores it (a frozen
// server holding the socket).
func TestDeadlineReadyz(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		ready func(r *http.Request, stuck <-chan struct{}) error
	}{
		{"driver honours the context", func(r *http.Request, _ <-chan struct{}) error {
			<-r.Context().Done()
			return fmt.Errorf("ping: %w", r.Context().Err())
		}},
		{"driver ignores the context", func(_ *http.Request, stuck <-chan struct{}) error {
			<-stuck
			return nil
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			stuck := make(chan struct{})
			defer close(stuck)
			const timeout = 100 * time.Millisecond
			h := NewServer(Deps{
				Logger:       slog.New(slog.DiscardHandler),
				Ready:        func(r *http.Request) error { return tc.ready(r, stuck) },
				ReadyTimeout: timeout,
			})
			rec := httptest.NewRecorder()
			start := time.Now()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil).WithContext(context.Background()))
			if took := time.Since(start); took > timeout+time.Second {
				t.Errorf("answered after %v, want about %v", took, timeout)
			}
			if rec.Code != http.StatusServiceUnavailable {
				t.Errorf("got %d, want 503", rec.Code)
			}
			if !strings.Contains(rec.Body.String(), "The database did not answer within 100ms.") {
				t.Errorf("body: got %q", rec.Body.String())
			}
		})
	}
}
