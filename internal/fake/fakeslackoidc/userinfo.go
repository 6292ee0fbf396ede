package fakeslackoidc

import (
	"net/http"
	"strings"

	"incidentbot/internal/fake/fakehttp"
)

// userInfo serves openid.connect.userInfo for an access token from token.
func (s *Server) userInfo(w http.ResponseWriter, r *http.Request) {
	if t, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer xoxp-"); ok {
		r.Header.Set("Authorization", "Bearer "+t)
	}
	g := s.grants.Lookup(r)
	if g == nil {
		fakehttp.WriteJSON(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	u := g.Who.(User)
	fakehttp.WriteJSON(w, http.StatusOK, map[string]any{
		"ok":                        true,
		"sub":                       u.ID,
		"https://slack.com/user_id": u.ID,
		"https://slack.com/team_id": u.Team,
		"name":                      u.Name,
	})
}
