package fakeslack

import "slices"

// Pinned returns the timestamps of a channel's pinned messages, in pin order.
func (s *Server) Pinned(channelID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.channel(channelID); c != nil {
		return slices.Clone(c.pins)
	}
	return nil
}

func (s *Server) pinsAdd(p params) (any, string) {
	c := s.channel(p.get("channel"))
	if c == nil {
		return nil, "channel_not_found"
	}
	ts := p.get("timestamp")
	m := c.message(ts)
	switch {
	case ts == "" || m == nil:
		return nil, "message_not_found"
	case m.EphemeralTo != "":
		return nil, "not_pinnable"
	case c.Archived:
		return nil, "is_archived"
	case slices.Contains(c.pins, ts):
		return nil, "already_pinned"
	}
	c.pins = append(c.pins, ts)
	return nil, ""
}
