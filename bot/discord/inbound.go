package discord

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"incidentbot"
	"incidentbot/commands"
	"incidentbot/i18n"
)

// maxBody bounds an interaction request; a component interaction carries
// the whole clicked message, embeds included.
const maxBody = 512 << 10

// deliverySource names interaction ids in the delivery store.
const deliverySource = "discord-interaction"

// Interaction and callback types (receiving-and-responding.mdx).
const (
	callbackPong         = 1
	callbackMessage      = 4
	callbackDeferred     = 5
	callbackUpdate       = 7
	callbackAutocomplete = 8
	callbackModal        = 9

	flagEphemeral = 64
	// workTimeout bounds a command answered late: the interaction token,
	// which carries the follow-up, lasts 15 minutes.
	workTimeout = 14 * time.Minute
)

// HandleFunc runs a command line for actor; commands.Handler.Handle fits.
type HandleFunc func(ctx context.Context, actor incidentbot.Actor, text string) commands.Reply

// InboundDeps are what the interaction handler needs.
type InboundDeps struct {
	PublicKey ed25519.PublicKey
	// GuildID is the one server the bot serves (DISCORD_GUILD_ID):
	// interactions from any other server are refused, with no effect. ""
	// accepts every server. Direct messages are refused either way.
	GuildID string
	Handle  HandleFunc
	// Service answers autocomplete: playbook types and open incidents.
	Service    incidentbot.IncidentService
	Deliveries incidentbot.DeliveryStore
	// Chat sends follow-ups after a deferred answer.
	Chat *Chat
	// Gate bounds the interactions handled at once and gives each a
	// deadline; nil admits all, each given the interaction token's life.
	Gate   *commands.Gate
	Clock  incidentbot.Clock
	Logger *slog.Logger
	// DeferAfter is how long a command may run before the answer becomes
	// Discord's "thinking…" and the reply follows through the interaction
	// webhook; 0 means 2 seconds, within Discord's 3.
	DeferAfter time.Duration
}

// Inbound serves Discord interactions: slash commands, buttons, modals
// and autocomplete.
type Inbound struct {
	deps InboundDeps
}

// NewInbound returns the handler. Clock defaults to the system clock and a
// nil Logger discards.
func NewInbound(deps InboundDeps) *Inbound {
	if deps.Clock == nil {
		deps.Clock = incidentbot.SystemClock{}
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.DeferAfter == 0 {
		deps.DeferAfter = 2 * time.Second
	}
	return &Inbound{deps: deps}
}

// response is an interaction response body.
type response struct {
	Type int `json:"type"`
	Data any `json:"data,omitempty"`
}

// messageData is a message answer. Every field is sent, so an update
// (type 7) clears what the old message had.
type messageData struct {
	Content         string                            `json:"content"`
	Embeds          []*discordgo.MessageEmbed         `json:"embeds"`
	Components      []discordgo.MessageComponent      `json:"components"`
	Flags           int                               `json:"flags,omitempty"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions,omitempty"`
}

type modalData struct {
	CustomID   string                       `json:"custom_id"`
	Title      string                       `json:"title"`
	Components []discordgo.MessageComponent `json:"components"`
}

type choicesData struct {
	Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
}

// Interactions serves POST /discord/interactions. Unsigned, badly signed
// or stale requests get 401 and change nothing; Discord sends bad
// signatures on purpose and drops endpoints that accept them.
func (in *Inbound) Interactions() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "could not read the request body", http.StatusBadRequest)
			return
		}
		if err := verify(in.deps.PublicKey, r.Header, body, in.deps.Clock.Now()); err != nil {
			in.deps.Logger.InfoContext(r.Context(), "discord request refused", "reason", err.Error())
			http.Error(w, "invalid Discord signature: "+err.Error(), http.StatusUnauthorized)
			return
		}
		var i discordgo.Interaction
		if err := json.Unmarshal(body, &i); err != nil || i.ID == "" {
			http.Error(w, "malformed interaction", http.StatusBadRequest)
			return
		}
		answered := false
		err = in.serve(r.Context(), &i, func(resp response) error {
			answered = true
			writeJSON(w, resp)
			if f, ok := w.(http.Flusher); ok {
				f.Flush()
			}
			return nil
		})
		if err != nil && !answered {
			http.Error(w, "could not record the interaction; try again", http.StatusInternalServerError)
		}
	})
}

