package slack

import (
	"context"
	"strings"

	slackapi "github.com/slack-go/slack"

	"incidentbot"
	"incidentbot/commands"
	"incidentbot/i18n"
)

// slashRequest is what the bot reads of a slash command: form fields over
// HTTP, the same names as JSON in a Socket Mode envelope.
type slashRequest struct {
	TeamID    string `json:"team_id"`
	ChannelID string `json:"channel_id"`
	UserID    string `json:"user_id"`
	UserName  string `json:"user_name"`
	Text      string `json:"text"`
	TriggerID string `json:"trigger_id"`
	// ResponseURL answers the person even where the bot is not a member.
	ResponseURL string `json:"response_url"`
}

// triggerSource names slash commands' and modal submissions' trigger ids
// in the delivery store: Slack gives each person's action its own.
const triggerSource = "slack-trigger"

// command runs a slash command and returns the answer Slack shows, or nil
// for an empty acknowledgement (the declare modal is open).
func (in *Inbound) command(ctx context.Context, cmd slashRequest) *slashResponse {
	if in.foreign(ctx, cmd.TeamID, "command") {
		return &slashResponse{ResponseType: "ephemeral", Text: in.refusal(cmd.TeamID)}
	}
	actor := incidentbot.Actor{
		Platform:  "slack",
		Workspace: cmd.TeamID,
		User:      incidentbot.User{ID: cmd.UserID, Name: cmd.UserName},
		ChannelID: cmd.ChannelID,
		Locale:    in.locale(ctx, cmd.UserID),
	}
	if wantsModal(cmd.Text) && cmd.TriggerID != "" && in.deps.Service != nil && in.deps.Chat != nil {
		// The trigger id lives 3 seconds: open the modal now, before the ack.
		actor.Language = commands.QuickLanguage(in.deps.Service, actor)
		if err := in.openDeclare(ctx, actor.Language, cmd.TriggerID, cmd.ChannelID, cmd.ResponseURL); err != nil {
			in.deps.Logger.WarnContext(ctx, "declare modal not opened", "code", incidentbot.ErrorCode(err), "err", err)
			resp := commandResponse(commands.Reply{Message: incidentbot.Message{
				Text: i18n.T(actor.Language, "slack.modal.not_opened", map[string]any{"Error": i18n.ErrorMessage(actor.Language, err)}),
			}})
			return &resp
		}
		return nil
	}
	if cmd.TriggerID != "" {
		// Recorded with the incident a declare opens, in its transaction:
		// the same command sent again (a retry, another replica) opens none.
		ctx = incidentbot.WithDelivery(ctx, incidentbot.Delivery{Source: triggerSource, ID: cmd.TriggerID})
	}
	resp := commandResponse(in.deps.Handle(ctx, actor, cmd.Text))
	return &resp
}

// wantsModal reports a bare "declare": on Slack that opens the form.
func wantsModal(text string) bool {
	f := strings.Fields(text)
	if len(f) > 0 && strings.EqualFold(f[0], "/incident") {
		f = f[1:]
	}
	return len(f) == 1 && strings.EqualFold(f[0], "declare")
}

// slashResponse is the JSON body Slack shows for a slash command.
type slashResponse struct {
	ResponseType string                `json:"response_type"`
	Text         string                `json:"text"`
	Blocks       []slackapi.Block      `json:"blocks,omitempty"`
	Attachments  []slackapi.Attachment `json:"attachments,omitempty"`
}

func commandResponse(reply commands.Reply) slashResponse {
	r := render(reply.Message)
	out := slashResponse{ResponseType: "ephemeral", Text: r.Text, Blocks: r.Blocks, Attachments: r.Attachments}
	if reply.InChannel {
		out.ResponseType = "in_channel"
	}
	return out
}
