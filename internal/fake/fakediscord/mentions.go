package fakediscord

import (
	"regexp"
	"slices"
)

// AllowedMentions is a message's allowed_mentions, as the docs describe it
// (message.mdx, "Allowed Mentions Object"): parse lists the mention types
// Discord reads from the content (users, roles, everyone); users and roles
// allow some ids only. Without the object Discord reads every mention in
// the content, @everyone and @here included.
type AllowedMentions struct {
	Parse       []string `json:"parse"`
	Users       []string `json:"users,omitempty"`
	Roles       []string `json:"roles,omitempty"`
	RepliedUser bool     `json:"replied_user,omitempty"`
}

// Write is one message send, edit or follow-up as the fake received it.
type Write struct {
	ChannelID       string
	MessageID       string
	Edit            bool
	AllowedMentions *AllowedMentions // nil: the body had none
	Pinged          []string         // who was notified: user ids, "&"+role id, "everyone"
}

var (
	everyoneMention = regexp.MustCompile(`@(everyone|here)`)
	roleMentionRE   = regexp.MustCompile(`<@&(\d+)>`)
	userMentionRE   = regexp.MustCompile(`<@!?(\d+)>`)
)

// checkAllowed refuses what Discord refuses: a type both parsed and
// listed by id ("Mutually exclusive" in the docs), an unknown type, more
// than 100 ids.
func checkAllowed(a *AllowedMentions) *apiError {
	if a == nil {
		return nil
	}
	for _, p := range a.Parse {
		switch p {
		case "users":
			if len(a.Users) > 0 {
				return invalidForm("allowed_mentions", "parse:[\"users\"] and users: [ids...] are mutually exclusive.")
			}
		case "roles":
			if len(a.Roles) > 0 {
				return invalidForm("allowed_mentions", "parse:[\"roles\"] and roles: [ids...] are mutually exclusive.")
			}
		case "everyone":
		default:
			return invalidForm("allowed_mentions", "Value must be one of {'users', 'roles', 'everyone'}.")
		}
	}
	if len(a.Users) > 100 || len(a.Roles) > 100 {
		return invalidForm("allowed_mentions", "Must be 100 or fewer in length.")
	}
	return nil
}

// pinged lists who the content notifies under a. Called with s.mu held.
func pinged(content string, a *AllowedMentions) []string {
	parses := func(kind string) bool { return a == nil || slices.Contains(a.Parse, kind) }
	var out []string
	if everyoneMention.MatchString(content) && parses("everyone") {
		out = append(out, "everyone")
	}
	for _, m := range roleMentionRE.FindAllStringSubmatch(content, -1) {
		if parses("roles") || slices.Contains(a.Roles, m[1]) {
			out = append(out, "&"+m[1])
		}
	}
	for _, m := range userMentionRE.FindAllStringSubmatch(content, -1) {
		if parses("users") || slices.Contains(a.Users, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// record notes a write. Called with s.mu held.
func (s *Server) record(m *Message, a *AllowedMentions, edit bool) {
	s.writes = append(s.writes, Write{ChannelID: m.ChannelID, MessageID: m.ID, Edit: edit, AllowedMentions: a, Pinged: pinged(m.Content, a)})
}

// Writes returns every message send, edit and follow-up, in order.
func (s *Server) Writes() []Write {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.writes)
}
