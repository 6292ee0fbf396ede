package fakeslack

import "slices"

// UserGroup is a Slack user group ("subteam"), mentioned as @Handle.
type UserGroup struct {
	ID       string // S-prefixed
	Handle   string
	Name     string
	Users    []string
	Disabled bool
}

func (g *UserGroup) json(users bool) map[string]any {
	out := map[string]any{
		"id": g.ID, "team_id": TeamID, "is_usergroup": true, "name": g.Name,
		"handle": g.Handle, "user_count": len(g.Users), "date_delete": 0,
	}
	if g.Disabled {
		out["date_delete"] = 1
	}
	if users {
		out["users"] = slices.Clone(g.Users)
	}
	return out
}

func (s *Server) usergroupsList(p params) (any, string) {
	list := []map[string]any{}
	for _, g := range s.groups {
		if g.Disabled && !p.bool("include_disabled") {
			continue
		}
		list = append(list, g.json(p.bool("include_users")))
	}
	return map[string]any{"usergroups": list}, ""
}

func (s *Server) usergroupsUsersList(p params) (any, string) {
	id := p.get("usergroup")
	for _, g := range s.groups {
		if g.ID != id {
			continue
		}
		if g.Disabled && !p.bool("include_disabled") {
			return map[string]any{"users": []string{}}, ""
		}
		return map[string]any{"users": slices.Clone(g.Users)}, ""
	}
	return nil, "no_such_subteam"
}

// AddUserGroup adds a user group while the fake is serving.
func (s *Server) AddUserGroup(g UserGroup) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g.Users = slices.Clone(g.Users)
	s.groups = append(s.groups, &g)
}