// serve runs one interaction, whichever way it came (HTTP or gateway):
// respond sends the first answer, at most once and within Discord's three
// seconds; a slow command is answered "thinking…" and its reply follows
// through the interaction webhook. It returns only when the work is done.
func (in *Inbound) serve(ctx context.Context, i *discordgo.Interaction, respond func(response) error) error {
	switch i.Type {
	case discordgo.InteractionPing:
		return respond(response{Type: callbackPong})
	case discordgo.InteractionApplicationCommandAutocomplete:
		choices := []*discordgo.ApplicationCommandOptionChoice{}
		if in.stranger(i) == "" {
			choices = in.autocomplete(ctx, i)
		}
		return respond(response{Type: callbackAutocomplete, Data: choicesData{Choices: choices}})
	case discordgo.InteractionApplicationCommand, discordgo.InteractionMessageComponent, discordgo.InteractionModalSubmit:
	default:
		in.deps.Logger.DebugContext(ctx, "discord interaction ignored", "type", int(i.Type))
		return respond(ephemeral(i18n.T(in.quickLang(i), "discord.unhandled", nil)))
	}
	if refusal := in.stranger(i); refusal != "" {
		in.deps.Logger.InfoContext(ctx, "discord interaction from outside the server refused", "interaction", i.ID, "guild", i.GuildID)
		return respond(ephemeral(refusal))
	}
	// The work outlives a cancelled request: the reply is owed either way.
	// The gate bounds it by the command deadline and the in-flight limit.
	work, cancel := context.WithTimeout(context.WithoutCancel(ctx), workTimeout)
	defer cancel()
	done := make(chan outcome, 1)
	go func() {
		var got outcome
		if err := in.deps.Gate.Run(work, func(ctx context.Context) { got = in.run(ctx, i) }); err != nil {
			in.deps.Logger.WarnContext(ctx, "discord interaction shed", "interaction", i.ID, "err", err)
			// A stuck run may still write got: answer from a fresh one.
			done <- outcome{resp: ptr(ephemeral(i18n.ErrorMessage(in.quickLang(i), err)))}
			return
		}
		done <- got
	}()
	updates := i.Type == discordgo.InteractionMessageComponent && i.Message != nil && i.Message.Flags&discordgo.MessageFlagsEphemeral != 0
	timer := time.NewTimer(in.deps.DeferAfter)
	defer timer.Stop()
	select {
	case o := <-done:
		switch {
		case o.err != nil:
			return o.err
		case o.resp != nil:
			return respond(*o.resp)
		}
		return respond(answer(o.reply, updates, in.quickLang(i)))
	case <-timer.C:
	}
	flags := flagEphemeral
	if cmd, _, _ := strings.Cut(in.line(i), " "); cmd == "declare" || cmd == "drill" {
		flags = 0 // their confirmation is for the channel
	}
	if err := respond(response{Type: callbackDeferred, Data: messageData{Flags: flags}}); err != nil {
		return err
	}
	o := <-done
	switch {
	case o.err != nil:
		o.reply = commands.Reply{Message: incidentbot.Message{Text: i18n.T(in.quickLang(i), "chat.not_recorded", nil)}}
	case o.resp != nil:
		// A short answer that came late (a slow claim): its text follows.
		text := i18n.T(in.quickLang(i), "discord.try_again", nil)
		if d, ok := o.resp.Data.(messageData); ok {
			text = d.Content
		}
		o.reply = commands.Reply{Message: incidentbot.Message{Text: text}}
	}
	in.followUp(work, i, o.reply)
	return nil
}

