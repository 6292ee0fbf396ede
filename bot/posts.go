package bot

import (
	"context"
	"errors"
	"fmt"

	"incidentbot"
	"incidentbot/views"
)

// postPayload is a message to post; an empty Channel means the war room.
type postPayload struct {
	Channel string
	Message incidentbot.Message
}

// post posts a message, waiting for the war room when it goes there. A
// failure notice for an incident whose war room could not be made goes
// where the incident was declared, for people to see and retry.
func (e *Engine) post(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident) (complete, error) {
	var p postPayload
	if err := decode(job, &p); err != nil {
		return nil, err
	}
	channel := p.Channel
	if channel == "" {
		if inc.WarRoom == "" {
			err := e.warRoomNotReady(ctx, inc)
			if !errors.Is(err, errNoWarRoom) || job.Kind != kindNotice || inc.OriginChannel == "" {
				return nil, err
			}
			channel = inc.OriginChannel
		} else {
			channel = inc.WarRoom
		}
	}
	chat, err := e.chat(inc.Platform)
	if err != nil {
		return nil, err
	}
	if _, err := e.postMarked(ctx, chat, job, channel, p.Message); err != nil {
		return nil, fmt.Errorf("post: %w", err)
	}
	return nil, nil
}

// postSource names, in the delivery store, posts claimed before the call.
const postSource = "post"

// summaryWaits is how many runs a summary job waits for the post another
// job claimed before it posts one itself. A run after the first may be
// the claimer's own re-run (its process died before the post went out),
// so it waits no longer.
const summaryWaits = 2

// errSummaryInFlight retries a summary job while another posts the first
// summary of its incident.
var errSummaryInFlight = incidentbot.Errorf(incidentbot.EUNAVAILABLE, "Another job is posting this incident's summary; this one updates it next.")

// summary posts the manager summary to the platform's summary channel, or
// updates the one posted before in place.
func (e *Engine) summary(ctx context.Context, job incidentbot.Job, inc *incidentbot.Incident) (complete, error) {
	channel := e.cfg.SummaryChannels[inc.Platform]
	if channel == "" {
		return nil, nil
	}
	chat, st, err := e.drawing(ctx, inc)
	if err != nil {
		return nil, err
	}
	msg := views.Summary(st, e.now(), e.cfg.Language)
	// One summary per incident, whichever job posts it: the marker names
	// the incident, and the first post is claimed in the store before the
	// call (across replicas), so a job that finds it claimed by another
	// looks for that post and updates it rather than posting its own.
	mark := marker(inc.Key + "/" + incidentbot.MessageSummary)
	ref, err := e.store.Message(ctx, inc.ID, incidentbot.MessageSummary)
	switch incidentbot.ErrorCode(err) {
	case "":
		err = chat.Update(ctx, ref, msg)
		if err == nil {
			return nil, nil
		}
		if incidentbot.ErrorCode(err) != incidentbot.ENOTFOUND {
			return nil, fmt.Errorf("update summary: %w", err)
		}
		// Deleted by someone: post a fresh one below.
	case incidentbot.ENOTFOUND:
		first, err := e.store.ClaimDelivery(ctx, postSource, mark, e.now())
		if err != nil {
			return nil, fmt.Errorf("claim the summary post: %w", err)
		}
		if !first {
			ref, err := chat.FindPost(ctx, channel, mark)
			switch {
			case err == nil:
				if err := chat.Update(ctx, ref, msg); err != nil {
					return nil, fmt.Errorf("update summary: %w", err)
				}
				return func(*incidentbot.Incident) (incidentbot.Change, error) {
					return incidentbot.Change{Messages: []incidentbot.SavedMessage{{Purpose: incidentbot.MessageSummary, Ref: ref}}}, nil
				}, nil
			case incidentbot.ErrorCode(err) != incidentbot.ENOTFOUND:
				return nil, err
			case job.Attempts < summaryWaits:
				return nil, errSummaryInFlight
			}
			// The job that claimed it never posted (it failed for good).
		}
	default:
		return nil, err
	}
	ref, _, err = e.postOrFind(ctx, chat, channel, msg, mark, job.Attempts > 1)
	if err != nil {
		return nil, fmt.Errorf("post summary: %w", err)
	}
	return func(*incidentbot.Incident) (incidentbot.Change, error) {
		return incidentbot.Change{Messages: []incidentbot.SavedMessage{{Purpose: incidentbot.MessageSummary, Ref: ref}}}, nil
	}, nil
}
