package fakediscordoauth

import (
	"mime"
	"net/http"

	"incidentbot/internal/fake/fakehttp"
)

// token serves the token endpoint: form posts only (Discord refuses
// JSON), RFC 6749 error bodies.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	fail := func(status int, code, desc string) {
		fakehttp.WriteJSON(w, status, map[string]string{"error": code, "error_description": desc})
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		fail(http.StatusBadRequest, "invalid_request", "Unsupported content type")
		return
	}
	if err := r.ParseForm(); err != nil {
		fail(http.StatusBadRequest, "invalid_request", "Malformed body")
		return
	}
	id, secret := fakehttp.ClientCredentials(r)
	if id != ClientID || secret != ClientSecret {
		fail(http.StatusUnauthorized, "invalid_client", "Invalid client")
		return
	}
	if r.PostFormValue("grant_type") != "authorization_code" {
		fail(http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant type")
		return
	}
	g, bad := s.grants.Redeem(r.PostFormValue("code"), id, r.PostFormValue("redirect_uri"), r.PostFormValue("code_verifier"))
	if bad != "" {
		fail(http.StatusBadRequest, bad, `Invalid "code" in request.`)
		return
	}
	fakehttp.WriteJSON(w, http.StatusOK, map[string]any{
		"access_token":  s.grants.Token(g),
		"token_type":    "Bearer",
		"expires_in":    604800,
		"refresh_token": s.grants.Token(g),
		"scope":         g.Scope,
	})
}
