// Package server is incidentbot's HTTP front: health, readiness, metrics and,
// in later packages' handlers, the chat platforms' and alerts' webhooks.
// routes.go lists every route.
package server

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"incidentbot"
)

// Deps are what the handlers need.
type Deps struct {
	Logger *slog.Logger
	// Ready reports whether the store is reachable and migrated.
	Ready func(r *http.Request) error
	// ReadyTimeout bounds Ready: past it /readyz answers 503, so a frozen
	// database fails the probe instead of hanging it. 0 means 2 seconds.
	ReadyTimeout time.Duration
	// Pprof serves /debug/pprof/ to loopback clients (DEBUG_PPROF); off,
	// the path answers 404.
	Pprof bool
	// Metrics serves /metrics; nil serves 404.
	Metrics http.Handler
	// Observe, when set, is told how long each request took to answer,
	// under its route's pattern ("POST /slack/commands"; "" for none).
	Observe func(route string, took time.Duration)
	// Inbound endpoints; each nil when its platform is not configured over HTTP.
	SlackCommands, SlackInteractions, SlackEvents http.Handler
	DiscordInteractions                           http.Handler
	Alertmanager, Grafana, GenericAlerts          http.Handler
	// Web pages (package web); each nil when not served.
	Home, Assets                                    http.Handler
	Status, StatusFeed, StatusSummary, StatusBanner http.Handler
	// Sign-in (package web/signin): its pages, each nil when not served.
	SignIn, SignInStart, SignInCallback, SignOut http.Handler
	// Guard serves a private page to a viewer (web.WithViewer) and answers
	// anyone else itself: a sign-in page, or why the page is closed.
	// Identify puts the viewer in the request when there is one and lets
	// everyone through, for public pages that say more to a viewer. Nil,
	// no request has a viewer.
	Guard, Identify func(http.Handler) http.Handler
	// The managers' dashboard (package web), behind Guard.
	Incidents, Incident, Postmortem, HistoryCSV, Trends, Events http.Handler
}

// NewServer returns the whole HTTP handler.
func NewServer(deps Deps) http.Handler {
	mux := http.NewServeMux()
	addRoutes(mux, deps)
	var h http.Handler = mux
	h = limitBody(h, maxBody)
	h = recoverPanics(deps.Logger, h)
	if deps.Observe != nil {
		h = timed(deps.Observe, h)
	}
	return h
}

// timed reports each request's time to answer. The mux names the route
// on the request it is given, so it is read once the request is served.
// A stream (the dashboard's events) counts until it ends.
func timed(observe func(string, time.Duration), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		next.ServeHTTP(w, r)
		observe(r.Pattern, time.Since(start))
	})
}

// maxBody bounds every request body: chat payloads and alert batches are far smaller.
const maxBody = 1 << 20

func limitBody(next http.Handler, n int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, n)
		next.ServeHTTP(w, r)
	})
}

func recoverPanics(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				logger.ErrorContext(r.Context(), "panic in handler", "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				Error(w, r, logger, incidentbot.Errorf(incidentbot.EINTERNAL, "Internal error."))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// statusOf maps error codes to HTTP statuses, once for every handler.
var statusOf = map[string]int{
	incidentbot.EINVALID:      http.StatusBadRequest,
	incidentbot.ENOTFOUND:     http.StatusNotFound,
	incidentbot.ECONFLICT:     http.StatusConflict,
	incidentbot.EUNAUTHORIZED: http.StatusUnauthorized,
	incidentbot.EFORBIDDEN:    http.StatusForbidden,
	incidentbot.EUNAVAILABLE:  http.StatusServiceUnavailable,
	incidentbot.EINTERNAL:     http.StatusInternalServerError,
}

// Error writes err as JSON {"error": message} with the status of its code,
// logging internal errors with their whole chain.
func Error(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	code := incidentbot.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		status = http.StatusRequestEntityTooLarge
	}
	if status >= 500 {
		logger.ErrorContext(r.Context(), "request failed", "path", r.URL.Path, "code", code, "err", err)
	}
	Encode(w, status, map[string]string{"error": incidentbot.ErrorMessage(err)})
}

// Encode writes v as JSON with the given status.
func Encode(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
