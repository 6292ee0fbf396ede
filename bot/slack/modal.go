package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	slackapi "github.com/slack-go/slack"

	"incidentbot"
	"incidentbot/commands"
	"incidentbot/i18n"
)

// The declare modal: its callback id, and block and action ids as in
// ../shared/fixtures/slack/view_submission.json.
const (
	declareCallback = "incident.declare"
	maxModalTitle   = 150 // as commands accept
	maxOptions      = 100 // Slack's limit for a static select
	maxOptionText   = 75
)

// modalMeta travels in the view's private_metadata, back to us on submit.
type modalMeta struct {
	OriginChannel string `json:"origin_channel"`
	ResponseURL   string `json:"response_url,omitempty"`
}

// openDeclare opens the declare modal in lang, the language of the person
// who asked (commands.QuickLanguage: the trigger id lives 3 seconds, too
// short to wait on the store); origin is where the confirmation goes, through responseURL
// (kept in the modal) when the bot cannot post there.
func (in *Inbound) openDeclare(ctx context.Context, lang, triggerID, origin, responseURL string) error {
	meta, err := json.Marshal(modalMeta{OriginChannel: origin, ResponseURL: responseURL})
	if err != nil {
		return fmt.Errorf("declare modal metadata: %w", err)
	}
	_, err = in.deps.Chat.api.OpenViewContext(ctx, triggerID, declareView(lang, in.deps.Service.Playbooks(), string(meta)))
	return mapError("views.open", err)
}

// declareView asks what a slash command would take, on a phone-sized form.
func declareView(lang string, books []*incidentbot.Playbook, meta string) slackapi.ModalViewRequest {
	say := func(id string) *slackapi.TextBlockObject { return plain(i18n.T(lang, "slack.modal."+id, nil)) }
	title := slackapi.NewPlainTextInputBlockElement(say("title_example"), "title_input").WithMaxLength(maxModalTitle)
	var sevs []*slackapi.OptionBlockObject
	for _, s := range incidentbot.Severities {
		hint := i18n.T(lang, "slack.modal.sev_hint."+s.String(), nil)
		sevs = append(sevs, slackapi.NewOptionBlockObject(s.String(), plain(s.Label()+" - "+hint), nil))
	}
	var types []*slackapi.OptionBlockObject
	for _, pb := range books[:min(len(books), maxOptions)] {
		var desc *slackapi.TextBlockObject
		if d := pb.Description.In(lang); d != "" {
			desc = plain(incidentbot.Truncate(d, maxOptionText))
		}
		types = append(types, slackapi.NewOptionBlockObject(pb.Name, plain(incidentbot.Truncate(pb.Name, maxOptionText)), desc))
	}
	blocks := []slackapi.Block{
		slackapi.NewInputBlock("title", say("title"), say("title_hint"), title),
		slackapi.NewInputBlock("severity", say("severity"), nil,
			slackapi.NewOptionsSelectBlockElement(slackapi.OptTypeStatic, say("severity_pick"), "severity_select", sevs...)),
	}
	if len(types) > 0 {
		typ := slackapi.NewInputBlock("type", say("type"), say("type_hint"),
			slackapi.NewOptionsSelectBlockElement(slackapi.OptTypeStatic, say("type_pick"), "type_select", types...))
		typ.Optional = true
		blocks = append(blocks, typ)
	}
	desc := slackapi.NewInputBlock("description", say("details"), nil,
		slackapi.NewPlainTextInputBlockElement(nil, "description_input").WithMultiline(true).WithMaxLength(incidentbot.MaxDescription))
	desc.Optional = true
	ads := slackapi.NewInputBlock("ads", say("ads"), say("ads_hint"),
		slackapi.NewCheckboxGroupsBlockElement("ads_checkbox", slackapi.NewOptionBlockObject("pause_ads", say("pause_ads"), nil)))
	ads.Optional = true
	blocks = append(blocks, desc, ads)
	return slackapi.ModalViewRequest{
		Type:            slackapi.VTModal,
		CallbackID:      declareCallback,
		Title:           say("heading"),
		Submit:          say("submit"),
		Close:           say("cancel"),
		PrivateMetadata: meta,
		Blocks:          slackapi.Blocks{BlockSet: blocks},
	}
}

// viewState is a submitted view's state.values: block id -> action id -> input.
type viewState map[string]map[string]struct {
	Value          string `json:"value"`
	SelectedOption *struct {
		Value string `json:"value"`
	} `json:"selected_option"`
	SelectedOptions []struct {
		Value string `json:"value"`
	} `json:"selected_options"`
}

