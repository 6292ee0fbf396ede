package fakeslack

import (
	"cmp"
	"strings"
)

// User is a person in the fake workspace.
type User struct {
	ID          string
	Name        string // handle
	RealName    string
	DisplayName string // often empty on Slack

	Email   string
	IsBot   bool
	Deleted bool
	// Locale is the person's Slack language ("fr-FR"); users.info returns
	// it only with include_locale=true, as Slack does. "" is en-US.
	Locale string
}

// addUser adds or replaces a user. Called with s.mu held or before serving.
func (s *Server) addUser(u User) {
	for i, old := range s.users {
		if old.ID == u.ID {
			s.users[i] = &u
			return
		}
	}
	s.users = append(s.users, &u)
}

// AddUser adds a person to the workspace.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addUser(u)
}

// user finds a user by id. Called with s.mu held.
func (s *Server) user(id string) *User {
	for _, u := range s.users {
		if u.ID == id {
			return u
		}
	}
	return nil
}

func (u *User) json() map[string]any {
	return map[string]any{
		"id": u.ID, "team_id": TeamID, "name": u.Name, "real_name": u.RealName,
		"deleted": u.Deleted, "is_bot": u.IsBot, "tz": "Europe/Paris",
		"profile": map[string]any{"display_name": u.DisplayName, "real_name": u.RealName, "email": u.Email},
	}
}

func (s *Server) usersInfo(p params) (any, string) {
	u := s.user(p.get("user"))
	if u == nil {
		return nil, "user_not_found"
	}
	out := u.json()
	if p.get("include_locale") == "true" {
		out["locale"] = cmp.Or(u.Locale, "en-US")
	}
	return map[string]any{"user": out}, ""
}

func (s *Server) usersLookupByEmail(p params) (any, string) {
	email := p.get("email")
	for _, u := range s.users {
		if email != "" && strings.EqualFold(u.Email, email) && !u.Deleted {
			return map[string]any{"user": u.json()}, ""
		}
	}
	return nil, "users_not_found"
}
