package fakejira_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"incidentbot/internal/fake/fakejira"
)

func post(t *testing.T, s *fakejira.Server, path, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL()+path, bytes.NewBufferString(body))
	req.SetBasicAuth(s.Email(), s.Token())
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

const doc = `{"type":"doc","version":1,"content":[]}`

// TestSearchAndCreate: what the fake refuses as Jira Cloud does, and its
// search paged with nextPageToken, newest first.
func TestSearchAndCreate(t *testing.T) {
	t.Parallel()
	s := fakejira.New(t)
	for i := range 3 {
		code, out := post(t, s, "/rest/api/3/issue", `{"fields":{"project":{"key":"OPS"},"issuetype":{"name":"Task"},"summary":"s`+string(rune('a'+i))+`","description":`+doc+`,"labels":["x"]}}`)
		if code != http.StatusCreated || out["key"] != "OPS-"+string(rune('1'+i)) {
			t.Fatalf("create %d: %d %v", i, code, out)
		}
	}
	cases := []struct {
		name, path, body string
		code             int
		want             string
	}{
		{"plain text description", "/rest/api/3/issue", `{"fields":{"project":{"key":"OPS"},"issuetype":{"name":"Task"},"summary":"s","description":"text"}}`, 400, "Atlassian Document"},
		{"no summary", "/rest/api/3/issue", `{"fields":{"project":{"key":"OPS"},"issuetype":{"name":"Task"}}}`, 400, "You must specify a summary"},
		{"label with a space", "/rest/api/3/issue", `{"fields":{"project":{"key":"OPS"},"issuetype":{"name":"Task"},"summary":"s","labels":["a b"]}}`, 400, "contains spaces"},
		{"unbounded", "/rest/api/3/search/jql", `{"jql":"labels = x"}`, 400, "Unbounded JQL"},
		{"unknown field", "/rest/api/3/search/jql", `{"jql":"project = OPS AND text ~ x"}`, 400, "Expecting operator"},
		{"first page", "/rest/api/3/search/jql", `{"jql":"project = \"OPS\" AND labels = \"x\"","maxResults":2,"fields":["summary"]}`, 200, `"issues":[{"fields":{"summary":"sc"},"id":"10002","key":"OPS-3"`},
		{"last page", "/rest/api/3/search/jql", `{"jql":"project = OPS AND labels = x","maxResults":2,"nextPageToken":"page-2"}`, 200, `"isLast":true,"issues":[{"fields":{},"id":"10000","key":"OPS-1"`},
	}
	for _, tc := range cases {
		code, out := post(t, s, tc.path, tc.body)
		b, _ := json.Marshal(out)
		if code != tc.code || !strings.Contains(string(b), tc.want) {
			t.Errorf("%s: %d %s, want %d with %q", tc.name, code, b, tc.code, tc.want)
		}
	}
}
