package github

import (
	"strings"
	"testing"
)

// FuzzNextLink: any Link header gives a next URL or "", without panic; a
// header GitHub sends gives its next page.
func FuzzNextLink(f *testing.F) {
	f.Add(`<https://api.github.com/repositories/1/issues?page=2>; rel="next", <https://api.github.com/repositories/1/issues?page=5>; rel="last"`)
	f.Add(`<https://api.github.com/repositories/1/issues?page=1>; rel="prev", <https://api.github.com/repositories/1/issues?page=1>; rel="first"`)
	f.Add("")
	f.Add(`;;;,<>; rel="next"`)
	f.Fuzz(func(t *testing.T, h string) {
		got := nextLink(h)
		if got != "" && !strings.Contains(h, `rel="next"`) {
			t.Errorf("nextLink(%q) = %q without a next relation", h, got)
		}
		if strings.ContainsAny(got, "<>") {
			t.Errorf("nextLink(%q) = %q keeps the brackets", h, got)
		}
	})
}

func TestNextLink(t *testing.T) {
	t.Parallel()
	h := `<https://api.github.com/repositories/1/issues?page=2&per_page=100>; rel="next", <https://api.github.com/repositories/1/issues?page=5>; rel="last"`
	if got := nextLink(h); got != "https://api.github.com/repositories/1/issues?page=2&per_page=100" {
		t.Errorf("got %q", got)
	}
}
