package fakeslack

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxTopic is the longest topic or purpose Slack accepts, in characters.
const MaxTopic = 250

// Channel is a channel as the fake holds it, for assertions.
type Channel struct {
	ID       string
	Name     string
	Private  bool
	Archived bool
	Topic    string
	Purpose  string
	Creator  string
	Created  int64
	Members  []string
}

type channel struct {
	Channel
	messages []*Message
	pins     []string
}

// AddChannel seeds a channel made by someone else (or by an earlier run of
// the bot). The bot is a member, as it would be of a channel it made.
func (s *Server) AddChannel(name, purpose string, private bool) Channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &channel{Channel: Channel{
		ID: s.nextID("C"), Name: name, Private: private, Purpose: purpose,
		Creator: BotUserID, Created: s.now().Unix(), Members: []string{BotUserID},
	}}
	s.channels = append(s.channels, c)
	return c.snapshot()
}

// ChannelByName returns the channel called name, archived or not.
func (s *Server) ChannelByName(name string) (Channel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.channels {
		if c.Name == name {
			return c.snapshot(), true
		}
	}
	return Channel{}, false
}

// Channels returns every channel in creation order.
func (s *Server) Channels() []Channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Channel, 0, len(s.channels))
	for _, c := range s.channels {
		out = append(out, c.snapshot())
	}
	return out
}

// Members returns a channel's member ids in the order they joined.
func (s *Server) Members(channelID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.channel(channelID); c != nil {
		return slices.Clone(c.Members)
	}
	return nil
}

// Topic returns a channel's topic.
func (s *Server) Topic(channelID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.channel(channelID); c != nil {
		return c.Topic
	}
	return ""
}

func (c *channel) snapshot() Channel {
	out := c.Channel
	out.Members = slices.Clone(c.Members)
	return out
}

// channel finds a channel by id. Called with s.mu held.
func (s *Server) channel(id string) *channel {
	for _, c := range s.channels {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// json renders a channel as conversations.* methods return it.
func (c *channel) json(ts int64) map[string]any {
	return map[string]any{
		"id": c.ID, "name": c.Name, "name_normalized": c.Name,
		"is_channel": !c.Private, "is_group": false, "is_private": c.Private,
		"is_archived": c.Archived, "is_member": slices.Contains(c.Members, BotUserID),
		"created": c.Created, "creator": c.Creator, "num_members": len(c.Members),
		"topic":   map[string]any{"value": c.Topic, "creator": BotUserID, "last_set": ts},
		"purpose": map[string]any{"value": c.Purpose, "creator": BotUserID, "last_set": ts},
	}
}

// checkName applies conversations.create's naming rule.
func checkName(name string) string {
	switch {
	case name == "":
		return "invalid_name_required"
	case utf8.RuneCountInString(name) > 80:
		return "invalid_name_maxlength"
	}
	punct := true
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			punct = false
		case r == '-' || r == '_':
		default:
			return "invalid_name_specials"
		}
	}
	if punct {
		return "invalid_name_punctuation"
	}
	return ""
}

func (s *Server) conversationsCreate(p params) (any, string) {
	name := p.get("name")
	if e := checkName(name); e != "" {
		return nil, e
	}
	// Archived channels keep their names, as on Slack.
	for _, c := range s.channels {
		if c.Name == name {
			return nil, "name_taken"
		}
	}
	c := &channel{Channel: Channel{
		ID: s.nextID("C"), Name: name, Private: p.bool("is_private"),
		Creator: BotUserID, Created: s.now().Unix(), Members: []string{BotUserID},
	}}
	s.channels = append(s.channels, c)
	return map[string]any{"channel": c.json(s.now().Unix())}, ""
}

// writable finds a channel the bot may change. Called with s.mu held.
func (s *Server) writable(id string) (*channel, string) {
	c := s.channel(id)
	switch {
	case c == nil || c.Private && !slices.Contains(c.Members, BotUserID):
		// A private channel (or DM) the bot is not in is one it cannot see.
		return nil, "channel_not_found"
	case c.Archived:
		return nil, "is_archived"
	case !slices.Contains(c.Members, BotUserID):
		return nil, "not_in_channel"
	}
	return c, ""
}

