package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

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

// postOwner names, in the delivery store, which job claimed a post.
const postOwner = "post-owner"

// claimSummary decides who posts an incident's first summary, named mark.
// The job that claims it in the store (across replicas) posts it; so does
// that job's next run, after a deferral by the channel's pace or a crash
// between claim and post. Another job finds that post and returns it to
// update, waits (a Deferral, holding no worker) while the claimer may
// still make it, and posts itself once the claimer cannot: a live job runs
// at most JobTimeout, and one whose process died is run again after its
// lease.
func (e *Engine) claimSummary(ctx context.Context, job incidentbot.Job, chat incidentbot.Chat, channel, mark string) (found incidentbot.MessageRef, err error) {
	first, err := e.store.ClaimDelivery(ctx, postSource, mark, e.now())
	if err != nil {
		return found, fmt.Errorf("claim the summary post: %w", err)
	}
	owner := mark + " " + job.Key
	if first {
		if _, err := e.store.ClaimDelivery(ctx, postOwner, owner, e.now()); err != nil {
			return found, fmt.Errorf("claim the summary post: %w", err)
		}
		return found, nil
	}
	switch _, err := e.store.DeliveryClaimedAt(ctx, postOwner, owner); incidentbot.ErrorCode(err) {
	case "":
		return found, nil // this job's own claim
	case incidentbot.ENOTFOUND:
	default:
		return found, fmt.Errorf("read the summary post's claim: %w", err)
	}
	ref, err := chat.FindPost(ctx, channel, mark)
	if incidentbot.ErrorCode(err) != incidentbot.ENOTFOUND {
		return ref, err
	}
	at, err := e.store.DeliveryClaimedAt(ctx, postSource, mark)
	switch {
	case incidentbot.ErrorCode(err) == incidentbot.ENOTFOUND:
		return found, nil
	case err != nil:
		return found, fmt.Errorf("read the summary post's claim: %w", err)
	}
	if age := e.now().Sub(at); age < e.cfg.JobTimeout+e.cfg.Lease {
		// Each look reads the channel's history: look less often as the claim ages.
		return found, &incidentbot.Deferral{Wait: min(max(age/2, time.Second), 10*time.Second), Reason: "another job is posting this incident's summary"}
	}
	return found, nil // the claimer died or failed for good
}

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
	msg := views.Summary(st, e.now(), e.lang(inc))
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
		found, err := e.claimSummary(ctx, job, chat, channel, mark)
		if err != nil {
			return nil, err
		}
		if found != (incidentbot.MessageRef{}) {
			if err := chat.Update(ctx, found, msg); err != nil {
				return nil, fmt.Errorf("update summary: %w", err)
			}
			return savedSummary(found), nil
		}
	default:
		return nil, err
	}
	ref, _, err = e.postOrFind(ctx, chat, channel, msg, mark, job.Attempts > 1)
	if err != nil {
		return nil, fmt.Errorf("post summary: %w", err)
	}
	return savedSummary(ref), nil
}

// savedSummary records ref as the incident's summary post.
func savedSummary(ref incidentbot.MessageRef) complete {
	return func(*incidentbot.Incident) (incidentbot.Change, error) {
		return incidentbot.Change{Messages: []incidentbot.SavedMessage{{Purpose: incidentbot.MessageSummary, Ref: ref}}}, nil
	}
}
