package fakelinear_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"incidentbot/internal/fake/fakelinear"
)

func call(t *testing.T, s *fakelinear.Server, key, body string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL(), bytes.NewBufferString(body))
	req.Header.Set("Authorization", key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	b, _ := json.Marshal(out)
	return resp, string(b)
}

// TestGraphQL: a wrong key is an AUTHENTICATION_ERROR, an unknown operation
// a validation error, a bad priority INVALID_INPUT, and the request budget
// shows in X-RateLimit-Requests-* until it is spent (RATELIMITED).
func TestGraphQL(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	s := fakelinear.New(t, fakelinear.WithRateLimit(3), fakelinear.WithClock(func() time.Time { return now }))
	create := `{"query":"mutation($input: IssueCreateInput!) { issueCreate(input: $input) { success } }","variables":{"input":{"teamId":"` + fakelinear.DefaultTeamID + `","title":"t","priority":9}}}`
	cases := []struct {
		name, key, body, want string
	}{
		{"wrong key", "lin_api_wrong", create, `"code":"AUTHENTICATION_ERROR"`},
		{"unknown operation", s.APIKey(), `{"query":"{ viewer { id } }"}`, `"code":"GRAPHQL_VALIDATION_FAILED"`},
		{"bad priority", s.APIKey(), create, `"code":"INVALID_INPUT"`},
		{"found nothing", s.APIKey(), `{"query":"query($team: ID!, $marker: String!) { issues(filter: {}) { nodes { id } } }","variables":{"team":"t","marker":"m"}}`, `"nodes":[]`},
		{"budget spent", s.APIKey(), create, `"code":"RATELIMITED"`},
	}
	for _, tc := range cases {
		resp, body := call(t, s, tc.key, tc.body)
		if !strings.Contains(body, tc.want) {
			t.Errorf("%s: %s, want %s", tc.name, body, tc.want)
		}
		reset := strconv.FormatInt(now.Add(time.Hour).UnixMilli(), 10)
		if h := resp.Header; tc.name == "budget spent" && (h.Get("X-RateLimit-Requests-Remaining") != "0" || h.Get("X-RateLimit-Requests-Reset") != reset) {
			t.Errorf("budget spent: remaining %q, reset %q; want 0 and %s", h.Get("X-RateLimit-Requests-Remaining"), h.Get("X-RateLimit-Requests-Reset"), reset)
		}
	}
}
