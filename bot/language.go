package bot

import (
	"context"

	"incidentbot"
)

var _ incidentbot.Languages = (*Engine)(nil)

// WorkspaceLanguage is BOT_LANGUAGE: every workspace speaks it.
func (e *Engine) WorkspaceLanguage(incidentbot.Actor) string { return e.cfg.Language }

// UserLanguage is the language actor chose with /incident lang, "" for none.
func (e *Engine) UserLanguage(ctx context.Context, actor incidentbot.Actor) (string, error) {
	if actor.Platform == "" || actor.Workspace == "" || actor.User.ID == "" {
		return "", nil
	}
	return e.store.UserLanguage(ctx, actor.Platform, actor.Workspace, actor.User.ID)
}

// SetUserLanguage stores actor's choice; "" goes back to automatic.
func (e *Engine) SetUserLanguage(ctx context.Context, actor incidentbot.Actor, lang string) error {
	return e.store.SetUserLanguage(ctx, actor.Platform, actor.Workspace, actor.User.ID, lang)
}

// lang is the language of inc's shared posts (war room, summaries) and of
// its timeline entries, which are written once in it: its playbook's
// language:, else BOT_LANGUAGE. The playbook comes from the loaded set, a
// map lookup by type, so no post costs a store read; a playbook removed
// since the declaration speaks as the generic one would (Engine.playbook).
func (e *Engine) lang(inc *incidentbot.Incident) string {
	pb, err := e.playbooks.Match(inc.Type, "")
	if err != nil {
		pb, err = e.playbooks.Match("", "")
	}
	if err == nil && pb.Language != "" {
		return pb.Language
	}
	return e.cfg.Language
}
