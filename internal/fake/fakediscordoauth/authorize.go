package fakediscordoauth

import (
	"net/http"
	"net/url"
	"strings"
)

// authorize serves /oauth2/authorize: the current user approves at once
// (fakehttp.Consent), if some scope is asked.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	user := s.user
	s.mu.Unlock()
	s.Authorize(w, r, s.grants, ClientID, user, func(q url.Values) string {
		if len(strings.Fields(q.Get("scope"))) == 0 {
			return "invalid_scope"
		}
		return ""
	})
}
