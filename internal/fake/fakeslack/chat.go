package fakeslack

import (
	"encoding/json"
	"slices"
	"unicode/utf8"
)

// maxText is the longest text chat.postMessage accepts.
const maxText = 40000

// Message is a posted message, for assertions. Blocks and Attachments are
// the JSON the client sent.
type Message struct {
	TS          string
	Channel     string
	User        string
	Text        string
	Blocks      json.RawMessage
	Attachments json.RawMessage
	ThreadTS    string
	EphemeralTo string // set for chat.postEphemeral
	Edits       int    // how many chat.update calls changed it
	Files       []File // shared by files.completeUploadExternal
	// Metadata is the message metadata sent with chat.postMessage
	// ({"event_type": ..., "event_payload": {...}}), returned by
	// conversations.history only with include_all_metadata
	// (docs.slack.dev/messaging/message-metadata).
	Metadata json.RawMessage
}

// Messages returns a channel's messages, ephemeral ones included, oldest first.
func (s *Server) Messages(channelID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.channel(channelID)
	if c == nil {
		return nil
	}
	out := make([]Message, 0, len(c.messages))
	for _, m := range c.messages {
		out = append(out, *m)
	}
	return out
}

// content reads text, blocks and attachments; no_text when all are empty.
func content(p params, m *Message) string {
	m.Text = p.get("text")
	var ok bool
	if m.Blocks, ok = raw(p.get("blocks")); !ok {
		return "invalid_blocks"
	}
	if m.Attachments, ok = raw(p.get("attachments")); !ok {
		return "invalid_attachments"
	}
	switch {
	case m.Text == "" && m.Blocks == nil && m.Attachments == nil:
		return "no_text"
	case utf8.RuneCountInString(m.Text) > maxText:
		return "msg_too_long"
	}
	return ""
}

// raw reads a JSON array argument: nil when absent or empty ("[]" clears
// blocks on chat.update), ok false when it is not an array.
func raw(s string) (json.RawMessage, bool) {
	if s == "" {
		return nil, true
	}
	var v []json.RawMessage
	if json.Unmarshal([]byte(s), &v) != nil {
		return nil, false
	}
	if len(v) == 0 {
		return nil, true
	}
	return json.RawMessage(s), true
}

// metadata reads the metadata argument: a JSON object with a non-empty
// event_type and an event_payload object, else invalid_metadata_format.
func metadata(p params, m *Message) string {
	raw := p.get("metadata")
	if raw == "" {
		return ""
	}
	var md struct {
		EventType    string         `json:"event_type"`
		EventPayload map[string]any `json:"event_payload"`
	}
	if json.Unmarshal([]byte(raw), &md) != nil || md.EventType == "" || md.EventPayload == nil {
		return "invalid_metadata_format"
	}
	m.Metadata = json.RawMessage(raw)
	return ""
}

func (m *Message) json() map[string]any {
	out := map[string]any{"type": "message", "user": m.User, "text": m.Text, "ts": m.TS}
	if m.User == BotUserID {
		out["bot_id"] = BotID
	}
	if m.Blocks != nil {
		out["blocks"] = m.Blocks
	}
	if m.Attachments != nil {
		out["attachments"] = m.Attachments
	}
	return out
}

func (s *Server) chatPostMessage(p params) (any, string) {
	c, e := s.writable(p.get("channel"))
	if e != "" {
		return nil, e
	}
	m := &Message{Channel: c.ID, User: BotUserID, ThreadTS: p.get("thread_ts")}
	if e := content(p, m); e != "" {
		return nil, e
	}
	if e := metadata(p, m); e != "" {
		return nil, e
	}
	m.TS = s.nextTS()
	c.messages = append(c.messages, m)
	return map[string]any{"channel": c.ID, "ts": m.TS, "message": m.json()}, ""
}

func (s *Server) chatPostEphemeral(p params) (any, string) {
	c, e := s.writable(p.get("channel"))
	if e != "" {
		return nil, e
	}
	user := p.get("user")
	switch {
	case s.user(user) == nil:
		return nil, "user_not_found"
	case !slices.Contains(c.Members, user):
		return nil, "user_not_in_channel"
	}
	m := &Message{Channel: c.ID, User: BotUserID, EphemeralTo: user, ThreadTS: p.get("thread_ts")}
	if e := content(p, m); e != "" {
		return nil, e
	}
	m.TS = s.nextTS()
	c.messages = append(c.messages, m)
	return map[string]any{"message_ts": m.TS}, ""
}

func (s *Server) chatUpdate(p params) (any, string) {
	c := s.channel(p.get("channel"))
	if c == nil {
		return nil, "channel_not_found"
	}
	m := c.message(p.get("ts"))
	switch {
	case m == nil || m.EphemeralTo != "":
		return nil, "message_not_found"
	case m.User != BotUserID:
		return nil, "cant_update_message"
	case c.Archived:
		return nil, "is_archived"
	}
	next := *m
	if e := content(p, &next); e != "" {
		return nil, e
	}
	next.Edits++
	*m = next
	return map[string]any{"channel": c.ID, "ts": m.TS, "text": m.Text, "message": m.json()}, ""
}

func (c *channel) message(ts string) *Message {
	for _, m := range c.messages {
		if m.TS == ts {
			return m
		}
	}
	return nil
}

// AddMessage seeds a message from a person, as if typed in the channel.
func (s *Server) AddMessage(channelID, user, text string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.channel(channelID)
	if c == nil {
		return "", false
	}
	m := &Message{Channel: c.ID, User: user, Text: text, TS: s.nextTS()}
	c.messages = append(c.messages, m)
	return m.TS, true
}
