package commands

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"

	"incidentbot"
	"incidentbot/i18n"
)

// Reply is what a command answers, for the adapter to render.
type Reply struct {
	// Message is the answer; its File (the post-mortem's Markdown) is
	// delivered whole by the adapter, shared to the channel.
	Message   incidentbot.Message
	InChannel bool // visible to the channel (e.g. declare confirmation); false: only to the person
	// Repeat: the request was handled already and this is the answer it
	// got; an adapter that delivered that answer may drop this one.
	Repeat bool
}

// Handler runs commands against the incident service.
type Handler struct {
	svc    incidentbot.IncidentService
	clock  incidentbot.Clock
	logger *slog.Logger
}

// NewHandler returns a handler; a nil clock is the system clock and a nil
// logger discards.
func NewHandler(svc incidentbot.IncidentService, clock incidentbot.Clock, logger *slog.Logger) *Handler {
	if clock == nil {
		clock = incidentbot.SystemClock{}
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Handler{svc: svc, clock: clock, logger: logger}
}

// Handle parses text, runs the command for actor and returns the reply.
// It never panics: failures become a reply only the actor sees, and the
// full error is logged once here.
func (h *Handler) Handle(ctx context.Context, actor incidentbot.Actor, text string) Reply {
	actor.Language = h.language(ctx, actor)
	c, err := Parse(text)
	if err != nil {
		return h.fail(ctx, actor, c, err)
	}
	r, err := h.Run(ctx, actor, c)
	if err != nil {
		return h.fail(ctx, actor, c, err)
	}
	return r
}

// Run runs a parsed command for actor: a typed line once Handle parsed it,
// or a form's fields (Slack's declare modal) that never were text. It
// returns the error rather than a reply, unlogged, so the caller can show
// it where the person looks (under a form's field). A panic becomes an
// EINTERNAL error.
func (h *Handler) Run(ctx context.Context, actor incidentbot.Actor, c Command) (r Reply, err error) {
	defer func() {
		if p := recover(); p != nil {
			cause := fmt.Errorf("panic: %v\n%s", p, debug.Stack())
			r, err = Reply{}, i18n.Wrap(incidentbot.EINTERNAL, cause, "handler.panic", nil)
		}
	}()
	if actor.Language == "" {
		actor.Language = h.language(ctx, actor)
	}
	s := lookup(c.Name)
	if s == nil {
		return Reply{}, unknown(c.Name)
	}
	r, err = s.handle(ctx, h, actor, c)
	if err != nil {
		return Reply{}, err
	}
	if !r.InChannel {
		r.Message.EphemeralTo = actor.User.ID
	}
	return r, nil
}

// language is Language with the handler's service and logger.
func (h *Handler) language(ctx context.Context, actor incidentbot.Actor) string {
	return Language(ctx, h.svc, actor, h.logger)
}

// fail logs err at a level matching its code and turns it into a private reply.
func (h *Handler) fail(ctx context.Context, actor incidentbot.Actor, c Command, err error) Reply {
	if overdue(ctx) {
		err = i18n.Wrap(incidentbot.EUNAVAILABLE, err, "gate.busy", nil)
	}
	code := incidentbot.ErrorCode(err)
	attrs := []any{"command", c.Name, "key", c.Key, "user", actor.User.ID, "code", code, "err", err}
	switch code {
	case incidentbot.EINTERNAL:
		h.logger.ErrorContext(ctx, "command failed", attrs...)
	case incidentbot.EINVALID:
		h.logger.DebugContext(ctx, "command refused", attrs...)
	default:
		h.logger.InfoContext(ctx, "command refused", attrs...)
	}
	return Reply{Message: incidentbot.Message{Text: i18n.ErrorMessage(actor.Language, err), EphemeralTo: actor.User.ID}}
}

// workspaceLanguage is the language of replies the whole channel sees.
func (h *Handler) workspaceLanguage(actor incidentbot.Actor) string {
	if ls, ok := h.svc.(incidentbot.Languages); ok {
		return i18n.Or(ls.WorkspaceLanguage(actor))
	}
	return i18n.Default
}

// withKey adds the key to a command line when the person gave one, so a
// button works outside the war room too.
func withKey(name, key string, args ...string) string {
	return join(append([]string{name, key}, args...)...)
}
