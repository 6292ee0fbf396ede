package fakediscord

import (
	"net/http"
	"slices"
	"testing"
)

// TestMentionsAllowed: the fake reads allowed_mentions as Discord does
// (message.mdx, Allowed Mentions Object): without it every mention in the
// content notifies; with it only what it allows; contradictory or unknown
// values are refused with 400, and nothing is stored.
func TestMentionsAllowed(t *testing.T) {
	t.Parallel()
	const content = "@everyone <@&42> <@7> <@!8>"
	tests := []struct {
		name     string
		allowed  map[string]any // nil: no allowed_mentions
		wantCode int
		want     []string
	}{
		{"absent: everything", nil, http.StatusOK, []string{"everyone", "&42", "7", "8"}},
		{"nothing", map[string]any{"parse": []string{}}, http.StatusOK, nil},
		{"one user", map[string]any{"parse": []string{}, "users": []string{"7"}}, http.StatusOK, []string{"7"}},
		{"users and roles, not everyone", map[string]any{"parse": []string{"users", "roles"}}, http.StatusOK, []string{"&42", "7", "8"}},
		{"parse users with ids", map[string]any{"parse": []string{"users"}, "users": []string{"7"}}, http.StatusBadRequest, nil},
		{"unknown type", map[string]any{"parse": []string{"channels"}}, http.StatusBadRequest, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := New(t)
			ch := textChannel(t, s, "room")
			body := map[string]any{"content": content}
			if tc.allowed != nil {
				body["allowed_mentions"] = tc.allowed
			}
			code, _, _ := do(t, s, "POST", "/api/v10/channels/"+ch+"/messages", body, "")
			if code != tc.wantCode {
				t.Fatalf("got %d, want %d", code, tc.wantCode)
			}
			writes := s.Writes()
			if tc.wantCode != http.StatusOK {
				if len(writes) != 0 || len(s.Messages(ch)) != 0 {
					t.Errorf("a refused message was stored: %+v", writes)
				}
				return
			}
			if len(writes) != 1 || (writes[0].AllowedMentions == nil) != (tc.allowed == nil) || !slices.Equal(writes[0].Pinged, tc.want) {
				t.Errorf("got writes %+v, want one pinging %v", writes, tc.want)
			}
		})
	}
}
