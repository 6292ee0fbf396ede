package slack

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"

	"incidentbot"
	"incidentbot/commands"
	"incidentbot/i18n"
)

// maxBody bounds every inbound request; interaction payloads carry the
// whole clicked message, so this is more than a slash command needs.
const maxBody = 512 << 10

// HandleFunc runs a command line for actor; commands.Handler.Handle fits.
type HandleFunc func(ctx context.Context, actor incidentbot.Actor, text string) commands.Reply

// RunFunc runs a parsed command for actor (a form's fields);
// commands.Handler.Run fits.
type RunFunc func(ctx context.Context, actor incidentbot.Actor, c commands.Command) (commands.Reply, error)

// InboundDeps are what the HTTP and Socket Mode handlers need.
type InboundDeps struct {
	SigningSecret incidentbot.Secret // HTTP only: Socket Mode is authenticated by the app token
	// Teams are the workspaces served (SLACK_TEAM_IDS, else the bot
	// token's own team): a request from any other team is refused with no
	// effect. Empty accepts every team; a request naming none is refused.
	Teams  []string
	Handle HandleFunc
	// Run declares from the modal; without it the modal's form is not read.
	Run RunFunc
	// Service lists the playbooks in the declare modal and records pins;
	// without it those features are off.
	Service    incidentbot.IncidentService
	Deliveries incidentbot.DeliveryStore
	Chat       *Chat
	// Gate bounds the commands and clicks handled at once and gives each a
	// deadline within Slack's 3 s; nil admits all, without a deadline.
	Gate   *commands.Gate
	Clock  incidentbot.Clock
	Logger *slog.Logger
}

// Inbound serves Slack's slash commands, interactions and Events API. The
// HTTP handlers and Socket Mode verify and unwrap their transport, then
// share the code below (command, interact, event).
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

// requestSource names accepted slash commands and interactions in the
// delivery store.
const requestSource = "slack-request"

// firstRequest records a verified request by a hash of what Slack signed
// (timestamp and body) and reports whether it is the first time. Slack
// never retries commands or interactions, and a person acting again makes a
// new request with a new timestamp: an identical one is a captured request
// replayed within the signature window. The insert is the check (unique
// key), so replicas sharing the store agree. Without a store (tests of the
// transport alone) every request is first.
func (in *Inbound) firstRequest(ctx context.Context, h http.Header, body []byte) (bool, error) {
	if in.deps.Deliveries == nil {
		return true, nil
	}
	sum := sha256.New()
	sum.Write([]byte("v0:" + h.Get("X-Slack-Request-Timestamp") + ":"))
	sum.Write(body)
	return incidentbot.ClaimRequest(ctx, in.deps.Deliveries, requestSource, hex.EncodeToString(sum.Sum(nil)), in.deps.Clock.Now())
}

// once claims the request; when it is not the first, or cannot be recorded,
// it logs why and returns false: the caller answers without acting.
func (in *Inbound) once(ctx context.Context, r *http.Request, body []byte) (first bool, err error) {
	first, err = in.firstRequest(ctx, r.Header, body)
	switch {
	case err != nil && ctx.Err() != nil:
		// Overdue (busy): the person is told so; nothing is broken.
		in.deps.Logger.WarnContext(ctx, "slack request not recorded in time, refused", "path", r.URL.Path,
			"code", incidentbot.ErrorCode(err), "err", err)
	case err != nil:
		in.deps.Logger.ErrorContext(ctx, "slack request not recorded, refused", "path", r.URL.Path,
			"code", incidentbot.ErrorCode(err), "err", err)
	case !first:
		in.deps.Logger.WarnContext(ctx, "slack request replayed, ignored", "path", r.URL.Path,
			"remote", r.RemoteAddr)
	}
	return first, err
}

// unrecorded is the answer, in lang, when the request could not be
// claimed: busy when the command's deadline passed, else the database is
// down.
func unrecorded(ctx context.Context, lang string) string {
	if ctx.Err() != nil {
		return i18n.ErrorMessage(lang, commands.ErrBusy)
	}
	return i18n.T(lang, "chat.not_recorded", nil)
}

// admit runs fn through the gate (deadline and in-flight limit); the
// error, if any, is what to tell the person instead of fn's answer.
func (in *Inbound) admit(ctx context.Context, kind string, fn func(ctx context.Context)) error {
	err := in.deps.Gate.Run(ctx, fn)
	if err != nil {
		in.deps.Logger.WarnContext(ctx, "slack request shed", "kind", kind, "err", err)
	}
	return err
}