// value returns a text input or a selected option.
func (s viewState) value(block, action string) string {
	in, ok := s[block][action]
	if !ok {
		return ""
	}
	if in.SelectedOption != nil {
		return in.SelectedOption.Value
	}
	return strings.TrimSpace(in.Value)
}

func (s viewState) checked(block, action, option string) bool {
	for _, o := range s[block][action].SelectedOptions {
		if o.Value == option {
			return true
		}
	}
	return false
}

// modalErrors keeps the modal open with a message under each bad block.
type modalErrors struct {
	ResponseAction string            `json:"response_action"`
	Errors         map[string]string `json:"errors"`
}

// declareCommand reads a submitted declare modal into the command a typed
// declare would be; the errors, in lang, are keyed by block id.
func declareCommand(lang string, state viewState) (commands.Command, map[string]string) {
	bad := map[string]string{}
	c := commands.Command{
		Name:        "declare",
		Title:       strings.Join(strings.Fields(state.value("title", "title_input")), " "),
		Type:        state.value("type", "type_select"),
		Description: state.value("description", "description_input"),
		PauseAds:    state.checked("ads", "ads_checkbox", "pause_ads"),
	}
	switch n := utf8.RuneCountInString(c.Title); {
	case n == 0:
		bad["title"] = i18n.T(lang, "slack.modal.bad.title_empty", nil)
	case n > maxModalTitle:
		bad["title"] = i18n.T(lang, "slack.modal.bad.title_long", map[string]any{"Max": i18n.Int(lang, maxModalTitle)})
	}
	if n := utf8.RuneCountInString(c.Description); n > incidentbot.MaxDescription {
		bad["description"] = i18n.T(lang, "slack.modal.bad.details_long",
			map[string]any{"Max": i18n.Int(lang, incidentbot.MaxDescription), "N": i18n.Int(lang, n)})
	}
	sev, err := incidentbot.ParseSeverity(state.value("severity", "severity_select"))
	if err != nil {
		bad["severity"] = i18n.T(lang, "slack.modal.bad.severity", nil)
	}
	c.Severity = sev
	if len(bad) > 0 {
		return c, bad
	}
	return c, nil
}

// submitDeclare runs the modal's form as a declare command. A refusal the
// person can fix shows under its field and keeps the modal open; otherwise
// the modal closes and the command's reply is posted after the ack.
func (in *Inbound) submitDeclare(ctx context.Context, p interaction) (any, func(context.Context)) {
	if in.deps.Run == nil {
		return nil, nil
	}
	var meta modalMeta
	_ = json.Unmarshal([]byte(p.View.PrivateMetadata), &meta) // an empty origin only loses the confirmation
	actor := p.actor(meta.OriginChannel)
	actor.Locale = in.locale(ctx, actor.User.ID)
	actor.Language = in.lang(ctx, actor)
	c, bad := declareCommand(actor.Language, p.View.State.Values)
	if bad != nil {
		return modalErrors{ResponseAction: "errors", Errors: bad}, nil
	}
	if p.TriggerID != "" {
		ctx = incidentbot.WithDelivery(ctx, incidentbot.Delivery{Source: triggerSource, ID: p.TriggerID})
	}
	reply, err := in.deps.Run(ctx, actor, c)
	switch code := incidentbot.ErrorCode(err); {
	case reply.Repeat:
		return nil, nil // the first submission posted the confirmation
	case code == incidentbot.EFORBIDDEN && c.PauseAds:
		return modalErrors{ResponseAction: "errors", Errors: map[string]string{"ads": i18n.ErrorMessage(actor.Language, err)}}, nil
	case code == incidentbot.EINVALID:
		block := "title"
		if c.Type != "" && strings.Contains(incidentbot.ErrorMessage(err), c.Type) {
			block = "type"
		}
		return modalErrors{ResponseAction: "errors", Errors: map[string]string{block: i18n.ErrorMessage(actor.Language, err)}}, nil
	case err != nil:
		in.deps.Logger.ErrorContext(ctx, "declare from modal failed", "user", actor.User.ID, "code", code, "err", err)
		reply = commands.Reply{Message: incidentbot.Message{
			Text: i18n.T(actor.Language, "slack.modal.failed", map[string]any{"Error": i18n.ErrorMessage(actor.Language, err)}),
		}}
	}
	// The form's answer is for the person who filled it in.
	reply.InChannel = false
	reply.Message.EphemeralTo = actor.User.ID
	return nil, in.later(meta, reply)
}

// later posts reply where the modal was opened, after the ack; nothing
// without a channel.
func (in *Inbound) later(meta modalMeta, reply commands.Reply) func(context.Context) {
	return func(ctx context.Context) { in.post(ctx, meta.OriginChannel, meta.ResponseURL, reply) }
}
