// Package discord is the Discord adapter: it implements incidentbot.Chat on
// the REST API (bwmarrin/discordgo), receives interactions over HTTP
// (POST /discord/interactions) or the gateway through one code path, and
// registers the /incident command.
package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"incidentbot"
)

// Discord limits and permission bits the adapter keeps.
const (
	maxChannelName      = 100
	maxTopic            = 1024
	maxCategoryChildren = 50
	// maxNameTries bounds the -2, -3 ... suffixes tried on a taken name.
	maxNameTries = 50

	permView    = discordgo.PermissionViewChannel
	permSend    = discordgo.PermissionSendMessages
	permHistory = discordgo.PermissionReadMessageHistory
	permEmbed   = discordgo.PermissionEmbedLinks
	// memberAllow lets an invited person read and write the war room.
	memberAllow = permView | permSend | permHistory
	// botAllow keeps the bot in its own war rooms whatever the server's roles say.
	botAllow = memberAllow | permEmbed
)

// ChatConfig configures the REST client.
type ChatConfig struct {
	BotToken incidentbot.Secret
	GuildID  string
	// CommandsOnly is a Chat that only registers commands: global
	// registration needs no guild.
	CommandsOnly bool
	// AppID is the application id, for commands and interactions. The
	// bot's user id, which its permission overwrites name, is read from
	// GET /users/@me: older applications have a different one.
	AppID string
	// APIURL sends every request to this scheme and host instead of
	// https://discord.com (tests and the demo point it at a fake).
	APIURL string
	// Category holds the war rooms ("Incidents"); a full one (50 channels)
	// continues in "Incidents 2", "Incidents 3" ...
	Category string
	// ArchiveCategory receives closed war rooms ("Incidents archive").
	ArchiveCategory string
	// Timeout bounds one API call; 0 means 15 seconds.
	Timeout time.Duration
}

// Chat implements incidentbot.Chat on Discord's REST API.
type Chat struct {
	s      *discordgo.Session
	cfg    ChatConfig
	logger *slog.Logger

	mu    sync.Mutex
	botID string // the bot's user id, once read
}

var _ incidentbot.Chat = (*Chat)(nil)