// Commands serves POST /slack/commands: the command runs at once and its
// reply is the acknowledgement, shown to the person or to the channel. A
// replayed request gets an empty 200 and does nothing.
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
		cmd := slashRequest{
			TeamID: form.Get("team_id"), ChannelID: form.Get("channel_id"), UserID: form.Get("user_id"),
			UserName: form.Get("user_name"), Text: form.Get("text"), TriggerID: form.Get("trigger_id"),
		}
		if cmd.UserID == "" {
			http.Error(w, "missing user_id", http.StatusBadRequest)
			return
		}
		var answer *slashResponse
		err = in.admit(r.Context(), "command", func(ctx context.Context) {
			first, err := in.once(ctx, r, body)
			switch {
			case err != nil:
				answer = &slashResponse{ResponseType: "ephemeral", Text: unrecorded(ctx, in.quickLang(ctx, cmd.TeamID, cmd.UserID))}
			case first:
				answer = in.command(ctx, cmd)
			}
		})
		resp := answer
		if err != nil {
			// fn may still be running: its answer is not ours to read.
			resp = &slashResponse{ResponseType: "ephemeral", Text: i18n.ErrorMessage(in.quickLang(r.Context(), cmd.TeamID, cmd.UserID), err)}
		}
		if resp != nil {
			writeJSON(w, resp)
			return
		}
		ack(w)
	})
}

// Interactions serves POST /slack/interactions: buttons, the declare modal
// and the Declare shortcut. Slack gets its answer first; replies that take
// longer are posted after, through the Web API. A replayed request gets
// an empty 200 and does nothing.
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
		var (
			first    bool
			claimErr error
			resp     any
			after    func(context.Context)
		)
		err = in.admit(r.Context(), "interaction", func(ctx context.Context) {
			if first, claimErr = in.once(ctx, r, body); claimErr == nil && first {
				resp, after = in.interact(ctx, p)
			}
		})
		if err != nil || claimErr != nil {
			// Slack shows the person that the click failed; they can click again.
			http.Error(w, "could not record the request; try again", http.StatusServiceUnavailable)
			return
		}
		if !first {
			ack(w)
			return
		}
		if resp != nil {
			writeJSON(w, resp)
			if f, ok := w.(http.Flusher); ok {
				f.Flush()
			}
		} else {
			ack(w)
		}
		if after != nil {
			after(context.WithoutCancel(r.Context()))
		}
	})
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
		first, err := in.claimEvent(ctx, env.EventID, r.Header.Get("X-Slack-Retry-Num"))
		if err != nil {
			// 5xx makes Slack retry, which is what we want when nothing was recorded.
			http.Error(w, "could not record the event; retry", http.StatusInternalServerError)
			return
		}
		ack(w)
		if first {
			in.event(context.WithoutCancel(ctx), env)
		}
	})
}

// refusal is the answer to a person in a workspace the bot does not
// serve, in the bot's workspace language: the person's own is unknown.
func (in *Inbound) refusal(team string) string {
	lang := commands.QuickLanguage(in.deps.Service, incidentbot.Actor{Platform: incidentbot.PlatformSlack, Workspace: team})
	return i18n.T(lang, "slack.refused_team", nil)
}

// foreign reports (and logs) a request from a workspace the bot does not
// serve; nothing of it may run.
func (in *Inbound) foreign(ctx context.Context, team, kind string) bool {
	if team != "" && (len(in.deps.Teams) == 0 || slices.Contains(in.deps.Teams, team)) {
		return false
	}
	in.deps.Logger.InfoContext(ctx, "slack request from another workspace refused", "kind", kind, "team", team)
	return true
}

// post sends a reply where the person acted. Where the bot is not a
// member (chat.post* answer not_in_channel, or channel_not_found for a
// private channel or DM), it answers through responseURL, which needs no
// membership. Other failures are logged, as Slack has its answer already.
func (in *Inbound) post(ctx context.Context, channel, responseURL string, reply commands.Reply) {
	if channel == "" || in.deps.Chat == nil {
		return
	}
	_, err := in.deps.Chat.Post(ctx, channel, reply.Message)
	if err != nil && responseURL != "" {
		if code := slackCode(err); code == "not_in_channel" || code == "channel_not_found" {
			err = in.deps.Chat.Respond(ctx, responseURL, reply.Message, reply.InChannel)
		}
	}
	if err != nil {
		in.deps.Logger.WarnContext(ctx, "slack reply not posted", "channel", channel,
			"code", incidentbot.ErrorCode(err), "err", err)
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
