package signin

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
)

// MinKeyLen is the shortest signing key accepted: 32 bytes, the size of
// the HMAC-SHA256 output, so the key is never the weak part.
const MinKeyLen = 32

// codec signs and checks cookie values: base64url(JSON) "." base64url(MAC).
// The MAC covers the cookie's purpose too, so a value signed as one kind
// of cookie (a sign-in in progress) is refused as another (a session).
type codec struct{ key []byte }

var errBadCookie = errors.New("cookie is malformed, tampered with or expired")

func (c codec) mac(purpose, payload string) []byte {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(payload))
	return m.Sum(nil)
}

func (c codec) seal(purpose string, v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	payload := base64.RawURLEncoding.EncodeToString(b)
	return payload + "." + base64.RawURLEncoding.EncodeToString(c.mac(purpose, payload)), nil
}

// open checks the MAC before decoding anything, so a forged value is
// never parsed.
func (c codec) open(purpose, value string, v any) error {
	payload, sig, ok := strings.Cut(value, ".")
	if !ok {
		return errBadCookie
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, c.mac(purpose, payload)) {
		return errBadCookie
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return errBadCookie
	}
	if err := json.Unmarshal(b, v); err != nil {
		return errBadCookie
	}
	return nil
}

// Cookie names. The flow cookie lives only under /signin/ and for the few
// minutes a provider's consent screen takes.
const (
	sessionCookie = "incidentbot_session"
	flowCookie    = "incidentbot_signin"
	flowPath      = "/signin/"
	flowTTL       = 10 * time.Minute
)

// session is what the session cookie says: who signed in, where, until when.
type session struct {
	Platform  string `json:"p"`
	Workspace string `json:"w"`
	UserID    string `json:"u"`
	Name      string `json:"n"`
	Expires   int64  `json:"e"` // Unix seconds
}

// flow is a sign-in in progress: what the callback must find again.
type flow struct {
	Provider string `json:"p"`
	State    string `json:"s"`
	Nonce    string `json:"o,omitempty"`
	Verifier string `json:"v"`
	Next     string `json:"x"`
	Expires  int64  `json:"e"`
}

// cookie builds a cookie with the attributes every cookie here has:
// HttpOnly (no script reads it), SameSite=Lax (sent on the provider's
// redirect back, a top-level GET, but not on cross-site posts) and Secure
// unless the site is plain-http loopback.
func (a *Auth) cookie(name, value, path string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     path,
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   a.secure,
		SameSite: http.SameSiteLaxMode,
	}
}

func (a *Auth) clearCookie(w http.ResponseWriter, name, path string) {
	http.SetCookie(w, a.cookie(name, "", path, -1))
}

// readSession returns the request's session if it is signed by our key,
// unexpired and of a workspace still allowed.
func (a *Auth) readSession(r *http.Request) (session, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return session{}, false
	}
	var s session
	if err := a.codec.open(sessionCookie, c.Value, &s); err != nil {
		return session{}, false
	}
	if a.clock.Now().Unix() >= s.Expires {
		return session{}, false
	}
	p, ok := a.providers[s.Platform]
	if !ok || !p.allows(s.Workspace) {
		return session{}, false
	}
	return s, true
}