// outcome is what running an interaction gave: a direct response (a
// repeat, a form to fill in, busy), a command's reply, or an error when
// the interaction could not be recorded.
type outcome struct {
	resp  *response
	reply commands.Reply
	err   error
}

func ptr[T any](v T) *T { return &v }

// run claims the interaction and runs its command.
func (in *Inbound) run(ctx context.Context, i *discordgo.Interaction) outcome {
	first, err := incidentbot.ClaimRequest(ctx, in.deps.Deliveries, deliverySource, i.ID, in.deps.Clock.Now())
	switch {
	case err != nil && ctx.Err() != nil:
		// Overdue: nothing was recorded and nothing runs.
		return outcome{resp: ptr(ephemeral(i18n.ErrorMessage(in.quickLang(i), commands.ErrBusy)))}
	case err != nil:
		in.deps.Logger.ErrorContext(ctx, "discord interaction not recorded", "interaction", i.ID,
			"code", incidentbot.ErrorCode(err), "err", err)
		return outcome{err: err}
	case !first:
		in.deps.Logger.InfoContext(ctx, "discord interaction repeated", "interaction", i.ID)
		return outcome{resp: ptr(ephemeral(i18n.T(in.quickLang(i), "discord.repeat", nil)))}
	}
	line := in.line(i)
	if resp, ok := prompt(in.lang(ctx, i), line); ok {
		return outcome{resp: &resp}
	}
	return outcome{reply: in.deps.Handle(ctx, actorOf(i), line)}
}

// line is the command line an interaction stands for.
func (in *Inbound) line(i *discordgo.Interaction) string {
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		return commandLine(i.ApplicationCommandData())
	case discordgo.InteractionMessageComponent:
		return buttonLine(i.MessageComponentData().CustomID)
	case discordgo.InteractionModalSubmit:
		data := i.ModalSubmitData()
		return strings.TrimSpace(buttonLine(data.CustomID) + " " + strings.Join(inputs(data.Components), " "))
	}
	return "help"
}

// buttonLine reads a custom_id: a command line ("ack INC-42"), or the
// "incident:ack:INC-42" layout of the fixtures and of older messages.
func buttonLine(customID string) string {
	if rest, ok := strings.CutPrefix(customID, "incident:"); ok {
		return strings.Join(strings.Split(rest, ":"), " ")
	}
	return customID
}

// inputs returns the values typed into a modal's text inputs.
func inputs(rows []discordgo.MessageComponent) []string {
	var out []string
	for _, row := range rows {
		r, ok := row.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, c := range r.Components {
			if t, ok := c.(*discordgo.TextInput); ok && strings.TrimSpace(t.Value) != "" {
				out = append(out, strings.TrimSpace(t.Value))
			}
		}
	}
	return out
}

// prompt asks, in lang, for what a button cannot carry: the text of an
// update or a note (a modal), or the new severity (a choice of buttons).
func prompt(lang, line string) (response, bool) {
	f := strings.Fields(line)
	if len(f) == 0 || len(f) > 2 || len(f) == 2 && !strings.HasPrefix(strings.ToUpper(f[1]), incidentbot.KeyPrefix) {
		return response{}, false
	}
	key := ""
	if len(f) == 2 {
		key = " " + strings.ToUpper(f[1])
	}
	switch f[0] {
	case "update", "note":
		label := i18n.T(lang, "discord.prompt."+f[0], nil)
		return response{Type: callbackModal, Data: modalData{
			CustomID: line,
			Title:    incidentbot.Truncate(strings.ToUpper(f[0][:1])+f[0][1:]+key, 45),
			Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.TextInput{CustomID: "text", Label: label, Style: discordgo.TextInputParagraph, Required: true, MaxLength: 3000},
			}}},
		}}, true
	case "sev", "severity":
		var buttons []incidentbot.Button
		for _, s := range incidentbot.Severities {
			buttons = append(buttons, incidentbot.Button{ActionID: "sev" + key + " " + s.String(), Label: s.Label()})
		}
		return response{Type: callbackMessage, Data: messageData{
			Content: i18n.T(lang, "discord.prompt.sev", map[string]any{"Key": strings.TrimSpace(key)}), Components: components(buttons),
			Embeds: []*discordgo.MessageEmbed{}, Flags: flagEphemeral, AllowedMentions: noMentions(),
		}}, true
	}
	return response{}, false
}

