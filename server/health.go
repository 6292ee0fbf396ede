package server

import (
	"net/http"

	"incidentbot"
)

// handleHealthz says the process is up; it checks nothing else.
func handleHealthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Encode(w, http.StatusOK, map[string]string{"status": "ok"})
	})
}

// handleReadyz says whether the bot can take traffic: store reachable, migrations done.
func handleReadyz(deps Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := deps.Ready(r); err != nil {
			deps.Logger.WarnContext(r.Context(), "not ready", "err", err)
			Encode(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": incidentbot.ErrorMessage(err)})
			return
		}
		Encode(w, http.StatusOK, map[string]string{"status": "ok"})
	})
}
