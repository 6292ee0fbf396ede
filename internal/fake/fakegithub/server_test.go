package fakegithub_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"incidentbot/internal/fake/fakegithub"
)

func get(t *testing.T, s *fakegithub.Server, token, path string) (*http.Response, []map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL()+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp, out
}

// TestList: the issue list pages with a Link header, filters by state and
// labels, and holds pull requests; a wrong token is 401, another
// repository 404, and a spent rate limit 403 with X-RateLimit-Remaining 0.
func TestList(t *testing.T) {
	t.Parallel()
	s := fakegithub.New(t, fakegithub.WithRateLimit(5))
	for range 3 {
		s.AddIssue("i", "", false)
	}
	s.AddIssue("pr", "", true)
	resp, page := get(t, s, s.Token(), "/repos/acme/shop/issues?per_page=3")
	link := resp.Header.Get("Link")
	if len(page) != 3 || page[0]["number"] != 4.0 || page[0]["pull_request"] == nil || !strings.Contains(link, `page=2&per_page=3>; rel="next"`) {
		t.Errorf("first page: %v, Link %q", page, link)
	}
	if resp.Header.Get("X-RateLimit-Remaining") != "4" {
		t.Errorf("X-RateLimit-Remaining %q, want 4", resp.Header.Get("X-RateLimit-Remaining"))
	}
	if resp, page := get(t, s, s.Token(), "/repos/acme/shop/issues?per_page=3&page=2"); len(page) != 1 || resp.Header.Get("Link") != "" {
		t.Errorf("last page: %v, Link %q", page, resp.Header.Get("Link"))
	}
	if _, page := get(t, s, s.Token(), "/repos/acme/shop/issues?labels=bug"); len(page) != 0 {
		t.Errorf("labels=bug: %v, want none", page)
	}
	if resp, _ := get(t, s, "wrong", "/repos/acme/shop/issues"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong token: %d", resp.StatusCode)
	}
	if resp, _ := get(t, s, s.Token(), "/repos/acme/other/issues"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another repository: %d", resp.StatusCode)
	}
	get(t, s, s.Token(), "/repos/acme/shop/issues")
	if resp, _ := get(t, s, s.Token(), "/repos/acme/shop/issues"); resp.StatusCode != http.StatusForbidden || resp.Header.Get("X-RateLimit-Remaining") != "0" {
		t.Errorf("past the limit: %d, remaining %q", resp.StatusCode, resp.Header.Get("X-RateLimit-Remaining"))
	}
}
