package fakeslackoidc

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// authorize serves /openid/connect/authorize: the current user approves
// at once (fakehttp.Consent), if the scopes include openid.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	user := s.user
	s.mu.Unlock()
	s.Authorize(w, r, s.grants, ClientID, user, func(q url.Values) string {
		if !slices.Contains(strings.Fields(q.Get("scope")), "openid") {
			return "invalid_scope"
		}
		return ""
	})
}
