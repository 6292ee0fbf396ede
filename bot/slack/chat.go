// Package slack is the Slack adapter: it implements incidentbot.Chat on
// the Web API (slack-go) and serves slash commands, interactions and
// events over HTTP.
package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"

	"incidentbot"
)

// Slack limits the adapter keeps.
const (
	maxChannelName = 80
	maxTopic       = 250
	inviteChunk    = 1000
	// maxNameTries bounds the -2, -3 ... suffixes tried on name_taken.
	maxNameTries = 50
)

// ChatConfig configures the Web API client.
type ChatConfig struct {
	BotToken incidentbot.Secret
	// APIURL overrides https://slack.com/api/ (tests point it at a fake);
	// it must end with "/".
	APIURL string
	// Timeout bounds one API call; 0 means 15 seconds.
	Timeout time.Duration
	// PostInterval spaces chat.postMessage calls per channel after a short
	// burst; 0 means 1 second (Slack's pace), negative turns pacing off.
	PostInterval time.Duration
}

// Chat implements incidentbot.Chat on Slack's Web API.
type Chat struct {
	api    *slackapi.Client
	hc     *http.Client
	hooks  string // the scheme and host response_urls must have
	pace   *pacer
	groups groupCache
	// locales keeps each person's Slack language, for replies only they see.
	locales localeCache
	logger  *slog.Logger

	botMu sync.Mutex
	botID string // the bot's own user id (auth.test), once known
}

var _ incidentbot.Chat = (*Chat)(nil)

// NewChat returns a Chat using the bot token in cfg; a nil logger discards.
func NewChat(cfg ChatConfig, logger *slog.Logger) *Chat {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = 15 * time.Second
	}
	hc := &http.Client{Timeout: timeout}
	opts := []slackapi.Option{slackapi.OptionHTTPClient(hc)}
	hooks := "https://hooks.slack.com"
	if cfg.APIURL != "" {
		opts = append(opts, slackapi.OptionAPIURL(cfg.APIURL))
		if u, err := url.Parse(cfg.APIURL); err == nil {
			hooks = u.Scheme + "://" + u.Host // a fake serves both
		}
	}
	interval := cfg.PostInterval
	if interval == 0 {
		interval = postInterval
	}
	return &Chat{api: slackapi.New(cfg.BotToken.Reveal(), opts...), hc: hc, hooks: hooks, pace: newPacer(interval, postBurst), logger: logger}
}

func (c *Chat) Platform() string { return "slack" }

// CreateChannel creates a channel named after name (made valid for Slack),
// trying name-2, name-3 ... while taken. A taken channel whose purpose is
// opts.Purpose is one an earlier attempt made (the job is being retried
// after a crash), so it is reused rather than duplicated.
func (c *Chat) CreateChannel(ctx context.Context, name string, opts incidentbot.ChannelOptions) (incidentbot.Channel, error) {
	base := incidentbot.ChannelName(name, maxChannelName)
	if base == "" {
		return incidentbot.Channel{}, incidentbot.Errorf(incidentbot.EINVALID,
			"Channel name %q has no letters or digits. Give the incident a title.", name)
	}
	var existing map[string]slackapi.Channel // by name, read once on the first name_taken
	for try := 1; try <= maxNameTries; try++ {
		candidate := incidentbot.ChannelNameTry(base, try, maxChannelName)
		if ch, ok := existing[candidate]; ok {
			if c.ours(ctx, ch, opts) {
				c.logger.InfoContext(ctx, "reusing channel an earlier attempt created", "channel", ch.ID, "name", ch.Name)
				return c.finishChannel(ctx, ch.ID, ch.Name, ch.Purpose.Value, ch.Topic.Value, opts)
			}
			continue
		}
		ch, err := c.api.CreateConversationContext(ctx, slackapi.CreateConversationParams{
			ChannelName: candidate, IsPrivate: opts.Private,
		})
		if err == nil {
			return c.finishChannel(ctx, ch.ID, ch.Name, "", "", opts)
		}
		if slackCode(err) != "name_taken" {
			return incidentbot.Channel{}, mapError("conversations.create", err)
		}
		if existing == nil {
			if existing, err = c.channelsByName(ctx); err != nil {
				return incidentbot.Channel{}, err
			}
		}
		if ch, ok := existing[candidate]; ok && c.ours(ctx, ch, opts) {
			c.logger.InfoContext(ctx, "reusing channel an earlier attempt created", "channel", ch.ID, "name", ch.Name)
			return c.finishChannel(ctx, ch.ID, ch.Name, ch.Purpose.Value, ch.Topic.Value, opts)
		}
	}
	return incidentbot.Channel{}, incidentbot.Errorf(incidentbot.ECONFLICT,
		"Channels %s to %s are all taken. Archive old ones or change the playbook's channel template.",
		base, incidentbot.ChannelNameTry(base, maxNameTries, maxChannelName))
}

