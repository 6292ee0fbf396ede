package fakeslackoidc

import (
	"net/http"

	"incidentbot/internal/fake/fakehttp"
)

// token serves openid.connect.token: the code for an access token and a
// signed ID token. Errors are Slack's: HTTP 200, "ok": false.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	fail := func(code string) { fakehttp.WriteJSON(w, http.StatusOK, map[string]any{"ok": false, "error": code}) }
	if err := r.ParseForm(); err != nil {
		fail("invalid_form_data")
		return
	}
	id, secret := fakehttp.ClientCredentials(r)
	switch {
	case id != ClientID:
		fail("invalid_client_id")
		return
	case secret != ClientSecret:
		fail("bad_client_secret")
		return
	case r.PostFormValue("grant_type") != "" && r.PostFormValue("grant_type") != "authorization_code":
		fail("invalid_grant_type")
		return
	}
	g, bad := s.grants.Redeem(r.PostFormValue("code"), id, r.PostFormValue("redirect_uri"), r.PostFormValue("code_verifier"))
	if bad != "" {
		fail("invalid_code")
		return
	}
	u := g.Who.(User)
	now := s.now()
	idToken, err := s.sign(map[string]any{
		"iss":                           s.URL(),
		"sub":                           u.ID,
		"aud":                           ClientID,
		"exp":                           now.Add(s.lifetime).Unix(),
		"iat":                           now.Unix(),
		"auth_time":                     now.Unix(),
		"nonce":                         g.Nonce,
		"https://slack.com/user_id":     u.ID,
		"https://slack.com/team_id":     u.Team,
		"https://slack.com/team_name":   TeamName,
		"https://slack.com/team_domain": "example-shop",
		"name":                          u.Name,
		"given_name":                    u.Name,
		"locale":                        "en-US",
	})
	if err != nil {
		fail("internal_error")
		return
	}
	fakehttp.WriteJSON(w, http.StatusOK, map[string]any{
		"ok":           true,
		"access_token": "xoxp-" + s.grants.Token(g),
		"token_type":   "Bearer",
		"id_token":     idToken,
	})
}
