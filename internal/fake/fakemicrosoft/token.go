package fakemicrosoft

import (
	"fmt"
	"net/http"
	"strings"
)

// token serves the Microsoft identity platform's token endpoint for the
// refresh-token grant of a web app: client secret in the form (or HTTP
// Basic auth), the msads.manage scope, and a new refresh token in every
// answer; earlier refresh tokens stay valid until revoked.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if !s.http.Admit(r, "token") {
		return
	}
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, oauthError("invalid_request", "AADSTS900144: The request body must contain the following parameter: 'grant_type'."))
		return
	}
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	s.mu.Lock()
	valid := s.refresh[r.PostForm.Get("refresh_token")]
	s.mu.Unlock()
	switch {
	case r.PostForm.Get("grant_type") != "refresh_token":
		writeJSON(w, http.StatusBadRequest, oauthError("unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type."))
		return
	case id != ClientID:
		writeJSON(w, http.StatusBadRequest, oauthError("unauthorized_client", "AADSTS700016: Application with identifier was not found in the directory."))
		return
	case secret != ClientSecret:
		writeJSON(w, http.StatusUnauthorized, oauthError("invalid_client", "AADSTS7000215: Invalid client secret provided."))
		return
	case !strings.Contains(r.PostForm.Get("scope"), Scope):
		writeJSON(w, http.StatusBadRequest, oauthError("invalid_scope", "AADSTS70011: The provided value for the input parameter 'scope' is not valid."))
		return
	case !valid:
		writeJSON(w, http.StatusBadRequest, oauthError("invalid_grant", "AADSTS70000: The provided value for the 'refresh_token' is not valid."))
		return
	}
	s.mu.Lock()
	s.issued++
	access := fmt.Sprintf("EwB4A-fake-access-token-%d", s.issued)
	next := fmt.Sprintf("M.C5_fake.refresh-token-%d", s.issued)
	s.tokens[access] = s.now().Add(s.ttl)
	s.refresh[next] = true
	ttl := s.ttl
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"token_type":     "Bearer",
		"scope":          Scope,
		"expires_in":     int(ttl.Seconds()) - 1,
		"ext_expires_in": int(ttl.Seconds()) - 1,
		"access_token":   access,
		"refresh_token":  next,
	})
}

func oauthError(code, description string) map[string]any {
	return map[string]any{"error": code, "error_description": description, "error_codes": []int{}, "trace_id": trackingID()}
}
