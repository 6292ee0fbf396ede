package fakegoogleads

import (
	"fmt"
	"net/http"
)

// token serves Google's OAuth 2.0 token endpoint for the refresh-token
// grant: client credentials in the form or in HTTP Basic auth.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if !s.http.Admit(r, "token") {
		return
	}
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "Could not parse the request body."})
		return
	}
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	switch {
	case r.PostForm.Get("grant_type") != "refresh_token":
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type", "error_description": "Invalid grant_type: " + r.PostForm.Get("grant_type")})
		return
	case id != ClientID || secret != ClientSecret:
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client", "error_description": "The OAuth client was not found."})
		return
	case r.PostForm.Get("refresh_token") != RefreshToken:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
		return
	}
	s.mu.Lock()
	s.issued++
	access := fmt.Sprintf("ya29.fake-access-token-%d", s.issued)
	s.tokens[access] = s.now().Add(s.ttl)
	ttl := s.ttl
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": access,
		"expires_in":   int(ttl.Seconds()) - 1,
		"scope":        "https://www.googleapis.com/auth/adwords",
		"token_type":   "Bearer",
	})
}
