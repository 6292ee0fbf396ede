package web

import "context"

// Viewer is who is looking at a private page. Sign-in (Slack or Discord)
// sets it; without any sign-in configured, a request from a loopback
// address gets a Local viewer, who sees every workspace because whoever
// reaches the loopback address already runs the bot.
type Viewer struct {
	Platform  string // "slack" or "discord"; empty for a Local viewer
	Workspace string // Slack team id or Discord guild id
	UserID    string
	Name      string
	Local     bool
}

type viewerKey struct{}

// WithViewer returns ctx carrying v, for the pages behind the sign-in guard.
func WithViewer(ctx context.Context, v Viewer) context.Context {
	return context.WithValue(ctx, viewerKey{}, v)
}

// ViewerFrom gives the viewer the guard put in ctx, and false when there is
// none: a private page must then refuse, never show everything.
func ViewerFrom(ctx context.Context) (Viewer, bool) {
	v, ok := ctx.Value(viewerKey{}).(Viewer)
	return v, ok
}

// Sees reports whether v may see an incident of (platform, workspace): the
// same tenancy rule as the chat side.
func (v Viewer) Sees(platform, workspace string) bool {
	return v.Local || (v.Platform == platform && v.Workspace == workspace)
}
