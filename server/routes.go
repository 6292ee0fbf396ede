package server

import "net/http"

// addRoutes is the index of every HTTP route.
func addRoutes(mux *http.ServeMux, deps Deps) {
	mux.Handle("GET /healthz", handleHealthz())
	mux.Handle("GET /readyz", handleReadyz(deps))
	handleIf(mux, "GET /metrics", deps.Metrics)
	if deps.Pprof {
		mux.Handle("GET /debug/pprof/", handlePprof())
	}
	handleIf(mux, "POST /slack/commands", deps.SlackCommands)
	handleIf(mux, "POST /slack/interactions", deps.SlackInteractions)
	handleIf(mux, "POST /slack/events", deps.SlackEvents)
	handleIf(mux, "POST /discord/interactions", deps.DiscordInteractions)
	handleIf(mux, "POST /webhooks/alertmanager", deps.Alertmanager)
	handleIf(mux, "POST /webhooks/grafana", deps.Grafana)
	handleIf(mux, "PUT /webhooks/grafana", deps.Grafana)
	handleIf(mux, "POST /webhooks/generic", deps.GenericAlerts)
	// Web pages. The home page is the dashboard to a viewer, a public
	// welcome to anyone else.
	handleIf(mux, "GET /{$}", wrap(deps.Identify, deps.Home))
	handleIf(mux, "GET /assets/", deps.Assets)
	// Sign-in with Slack or Discord, and out.
	handleIf(mux, "GET /signin", deps.SignIn)
	handleIf(mux, "GET /signin/{provider}", deps.SignInStart)
	handleIf(mux, "GET /signin/{provider}/callback", deps.SignInCallback)
	handleIf(mux, "POST /signout", deps.SignOut)
	// The managers' dashboard: private, behind the guard; each page also
	// reads the viewer itself and refuses (403) without one.
	handleIf(mux, "GET /incidents", wrap(deps.Guard, deps.Incidents))
	handleIf(mux, "GET /incidents/{key}", wrap(deps.Guard, deps.Incident))
	handleIf(mux, "GET /incidents/{key}/postmortem.md", wrap(deps.Guard, deps.Postmortem))
	handleIf(mux, "GET /history.csv", wrap(deps.Guard, deps.HistoryCSV))
	handleIf(mux, "GET /trends", wrap(deps.Guard, deps.Trends))
	handleIf(mux, "GET /events", wrap(deps.Guard, deps.Events))
	// The public status page, with no sign-in, served from a snapshot.
	handleIf(mux, "GET /status", deps.Status)
	handleIf(mux, "GET /status/feed.atom", deps.StatusFeed)
	handleIf(mux, "GET /status/summary.json", deps.StatusSummary)
	handleIf(mux, "GET /api/v2/summary.json", deps.StatusSummary) // where Statuspage widgets look
	handleIf(mux, "GET /status/banner.js", deps.StatusBanner)
}

// wrap puts h behind a middleware from deps (Guard, Identify), if both are set.
func wrap(mw func(http.Handler) http.Handler, h http.Handler) http.Handler {
	if h == nil || mw == nil {
		return h
	}
	return mw(h)
}

// handleIf serves the route only when its handler is configured: an
// unconfigured platform's URL answers 404, not a confusing 500.
func handleIf(mux *http.ServeMux, pattern string, h http.Handler) {
	if h != nil {
		mux.Handle(pattern, h)
	}
}
