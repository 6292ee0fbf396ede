package fakeslackoidc

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"sync"
	"testing"

	"incidentbot/internal/fake/fakehttp"
)

// keyID names the fake's one signing key in the JWKS and in token headers.
const keyID = "fake-slack-key-1"

var (
	keyOnce sync.Once
	key     *rsa.PrivateKey
	keyErr  error
)

// signingKey is one 2048-bit RSA key for the test binary: generating one
// per fake would cost every test a noticeable pause.
func signingKey(tb testing.TB) *rsa.PrivateKey {
	keyOnce.Do(func() { key, keyErr = rsa.GenerateKey(rand.Reader, 2048) })
	if keyErr != nil {
		tb.Fatal(keyErr)
	}
	return key
}

// discovery serves /.well-known/openid-configuration as Slack does, with
// this fake's address in place of https://slack.com.
func (s *Server) discovery(w http.ResponseWriter, _ *http.Request) {
	base := s.URL()
	fakehttp.WriteJSON(w, http.StatusOK, map[string]any{
		"issuer":                                base,
		"authorization_endpoint":                base + "/openid/connect/authorize",
		"token_endpoint":                        base + "/api/openid.connect.token",
		"userinfo_endpoint":                     base + "/api/openid.connect.userInfo",
		"jwks_uri":                              base + "/openid/connect/keys",
		"scopes_supported":                      []string{"openid", "profile", "email"},
		"response_types_supported":              []string{"code"},
		"response_modes_supported":              []string{"form_post"},
		"grant_types_supported":                 []string{"authorization_code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"claims_supported":                      []string{"sub", "auth_time", "iss"},
		"claims_parameter_supported":            false,
		"request_parameter_supported":           false,
		"request_uri_parameter_supported":       true,
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "client_secret_basic"},
	})
}

// keys serves the JWKS: the public half of the signing key.
func (s *Server) keys(w http.ResponseWriter, _ *http.Request) {
	pub := s.key.PublicKey
	fakehttp.WriteJSON(w, http.StatusOK, map[string]any{"keys": []map[string]string{{
		"kty": "RSA",
		"alg": "RS256",
		"use": "sig",
		"kid": keyID,
		"n":   b64(pub.N.Bytes()),
		"e":   b64(big.NewInt(int64(pub.E)).Bytes()),
	}}})
}

// sign returns claims as a compact RS256 JWS.
func (s *Server) sign(claims map[string]any) (string, error) {
	header, err := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": keyID})
	if err != nil {
		return "", err
	}
	body, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	input := b64(header) + "." + b64(body)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return input + "." + b64(sig), nil
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
