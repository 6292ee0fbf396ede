package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
	"golang.org/x/sync/errgroup"

	"incidentbot"
	"incidentbot/commands"
	"incidentbot/i18n"
)

// envelopeSource names Socket Mode envelope ids in the delivery store.
const envelopeSource = "slack-envelope"

// maxInFlight bounds the envelopes handled at once, each after its ack.
const maxInFlight = 16

// SocketDeps configure Socket Mode: the app-level token, and the same
// dependencies as the HTTP handlers (SigningSecret is not used).
type SocketDeps struct {
	AppToken incidentbot.Secret // SLACK_APP_TOKEN, xapp-...
	// APIURL overrides https://slack.com/api/ (tests point it at a fake).
	APIURL string
	InboundDeps
}

// Socket receives slash commands, interactions and events over Socket
// Mode, for bots without a public URL, and handles them as Inbound does.
type Socket struct {
	in       *Inbound
	appToken incidentbot.Secret
	apiURL   string
}

// NewSocket returns a Socket; Run connects it.
func NewSocket(deps SocketDeps) *Socket {
	return &Socket{in: NewInbound(deps.InboundDeps), appToken: deps.AppToken, apiURL: deps.APIURL}
}

// Run connects to Slack and handles envelopes until ctx is done; it
// reconnects when Slack asks to, and returns an error only when it cannot
// connect (a bad token, say). Every envelope is acked within Slack's 3 s.
func (s *Socket) Run(ctx context.Context) error {
	opts := []slackapi.Option{slackapi.OptionAppLevelToken(s.appToken.Reveal())}
	if s.apiURL != "" {
		opts = append(opts, slackapi.OptionAPIURL(s.apiURL))
	}
	client := socketmode.New(slackapi.New("", opts...))
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		err := client.RunContext(ctx)
		if ctx.Err() != nil {
			return nil // shutting down
		}
		switch code := slackCode(err); code {
		case "invalid_auth", "not_authed", "not_allowed_token_type", "token_revoked", "account_inactive":
			return incidentbot.WrapError(incidentbot.EUNAUTHORIZED, err,
				"Slack refused SLACK_APP_TOKEN (%s). Create an app-level token with the connections:write scope.", code)
		}
		return mapError("apps.connections.open", err)
	})
	g.Go(func() error {
		work, ctx := errgroup.WithContext(ctx)
		work.SetLimit(maxInFlight)
		defer work.Wait()
		for {
			select {
			case <-ctx.Done():
				return nil
			case evt := <-client.Events:
				s.status(ctx, evt)
				if evt.Request == nil || evt.Request.EnvelopeID == "" {
					continue
				}
				req := *evt.Request
				work.Go(func() error {
					s.envelope(ctx, req, func(payload any) error { return client.AckCtx(ctx, req.EnvelopeID, payload) })
					return nil
				})
			}
		}
	})
	if err := g.Wait(); err != nil {
		return fmt.Errorf("slack socket mode: %w", err)
	}
	return nil
}

// status logs what the client says of its connection.
func (s *Socket) status(ctx context.Context, evt socketmode.Event) {
	log := s.in.deps.Logger
	switch evt.Type {
	case socketmode.EventTypeConnected:
		log.InfoContext(ctx, "slack socket mode connected")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
		log.WarnContext(ctx, "slack socket mode trouble", "type", string(evt.Type), "err", fmt.Sprint(evt.Data))
	case socketmode.EventTypeErrorBadMessage:
		log.WarnContext(ctx, "slack socket mode message not understood", "err", fmt.Sprint(evt.Data))
	}
}

// envelope handles one request: it acks (with the answer when the request
// takes one) and then does the work that may take longer. Envelopes Slack
// redelivers (not acked in time) are acked and dropped. Commands and
// clicks pass the gate, so a shed or overdue one is acked in time.
func (s *Socket) envelope(ctx context.Context, req socketmode.Request, ack func(payload any) error) {
	in := s.in
	log := in.deps.Logger.With("envelope", req.EnvelopeID, "type", req.Type)
	send := func(payload any) {
		if err := ack(payload); err != nil {
			log.WarnContext(ctx, "slack envelope not acked", "err", err)
		}
	}
	if req.Type == socketmode.RequestTypeEventsAPI {
		s.event(ctx, req, send)
		return
	}
	var (
		payload any
		after   func(context.Context)
	)
	err := in.admit(ctx, string(req.Type), func(ctx context.Context) { payload, after = s.request(ctx, req, log) })
	if err != nil {
		if req.Type == socketmode.RequestTypeSlashCommands {
			send(&slashResponse{ResponseType: "ephemeral", Text: i18n.ErrorMessage(s.quickLang(ctx, req), err)})
			return
		}
		send(nil)
		return
	}
	send(payload)
	if after != nil {
		after(ctx)
	}
}

// quickLang is the language of a slash command refused before it ran
// (busy): see Inbound.quickLang.
func (s *Socket) quickLang(ctx context.Context, req socketmode.Request) string {
	var cmd slashRequest
	_ = json.Unmarshal(req.Payload, &cmd) // unreadable: the workspace's language
	return s.in.quickLang(ctx, cmd.TeamID, cmd.UserID)
}

// request handles a command or a click and returns the ack's payload
// and the work to do after it.
func (s *Socket) request(ctx context.Context, req socketmode.Request, log *slog.Logger) (any, func(context.Context)) {
	in := s.in
	if in.deps.Deliveries != nil {
		first, err := in.deps.Deliveries.ClaimDelivery(ctx, envelopeSource, req.EnvelopeID, in.deps.Clock.Now())
		switch {
		case err != nil && ctx.Err() != nil:
			// Overdue: nothing was recorded, nothing is done.
			if req.Type == socketmode.RequestTypeSlashCommands {
				return &slashResponse{ResponseType: "ephemeral", Text: i18n.ErrorMessage(s.quickLang(ctx, req), commands.ErrBusy)}, nil
			}
			return nil, nil
		case err != nil:
			log.WarnContext(ctx, "slack envelope not deduplicated", "code", incidentbot.ErrorCode(err), "err", err)
		case !first:
			log.InfoContext(ctx, "slack envelope repeated", "retry", req.RetryAttempt, "reason", req.RetryReason)
			return nil, nil
		}
	}
	switch req.Type {
	case socketmode.RequestTypeSlashCommands:
		var cmd slashRequest
		if err := json.Unmarshal(req.Payload, &cmd); err != nil || cmd.UserID == "" {
			log.WarnContext(ctx, "slack slash command malformed", "err", err)
			return nil, nil
		}
		if resp := in.command(ctx, cmd); resp != nil {
			return resp, nil
		}
		return nil, nil
	case socketmode.RequestTypeInteractive:
		var p interaction
		if err := json.Unmarshal(req.Payload, &p); err != nil {
			log.WarnContext(ctx, "slack interaction malformed", "err", err)
			return nil, nil
		}
		return in.interact(ctx, p)
	}
	return nil, nil
}

// event acks an Events API envelope once its event is claimed, then
// handles it; one not claimed is left unacked, so Slack redelivers it.
func (s *Socket) event(ctx context.Context, req socketmode.Request, send func(any)) {
	in := s.in
	var env eventEnvelope
	if err := json.Unmarshal(req.Payload, &env); err != nil || env.Type != "event_callback" || env.EventID == "" {
		send(nil)
		return
	}
	first, err := in.claimEvent(ctx, env.EventID, fmt.Sprint(req.RetryAttempt))
	if err != nil {
		return // not acked: Slack redelivers it
	}
	send(nil)
	if first {
		in.event(ctx, env)
	}
}