// answer renders a reply as the interaction's answer: visible to the
// channel when the reply says so, else to the person only; a click on a
// private message replaces that message. lang says a cut.
func answer(reply commands.Reply, update bool, lang string) response {
	d := replyData(reply, lang)
	if update {
		d.Flags = 0
		return response{Type: callbackUpdate, Data: d}
	}
	return response{Type: callbackMessage, Data: d}
}

// replyData renders a reply in one message: a Discord answer is one
// message, so text beyond it is cut, saying so in lang.
func replyData(reply commands.Reply, lang string) messageData {
	r := render(reply.Message)
	d := messageData{Content: r.Content, Embeds: r.Embeds, Components: r.Components, AllowedMentions: noMentions()}
	if len(r.Overflow) > 0 {
		cut := " … " + i18n.T(lang, "discord.cut", nil)
		if len(d.Embeds) > 0 {
			d.Embeds[0].Description = incidentbot.Truncate(d.Embeds[0].Description, maxDescription-runes(cut)) + cut
		} else {
			d.Content = incidentbot.Truncate(d.Content, maxContent-runes(cut)) + cut
		}
	}
	if d.Embeds == nil {
		d.Embeds = []*discordgo.MessageEmbed{}
	}
	if d.Components == nil {
		d.Components = []discordgo.MessageComponent{}
	}
	if !reply.InChannel {
		d.Flags = flagEphemeral
	}
	return d
}

func ephemeral(text string) response {
	return response{Type: callbackMessage, Data: messageData{
		Content: text, Flags: flagEphemeral, Embeds: []*discordgo.MessageEmbed{}, Components: []discordgo.MessageComponent{},
		AllowedMentions: noMentions(),
	}}
}

