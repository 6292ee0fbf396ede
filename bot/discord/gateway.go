package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"incidentbot"
)

// Gateway receives interactions over Discord's gateway websocket instead
// of the HTTP endpoint (DISCORD_MODE=gateway): no public URL needed. Each
// INTERACTION_CREATE runs through the same code as an HTTP delivery; the
// answer goes back with the interaction callback.
type Gateway struct {
	chat   *Chat
	in     *Inbound
	logger *slog.Logger
}

// NewGateway returns a gateway on the chat's bot session; a nil logger
// discards. It connects only in Run.
func NewGateway(chat *Chat, in *Inbound, logger *slog.Logger) *Gateway {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Gateway{chat: chat, in: in, logger: logger}
}

// Run connects, serves interactions until ctx ends, then disconnects and
// waits for the interactions in progress. A refused token is an
// EUNAUTHORIZED error naming DISCORD_BOT_TOKEN.
func (g *Gateway) Run(ctx context.Context) error {
	s := g.chat.s
	// Interactions arrive whatever the intents; Guilds keeps the session lean.
	s.Identify.Intents = discordgo.IntentsGuilds
	// discordgo calls handlers on goroutines of its own; Run starts the
	// work itself so that it can wait for all of it.
	received := make(chan *discordgo.Interaction)
	remove := s.AddHandler(func(_ *discordgo.Session, ic *discordgo.InteractionCreate) {
		select {
		case received <- ic.Interaction:
		case <-ctx.Done(): // shutting down: the interaction fails for its user
		}
	})
	defer remove()
	if err := s.Open(); err != nil {
		return fmt.Errorf("discord gateway: %w", gatewayError(err))
	}
	g.logger.InfoContext(ctx, "discord gateway connected")
	var wg sync.WaitGroup
	for {
		select {
		case i := <-received:
			wg.Go(func() { g.interaction(ctx, i) })
		case <-ctx.Done():
			err := s.Close()
			wg.Wait()
			if err != nil {
				return fmt.Errorf("discord gateway close: %w", err)
			}
			g.logger.InfoContext(ctx, "discord gateway disconnected")
			return nil
		}
	}
}

// gatewayError maps the gateway's close codes (opcodes-and-status-codes.mdx)
// to errors people can act on; REST failures go through mapError.
func gatewayError(err error) error {
	var ce *websocket.CloseError
	if !errors.As(err, &ce) {
		var oe *net.OpError
		if errors.As(err, &oe) || errors.Is(err, websocket.ErrBadHandshake) || incidentbot.IsTransientNetError(err) {
			return incidentbot.WrapError(incidentbot.EUNAVAILABLE, err,
				"Could not reach Discord's gateway. Check the network (and DISCORD_API_URL if set), then start the bot again.")
		}
		return mapError("connect", err)
	}
	switch ce.Code {
	case closeAuthFailed:
		return incidentbot.WrapError(incidentbot.EUNAUTHORIZED, err,
			"Discord refused the bot token. Check DISCORD_BOT_TOKEN (Developer Portal > Bot > Reset Token).")
	case closeDisallowedIntents:
		return incidentbot.WrapError(incidentbot.EFORBIDDEN, err,
			"Discord refused the gateway intents. Check the application's Privileged Gateway Intents in the Developer Portal > Bot.")
	}
	return incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "Discord closed the gateway connection (code %d). Start the bot again; if it persists, check discordstatus.com.", ce.Code)
}

// Gateway close codes the adapter tells apart.
const (
	closeAuthFailed        = 4004
	closeDisallowedIntents = 4014
)

// interaction serves one gateway interaction, answering through the
// callback endpoint without waiting behind a rate limit.
func (g *Gateway) interaction(ctx context.Context, i *discordgo.Interaction) {
	// serve and the answer log their own failures; nothing is left to report.
	_ = g.in.serve(ctx, i, func(resp response) error {
		_, err := g.chat.s.RequestWithBucketID("POST", discordgo.EndpointInteractionResponse(i.ID, i.Token), resp,
			discordgo.EndpointInteractionResponse(i.ID, ""), discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
		if restCode(err) == codeAlreadyAcked {
			return nil // answered already: by another replica, or a repeat
		}
		if err != nil {
			err = mapError("answer interaction", err)
			g.logger.WarnContext(ctx, "discord interaction not answered", "interaction", i.ID,
				"code", incidentbot.ErrorCode(err), "err", err)
		}
		return err
	})
}
