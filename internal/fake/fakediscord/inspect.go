package fakediscord

import (
	"slices"
)

// Channels returns every channel and category in creation order.
func (s *Server) Channels() []Channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Channel, 0, len(s.channels))
	for _, c := range s.channels {
		out = append(out, c.clone())
	}
	return out
}

// Channel returns one channel by id.
func (s *Server) Channel(id string) (Channel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.channel(id); c != nil {
		return c.clone(), true
	}
	return Channel{}, false
}

// AddChannel creates a channel directly, as a person would in the client,
// with a new id unless c has one. It returns the channel.
func (s *Server) AddChannel(c Channel) Channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.ID == "" {
		c.ID = s.nextID()
	}
	c.GuildID = GuildID
	c.Overwrites = slices.Clone(c.Overwrites)
	s.channels = append(s.channels, &c)
	return c.clone()
}

// Messages returns a channel's messages, oldest first, ephemeral ones included.
func (s *Server) Messages(channelID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, 0, len(s.messages[channelID]))
	for _, m := range s.messages[channelID] {
		out = append(out, *m)
	}
	return out
}

// Pins returns a channel's pinned messages.
func (s *Server) Pins(channelID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages[channelID] {
		if m.Pinned {
			out = append(out, *m)
		}
	}
	return out
}

// AddMessage posts a message as a person would, and returns it.
func (s *Server) AddMessage(channelID string, author User, content string) Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := &Message{ID: s.nextID(), ChannelID: channelID, Author: author, Content: content,
		Timestamp: s.now().UTC(), Embeds: []Embed{}, Components: []ActionRow{}, Mentions: s.mentions(content)}
	s.messages[channelID] = append(s.messages[channelID], m)
	return *m
}

func sortByID(msgs []Message) {
	slices.SortFunc(msgs, func(a, b Message) int { return cmpID(a.ID, b.ID) })
}

// CanView reports whether a member may see a channel: the @everyone
// overwrite, then the member's roles, then the member's own overwrite.
func (s *Server) CanView(channelID, userID string) bool {
	return s.allowed(channelID, userID, PermissionView)
}

// CanSend reports whether a member may post in a channel, by overwrites.
func (s *Server) CanSend(channelID, userID string) bool {
	return s.allowed(channelID, userID, PermissionView|PermissionSend)
}

// Permission bits the fake evaluates.
const (
	PermissionView = 1 << 10
	PermissionSend = 1 << 11
)

func (s *Server) allowed(channelID, userID string, want uint64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.allowedLocked(channelID, userID, want)
}

// allowedLocked is allowed with s.mu held.
func (s *Server) allowedLocked(channelID, userID string, want uint64) bool {
	c := s.channel(channelID)
	m := s.member(userID)
	if c == nil || m == nil {
		return false
	}
	perm := want // members hold every base permission in the fake's guild
	apply := func(o Overwrite) {
		perm &^= parseBits(o.Deny)
		perm |= parseBits(o.Allow)
	}
	for _, o := range c.Overwrites {
		if o.Type == OverwriteRole && o.ID == GuildID {
			apply(o)
		}
	}
	var allow, deny uint64
	for _, o := range c.Overwrites {
		if o.Type == OverwriteRole && slices.Contains(m.Roles, o.ID) {
			allow |= parseBits(o.Allow)
			deny |= parseBits(o.Deny)
		}
	}
	perm = perm&^deny | allow
	for _, o := range c.Overwrites {
		if o.Type == OverwriteMember && o.ID == userID {
			apply(o)
		}
	}
	return perm&want == want
}

func parseBits(s string) uint64 {
	var n uint64
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0
		}
		n = n*10 + uint64(r-'0')
	}
	return n
}
