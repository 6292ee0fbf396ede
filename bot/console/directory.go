package console

import (
	"context"
	"slices"
	"strings"

	"incidentbot"
	"incidentbot/i18n"
)

// Directory is who exists in the console workspace.
type Directory struct {
	Users  []incidentbot.User
	Emails map[string]string   // e-mail -> user id
	Groups map[string][]string // "oncall-web" -> user ids, written "@oncall-web" in specs
}

// DefaultDirectory returns a small shop team: alice (ops lead), bob (web
// dev), chloe (support lead), david (marketing) and emma (CTO).
func DefaultDirectory() Directory {
	users := []incidentbot.User{
		{ID: "U_ALICE", Name: "alice"},
		{ID: "U_BOB", Name: "bob"},
		{ID: "U_CHLOE", Name: "chloe"},
		{ID: "U_DAVID", Name: "david"},
		{ID: "U_EMMA", Name: "emma"},
	}
	emails := make(map[string]string, len(users))
	for _, u := range users {
		emails[u.Name+"@shop.example"] = u.ID
	}
	return Directory{
		Users:  users,
		Emails: emails,
		Groups: map[string][]string{
			"oncall-web":    {"U_BOB", "U_ALICE"},
			"support-leads": {"U_CHLOE"},
			"marketing":     {"U_DAVID"},
		},
	}
}

// ResolveUsers accepts "<@U_BOB>", "@oncall-web" (a group, or a user by
// name), "bob@shop.example", "bob" or "U_BOB".
func (c *Chat) ResolveUsers(ctx context.Context, spec string) ([]incidentbot.User, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.begin(ctx, "ResolveUsers"); err != nil {
		return nil, err
	}
	return c.resolve(spec)
}

// lookup resolves spec like ResolveUsers, uncounted.
func (c *Chat) lookup(spec string) ([]incidentbot.User, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.resolve(spec)
}

func (c *Chat) resolve(spec string) ([]incidentbot.User, error) {
	s := strings.TrimSpace(spec)
	if s == "" {
		return nil, i18n.Errorf(incidentbot.EINVALID, "reader.console.name_someone", nil)
	}
	if mention, ok := strings.CutPrefix(s, "<@"); ok && strings.HasSuffix(mention, ">") {
		id, _, _ := strings.Cut(strings.TrimSuffix(mention, ">"), "|") // Slack adds "|name"
		if u, ok := c.userByID(id); ok {
			return []incidentbot.User{u}, nil
		}
	} else if name, ok := strings.CutPrefix(s, "@"); ok {
		if ids, ok := c.dir.Groups[name]; ok {
			users := make([]incidentbot.User, 0, len(ids))
			for _, id := range ids {
				u, ok := c.userByID(id)
				if !ok {
					u = incidentbot.User{ID: id, Name: id}
				}
				users = append(users, u)
			}
			return users, nil
		}
		if u, ok := c.userByName(name); ok {
			return []incidentbot.User{u}, nil
		}
	} else if strings.Contains(s, "@") {
		if id, ok := c.dir.Emails[strings.ToLower(s)]; ok {
			if u, ok := c.userByID(id); ok {
				return []incidentbot.User{u}, nil
			}
		}
	} else if u, ok := c.userByName(s); ok {
		return []incidentbot.User{u}, nil
	} else if u, ok := c.userByID(s); ok {
		return []incidentbot.User{u}, nil
	}
	return nil, i18n.Errorf(incidentbot.ENOTFOUND, "reader.console.no_match", map[string]any{"Spec": spec})
}

// Users returns the directory users.
func (c *Chat) Users() []incidentbot.User {
	return slices.Clone(c.dir.Users)
}

func (c *Chat) userByID(id string) (incidentbot.User, bool) {
	for _, u := range c.dir.Users {
		if u.ID == id {
			return u, true
		}
	}
	return incidentbot.User{}, false
}

func (c *Chat) userByName(name string) (incidentbot.User, bool) {
	for _, u := range c.dir.Users {
		if strings.EqualFold(u.Name, name) {
			return u, true
		}
	}
	return incidentbot.User{}, false
}
