package fakediscordoauth

import (
	"net/http"
	"slices"
	"strings"

	"incidentbot/internal/fake/fakehttp"
)

// me serves GET /users/@me (scope identify).
func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	u, ok := s.authorized(w, r, "identify")
	if !ok {
		return
	}
	fakehttp.WriteJSON(w, http.StatusOK, map[string]any{
		"id":            u.ID,
		"username":      u.Username,
		"global_name":   u.GlobalName,
		"discriminator": "0",
		"avatar":        nil,
	})
}

// member serves GET /users/@me/guilds/{guild}/member (scope
// guilds.members.read): the member object, or 404 Unknown Guild.
func (s *Server) member(w http.ResponseWriter, r *http.Request) {
	u, ok := s.authorized(w, r, "guilds.members.read")
	if !ok {
		return
	}
	if !slices.Contains(u.Guilds, r.PathValue("guild")) {
		fakehttp.WriteJSON(w, http.StatusNotFound, map[string]any{"message": "Unknown Guild", "code": 10004})
		return
	}
	fakehttp.WriteJSON(w, http.StatusOK, map[string]any{
		"user":      map[string]any{"id": u.ID, "username": u.Username, "global_name": u.GlobalName},
		"nick":      nil,
		"roles":     []string{},
		"joined_at": "2024-03-01T09:00:00.000000+00:00",
		"deaf":      false,
		"mute":      false,
	})
}

// authorized finds the bearer token's user and checks its scope,
// answering 401 or 403 as Discord does when not.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request, scope string) (User, bool) {
	g := s.grants.Lookup(r)
	if g == nil {
		fakehttp.WriteJSON(w, http.StatusUnauthorized, map[string]any{"message": "401: Unauthorized", "code": 0})
		return User{}, false
	}
	if !slices.Contains(strings.Fields(g.Scope), scope) {
		fakehttp.WriteJSON(w, http.StatusForbidden, map[string]any{"message": "Missing Access", "code": 50001})
		return User{}, false
	}
	return g.Who.(User), true
}