// ours reports whether ch, still open, is the channel opts describe: its
// purpose is opts.Purpose (the incident key), or it has no purpose yet, the
// bot created it and its name holds the key as words ("inc-42-checkout"
// for INC-42). conversations.create takes nothing but the name, the
// purpose follows in a second call, so a crash between the two leaves a
// channel known by its name and creator alone
// (api.slack.com/methods/conversations.create, conversations.list).
func (c *Chat) ours(ctx context.Context, ch slackapi.Channel, opts incidentbot.ChannelOptions) bool {
	if opts.Purpose == "" || ch.IsArchived {
		return false
	}
	if ch.Purpose.Value == incidentbot.Truncate(opts.Purpose, maxTopic) {
		return true
	}
	key := incidentbot.ChannelName(opts.Purpose, maxChannelName)
	if ch.Purpose.Value != "" || key == "" || !strings.Contains("-"+ch.Name+"-", "-"+key+"-") {
		return false
	}
	bot, err := c.botUser(ctx)
	return err == nil && ch.Creator == bot
}

// botUser returns the bot's own user id, asked of auth.test once.
func (c *Chat) botUser(ctx context.Context) (string, error) {
	c.botMu.Lock()
	defer c.botMu.Unlock()
	if c.botID != "" {
		return c.botID, nil
	}
	resp, err := c.api.AuthTestContext(ctx)
	if err != nil {
		return "", mapError("auth.test", err)
	}
	c.botID = resp.UserID
	return c.botID, nil
}

// finishChannel sets the purpose and topic a channel lacks.
func (c *Chat) finishChannel(ctx context.Context, id, name, purpose, topic string, opts incidentbot.ChannelOptions) (incidentbot.Channel, error) {
	if opts.Purpose != "" && purpose != incidentbot.Truncate(opts.Purpose, maxTopic) {
		if _, err := c.api.SetPurposeOfConversationContext(ctx, id, incidentbot.Truncate(opts.Purpose, maxTopic)); err != nil {
			return incidentbot.Channel{}, mapError("conversations.setPurpose", err)
		}
	}
	if opts.Topic != "" && topic != incidentbot.Truncate(opts.Topic, maxTopic) {
		if err := c.SetTopic(ctx, id, opts.Topic); err != nil {
			return incidentbot.Channel{}, err
		}
	}
	return incidentbot.Channel{ID: id, Name: name}, nil
}

// channelsByName lists every channel the bot can see.
func (c *Chat) channelsByName(ctx context.Context) (map[string]slackapi.Channel, error) {
	out := map[string]slackapi.Channel{}
	params := &slackapi.GetConversationsParameters{
		Types: []string{"public_channel", "private_channel"}, Limit: 1000,
	}
	for {
		page, next, err := c.api.GetConversationsContext(ctx, params)
		if err != nil {
			return nil, mapError("conversations.list", err)
		}
		for _, ch := range page {
			out[ch.Name] = ch
		}
		if next == "" {
			return out, nil
		}
		params.Cursor = next
	}
}