func (s *Server) conversationsInvite(p params) (any, string) {
	c, e := s.writable(p.get("channel"))
	if e != "" {
		return nil, e
	}
	ids := strings.Split(p.get("users"), ",")
	force := p.bool("force")
	var add []string
	var skipped []map[string]any
	for _, id := range ids {
		id = strings.TrimSpace(id)
		var e string
		switch {
		case id == "":
			e = "user_not_found"
		case id == BotUserID:
			e = "cant_invite_self"
		case s.user(id) == nil:
			e = "user_not_found"
		case slices.Contains(c.Members, id) || slices.Contains(add, id):
			e = "already_in_channel"
		}
		if e == "" {
			add = append(add, id)
			continue
		}
		// Without force one bad user fails the whole call and nobody is added.
		if !force {
			return nil, e
		}
		skipped = append(skipped, map[string]any{"user": id, "ok": false, "error": e})
	}
	c.Members = append(c.Members, add...)
	out := map[string]any{"channel": c.json(s.now().Unix())}
	if len(skipped) > 0 {
		out["errors"] = skipped
	}
	return out, ""
}

func (s *Server) conversationsSetTopic(p params) (any, string) {
	c, e := s.writable(p.get("channel"))
	if e != "" {
		return nil, e
	}
	topic := p.get("topic")
	if utf8.RuneCountInString(topic) > MaxTopic {
		return nil, "too_long"
	}
	c.Topic = topic
	return map[string]any{"channel": c.json(s.now().Unix())}, ""
}

func (s *Server) conversationsSetPurpose(p params) (any, string) {
	c, e := s.writable(p.get("channel"))
	if e != "" {
		return nil, e
	}
	purpose := p.get("purpose")
	if utf8.RuneCountInString(purpose) > MaxTopic {
		return nil, "too_long"
	}
	c.Purpose = purpose
	return map[string]any{"channel": c.json(s.now().Unix())}, ""
}

func (s *Server) conversationsInfo(p params) (any, string) {
	c := s.channel(p.get("channel"))
	if c == nil {
		return nil, "channel_not_found"
	}
	return map[string]any{"channel": c.json(s.now().Unix())}, ""
}

// conversationsList pages through channels with an opaque cursor; types
// defaults to public_channel, as on Slack.
func (s *Server) conversationsList(p params) (any, string) {
	types := strings.Split(p.get("types"), ",")
	if p.get("types") == "" {
		types = []string{"public_channel"}
	}
	limit, _ := strconv.Atoi(p.get("limit"))
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	start := 0
	if cur := p.get("cursor"); cur != "" {
		b, err := base64.StdEncoding.DecodeString(cur)
		n, err2 := strconv.Atoi(strings.TrimPrefix(string(b), "next:"))
		if err != nil || err2 != nil || n < 0 {
			return nil, "invalid_cursor"
		}
		start = n
	}
	var page []map[string]any
	next := ""
	for i := start; i < len(s.channels); i++ {
		c := s.channels[i]
		kind := "public_channel"
		if c.Private {
			kind = "private_channel"
		}
		if !slices.Contains(types, kind) || c.Archived && p.bool("exclude_archived") {
			continue
		}
		if len(page) == limit {
			next = base64.StdEncoding.EncodeToString([]byte("next:" + strconv.Itoa(i)))
			break
		}
		page = append(page, c.json(s.now().Unix()))
	}
	return map[string]any{
		"channels":          page,
		"response_metadata": map[string]any{"next_cursor": next},
	}, ""
}

func (s *Server) conversationsArchive(p params) (any, string) {
	c := s.channel(p.get("channel"))
	switch {
	case c == nil:
		return nil, "channel_not_found"
	case c.Archived:
		return nil, "already_archived"
	case c.Name == "general":
		return nil, "cant_archive_general"
	case !slices.Contains(c.Members, BotUserID):
		return nil, "not_in_channel"
	}
	c.Archived = true
	return nil, ""
}

func (s *Server) conversationsMembers(p params) (any, string) {
	c := s.channel(p.get("channel"))
	if c == nil {
		return nil, "channel_not_found"
	}
	return map[string]any{
		"members":           slices.Clone(c.Members),
		"response_metadata": map[string]any{"next_cursor": ""},
	}, ""
}

// AddChannelWithout creates a channel whose members are the given people
// but not the bot, as a channel where someone types a command before
// anyone invited the app.
func (s *Server) AddChannelWithout(name string, private bool, members ...string) Channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &channel{Channel: Channel{
		ID: s.nextID("C"), Name: name, Private: private, Created: s.now().Unix(), Members: slices.Clone(members),
	}}
	s.channels = append(s.channels, c)
	return c.snapshot()
}
