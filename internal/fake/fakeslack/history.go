package fakeslack

import (
	"slices"
	"strconv"
	"strings"
)

// conversationsHistory lists a channel's messages newest first, between
// oldest and latest (exclusive unless inclusive=true), as Slack does.
// Ephemeral messages are never part of the history.
func (s *Server) conversationsHistory(p params) (any, string) {
	c := s.channel(p.get("channel"))
	switch {
	case c == nil:
		return nil, "channel_not_found"
	case c.Private && !slices.Contains(c.Members, BotUserID):
		return nil, "not_in_channel"
	}
	latest, err := tsArg(p.get("latest"))
	if err != "" {
		return nil, err
	}
	oldest, err := tsArg(p.get("oldest"))
	if err != "" {
		return nil, err
	}
	inclusive := p.bool("inclusive")
	withMetadata := p.bool("include_all_metadata")
	limit, _ := strconv.Atoi(p.get("limit"))
	if limit <= 0 || limit > 999 {
		limit = 100
	}
	var out []map[string]any
	more := false
	for i := len(c.messages) - 1; i >= 0; i-- {
		m := c.messages[i]
		ts, _ := tsArg(m.TS)
		switch {
		case m.EphemeralTo != "":
			continue
		case latest > 0 && (ts > latest || ts == latest && !inclusive):
			continue
		case oldest > 0 && (ts < oldest || ts == oldest && !inclusive):
			continue
		}
		if len(out) == limit {
			more = true
			break
		}
		j := m.json()
		if withMetadata && m.Metadata != nil {
			j["metadata"] = m.Metadata
		}
		out = append(out, j)
	}
	if out == nil {
		out = []map[string]any{}
	}
	return map[string]any{"messages": out, "has_more": more}, ""
}

// tsArg reads a message timestamp ("1795521661.000200") as microseconds,
// exactly: a float would round the last digits. 0 when absent.
func tsArg(s string) (int64, string) {
	if s == "" {
		return 0, ""
	}
	sec, frac, _ := strings.Cut(s, ".")
	frac = (frac + "000000")[:6]
	n, err1 := strconv.ParseInt(sec, 10, 64)
	u, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || n < 0 || u < 0 {
		return 0, "invalid_ts_latest"
	}
	return n*1_000_000 + u, ""
}
