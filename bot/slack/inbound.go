package slack

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	slackapi "github.com/slack-go/slack"

	"incidentbot"
	"incidentbot/commands"
)

// maxBody bounds every inbound request; interaction payloads carry the
// whole clicked message, so this is more than a slash command needs.
const maxBody = 512 << 10

// deliverySource names Events API ids in the delivery store.
const deliverySource = "slack-event"

// HandleFunc runs a command line for actor; commands.Handler.Handle fits.
type HandleFunc func(ctx context.Context, actor incidentbot.Actor, text string) commands.Reply

// InboundDeps are what the HTTP handlers need.
type InboundDeps struct {
	SigningSecret incidentbot.Secret
	Handle        HandleFunc
	Deliveries    incidentbot.DeliveryStore
	Chat          *Chat
	Clock         incidentbot.Clock
	Logger        *slog.Logger
}

// Inbound serves Slack's slash commands, interactions and Events API.
type Inbound struct {
	deps   InboundDeps
	secret []byte
}

// NewInbound returns the handlers. Clock defaults to the system clock and
// a nil Logger discards.
func NewInbound(deps InboundDeps) *Inbound {
	if deps.Clock == nil {
		deps.Clock = incidentbot.SystemClock{}
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	return &Inbound{deps: deps, secret: []byte(deps.SigningSecret.Reveal())}
}

// read returns the verified raw body, or answers the request itself and
// returns nil: 413 when too large, 401 with a short reason when unsigned.
func (in *Inbound) read(w http.ResponseWriter, r *http.Request) []byte {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return nil
		}
		http.Error(w, "could not read the request body", http.StatusBadRequest)
		return nil
	}
	if err := verify(in.secret, r.Header, body, in.deps.Clock.Now()); err != nil {
		in.deps.Logger.InfoContext(r.Context(), "slack request refused", "path", r.URL.Path, "reason", err.Error())
		http.Error(w, "invalid Slack signature: "+err.Error(), http.StatusUnauthorized)
		return nil
	}
	return body
}

// Commands serves POST /slack/commands: the command runs at once and its
// reply is the acknowledgement, shown to the person or to the channel.
func (in *Inbound) Commands() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := in.read(w, r)
		if body == nil {
			return
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			http.Error(w, "malformed form body", http.StatusBadRequest)
			return
		}
		actor := incidentbot.Actor{
			Platform:  "slack",
			Workspace: form.Get("team_id"),
			User:      incidentbot.User{ID: form.Get("user_id"), Name: form.Get("user_name")},
			ChannelID: form.Get("channel_id"),
		}
		if actor.User.ID == "" {
			http.Error(w, "missing user_id", http.StatusBadRequest)
			return
		}
		reply := in.deps.Handle(r.Context(), actor, form.Get("text"))
		writeJSON(w, commandResponse(reply))
	})
}

// slashResponse is the JSON body Slack shows for a slash command.
type slashResponse struct {
	ResponseType string                `json:"response_type"`
	Text         string                `json:"text"`
	Blocks       []slackapi.Block      `json:"blocks,omitempty"`
	Attachments  []slackapi.Attachment `json:"attachments,omitempty"`
}

func commandResponse(reply commands.Reply) slashResponse {
	m := reply.Message
	if a := reply.Attachment; a != nil {
		// A slash command answer cannot carry a file: show the start of it.
		m.Fields = append(m.Fields, incidentbot.Field{Label: a.Name, Value: "```" + truncate(a.Content, maxSectionText-100) + "```"})
	}
	r := render(m)
	out := slashResponse{ResponseType: "ephemeral", Text: r.Text, Blocks: r.Blocks, Attachments: r.Attachments}
	if reply.InChannel {
		out.ResponseType = "in_channel"
	}
	return out
}

// interaction is the part of an interactivity payload the bot reads.
type interaction struct {
	Type string              `json:"type"`
	Team struct{ ID string } `json:"team"`
	User struct {
		ID       string `json:"id"`
		Username string `json:"username"`
		Name     string `json:"name"`
	} `json:"user"`
	Channel   struct{ ID string } `json:"channel"`
	Container struct {
		ChannelID string `json:"channel_id"`
	} `json:"container"`
	Actions []struct {
		ActionID string `json:"action_id"`
		Value    string `json:"value"`
	} `json:"actions"`
}

