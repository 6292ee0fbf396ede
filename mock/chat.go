package mock

import (
	"context"

	"incidentbot"
)

var _ incidentbot.Chat = (*Chat)(nil)

// Chat is a hand-written mock of incidentbot.Chat. Set the Fn of every
// method the test expects; an unset one panics, exposing an unexpected call.
type Chat struct {
	PlatformFn      func() string
	CreateChannelFn func(ctx context.Context, name string, opts incidentbot.ChannelOptions) (incidentbot.Channel, error)
	InviteFn        func(ctx context.Context, channelID string, userIDs []string) error
	SetTopicFn      func(ctx context.Context, channelID, topic string) error
	PostFn          func(ctx context.Context, channelID string, m incidentbot.Message) (incidentbot.MessageRef, error)
	UpdateFn        func(ctx context.Context, ref incidentbot.MessageRef, m incidentbot.Message) error
	PinFn           func(ctx context.Context, ref incidentbot.MessageRef) error
	FindPostFn      func(ctx context.Context, channelID, marker string) (incidentbot.MessageRef, error)
	ArchiveFn       func(ctx context.Context, channelID string) error
	ResolveUsersFn  func(ctx context.Context, spec string) ([]incidentbot.User, error)
}

func (c *Chat) Platform() string { return c.PlatformFn() }

func (c *Chat) CreateChannel(ctx context.Context, name string, opts incidentbot.ChannelOptions) (incidentbot.Channel, error) {
	return c.CreateChannelFn(ctx, name, opts)
}

func (c *Chat) Invite(ctx context.Context, channelID string, userIDs []string) error {
	return c.InviteFn(ctx, channelID, userIDs)
}

func (c *Chat) SetTopic(ctx context.Context, channelID, topic string) error {
	return c.SetTopicFn(ctx, channelID, topic)
}

func (c *Chat) Post(ctx context.Context, channelID string, m incidentbot.Message) (incidentbot.MessageRef, error) {
	return c.PostFn(ctx, channelID, m)
}

func (c *Chat) Update(ctx context.Context, ref incidentbot.MessageRef, m incidentbot.Message) error {
	return c.UpdateFn(ctx, ref, m)
}

func (c *Chat) FindPost(ctx context.Context, channelID, marker string) (incidentbot.MessageRef, error) {
	return c.FindPostFn(ctx, channelID, marker)
}

func (c *Chat) Pin(ctx context.Context, ref incidentbot.MessageRef) error {
	return c.PinFn(ctx, ref)
}

func (c *Chat) Archive(ctx context.Context, channelID string) error {
	return c.ArchiveFn(ctx, channelID)
}

func (c *Chat) ResolveUsers(ctx context.Context, spec string) ([]incidentbot.User, error) {
	return c.ResolveUsersFn(ctx, spec)
}