// followUp replaces the "thinking…" answer with the reply. When the token
// has run out (past 15 minutes), a reply meant for the channel is posted
// there; a private one is lost, and logged.
func (in *Inbound) followUp(ctx context.Context, i *discordgo.Interaction, reply commands.Reply) {
	if in.deps.Chat == nil {
		in.deps.Logger.WarnContext(ctx, "discord reply not sent: no chat configured", "interaction", i.ID)
		return
	}
	d := replyData(reply, in.quickLang(i))
	_, err := in.deps.Chat.s.InteractionResponseEdit(&discordgo.Interaction{AppID: i.AppID, Token: i.Token}, &discordgo.WebhookEdit{
		Content: &d.Content, Embeds: &d.Embeds, Components: &d.Components, AllowedMentions: d.AllowedMentions,
	}, discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
	if err == nil {
		return
	}
	err = mapError("follow up", err)
	code := incidentbot.ErrorCode(err)
	if reply.InChannel && (code == incidentbot.ENOTFOUND || code == incidentbot.EUNAUTHORIZED) {
		if _, perr := in.deps.Chat.Post(ctx, i.ChannelID, reply.Message); perr == nil {
			return
		}
	}
	in.deps.Logger.WarnContext(ctx, "discord reply not sent", "interaction", i.ID, "channel", i.ChannelID,
		"code", code, "err", err)
}

// stranger says why an interaction comes from outside the server the bot
// serves, or "" when it does not: a direct message (no guild, or no
// member), or another server (a global command, a public bot).
func (in *Inbound) stranger(i *discordgo.Interaction) string {
	switch {
	case i.GuildID == "" || i.Member == nil || i.Member.User == nil || i.Member.User.ID == "":
		return i18n.T(in.quickLang(i), "discord.direct_message", nil)
	case in.deps.GuildID != "" && i.GuildID != in.deps.GuildID:
		return i18n.T(in.quickLang(i), "discord.refused_guild", nil)
	}
	return ""
}

// lang is the language of what the adapter itself says to the person
// alone (a form): as commands choose it.
func (in *Inbound) lang(ctx context.Context, i *discordgo.Interaction) string {
	return commands.Language(ctx, in.deps.Service, actorOf(i), in.deps.Logger)
}

// quickLang is the language of the adapter's other private answers, many
// given because the store is slow or down: the person's Discord language
// (every interaction carries it), else the workspace's, without the store.
func (in *Inbound) quickLang(i *discordgo.Interaction) string {
	return commands.QuickLanguage(in.deps.Service, actorOf(i))
}

// actorOf is who acted, from where. The display name is the server
// nickname, else the global name, else the username.
func actorOf(i *discordgo.Interaction) incidentbot.Actor {
	a := incidentbot.Actor{Platform: incidentbot.PlatformDiscord, Workspace: i.GuildID, ChannelID: i.ChannelID, Locale: string(i.Locale)}
	if i.Member != nil && i.Member.User != nil {
		a.User = user(i.Member)
	}
	return a
}

// maxChoices is how many autocomplete choices Discord shows.
const maxChoices = 25

// autocomplete suggests playbook types and open incident keys for the
// option being typed.
func (in *Inbound) autocomplete(ctx context.Context, i *discordgo.Interaction) []*discordgo.ApplicationCommandOptionChoice {
	out := []*discordgo.ApplicationCommandOptionChoice{}
	focused := focusedOption(i.ApplicationCommandData().Options)
	if focused == nil || in.deps.Service == nil {
		return out
	}
	typed := strings.ToLower(strings.TrimSpace(strings.TrimSpace(valueString(focused.Value))))
	add := func(name, value string) {
		if len(out) < maxChoices && (typed == "" || strings.Contains(strings.ToLower(name), typed)) &&
			!slices.ContainsFunc(out, func(c *discordgo.ApplicationCommandOptionChoice) bool { return c.Value == value }) {
			out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: incidentbot.Truncate(name, 100), Value: value})
		}
	}
	switch focused.Name {
	case optType:
		for _, pb := range in.deps.Service.Playbooks() {
			add(pb.Name+" · "+pb.Description.In(i18n.Match(string(i.Locale))), pb.Name)
			for _, t := range pb.Match.Types {
				add(t+" ("+pb.Name+")", t)
			}
		}
	case optIncident:
		page, err := in.deps.Service.List(ctx, actorOf(i), incidentbot.ListQuery{})
		if err != nil {
			in.deps.Logger.WarnContext(ctx, "discord autocomplete failed", "code", incidentbot.ErrorCode(err), "err", err)
			return out
		}
		for _, inc := range page.Incidents {
			add(inc.Key+" · "+inc.Severity.Label()+" · "+inc.Title, inc.Key)
		}
	}
	return out
}

func focusedOption(opts []*discordgo.ApplicationCommandInteractionDataOption) *discordgo.ApplicationCommandInteractionDataOption {
	for _, o := range opts {
		if o.Focused {
			return o
		}
		if f := focusedOption(o.Options); f != nil {
			return f
		}
	}
	return nil
}

func valueString(v any) string {
	s, _ := v.(string)
	return s
}

// writeJSON writes a complete response: with its length known, Discord
// has the whole answer at once, even while the handler goes on to follow up.
func writeJSON(w http.ResponseWriter, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, "could not encode the answer", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	_, _ = w.Write(b.Bytes())
}
