package bot

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"incidentbot"
	"incidentbot/views"
)

// The engine owns the messages it keeps for an incident: after every
// change it enqueues one redraw per purpose, whatever made the change (a
// typed command, a click, an alert, on any platform). Adapters only turn
// what people do into commands.

// redrawWindow bounds how often the engine redraws a kept message: the
// changes made within one window are drawn together by one job, keyed by
// the window, which runs once the window is over (and a window more, for
// a change made at its very end to have committed). An alert storm
// attached to an incident costs two redraws a second, not two per alert.
const redrawWindow = time.Second

// redraw adds the redraws of the welcome and of the summary for the
// current window; those of a window already added are skipped (same key).
func (j *jobs) redraw() *jobs {
	start := j.e.now().Truncate(redrawWindow)
	at, window := start.Add(2*redrawWindow), strconv.FormatInt(start.UnixMilli(), 10)
	return j.at(kindRedrawWelcome, kindRedrawWelcome+"/"+window, nil, at).at(kindSummary, kindSummary+"/"+window, nil, at)
}

// withRedraws has a change of an incident not closed yet also redraw the
// kept messages, in the same transaction: the redraws run after it
// commits and see it.
func (e *Engine) withRedraws(fn func(inc *incidentbot.Incident) (incidentbot.Change, error)) func(inc *incidentbot.Incident) (incidentbot.Change, error) {
	return func(inc *incidentbot.Incident) (incidentbot.Change, error) {
		closed := inc.Status == incidentbot.StatusClosed
		ch, err := fn(inc)
		if err != nil || closed {
			// After the close's own redraw nothing shows on the messages
			// (follow-ups and a late ads resume have their own posts), and
			// the war room may be archived.
			return ch, err
		}
		j := e.jobsFor(inc).redraw()
		ch.Jobs = append(ch.Jobs, j.out...)
		return ch, j.err
	}
}

// redrawWelcome draws the war room's welcome again, buttons included, from
// the incident as it stands. Before the saga posted it there is nothing to
// redraw (the saga will draw the current state), unless the saga is posting
// it now, drawn from an older state: then this waits for it.
func (e *Engine) redrawWelcome(ctx context.Context, _ incidentbot.Job, inc *incidentbot.Incident) (complete, error) {
	ref, err := e.store.Message(ctx, inc.ID, incidentbot.MessageWelcome)
	switch incidentbot.ErrorCode(err) {
	case "":
	case incidentbot.ENOTFOUND:
		all, err := e.store.Jobs(ctx, inc.ID)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(all, func(j incidentbot.Job) bool { return j.Kind == kindWelcome && j.State == incidentbot.JobRunning }) {
			return nil, errWarRoomNotReady
		}
		return nil, nil
	default:
		return nil, err
	}
	chat, st, err := e.drawing(ctx, inc)
	if err != nil {
		return nil, err
	}
	err = chat.Update(ctx, ref, views.Welcome(st, e.now(), e.lang(inc)))
	switch {
	case err == nil:
	case incidentbot.ErrorCode(err) == incidentbot.EUNAVAILABLE || incidentbot.IsTransientNetError(err):
		return nil, fmt.Errorf("redraw welcome: %w", err) // retried
	default:
		// Deleted, or the war room archived: there is nothing left to keep
		// up to date, and no failure worth a notice (/incident status
		// shows the same).
		e.logger.InfoContext(ctx, "welcome not redrawn", "incident", inc.Key, "code", incidentbot.ErrorCode(err), "err", err)
	}
	return nil, nil
}

// drawing returns what drawing a kept message takes: the incident's chat
// and its state.
func (e *Engine) drawing(ctx context.Context, inc *incidentbot.Incident) (incidentbot.Chat, *incidentbot.IncidentStatus, error) {
	chat, err := e.chat(inc.Platform)
	if err != nil {
		return nil, nil, err
	}
	st, err := e.status(ctx, inc)
	if err != nil {
		return nil, nil, err
	}
	return chat, st, nil
}
