package signin

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzSafeNext: whatever comes in ?next=, the browser is sent to a path
// on this site.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "/dashboard?period=30d", "//evil.example", `/\evil.example`, "https://evil.example/", "/%2F%2Fevil", "/\t/evil", "javascript:alert(1)", "/signin/slack", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if got != "/" && got != next {
			t.Fatalf("safeNext(%q) = %q: rewritten rather than kept or refused", next, got)
		}
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\\t\r\n") {
			t.Fatalf("safeNext(%q) = %q leaves the site", next, got)
		}
		// Resolved against the site, as a browser does, it stays on the site.
		base, _ := url.Parse("https://incidents.example.com/x/y")
		ref, err := url.Parse(got)
		if err != nil {
			t.Fatalf("safeNext(%q) = %q does not parse: %v", next, got, err)
		}
		if u := base.ResolveReference(ref); u.Host != base.Host || u.Scheme != base.Scheme {
			t.Fatalf("safeNext(%q) = %q resolves to %s", next, got, u)
		}
	})
}

// FuzzOpenCookie: no value but one we sealed opens, and none panics.
func FuzzOpenCookie(f *testing.F) {
	c := codec{key: []byte("0123456789abcdef0123456789abcdef")}
	sealed, err := c.seal(sessionCookie, session{Platform: "slack", Workspace: "T1", UserID: "U1", Expires: 1})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{sealed, "", ".", "a.b", sealed + "x", strings.Replace(sealed, ".", "..", 1)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		var s session
		err := c.open(sessionCookie, value, &s)
		if err == nil && value != sealed {
			// Another encoding of the same bytes would be fine; a
			// different payload accepted would be a forgery.
			again, _ := c.seal(sessionCookie, s)
			if again != sealed {
				t.Fatalf("opened a value we never sealed: %q -> %+v", value, s)
			}
		}
		if err := c.open(flowCookie, sealed, &flow{}); err == nil {
			t.Fatal("a session value opened as a sign-in flow")
		}
	})
}
