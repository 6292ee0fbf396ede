package server

import "net/http"

// addRoutes is the index of every HTTP route.
func addRoutes(mux *http.ServeMux, deps Deps) {
	mux.Handle("GET /healthz", handleHealthz())
	mux.Handle("GET /readyz", handleReadyz(deps))
	if deps.Metrics != nil {
		mux.Handle("GET /metrics", deps.Metrics)
	}
}