// Interactions serves POST /slack/interactions. A button's action_id is a
// command line; it runs as the person who clicked, Slack gets its 200 at
// once and the reply is posted after, through the Web API.
func (in *Inbound) Interactions() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := in.read(w, r)
		if body == nil {
			return
		}
		form, err := url.ParseQuery(string(body))
		var p interaction
		if err == nil {
			err = json.Unmarshal([]byte(form.Get("payload")), &p)
		}
		if err != nil {
			http.Error(w, "malformed interaction payload", http.StatusBadRequest)
			return
		}
		if p.Type != "block_actions" || len(p.Actions) == 0 {
			in.deps.Logger.DebugContext(r.Context(), "slack interaction ignored", "type", p.Type)
			w.WriteHeader(http.StatusOK)
			return
		}
		name := p.User.Username
		if name == "" {
			name = p.User.Name
		}
		channel := p.Channel.ID
		if channel == "" {
			channel = p.Container.ChannelID
		}
		actor := incidentbot.Actor{
			Platform: "slack", Workspace: p.Team.ID,
			User: incidentbot.User{ID: p.User.ID, Name: name}, ChannelID: channel,
		}
		ack(w)
		ctx := context.WithoutCancel(r.Context())
		for _, a := range p.Actions {
			reply := in.deps.Handle(ctx, actor, commandLine(a.ActionID, a.Value))
			in.post(ctx, channel, reply)
		}
	})
}

// commandLine reads a button: its action_id is the command line. Buttons
// named "incident.<command>" with the key as value (an older layout) still work.
func commandLine(actionID, value string) string {
	if name, ok := strings.CutPrefix(actionID, "incident."); ok {
		return strings.TrimSpace(name + " " + value)
	}
	return actionID
}

// post sends a reply where the person acted; failures are logged, as
// Slack has its answer already.
func (in *Inbound) post(ctx context.Context, channel string, reply commands.Reply) {
	if channel == "" || in.deps.Chat == nil {
		return
	}
	if _, err := in.deps.Chat.Post(ctx, channel, reply.Message); err != nil {
		in.deps.Logger.WarnContext(ctx, "slack reply not posted", "channel", channel,
			"code", incidentbot.ErrorCode(err), "err", err)
	}
}

// eventEnvelope is the Events API body, outer and inner parts the bot reads.
type eventEnvelope struct {
	Type      string `json:"type"`
	Challenge string `json:"challenge"`
	TeamID    string `json:"team_id"`
	EventID   string `json:"event_id"`
	Event     struct {
		Type    string `json:"type"`
		User    string `json:"user"`
		BotID   string `json:"bot_id"`
		Channel string `json:"channel"`
		Text    string `json:"text"`
	} `json:"event"`
	Authorizations []struct {
		UserID string `json:"user_id"`
	} `json:"authorizations"`
}

// Events serves POST /slack/events: the URL check, and event callbacks
// deduplicated by event_id so Slack's retries have one effect.
func (in *Inbound) Events() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := in.read(w, r)
		if body == nil {
			return
		}
		var env eventEnvelope
		if err := json.Unmarshal(body, &env); err != nil {
			http.Error(w, "malformed event body", http.StatusBadRequest)
			return
		}
		ctx := r.Context()
		switch env.Type {
		case "url_verification":
			writeJSON(w, map[string]string{"challenge": env.Challenge})
			return
		case "event_callback":
		default:
			w.WriteHeader(http.StatusOK)
			return
		}
		if env.EventID == "" {
			http.Error(w, "missing event_id", http.StatusBadRequest)
			return
		}
		first, err := in.deps.Deliveries.ClaimDelivery(ctx, deliverySource, env.EventID, in.deps.Clock.Now())
		if err != nil {
			// 5xx makes Slack retry, which is what we want when nothing was recorded.
			in.deps.Logger.ErrorContext(ctx, "slack event not recorded", "event_id", env.EventID,
				"code", incidentbot.ErrorCode(err), "err", err)
			http.Error(w, "could not record the event; retry", http.StatusInternalServerError)
			return
		}
		if !first {
			in.deps.Logger.DebugContext(ctx, "slack event repeated", "event_id", env.EventID,
				"retry", r.Header.Get("X-Slack-Retry-Num"))
			w.WriteHeader(http.StatusOK)
			return
		}
		ack(w)
		in.event(context.WithoutCancel(ctx), env)
	})
}

func (in *Inbound) event(ctx context.Context, env eventEnvelope) {
	ev := env.Event
	for _, a := range env.Authorizations {
		if ev.User == a.UserID {
			return // the bot's own doing
		}
	}
	if ev.BotID != "" {
		return
	}
	switch ev.Type {
	case "app_mention":
		actor := incidentbot.Actor{
			Platform: "slack", Workspace: env.TeamID,
			User: incidentbot.User{ID: ev.User}, ChannelID: ev.Channel,
		}
		in.post(ctx, ev.Channel, in.deps.Handle(ctx, actor, "help"))
	default:
		in.deps.Logger.DebugContext(ctx, "slack event ignored", "type", ev.Type, "event_id", env.EventID)
	}
}

// ack answers 200 now, so Slack's 3-second deadline is met while the
// handler goes on to post its reply.
func ack(w http.ResponseWriter) {
	// An empty body of known length ends the response with the headers.
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}
