package fakehttp

import (
	"crypto/sha256"
	"encoding/base64"
	"testing"
	"time"
)

func TestGrantsRedeem(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	gs := NewGrants(func() time.Time { return now })
	sum := sha256.Sum256([]byte("the-verifier"))
	challenge := base64.RawURLEncoding.EncodeToString(sum[:])
	issue := func() string {
		return gs.Issue(Grant{ClientID: "c", RedirectURI: "https://app/cb", Who: "ada", Challenge: challenge})
	}
	for _, tc := range []struct {
		name, client, redirect, verifier string
		age                              time.Duration
		ok                               bool
	}{
		{"right", "c", "https://app/cb", "the-verifier", 0, true},
		{"another client", "d", "https://app/cb", "the-verifier", 0, false},
		{"another redirect", "c", "https://evil/cb", "the-verifier", 0, false},
		{"wrong verifier", "c", "https://app/cb", "another-verifier", 0, false},
		{"no verifier", "c", "https://app/cb", "", 0, false},
		{"too old", "c", "https://app/cb", "the-verifier", 11 * time.Minute, false},
	} {
		code := issue()
		now = now.Add(tc.age)
		g, bad := gs.Redeem(code, tc.client, tc.redirect, tc.verifier)
		if (g != nil) != tc.ok || (bad == "") != tc.ok {
			t.Errorf("%s: grant %v, error %q; want ok %t", tc.name, g, bad, tc.ok)
		}
	}
	code := issue()
	if g, _ := gs.Redeem(code, "c", "https://app/cb", "the-verifier"); g == nil || g.Who != "ada" {
		t.Fatalf("first redeem: %v", g)
	}
	if g, bad := gs.Redeem(code, "c", "https://app/cb", "the-verifier"); g != nil || bad != "invalid_grant" {
		t.Errorf("second redeem of one code: %v %q, want invalid_grant", g, bad)
	}
}
