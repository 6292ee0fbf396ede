package discord

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"incidentbot"
)

var (
	userMention = regexp.MustCompile(`^<@!?(\d{5,20})>$`)
	roleMention = regexp.MustCompile(`^<@&(\d{5,20})>$`)
	snowflake   = regexp.MustCompile(`^\d{5,20}$`)
)

// membersPage is the largest page Discord's member list gives.
const membersPage = 1000

// ResolveUsers turns a spec into members. The spec holds one or more of
// <@id>, <@!id>, <@&roleid> (every member with the role), a bare user id,
// @name (a role of that name, else a member) or a username, separated by
// spaces or commas. People are returned once each, in order.
func (c *Chat) ResolveUsers(ctx context.Context, spec string) ([]incidentbot.User, error) {
	tokens := strings.FieldsFunc(spec, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' })
	if len(tokens) == 0 {
		return nil, incidentbot.Errorf(incidentbot.EINVALID, "Say who: a @mention, a @role or a username.")
	}
	r := &resolver{c: c}
	var out []incidentbot.User
	for _, tok := range tokens {
		users, err := r.resolve(ctx, tok)
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if !slices.ContainsFunc(out, func(o incidentbot.User) bool { return o.ID == u.ID }) {
				out = append(out, u)
			}
		}
	}
	return out, nil
}

// resolver resolves the tokens of one spec, reading the server's roles and
// members at most once each, when a token first needs them.
type resolver struct {
	c       *Chat
	roles   []*discordgo.Role
	members []*discordgo.Member
}

// resolve returns the people one token names.
func (r *resolver) resolve(ctx context.Context, tok string) ([]incidentbot.User, error) {
	c := r.c
	switch {
	case userMention.MatchString(tok) || snowflake.MatchString(tok):
		id := tok
		if m := userMention.FindStringSubmatch(tok); m != nil {
			id = m[1]
		}
		m, err := c.s.GuildMember(c.cfg.GuildID, id, c.opts(ctx)...)
		if err != nil {
			return nil, notFound(mapError("read member", err), "Nobody with id %s is in this Discord server. Mention someone who is.", id)
		}
		return []incidentbot.User{user(m)}, nil
	case roleMention.MatchString(tok):
		users, err := r.withRole(ctx, roleMention.FindStringSubmatch(tok)[1])
		if err == nil && len(users) == 0 {
			err = incidentbot.Errorf(incidentbot.ENOTFOUND, "Nobody has the role %s. Give it to someone, or mention people directly.", tok)
		}
		return users, err
	case strings.HasPrefix(tok, "<"):
		return nil, incidentbot.Errorf(incidentbot.EINVALID,
			"%q is not a Discord mention. Mention people as <@id> and roles as <@&id>.", tok)
	case strings.Contains(tok, "@") && !strings.HasPrefix(tok, "@"):
		return nil, incidentbot.Errorf(incidentbot.EINVALID,
			"Discord does not share e-mail addresses, so %q cannot be found. Use a @mention, a @role or a username.", tok)
	}
	name := strings.TrimPrefix(tok, "@")
	if strings.HasPrefix(tok, "@") {
		role, err := r.roleNamed(ctx, name)
		if err != nil {
			return nil, err
		}
		if role != "" {
			return r.withRole(ctx, role)
		}
	}
	u, err := c.memberNamed(ctx, name)
	if err != nil {
		return nil, err
	}
	return []incidentbot.User{u}, nil
}

// roleNamed returns the id of the role called name, or "" (the
// @everyone role, whose id is the server's, is no answer).
func (r *resolver) roleNamed(ctx context.Context, name string) (string, error) {
	if r.roles == nil {
		list, err := r.c.s.GuildRoles(r.c.cfg.GuildID, r.c.opts(ctx)...)
		if err != nil {
			return "", mapError("list roles", err)
		}
		r.roles = list
	}
	i := slices.IndexFunc(r.roles, func(role *discordgo.Role) bool {
		return strings.EqualFold(role.Name, name) && role.ID != r.c.cfg.GuildID
	})
	if i < 0 {
		return "", nil
	}
	return r.roles[i].ID, nil
}

// withRole returns the people (bots left out) who have the role.
func (r *resolver) withRole(ctx context.Context, roleID string) ([]incidentbot.User, error) {
	if r.members == nil {
		members, err := r.c.allMembers(ctx)
		if err != nil {
			return nil, err
		}
		r.members = members
	}
	var users []incidentbot.User
	for _, m := range r.members {
		if slices.Contains(m.Roles, roleID) && m.User != nil && !m.User.Bot {
			users = append(users, user(m))
		}
	}
	return users, nil
}

// memberNamed finds the member whose username, server nickname or display
// name is name.
func (c *Chat) memberNamed(ctx context.Context, name string) (incidentbot.User, error) {
	found, err := c.s.GuildMembersSearch(c.cfg.GuildID, name, 100, c.opts(ctx)...)
	if err != nil {
		return incidentbot.User{}, mapError("search members", err)
	}
	for _, m := range found {
		if m.User != nil && (strings.EqualFold(m.User.Username, name) || strings.EqualFold(m.Nick, name) || strings.EqualFold(m.User.GlobalName, name)) {
			return user(m), nil
		}
	}
	return incidentbot.User{}, incidentbot.Errorf(incidentbot.ENOTFOUND,
		"No member or role called %s in this Discord server. Check the name, or mention people with <@id>.", name)
}

// allMembers reads the whole member list, a page at a time. It needs the
// Server Members privileged intent enabled for the bot.
func (c *Chat) allMembers(ctx context.Context) ([]*discordgo.Member, error) {
	var out []*discordgo.Member
	after := ""
	for {
		page, err := c.s.GuildMembers(c.cfg.GuildID, after, membersPage, c.opts(ctx)...)
		if err != nil {
			return nil, mapError("list members", err)
		}
		out = append(out, page...)
		if len(page) < membersPage || page[len(page)-1].User == nil {
			return out, nil
		}
		after = page[len(page)-1].User.ID
	}
}

// notFound gives an ENOTFOUND error a message naming what was looked up.
func notFound(err error, format string, args ...any) error {
	if incidentbot.ErrorCode(err) != incidentbot.ENOTFOUND {
		return err
	}
	return incidentbot.WrapError(incidentbot.ENOTFOUND, err, format, args...)
}

// user picks the name people know a member by in this server.
func user(m *discordgo.Member) incidentbot.User {
	if m.User == nil {
		return incidentbot.User{}
	}
	name := m.Nick
	if name == "" {
		name = m.User.GlobalName
	}
	if name == "" {
		name = m.User.Username
	}
	return incidentbot.User{ID: m.User.ID, Name: name}
}
