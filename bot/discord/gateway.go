package discord

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/bwmarrin/discordgo"

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
// waits for the interactions in progress.
func (g *Gateway) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	s := g.chat.s
	// Interactions arrive whatever the intents; Guilds keeps the session lean.
	s.Identify.Intents = discordgo.IntentsGuilds
	remove := s.AddHandler(func(_ *discordgo.Session, ic *discordgo.InteractionCreate) {
		wg.Add(1)
		defer wg.Done()
		g.interaction(ctx, ic.Interaction)
	})
	defer remove()
	if err := s.Open(); err != nil {
		return fmt.Errorf("discord gateway: %w", mapError("connect", err))
	}
	g.logger.InfoContext(ctx, "discord gateway connected")
	<-ctx.Done()
	err := s.Close()
	wg.Wait()
	if err != nil {
		return fmt.Errorf("discord gateway close: %w", err)
	}
	return nil
}

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