// NewChat returns a Chat for one guild; a nil logger discards. It makes no
// request.
func NewChat(cfg ChatConfig, logger *slog.Logger) (*Chat, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var errs []error
	if cfg.BotToken == "" {
		errs = append(errs, errors.New("discord: DISCORD_BOT_TOKEN is required: copy it from the Developer Portal > Bot"))
	}
	if cfg.GuildID == "" && !cfg.CommandsOnly {
		errs = append(errs, errors.New("discord: DISCORD_GUILD_ID is required: the server id (Developer Mode > right-click the server > Copy ID)"))
	}
	if cfg.AppID == "" {
		errs = append(errs, errors.New("discord: DISCORD_APP_ID is required: the application id from the Developer Portal"))
	}
	transport := http.DefaultTransport
	if cfg.APIURL != "" {
		u, err := url.Parse(cfg.APIURL)
		if err != nil || u.Scheme == "" || u.Host == "" {
			errs = append(errs, errors.New("discord: DISCORD_API_URL must be an absolute URL such as http://127.0.0.1:8081"))
		} else {
			transport = hostRewrite{scheme: u.Scheme, host: u.Host, next: http.DefaultTransport}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if cfg.Category == "" {
		cfg.Category = "Incidents"
	}
	if cfg.ArchiveCategory == "" {
		cfg.ArchiveCategory = "Incidents archive"
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 15 * time.Second
	}
	s, err := discordgo.New("Bot " + cfg.BotToken.Reveal())
	if err != nil {
		return nil, fmt.Errorf("discord session: %w", err)
	}
	s.Client = &http.Client{Timeout: cfg.Timeout, Transport: transport}
	// Retries belong to the job runner, which honours Retry-After without
	// holding a worker asleep; discordgo would sleep inside the call.
	s.ShouldRetryOnRateLimit = false
	s.MaxRestRetries = 0
	return &Chat{s: s, cfg: cfg, logger: logger}, nil
}

// hostRewrite sends discordgo's requests, built for https://discord.com,
// to another host: discordgo's endpoints are package variables, which a
// test must not change for everyone else in the process.
type hostRewrite struct {
	scheme, host string
	next         http.RoundTripper
}

func (t hostRewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = t.scheme, t.host, t.host
	return t.next.RoundTrip(r)
}

func (c *Chat) Platform() string { return incidentbot.PlatformDiscord }

func (c *Chat) opts(ctx context.Context) []discordgo.RequestOption {
	return []discordgo.RequestOption{discordgo.WithContext(ctx)}
}

// CreateChannel creates a private text channel in the incidents category.
// A channel whose topic carries opts.Purpose is one an earlier attempt
// made (the job is being retried after a crash): it is reused. Discord
// allows duplicate names, but people tell war rooms apart by name, so a
// taken name gets -2, -3 ... like on Slack.
//
// Discord has no channel membership: a person is "in" a war room when an
// overwrite lets them see it. So every war room denies @everyone and
// allows the bot and each invited person, whatever opts.Private says.
func (c *Chat) CreateChannel(ctx context.Context, name string, opts incidentbot.ChannelOptions) (incidentbot.Channel, error) {
	base := incidentbot.ChannelName(name, maxChannelName)
	if base == "" {
		return incidentbot.Channel{}, incidentbot.Errorf(incidentbot.EINVALID,
			"Channel name %q has no letters or digits. Give the incident a title.", name)
	}
	channels, err := c.s.GuildChannels(c.cfg.GuildID, c.opts(ctx)...)
	if err != nil {
		return incidentbot.Channel{}, mapError("list channels", err)
	}
	archive := archiveIDs(channels, c.cfg.ArchiveCategory)
	if opts.Purpose != "" {
		for _, ch := range channels {
			if ch.Type == discordgo.ChannelTypeGuildText && hasWord(ch.Topic, opts.Purpose) && !slices.Contains(archive, ch.ParentID) {
				c.logger.InfoContext(ctx, "reusing channel an earlier attempt created", "channel", ch.ID, "name", ch.Name)
				return incidentbot.Channel{ID: ch.ID, Name: ch.Name}, nil
			}
		}
	}
	taken := map[string]bool{}
	for _, ch := range channels {
		taken[ch.Name] = true
	}
	candidate := ""
	for try := 1; try <= maxNameTries && candidate == ""; try++ {
		if n := incidentbot.ChannelNameTry(base, try, maxChannelName); !taken[n] {
			candidate = n
		}
	}
	if candidate == "" {
		return incidentbot.Channel{}, incidentbot.Errorf(incidentbot.ECONFLICT,
			"Channels %s to %s are all taken. Archive old ones or change the playbook's channel template.",
			base, incidentbot.ChannelNameTry(base, maxNameTries, maxChannelName))
	}
	parent, err := c.category(ctx, channels, c.cfg.Category)
	if err != nil {
		return incidentbot.Channel{}, err
	}
	bot, err := c.botUserID(ctx)
	if err != nil {
		return incidentbot.Channel{}, err
	}
	topic := opts.Topic
	if opts.Purpose != "" && !hasWord(topic, opts.Purpose) {
		topic = strings.TrimSpace(topic + " · " + opts.Purpose)
	}
	ch, err := c.s.GuildChannelCreateComplex(c.cfg.GuildID, discordgo.GuildChannelCreateData{
		Name:     candidate,
		Type:     discordgo.ChannelTypeGuildText,
		Topic:    fitTopic(topic, opts.Purpose),
		ParentID: parent,
		PermissionOverwrites: []*discordgo.PermissionOverwrite{
			{ID: c.cfg.GuildID, Type: discordgo.PermissionOverwriteTypeRole, Deny: permView},
			{ID: bot, Type: discordgo.PermissionOverwriteTypeMember, Allow: botAllow},
		},
	}, c.opts(ctx)...)
	if err != nil {
		return incidentbot.Channel{}, mapError("create channel", err)
	}
	return incidentbot.Channel{ID: ch.ID, Name: ch.Name}, nil
}

// category returns the id of the first category named base, base 2,
// base 3 ... with room for one more channel, creating the next one when
// all are full.
func (c *Chat) category(ctx context.Context, channels []*discordgo.Channel, base string) (string, error) {
	children := map[string]int{}
	for _, ch := range channels {
		children[ch.ParentID]++
	}
	for n := 1; ; n++ {
		name := base
		if n > 1 {
			name = base + " " + strconv.Itoa(n)
		}
		ids := categoryIDs(channels, name)
		for _, id := range ids {
			if children[id] < maxCategoryChildren {
				return id, nil
			}
		}
		if len(ids) > 0 {
			continue
		}
		cat, err := c.s.GuildChannelCreateComplex(c.cfg.GuildID, discordgo.GuildChannelCreateData{
			Name: name, Type: discordgo.ChannelTypeGuildCategory,
		}, c.opts(ctx)...)
		if err != nil {
			return "", mapError("create category", err)
		}
		c.logger.InfoContext(ctx, "discord category created", "category", cat.ID, "name", name)
		return cat.ID, nil
	}
}

// categoryIDs returns the ids of the categories called name, or "name N".
func categoryIDs(channels []*discordgo.Channel, name string) []string {
	var ids []string
	for _, ch := range channels {
		if ch.Type == discordgo.ChannelTypeGuildCategory && strings.EqualFold(ch.Name, name) {
			ids = append(ids, ch.ID)
		}
	}
	return ids
}

// hasWord reports whether text holds word as a whole word, so INC-4 is
// not found in a topic about INC-42.
func hasWord(text, word string) bool {
	if word == "" {
		return false
	}
	return slices.Contains(strings.FieldsFunc(text, func(r rune) bool {
		return r == ' ' || r == '·' || r == ',' || r == ';' || r == '(' || r == ')' || r == ':'
	}), word)
}

// fitTopic keeps a topic within 1,024 characters, keeping the purpose.
func fitTopic(topic, purpose string) string {
	if runes(topic) <= maxTopic {
		return topic
	}
	if purpose == "" {
		return incidentbot.Truncate(topic, maxTopic)
	}
	return incidentbot.Truncate(topic, maxTopic-runes(purpose)-3) + " · " + purpose
}

// Invite gives each person an overwrite that lets them see and write in
// the channel; setting it again is harmless, so a repeat is a success.
func (c *Chat) Invite(ctx context.Context, channelID string, userIDs []string) error {
	bot, err := c.botUserID(ctx)
	if err != nil {
		return err
	}
	var done []string
	for _, id := range userIDs {
		id = strings.TrimSpace(id)
		if id == "" || slices.Contains(done, id) {
			continue
		}
		done = append(done, id)
		allow := int64(memberAllow)
		if id == bot {
			allow = botAllow
		}
		err := c.s.ChannelPermissionSet(channelID, id, discordgo.PermissionOverwriteTypeMember, allow, 0, c.opts(ctx)...)
		if err != nil {
			return mapError("invite", err)
		}
	}
	return nil
}

// SetTopic sets the channel topic, cut to Discord's 1,024 characters.
func (c *Chat) SetTopic(ctx context.Context, channelID, topic string) error {
	_, err := c.s.ChannelEdit(channelID, &discordgo.ChannelEdit{Topic: fitTopic(topic, "")}, c.opts(ctx)...)
	return mapError("set topic", err)
}

// errEphemeral refuses private messages outside interactions: Discord can
// show a message to one person only as the answer to their command or
// click, which Inbound does. Posting it to the channel instead would show
// everyone what was meant for one person.
var errEphemeral = incidentbot.Errorf(incidentbot.EINVALID,
	"Discord shows private messages only as answers to a command or a button. Run the command again to see the answer.")

// Post sends m as an embed with buttons; text beyond the embed follows as
// plain messages. The reference is the first message's.
func (c *Chat) Post(ctx context.Context, channelID string, m incidentbot.Message) (incidentbot.MessageRef, error) {
	if m.EphemeralTo != "" {
		return incidentbot.MessageRef{}, errEphemeral
	}
	r := render(m)
	send := &discordgo.MessageSend{
		Content: r.Content, Embeds: r.Embeds, Components: r.Components, AllowedMentions: noMentions(),
	}
	if f := m.File; f != nil {
		// Sent whole as an attachment: multipart payload_json and files[0]
		// (Discord docs, Reference > Uploading Files).
		send.Files = []*discordgo.File{{Name: f.Name, ContentType: "text/markdown; charset=utf-8", Reader: strings.NewReader(f.Content)}}
	}
	msg, err := c.send(ctx, channelID, send, m.Marker)
	if err != nil {
		return incidentbot.MessageRef{}, mapError("post message", err)
	}
	for _, more := range r.Overflow {
		if _, err := c.s.ChannelMessageSendComplex(channelID, &discordgo.MessageSend{Content: more, AllowedMentions: noMentions()}, c.opts(ctx)...); err != nil {
			return incidentbot.MessageRef{}, mapError("post message", err)
		}
	}
	return incidentbot.MessageRef{ChannelID: channelID, ID: msg.ID}, nil
}

// markedSend is a message create body with a nonce, which discordgo's
// MessageSend lacks. With enforce_nonce Discord returns the message the
// same author created with the same nonce in the past few minutes instead
// of creating another (Discord docs, Resources > Message > Create Message:
// nonce, up to 25 characters, and enforce_nonce).
type markedSend struct {
	*discordgo.MessageSend
	Nonce        string `json:"nonce"`
	EnforceNonce bool   `json:"enforce_nonce"`
}

// send creates a message, with marker as its enforced nonce when set.
func (c *Chat) send(ctx context.Context, channelID string, m *discordgo.MessageSend, marker string) (*discordgo.Message, error) {
	if marker == "" {
		return c.s.ChannelMessageSendComplex(channelID, m, c.opts(ctx)...)
	}
	for _, e := range m.Embeds {
		if e.Type == "" {
			e.Type = discordgo.EmbedTypeRich // as ChannelMessageSendComplex does
		}
	}
	endpoint := discordgo.EndpointChannelMessages(channelID)
	body := markedSend{MessageSend: m, Nonce: marker, EnforceNonce: true}
	var resp []byte
	var err error
	if len(m.Files) > 0 {
		ct, b, encErr := discordgo.MultipartBodyWithJSON(body, m.Files)
		if encErr != nil {
			return nil, encErr
		}
		resp, err = c.s.RequestRaw(http.MethodPost, endpoint, ct, b, endpoint, 0, c.opts(ctx)...)
	} else {
		resp, err = c.s.RequestWithBucketID(http.MethodPost, endpoint, body, endpoint, c.opts(ctx)...)
	}
	if err != nil {
		return nil, err
	}
	var msg discordgo.Message
	if err := json.Unmarshal(resp, &msg); err != nil {
		return nil, fmt.Errorf("read created message: %w", err)
	}
	return &msg, nil
}

// FindPost reads the channel's newest 100 messages (GET channel messages,
// whose message objects carry the nonce they were created with) for the
// bot's message with nonce marker.
func (c *Chat) FindPost(ctx context.Context, channelID, marker string) (incidentbot.MessageRef, error) {
	endpoint := discordgo.EndpointChannelMessages(channelID)
	resp, err := c.s.RequestWithBucketID(http.MethodGet, endpoint+"?limit=100", nil, endpoint, c.opts(ctx)...)
	if err != nil {
		return incidentbot.MessageRef{}, mapError("read messages", err)
	}
	var msgs []struct {
		ID     string          `json:"id"`
		Nonce  json.RawMessage `json:"nonce"`
		Author struct {
			ID string `json:"id"`
		} `json:"author"`
	}
	if err := json.Unmarshal(resp, &msgs); err != nil {
		return incidentbot.MessageRef{}, fmt.Errorf("read messages: %w", err)
	}
	bot, err := c.botUserID(ctx)
	if err != nil {
		return incidentbot.MessageRef{}, err
	}
	want, _ := json.Marshal(marker)
	for _, m := range msgs {
		if marker != "" && m.Author.ID == bot && string(m.Nonce) == string(want) {
			return incidentbot.MessageRef{ChannelID: channelID, ID: m.ID}, nil
		}
	}
	return incidentbot.MessageRef{}, incidentbot.Errorf(incidentbot.ENOTFOUND, "No message of the bot carries that marker in the channel's recent messages.")
}

// Update replaces a posted message in place: content, embeds and buttons
// all, so nothing of the old message stays. Text beyond one message is cut.
func (c *Chat) Update(ctx context.Context, ref incidentbot.MessageRef, m incidentbot.Message) error {
	r := render(m)
	content, embeds, comps := r.Content, r.Embeds, r.Components
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	if comps == nil {
		comps = []discordgo.MessageComponent{}
	}
	_, err := c.s.ChannelMessageEditComplex(&discordgo.MessageEdit{
		ID: ref.ID, Channel: ref.ChannelID, Content: &content, Embeds: &embeds, Components: &comps,
		AllowedMentions: noMentions(),
	}, c.opts(ctx)...)
	return mapError("update message", err)
}

// Pin pins a message; pinning one pinned already is a success on Discord.
// It uses the current route, PUT /channels/{id}/messages/pins/{id}:
// discordgo's ChannelMessagePin still calls the deprecated
// /channels/{id}/pins/{id} (discord.com/developers/docs/resources/message#pin-message).
func (c *Chat) Pin(ctx context.Context, ref incidentbot.MessageRef) error {
	pins := discordgo.EndpointChannel(ref.ChannelID) + "/messages/pins/"
	_, err := c.s.RequestWithBucketID(http.MethodPut, pins+ref.ID, nil, pins, c.opts(ctx)...)
	return mapError("pin message", err)
}

// botUserID returns the bot's user id, read once with GET /users/@me
// (discord.com/developers/docs/resources/user#get-current-user). It is not
// DISCORD_APP_ID for applications older than their bot user.
func (c *Chat) botUserID(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.botID != "" {
		return c.botID, nil
	}
	u, err := c.s.User("@me", c.opts(ctx)...)
	if err != nil {
		return "", mapError("read the bot's own user", err)
	}
	c.botID = u.ID
	return c.botID, nil
}

// Archive moves the channel to the archive category and locks it: every
// overwrite but the bot's loses Send Messages, and @everyone is denied it.
// Discord has no archive; an archived war room stays readable by those
// who could read it.
func (c *Chat) Archive(ctx context.Context, channelID string) error {
	ch, err := c.s.Channel(channelID, c.opts(ctx)...)
	if err != nil {
		return mapError("read channel", err)
	}
	channels, err := c.s.GuildChannels(c.cfg.GuildID, c.opts(ctx)...)
	if err != nil {
		return mapError("list channels", err)
	}
	parent := ch.ParentID
	if !slices.Contains(archiveIDs(channels, c.cfg.ArchiveCategory), parent) {
		if parent, err = c.category(ctx, channels, c.cfg.ArchiveCategory); err != nil {
			return err
		}
	}
	bot, err := c.botUserID(ctx)
	if err != nil {
		return err
	}
	overwrites, changed := locked(ch.PermissionOverwrites, c.cfg.GuildID, bot)
	if parent == ch.ParentID && !changed {
		return nil
	}
	_, err = c.s.ChannelEdit(channelID, &discordgo.ChannelEdit{ParentID: parent, PermissionOverwrites: overwrites}, c.opts(ctx)...)
	return mapError("archive channel", err)
}

// archiveIDs lists the archive categories: base, base 2, base 3 ...
func archiveIDs(channels []*discordgo.Channel, base string) []string {
	var ids []string
	for _, ch := range channels {
		if ch.Type != discordgo.ChannelTypeGuildCategory {
			continue
		}
		rest, ok := strings.CutPrefix(strings.ToLower(ch.Name), strings.ToLower(base))
		if _, err := strconv.Atoi(strings.TrimSpace(rest)); ok && (rest == "" || err == nil) {
			ids = append(ids, ch.ID)
		}
	}
	return ids
}

// locked returns the overwrites with Send Messages denied to everyone but
// the bot, and whether anything changed.
func locked(in []*discordgo.PermissionOverwrite, everyone, bot string) ([]*discordgo.PermissionOverwrite, bool) {
	out := make([]*discordgo.PermissionOverwrite, 0, len(in)+1)
	changed, sawEveryone := false, false
	for _, o := range in {
		o := *o
		if o.ID == everyone {
			sawEveryone = true
		}
		if o.ID != bot && (o.Deny&permSend == 0 || o.Allow&permSend != 0) {
			o.Allow &^= permSend
			o.Deny |= permSend
			changed = true
		}
		out = append(out, &o)
	}
	if !sawEveryone {
		out = append(out, &discordgo.PermissionOverwrite{ID: everyone, Type: discordgo.PermissionOverwriteTypeRole, Deny: permSend})
		changed = true
	}
	return out, changed
}
