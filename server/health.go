package server

import (
	"context"
	"net/http"
	"time"

	"incidentbot"
)

// handleHealthz says the process is up; it checks nothing else.
func handleHealthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Encode(w, http.StatusOK, map[string]string{"status": "ok"})
	})
}

// defaultReadyTimeout is within the usual probe timeouts (Kubernetes: 1 s
// by default, often raised to a few).
const defaultReadyTimeout = 2 * time.Second

// handleReadyz says whether the bot can take traffic: store reachable,
// migrations done, and answering within the timeout. A database driver
// that ignores its context (a frozen server holds the socket) cannot hang
// the probe: the check runs aside and the answer does not wait for it.
func handleReadyz(deps Deps) http.Handler {
	timeout := deps.ReadyTimeout
	if timeout <= 0 {
		timeout = defaultReadyTimeout
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		errc := make(chan error, 1)
		go func() { errc <- deps.Ready(r.WithContext(ctx)) }()
		var err error
		select {
		case err = <-errc:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			err = incidentbot.Errorf(incidentbot.EUNAVAILABLE, "The database did not answer within %s.", timeout)
		}
		if err != nil {
			deps.Logger.WarnContext(r.Context(), "not ready", "err", err)
			Encode(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": incidentbot.ErrorMessage(err)})
			return
		}
		Encode(w, http.StatusOK, map[string]string{"status": "ok"})
	})
}
