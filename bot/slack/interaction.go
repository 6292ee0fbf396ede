package slack

import (
	"context"
	"strconv"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/commands"
)

// actionSource names button clicks in the delivery store.
const actionSource = "slack-action"

// clickWindow is how long a repeated click on the same button by the same
// person counts as the same click: between one and two windows.
const clickWindow = 5 * time.Second

// interaction is the part of an interactivity payload the bot reads.
type interaction struct {
	Type       string `json:"type"`
	CallbackID string `json:"callback_id"` // shortcuts
	TriggerID  string `json:"trigger_id"`
	// ResponseURL answers the person who clicked, even where the bot is
	// not a member (block_actions and message shortcuts carry one).
	ResponseURL string `json:"response_url"`
	Team        struct {
		ID string `json:"id"`
	} `json:"team"`
	User struct {
		ID       string `json:"id"`
		Username string `json:"username"`
		Name     string `json:"name"`
	} `json:"user"`
	Channel struct {
		ID string `json:"id"`
	} `json:"channel"`
	Container struct {
		MessageTS   string `json:"message_ts"`
		ChannelID   string `json:"channel_id"`
		IsEphemeral bool   `json:"is_ephemeral"`
	} `json:"container"`
	Actions []struct {
		ActionID string `json:"action_id"`
		Value    string `json:"value"`
	} `json:"actions"`
	View struct {
		CallbackID      string `json:"callback_id"`
		PrivateMetadata string `json:"private_metadata"`
		State           struct {
			Values viewState `json:"values"`
		} `json:"state"`
	} `json:"view"`
}

func (p interaction) channel() string {
	if p.Channel.ID != "" {
		return p.Channel.ID
	}
	return p.Container.ChannelID
}

func (p interaction) actor(channel string) incidentbot.Actor {
	name := p.User.Username
	if name == "" {
		name = p.User.Name
	}
	return incidentbot.Actor{
		Platform: "slack", Workspace: p.Team.ID,
		User: incidentbot.User{ID: p.User.ID, Name: name}, ChannelID: channel,
	}
}

// interact handles one interactivity payload. It returns the body of the
// acknowledgement (nil: empty) and the work to do after it, if any.
func (in *Inbound) interact(ctx context.Context, p interaction) (any, func(context.Context)) {
	if in.foreign(ctx, p.Team.ID, "interaction") {
		// Only a form can show a reply in the answer itself; a click has none.
		if p.Type == "view_submission" {
			return modalErrors{ResponseAction: "errors", Errors: map[string]string{"title": in.refusal(p.Team.ID)}}, nil
		}
		return nil, nil
	}
	switch {
	case p.Type == "block_actions" && len(p.Actions) > 0:
		return nil, func(ctx context.Context) { in.actions(ctx, p) }
	case p.Type == "view_submission" && p.View.CallbackID == declareCallback:
		return in.submitDeclare(ctx, p)
	case (p.Type == "shortcut" || p.Type == "message_action") && p.CallbackID == declareCallback &&
		p.TriggerID != "" && in.deps.Service != nil && in.deps.Chat != nil:
		// Before the ack: the trigger id expires in 3 seconds.
		actor := p.actor(p.channel())
		actor.Locale = in.locale(ctx, actor.User.ID)
		if err := in.openDeclare(ctx, commands.QuickLanguage(in.deps.Service, actor), p.TriggerID, p.channel(), p.ResponseURL); err != nil {
			in.deps.Logger.WarnContext(ctx, "declare modal not opened", "code", incidentbot.ErrorCode(err), "err", err)
		}
		return nil, nil
	}
	in.deps.Logger.DebugContext(ctx, "slack interaction ignored", "type", p.Type)
	return nil, nil
}

// actions runs each clicked button's command line as the person who
// clicked, as if typed: the reply goes to them, and the engine redraws
// the messages it keeps (welcome, summary) when the incident changed.
func (in *Inbound) actions(ctx context.Context, p interaction) {
	actor := p.actor(p.channel())
	actor.Locale = in.locale(ctx, actor.User.ID)
	for _, a := range p.Actions {
		if !in.firstClick(ctx, p, a.ActionID) {
			in.deps.Logger.InfoContext(ctx, "repeated click ignored", "user", actor.User.ID, "action", a.ActionID)
			continue
		}
		in.post(ctx, actor.ChannelID, p.ResponseURL, in.deps.Handle(ctx, actor, commandLine(a.ActionID, a.Value)))
	}
}

// commandLine reads a button: its action_id is the command line. Buttons
// named "incident.<command>" with the key as value (an older layout) still work.
func commandLine(actionID, value string) string {
	if name, ok := strings.CutPrefix(actionID, "incident."); ok {
		return strings.TrimSpace(name + " " + value)
	}
	return actionID
}

// firstClick claims (message, action, user) for the current window and the
// next, in the shared store, so a double tap or an impatient second click
// acts once across restarts and replicas. A store error lets the click
// through: acting twice is better than not at all, and commands are checked.
func (in *Inbound) firstClick(ctx context.Context, p interaction, actionID string) bool {
	if in.deps.Deliveries == nil || p.Container.MessageTS == "" {
		return true
	}
	now := in.deps.Clock.Now()
	bucket := now.UnixNano() / int64(clickWindow)
	id := func(b int64) string {
		return p.Container.MessageTS + "/" + actionID + "/" + p.User.ID + "/" + strconv.FormatInt(b, 10)
	}
	first, err := in.deps.Deliveries.ClaimDelivery(ctx, actionSource, id(bucket), now)
	if err == nil && first {
		_, err = in.deps.Deliveries.ClaimDelivery(ctx, actionSource, id(bucket+1), now)
	}
	if err != nil {
		in.deps.Logger.WarnContext(ctx, "click not deduplicated", "code", incidentbot.ErrorCode(err), "err", err)
		return true
	}
	return first
}
