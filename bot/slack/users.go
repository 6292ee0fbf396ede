package slack

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"

	"incidentbot"
)

var (
	userMention  = regexp.MustCompile(`^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$`)
	groupMention = regexp.MustCompile(`^<!subteam\^(S[A-Z0-9]+)(?:\|[^>]*)?>$`)
	userID       = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)
)

// ResolveUsers turns a spec into people. The spec holds one or more of
// <@U123>, <!subteam^S123>, @handle (a user group), an e-mail or a bare
// user id, separated by spaces or commas. People are returned once each,
// in order; group members carry only their id.
func (c *Chat) ResolveUsers(ctx context.Context, spec string) ([]incidentbot.User, error) {
	tokens := strings.FieldsFunc(spec, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' })
	if len(tokens) == 0 {
		return nil, incidentbot.Errorf(incidentbot.EINVALID, "Say who: a @mention, a @group or an e-mail.")
	}
	var out []incidentbot.User
	add := func(users ...incidentbot.User) {
		for _, u := range users {
			if !slices.ContainsFunc(out, func(o incidentbot.User) bool { return o.ID == u.ID }) {
				out = append(out, u)
			}
		}
	}
	for _, tok := range tokens {
		switch {
		case userMention.MatchString(tok) || userID.MatchString(tok):
			id := strings.TrimPrefix(tok, "<@")
			if m := userMention.FindStringSubmatch(tok); m != nil {
				id = m[1]
			}
			u, err := c.api.GetUserInfoContext(ctx, id)
			if err != nil {
				return nil, notFound(mapError("users.info", err), "No Slack user %s here. Mention someone in this workspace.", tok)
			}
			add(user(u))
		case groupMention.MatchString(tok):
			ids, err := c.groupMembers(ctx, groupMention.FindStringSubmatch(tok)[1])
			if err != nil {
				return nil, notFound(err, "No Slack user group %s here. Check the group in the playbook.", tok)
			}
			add(ids...)
		case strings.HasPrefix(tok, "@"):
			id, err := c.groupID(ctx, strings.TrimPrefix(tok, "@"))
			if err != nil {
				return nil, err
			}
			if id == "" {
				return nil, incidentbot.Errorf(incidentbot.ENOTFOUND,
					"No Slack user group %s. Check the handle in Slack's People > User groups, or mention people with <@...>.", tok)
			}
			ids, err := c.groupMembers(ctx, id)
			if err != nil {
				return nil, err
			}
			add(ids...)
		case strings.Contains(tok, "@"):
			email := strings.TrimSuffix(strings.TrimPrefix(tok, "<mailto:"), ">")
			if i := strings.IndexByte(email, '|'); i >= 0 {
				email = email[:i]
			}
			u, err := c.api.GetUserByEmailContext(ctx, email)
			if err != nil {
				return nil, notFound(mapError("users.lookupByEmail", err),
					"Nobody in this Slack workspace uses %s. Check the address or mention the person.", email)
			}
			add(user(u))
		default:
			return nil, incidentbot.Errorf(incidentbot.EINVALID,
				"%q is not a person. Use a @mention, a @group or an e-mail.", tok)
		}
	}
	return out, nil
}

// groupTTL is how long user groups and their members are reused: one
// declaration resolves several groups, each 50 to 100 ms away, while
// on-call rotations change far less often.
const groupTTL = time.Minute

// groupCache keeps usergroups.list and usergroups.users.list answers.
type groupCache struct {
	mu      sync.Mutex
	groups  []slackapi.UserGroup
	at      time.Time
	members map[string]cachedMembers
}

type cachedMembers struct {
	ids []string
	at  time.Time
}

// groupID finds a user group by handle; "" when there is none. A handle
// missing from a cached list is looked up afresh: it may be new.
func (c *Chat) groupID(ctx context.Context, handle string) (string, error) {
	find := func(groups []slackapi.UserGroup) string {
		i := slices.IndexFunc(groups, func(g slackapi.UserGroup) bool { return strings.EqualFold(g.Handle, handle) })
		if i < 0 {
			return ""
		}
		return groups[i].ID
	}
	c.groups.mu.Lock()
	cached, fresh := c.groups.groups, time.Since(c.groups.at) < groupTTL
	c.groups.mu.Unlock()
	if fresh {
		if id := find(cached); id != "" {
			return id, nil
		}
	}
	list, err := c.api.GetUserGroupsContext(ctx)
	if err != nil {
		return "", mapError("usergroups.list", err)
	}
	c.groups.mu.Lock()
	c.groups.groups, c.groups.at = list, time.Now()
	c.groups.mu.Unlock()
	return find(list), nil
}

func (c *Chat) groupMembers(ctx context.Context, groupID string) ([]incidentbot.User, error) {
	c.groups.mu.Lock()
	m, ok := c.groups.members[groupID]
	c.groups.mu.Unlock()
	ids := m.ids
	if !ok || time.Since(m.at) >= groupTTL {
		var err error
		if ids, err = c.api.GetUserGroupMembersContext(ctx, groupID); err != nil {
			return nil, mapError("usergroups.users.list", err)
		}
		c.groups.mu.Lock()
		if c.groups.members == nil {
			c.groups.members = map[string]cachedMembers{}
		}
		c.groups.members[groupID] = cachedMembers{ids: ids, at: time.Now()}
		c.groups.mu.Unlock()
	}
	users := make([]incidentbot.User, 0, len(ids))
	for _, id := range ids {
		users = append(users, incidentbot.User{ID: id})
	}
	return users, nil
}

// notFound gives an ENOTFOUND error a message naming what was looked up.
func notFound(err error, format string, args ...any) error {
	if incidentbot.ErrorCode(err) != incidentbot.ENOTFOUND {
		return err
	}
	return incidentbot.WrapError(incidentbot.ENOTFOUND, err, format, args...)
}

// user picks the name people know someone by.
func user(u *slackapi.User) incidentbot.User {
	name := u.Profile.DisplayName
	if name == "" {
		name = u.RealName
	}
	if name == "" {
		name = u.Name
	}
	return incidentbot.User{ID: u.ID, Name: name}
}