// Invite adds users in chunks. Slack refuses a whole chunk when one user
// is there already; the chunk is then retried without the members.
func (c *Chat) Invite(ctx context.Context, channelID string, userIDs []string) error {
	var ids []string
	for _, id := range userIDs {
		if id = strings.TrimSpace(id); id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	var members []string // read once, on the first refusal
	for chunk := range slices.Chunk(ids, inviteChunk) {
		_, err := c.api.InviteUsersToConversationContext(ctx, channelID, chunk...)
		if err == nil || alreadyThere(err) && len(chunk) == 1 {
			continue
		}
		if !alreadyThere(err) {
			return mapError("conversations.invite", err)
		}
		if members == nil {
			if members, err = c.members(ctx, channelID); err != nil {
				return err
			}
		}
		rest := slices.DeleteFunc(slices.Clone(chunk), func(id string) bool { return slices.Contains(members, id) })
		if len(rest) == 0 {
			continue
		}
		if _, err := c.api.InviteUsersToConversationContext(ctx, channelID, rest...); err != nil && !(alreadyThere(err) && len(rest) == 1) {
			return mapError("conversations.invite", err)
		}
	}
	return nil
}

// members lists a channel's member ids, the bot's own included.
func (c *Chat) members(ctx context.Context, channelID string) ([]string, error) {
	var out []string
	params := &slackapi.GetUsersInConversationParameters{ChannelID: channelID, Limit: 1000}
	for {
		page, next, err := c.api.GetUsersInConversationContext(ctx, params)
		if err != nil {
			return nil, mapError("conversations.members", err)
		}
		out = append(out, page...)
		if next == "" {
			return out, nil
		}
		params.Cursor = next
	}
}

// alreadyThere reports Slack's "nothing to do" answers to an invite.
func alreadyThere(err error) bool {
	code := slackCode(err)
	return code == "already_in_channel" || code == "cant_invite_self"
}

// SetTopic sets the channel topic, cut to Slack's 250 characters.
func (c *Chat) SetTopic(ctx context.Context, channelID, topic string) error {
	_, err := c.api.SetTopicOfConversationContext(ctx, channelID, incidentbot.Truncate(topic, maxTopic))
	return mapError("conversations.setTopic", err)
}

// Post sends m, ephemerally when m.EphemeralTo is set. Messages to one
// channel are paced as Slack asks, so a burst waits rather than fails.
func (c *Chat) Post(ctx context.Context, channelID string, m incidentbot.Message) (incidentbot.MessageRef, error) {
	if m.File != nil {
		return c.postFile(ctx, channelID, m)
	}
	opts := msgOptions(render(m))
	if m.EphemeralTo != "" {
		ts, err := c.api.PostEphemeralContext(ctx, channelID, m.EphemeralTo, opts...)
		if err != nil {
			return incidentbot.MessageRef{}, mapError("chat.postEphemeral", err)
		}
		return incidentbot.MessageRef{ChannelID: channelID, ID: ts}, nil
	}
	if err := c.pace.wait(channelID); err != nil {
		return incidentbot.MessageRef{}, err
	}
	if m.Marker != "" {
		opts = append(opts, slackapi.MsgOptionMetadata(slackapi.SlackMetadata{
			EventType: markerEvent, EventPayload: map[string]any{"marker": m.Marker},
		}))
	}
	ch, ts, err := c.api.PostMessageContext(ctx, channelID, opts...)
	if err != nil {
		return incidentbot.MessageRef{}, mapError("chat.postMessage", err)
	}
	return incidentbot.MessageRef{ChannelID: ch, ID: ts}, nil
}

// markerEvent is the metadata event type of messages posted with a
// Marker: Slack keeps metadata with the message, hidden from people, and
// returns it from conversations.history with include_all_metadata
// (docs.slack.dev/messaging/message-metadata, conversations.history).
const markerEvent = "incidentbot_post"

// markerDepth is how many of a channel's newest messages FindPost reads:
// a retried post comes within minutes of the first attempt.
const markerDepth = 200

// FindPost reads the channel's newest messages for the bot's message
// whose metadata carries marker.
func (c *Chat) FindPost(ctx context.Context, channelID, marker string) (incidentbot.MessageRef, error) {
	params := &slackapi.GetConversationHistoryParameters{ChannelID: channelID, Limit: markerDepth, IncludeAllMetadata: true}
	page, err := c.api.GetConversationHistoryContext(ctx, params)
	if err != nil {
		return incidentbot.MessageRef{}, mapError("conversations.history", err)
	}
	for _, m := range page.Messages {
		if marker != "" && m.Metadata.EventType == markerEvent && m.Metadata.EventPayload["marker"] == marker {
			return incidentbot.MessageRef{ChannelID: channelID, ID: m.Timestamp}, nil
		}
	}
	return incidentbot.MessageRef{}, incidentbot.Errorf(incidentbot.ENOTFOUND, "No message of the bot carries that marker in the channel's recent history.")
}

// Respond answers through a response_url of a slash command, click or
// message shortcut: it shows m in that channel, to the person alone unless
// inChannel, whether or not the bot is a member (Slack allows 5 uses in 30
// minutes: api.slack.com/interactivity/handling#message_responses). The
// URL is a credential of sorts: it never reaches an error or a log.
func (c *Chat) Respond(ctx context.Context, responseURL string, m incidentbot.Message, inChannel bool) error {
	if !strings.HasPrefix(responseURL, c.hooks+"/") {
		return incidentbot.Errorf(incidentbot.EINVALID, "The reply address Slack gave is not a %s address.", c.hooks)
	}
	r := render(m)
	msg := slackapi.WebhookMessage{Text: r.Text, Attachments: r.Attachments, ResponseType: "ephemeral"}
	if len(r.Blocks) > 0 {
		msg.Blocks = &slackapi.Blocks{BlockSet: r.Blocks}
	}
	if inChannel && m.EphemeralTo == "" {
		msg.ResponseType = "in_channel"
	}
	body, err := json.Marshal(msg)
	if err != nil {
		return fmt.Errorf("encode slack response: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, responseURL, bytes.NewReader(body))
	if err != nil {
		return incidentbot.Errorf(incidentbot.EINVALID, "The reply address Slack gave is not valid.")
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL
		}
		return incidentbot.WrapError(incidentbot.EUNAVAILABLE, fmt.Errorf("slack response_url: %w", err), "Slack did not take the reply; try again.")
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
	if resp.StatusCode != http.StatusOK {
		return incidentbot.Errorf(incidentbot.EUNAVAILABLE, "Slack did not take the reply (HTTP %d %s); try again.", resp.StatusCode, strings.TrimSpace(string(b)))
	}
	return nil
}

// postFile uploads m.File whole and shares it to the channel with the
// rest of m as the message beside it: files.getUploadURLExternal, a POST of
// the bytes to the URL it gives, files.completeUploadExternal with blocks
// (api.slack.com/messaging/files#uploading_files). The share is one
// message, made in the last call only, so a retry after a failure does not
// post twice. Slack shares files asynchronously and names no message ts:
// the ref has no ID.
func (c *Chat) postFile(ctx context.Context, channelID string, m incidentbot.Message) (incidentbot.MessageRef, error) {
	if m.EphemeralTo != "" {
		return incidentbot.MessageRef{}, incidentbot.Errorf(incidentbot.EINVALID, "A file cannot be shown to one person only: share it to the channel.")
	}
	if err := c.pace.wait(channelID); err != nil {
		return incidentbot.MessageRef{}, err
	}
	f := m.File
	m.File = nil
	r := render(m)
	_, err := c.api.UploadFileContext(ctx, slackapi.UploadFileParameters{
		Filename: f.Name,
		Title:    f.Name,
		Content:  f.Content,
		FileSize: len(f.Content), // bytes, as Slack counts them
		Channel:  channelID,
		Blocks:   slackapi.Blocks{BlockSet: r.Blocks},
	})
	if err != nil {
		return incidentbot.MessageRef{}, mapError("files.upload", err)
	}
	return incidentbot.MessageRef{ChannelID: channelID}, nil
}

// Update replaces a posted message in place.
func (c *Chat) Update(ctx context.Context, ref incidentbot.MessageRef, m incidentbot.Message) error {
	_, _, _, err := c.api.UpdateMessageContext(ctx, ref.ChannelID, ref.ID, msgOptions(render(m))...)
	return mapError("chat.update", err)
}

// msgOptions sends exactly the rendered text, blocks and attachments; an
// update with none of one kind clears what the old message had.
func msgOptions(r rendered) []slackapi.MsgOption {
	return []slackapi.MsgOption{
		slackapi.MsgOptionText(r.Text, false),
		slackapi.MsgOptionBlocks(r.Blocks...),
		// A non-nil empty list is sent as "[]", clearing an old colour bar.
		slackapi.MsgOptionAttachments(append([]slackapi.Attachment{}, r.Attachments...)...),
	}
}

// Pin pins a message; one pinned already is a success.
func (c *Chat) Pin(ctx context.Context, ref incidentbot.MessageRef) error {
	err := c.api.AddPinContext(ctx, ref.ChannelID, slackapi.NewRefToMessage(ref.ChannelID, ref.ID))
	if err != nil && slackCode(err) == "already_pinned" {
		return nil
	}
	return mapError("pins.add", err)
}

// Archive archives a channel; one archived already is a success.
func (c *Chat) Archive(ctx context.Context, channelID string) error {
	err := c.api.ArchiveConversationContext(ctx, channelID)
	if err != nil && slackCode(err) == "already_archived" {
		return nil
	}
	return mapError("conversations.archive", err)
}

// Team asks Slack (auth.test) which workspace the bot token belongs to and
// returns its team id: the workspace the bot serves unless SLACK_TEAM_IDS
// says otherwise.
func (c *Chat) Team(ctx context.Context) (string, error) {
	resp, err := c.api.AuthTestContext(ctx)
	if err != nil {
		return "", mapError("auth.test", err)
	}
	if resp.TeamID == "" {
		return "", incidentbot.Errorf(incidentbot.EINTERNAL, "Slack's auth.test named no workspace for the bot token.")
	}
	return resp.TeamID, nil
}
