package fakeslack

import (
	"net/url"
	"testing"
)

func TestConversationsHistory(t *testing.T) {
	t.Parallel()
	s := New(t, WithoutRateLimits(), WithUsers(User{ID: "U02ALICE5K", Name: "alice"}))
	room := create(t, s, "inc-1")
	mustOK(t, s, "conversations.invite", url.Values{"channel": {room}, "users": {"U02ALICE5K"}})
	var ts []string
	for _, text := range []string{"one", "two", "three"} {
		t, _ := s.AddMessage(room, "U02ALICE5K", text)
		ts = append(ts, t)
	}
	mustOK(t, s, "chat.postEphemeral", url.Values{"channel": {room}, "user": {"U02ALICE5K"}, "text": {"only you"}})
	tests := []struct {
		name string
		form url.Values
		want []string
		more bool
	}{
		{"all, newest first", url.Values{}, []string{"three", "two", "one"}, false},
		{"one message inclusive", url.Values{"latest": {ts[1]}, "inclusive": {"true"}, "limit": {"1"}}, []string{"two"}, true},
		{"latest is exclusive by default", url.Values{"latest": {ts[1]}, "limit": {"1"}}, []string{"one"}, false},
		{"oldest", url.Values{"oldest": {ts[0]}}, []string{"three", "two"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.form.Set("channel", room)
			body := mustOK(t, s, "conversations.history", tc.form)
			var got []string
			for _, m := range body["messages"].([]any) {
				msg := m.(map[string]any)
				got = append(got, msg["text"].(string))
				if msg["user"] != "U02ALICE5K" || msg["bot_id"] != nil {
					t.Errorf("got message %v, want alice's, without bot_id", msg)
				}
			}
			if len(got) != len(tc.want) || body["has_more"] != tc.more {
				t.Fatalf("got %q has_more %v, want %q has_more %v", got, body["has_more"], tc.want, tc.more)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("got %q, want %q", got, tc.want)
				}
			}
		})
	}
	t.Run("errors", func(t *testing.T) {
		t.Parallel()
		wantError(t, s, "conversations.history", url.Values{"channel": {"C404"}}, "channel_not_found")
		wantError(t, s, "conversations.history", url.Values{"channel": {room}, "latest": {"x.y"}}, "invalid_ts_latest")
	})
}
