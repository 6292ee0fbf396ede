package commands

import (
	"context"
	"log/slog"

	"incidentbot"
	"incidentbot/i18n"
)

// Language picks the language of replies only actor sees: their
// /incident lang choice, else their chat app's locale when the catalog
// speaks it, else the workspace's. A store failure is logged and falls
// back, since a reply in another language beats no reply. Adapters use it
// for what they say themselves (a form, its errors); svc need not
// implement incidentbot.Languages (then: the locale, else the default).
func Language(ctx context.Context, svc incidentbot.IncidentService, actor incidentbot.Actor, logger *slog.Logger) string {
	ls, ok := svc.(incidentbot.Languages)
	if !ok {
		return i18n.Or(i18n.Match(actor.Locale))
	}
	chosen, err := ls.UserLanguage(ctx, actor)
	if err != nil {
		logger.WarnContext(ctx, "user language unknown", "user", actor.User.ID, "code", incidentbot.ErrorCode(err), "err", err)
	}
	return i18n.Or(chosen, i18n.Match(actor.Locale), ls.WorkspaceLanguage(actor))
}

// QuickLanguage is Language without asking the store: the chat app's
// locale, else the workspace's. It says the answers given because the
// store is slow or down (Busy, Stuck), which must not wait on it.
func QuickLanguage(svc incidentbot.IncidentService, actor incidentbot.Actor) string {
	ls, ok := svc.(incidentbot.Languages)
	if !ok {
		return i18n.Or(i18n.Match(actor.Locale))
	}
	return i18n.Or(i18n.Match(actor.Locale), ls.WorkspaceLanguage(actor))
}
