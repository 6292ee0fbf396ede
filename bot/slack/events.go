package slack

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	slackapi "github.com/slack-go/slack"

	"incidentbot"
)

// Delivery store sources: Events API ids, and messages put on a timeline
// (pinned and reacted to with :pushpin: is still one entry).
const (
	deliverySource = "slack-event"
	pinSource      = "slack-pin"
)

// eventEnvelope is the Events API body, outer and inner parts the bot reads.
type eventEnvelope struct {
	Type      string `json:"type"`
	Challenge string `json:"challenge"`
	TeamID    string `json:"team_id"`
	EventID   string `json:"event_id"`
	Event     struct {
		Type     string `json:"type"`
		User     string `json:"user"`
		BotID    string `json:"bot_id"`
		Channel  string `json:"channel"`
		Text     string `json:"text"`
		Reaction string `json:"reaction"`
		Item     struct {
			Type    string `json:"type"`
			Channel string `json:"channel"`
			TS      string `json:"ts"` // reaction_added
			Message struct {
				TS   string `json:"ts"`
				Text string `json:"text"`
			} `json:"message"` // pin_added
		} `json:"item"`
	} `json:"event"`
	Authorizations []struct {
		UserID string `json:"user_id"`
	} `json:"authorizations"`
}

// claimEvent records an event id and reports whether it is the first
// delivery; an error means nothing was recorded and Slack should retry.
func (in *Inbound) claimEvent(ctx context.Context, eventID, retry string) (bool, error) {
	first, err := in.deps.Deliveries.ClaimDelivery(ctx, deliverySource, eventID, in.deps.Clock.Now())
	if err != nil {
		in.deps.Logger.ErrorContext(ctx, "slack event not recorded", "event_id", eventID,
			"code", incidentbot.ErrorCode(err), "err", err)
		return false, err
	}
	if !first {
		in.deps.Logger.DebugContext(ctx, "slack event repeated", "event_id", eventID, "retry", retry)
	}
	return first, nil
}

// event acts on one event callback, delivered once.
func (in *Inbound) event(ctx context.Context, env eventEnvelope) {
	if in.foreign(ctx, env.TeamID, "event") {
		return
	}
	ev := env.Event
	for _, a := range env.Authorizations {
		if ev.User == a.UserID {
			return // the bot's own doing
		}
	}
	if ev.BotID != "" || ev.User == "" {
		return
	}
	actor := incidentbot.Actor{Platform: "slack", Workspace: env.TeamID, User: incidentbot.User{ID: ev.User}}
	switch {
	case ev.Type == "app_mention":
		actor.ChannelID = ev.Channel
		in.post(ctx, ev.Channel, "", in.deps.Handle(ctx, actor, "help"))
	case ev.Type == "pin_added" && ev.Item.Type == "message":
		actor.ChannelID = ev.Item.Channel
		in.pinned(ctx, actor, ev.Item.Message.TS, ev.Item.Message.Text)
	case ev.Type == "reaction_added" && ev.Reaction == "pushpin" && ev.Item.Type == "message":
		actor.ChannelID = ev.Item.Channel
		in.pinned(ctx, actor, ev.Item.TS, "")
	default:
		in.deps.Logger.DebugContext(ctx, "slack event ignored", "type", ev.Type, "event_id", env.EventID)
	}
}

// pinned puts a message of a war room on its incident's timeline, at the
// message's own time. Other channels are ignored.
func (in *Inbound) pinned(ctx context.Context, actor incidentbot.Actor, ts, text string) {
	at, ok := tsTime(ts)
	if !ok || in.deps.Service == nil || actor.ChannelID == "" {
		return
	}
	log := in.deps.Logger.With("channel", actor.ChannelID, "ts", ts)
	if text == "" {
		if in.deps.Chat == nil {
			return
		}
		var err error
		if text, err = in.deps.Chat.messageText(ctx, actor.ChannelID, ts); err != nil {
			log.InfoContext(ctx, "pinned message not read", "code", incidentbot.ErrorCode(err), "err", err)
			return
		}
	}
	if in.deps.Deliveries != nil {
		first, err := in.deps.Deliveries.ClaimDelivery(ctx, pinSource, actor.ChannelID+"/"+ts, in.deps.Clock.Now())
		if err != nil {
			log.WarnContext(ctx, "pin not deduplicated", "code", incidentbot.ErrorCode(err), "err", err)
		} else if !first {
			log.DebugContext(ctx, "message already on the timeline")
			return
		}
	}
	data, _ := json.Marshal(map[string]string{"channel": actor.ChannelID, "ts": ts})
	inc, err := in.deps.Service.Record(ctx, actor, "", incidentbot.TimelineEvent{
		Kind: incidentbot.EventPinned, At: at, Actor: actor.User, Text: text, Data: data,
	}, nil)
	switch incidentbot.ErrorCode(err) {
	case "":
		log.InfoContext(ctx, "pinned message on the timeline", "incident", inc.Key)
	case incidentbot.ENOTFOUND:
		log.DebugContext(ctx, "pin outside a war room ignored")
	default:
		log.WarnContext(ctx, "pinned message not recorded", "code", incidentbot.ErrorCode(err), "err", err)
	}
}

// tsTime reads a message timestamp ("1795521661.000200") as the time it
// was posted.
func tsTime(ts string) (time.Time, bool) {
	sec, frac, _ := strings.Cut(ts, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || s <= 0 || len(frac) > 6 {
		return time.Time{}, false
	}
	var us int64
	if frac != "" {
		if us, err = strconv.ParseInt((frac + "000000")[:6], 10, 64); err != nil || us < 0 {
			return time.Time{}, false
		}
	}
	return time.Unix(s, us*1000).UTC(), true
}

// messageText reads one message of a channel's history.
func (c *Chat) messageText(ctx context.Context, channelID, ts string) (string, error) {
	h, err := c.api.GetConversationHistoryContext(ctx, &slackapi.GetConversationHistoryParameters{
		ChannelID: channelID, Latest: ts, Inclusive: true, Limit: 1,
	})
	if err != nil {
		return "", mapError("conversations.history", err)
	}
	if len(h.Messages) == 0 || h.Messages[0].Timestamp != ts {
		return "", incidentbot.Errorf(incidentbot.ENOTFOUND, "That message is gone from the channel.")
	}
	return h.Messages[0].Text, nil
}
