package fakehttp

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// Grants is an OAuth2 authorization server's memory of the codes it gave
// out (RFC 6749 4.1, with PKCE, RFC 7636), shared by the fakes of
// providers people sign in with. A code is good once, for ten minutes,
// for the client and redirect URI it was issued to, and, when it was
// issued with a code_challenge, only with the matching code_verifier.
type Grants struct {
	now func() time.Time

	mu     sync.Mutex
	codes  map[string]*Grant
	tokens map[string]*Grant // access token -> the grant it was issued for
}

// Grant is what one authorization request agreed to.
type Grant struct {
	ClientID, RedirectURI string
	Who                   any // who signed in, as the fake describes people
	Scope                 string
	Nonce                 string
	Challenge             string // S256 code_challenge, "" without PKCE
	Issued                time.Time
	used                  bool
}

// NewGrants returns an empty memory reading time from now.
func NewGrants(now func() time.Time) *Grants {
	return &Grants{now: now, codes: map[string]*Grant{}, tokens: map[string]*Grant{}}
}

// codeTTL is how long a code is good (RFC 6749 recommends at most 10 minutes).
const codeTTL = 10 * time.Minute

// Issue stores g and returns its code.
func (gs *Grants) Issue(g Grant) string {
	code := rand.Text()
	g.Issued = gs.now()
	gs.mu.Lock()
	gs.codes[code] = &g
	gs.mu.Unlock()
	return code
}

// Redeem checks a token request for code and returns its grant, or the
// OAuth error code to answer ("invalid_grant"). A code is redeemed once:
// the second try fails even with the right verifier.
func (gs *Grants) Redeem(code, clientID, redirectURI, verifier string) (*Grant, string) {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	g, ok := gs.codes[code]
	switch {
	case !ok || g.used || gs.now().Sub(g.Issued) > codeTTL:
		return nil, "invalid_grant"
	case g.ClientID != clientID || g.RedirectURI != redirectURI:
		return nil, "invalid_grant"
	case g.Challenge != "" && !matchChallenge(g.Challenge, verifier):
		return nil, "invalid_grant"
	}
	g.used = true
	return g, ""
}

// Token issues an access token for g, found again by Lookup.
func (gs *Grants) Token(g *Grant) string {
	t := rand.Text()
	gs.mu.Lock()
	gs.tokens[t] = g
	gs.mu.Unlock()
	return t
}

// Lookup finds the grant of the request's bearer token, nil when it has none we issued.
func (gs *Grants) Lookup(r *http.Request) *Grant {
	t, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return nil
	}
	gs.mu.Lock()
	defer gs.mu.Unlock()
	return gs.tokens[t]
}

func matchChallenge(challenge, verifier string) bool {
	sum := sha256.Sum256([]byte(verifier))
	return verifier != "" && subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(challenge)) == 1
}

// ClientCredentials reads a token request's client id and secret from
// HTTP Basic authentication or, failing that, the form (RFC 6749 2.3.1).
func ClientCredentials(r *http.Request) (id, secret string) {
	if id, secret, ok := r.BasicAuth(); ok {
		// The header's parts are form-encoded first (RFC 6749 2.3.1).
		uid, err1 := url.QueryUnescape(id)
		usecret, err2 := url.QueryUnescape(secret)
		if err1 == nil && err2 == nil {
			return uid, usecret
		}
		return "", ""
	}
	return r.PostFormValue("client_id"), r.PostFormValue("client_secret")
}

// Consent is the person's side of an authorization server: the redirect
// URIs registered for the client (as on the provider's app settings
// page), and whether they press Cancel on the consent screen. Embed it in
// a fake to give it AllowRedirect and Deny.
type Consent struct {
	mu        sync.Mutex
	redirects []string
	deny      bool
}

// AllowRedirect registers a redirect URI; Authorize refuses any other.
func (c *Consent) AllowRedirect(uri string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.redirects = append(c.redirects, uri)
}

// Deny makes the person press Cancel on the next consent screen.
func (c *Consent) Deny() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.deny = true
}

// Authorize serves an authorization request for clientID as who. An
// unknown client or redirect URI gets an error page, never a redirect
// (RFC 6749 4.1.2.1); otherwise the browser goes back to the redirect URI
// with the state and a code, or an error: access_denied after Deny, the
// code check returns (the provider's own rules), or a standard one.
func (c *Consent) Authorize(w http.ResponseWriter, r *http.Request, grants *Grants, clientID string, who any, check func(url.Values) string) {
	q := r.URL.Query()
	redirect := q.Get("redirect_uri")
	c.mu.Lock()
	known := slices.Contains(c.redirects, redirect)
	deny := c.deny
	c.deny = false
	c.mu.Unlock()
	if q.Get("client_id") != clientID {
		http.Error(w, "Unknown client_id", http.StatusBadRequest)
		return
	}
	back, err := url.Parse(redirect)
	if !known || err != nil {
		http.Error(w, "redirect_uri does not match a registered redirect", http.StatusBadRequest)
		return
	}
	answer := url.Values{"state": {q.Get("state")}}
	bad := ""
	switch {
	case deny:
		bad = "access_denied"
	case q.Get("response_type") != "code":
		bad = "unsupported_response_type"
	case q.Get("code_challenge") != "" && q.Get("code_challenge_method") != "S256":
		bad = "invalid_request"
	default:
		bad = check(q)
	}
	if bad != "" {
		answer.Set("error", bad)
	} else {
		answer.Set("code", grants.Issue(Grant{
			ClientID:    clientID,
			RedirectURI: redirect,
			Who:         who,
			Scope:       strings.Join(strings.Fields(q.Get("scope")), " "),
			Nonce:       q.Get("nonce"),
			Challenge:   q.Get("code_challenge"),
		}))
	}
	back.RawQuery = answer.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}
