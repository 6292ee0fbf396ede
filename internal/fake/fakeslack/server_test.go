package fakeslack

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// call posts a form to method with the default token unless form sets one.
func call(t *testing.T, s *Server, method string, form url.Values) (int, map[string]any, http.Header) {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["token"]; !ok {
		form.Set("token", s.Token())
	}
	resp, err := http.PostForm(s.URL()+method, form)
	if err != nil {
		t.Fatalf("post %s: %v", method, err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil && resp.StatusCode == http.StatusOK {
		t.Fatalf("decode %s: %v", method, err)
	}
	return resp.StatusCode, body, resp.Header
}

// mustOK calls method and fails unless it answers ok.
func mustOK(t *testing.T, s *Server, method string, form url.Values) map[string]any {
	t.Helper()
	status, body, _ := call(t, s, method, form)
	if status != http.StatusOK || body["ok"] != true {
		t.Fatalf("%s: got %d %v, want ok", method, status, body)
	}
	return body
}

func wantError(t *testing.T, s *Server, method string, form url.Values, want string) {
	t.Helper()
	status, body, _ := call(t, s, method, form)
	if status != http.StatusOK || body["ok"] != false || body["error"] != want {
		t.Fatalf("%s: got %d %v, want 200 error %q", method, status, body, want)
	}
}

func create(t *testing.T, s *Server, name string) string {
	t.Helper()
	body := mustOK(t, s, "conversations.create", url.Values{"name": {name}})
	return body["channel"].(map[string]any)["id"].(string)
}

var alice = User{ID: "U02ALICE5K", Name: "alice", RealName: "Alice Martin", Email: "alice@shop.example"}
var bob = User{ID: "U03BOB7Q2Z", Name: "bob", RealName: "Bob Stone", Email: "bob@shop.example"}

func TestAuth(t *testing.T) {
	t.Parallel()
	s := New(t)
	tests := []struct {
		name  string
		token string
		want  string
	}{
		{"missing", "", "not_authed"},
		{"wrong", "xoxb-nope", "invalid_auth"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, s, "conversations.create", url.Values{"token": {tc.token}, "name": {"x"}}, tc.want)
		})
	}
	if got := len(s.Channels()); got != 0 {
		t.Errorf("got %d channels after refused calls, want 0", got)
	}

	t.Run("bearer", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, s.URL()+"users.info", strings.NewReader("user="+BotUserID))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+s.Token())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		if body["ok"] != true {
			t.Errorf("got %v, want ok with a Bearer token", body)
		}
	})
}

func TestCreateNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		want string
	}{
		{"inc-42-checkout_down", ""},
		{"", "invalid_name_required"},
		{strings.Repeat("a", 81), "invalid_name_maxlength"},
		{strings.Repeat("a", 80), ""},
		{"Inc-42", "invalid_name_specials"},
		{"inc 42", "invalid_name_specials"},
		{"café", "invalid_name_specials"},
		{"--_", "invalid_name_punctuation"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := New(t)
			if tc.want != "" {
				wantError(t, s, "conversations.create", url.Values{"name": {tc.name}}, tc.want)
				return
			}
			id := create(t, s, tc.name)
			c, ok := s.ChannelByName(tc.name)
			if !ok || c.ID != id {
				t.Errorf("got %v %v, want channel %s", c, ok, id)
			}
		})
	}
}

func TestChannelLifecycle(t *testing.T) {
	t.Parallel()
	s := New(t, WithUsers(alice, bob))
	id := create(t, s, "inc-1")
	wantError(t, s, "conversations.create", url.Values{"name": {"inc-1"}}, "name_taken")

	mustOK(t, s, "conversations.invite", url.Values{"channel": {id}, "users": {alice.ID}})
	wantError(t, s, "conversations.invite", url.Values{"channel": {id}, "users": {bob.ID + "," + alice.ID}}, "already_in_channel")
	wantError(t, s, "conversations.invite", url.Values{"channel": {id}, "users": {"U404"}}, "user_not_found")
	wantError(t, s, "conversations.invite", url.Values{"channel": {id}, "users": {BotUserID}}, "cant_invite_self")
	if got, want := strings.Join(s.Members(id), ","), BotUserID+","+alice.ID; got != want {
		t.Errorf("got members %s, want %s (a failed invite adds nobody)", got, want)
	}
	body := mustOK(t, s, "conversations.invite", url.Values{"channel": {id}, "users": {bob.ID + "," + alice.ID}, "force": {"true"}})
	if errs, _ := body["errors"].([]any); len(errs) != 1 {
		t.Errorf("got errors %v, want one for alice", body["errors"])
	}
	if got, want := strings.Join(s.Members(id), ","), BotUserID+","+alice.ID+","+bob.ID; got != want {
		t.Errorf("got members %s, want %s", got, want)
	}

	mustOK(t, s, "conversations.setTopic", url.Values{"channel": {id}, "topic": {"SEV1 · investigating"}})
	wantError(t, s, "conversations.setTopic", url.Values{"channel": {id}, "topic": {strings.Repeat("é", 251)}}, "too_long")
	if got, want := s.Topic(id), "SEV1 · investigating"; got != want {
		t.Errorf("got topic %q, want %q", got, want)
	}
	mustOK(t, s, "conversations.setPurpose", url.Values{"channel": {id}, "purpose": {"INC-1"}})
	info := mustOK(t, s, "conversations.info", url.Values{"channel": {id}})
	if got := info["channel"].(map[string]any)["purpose"].(map[string]any)["value"]; got != "INC-1" {
		t.Errorf("got purpose %v, want INC-1", got)
	}
	wantError(t, s, "conversations.info", url.Values{"channel": {"C404"}}, "channel_not_found")

	mustOK(t, s, "conversations.archive", url.Values{"channel": {id}})
	wantError(t, s, "conversations.archive", url.Values{"channel": {id}}, "already_archived")
	wantError(t, s, "conversations.setTopic", url.Values{"channel": {id}, "topic": {"x"}}, "is_archived")
	wantError(t, s, "chat.postMessage", url.Values{"channel": {id}, "text": {"x"}}, "is_archived")
	wantError(t, s, "conversations.create", url.Values{"name": {"inc-1"}}, "name_taken")

	other := s.AddChannel("random", "", false)
	s.mu.Lock()
	s.channel(other.ID).Members = nil
	s.mu.Unlock()
	wantError(t, s, "conversations.setTopic", url.Values{"channel": {other.ID}, "topic": {"x"}}, "not_in_channel")
}

func TestList(t *testing.T) {
	t.Parallel()
	s := New(t)
	for _, n := range []string{"a1", "a2", "a3", "a4", "a5"} {
		create(t, s, n)
	}
	s.AddChannel("secret", "INC-9", true)
	var names []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("cursor never ends")
		}
		body := mustOK(t, s, "conversations.list", url.Values{"limit": {"2"}, "cursor": {cursor}, "types": {"public_channel,private_channel"}})
		for _, c := range body["channels"].([]any) {
			names = append(names, c.(map[string]any)["name"].(string))
		}
		cursor = body["response_metadata"].(map[string]any)["next_cursor"].(string)
		if cursor == "" {
			break
		}
	}
	if got, want := strings.Join(names, ","), "a1,a2,a3,a4,a5,secret"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	body := mustOK(t, s, "conversations.list", nil)
	if got := len(body["channels"].([]any)); got != 5 {
		t.Errorf("got %d channels by default, want the 5 public ones", got)
	}
}

func TestMessages(t *testing.T) {
	t.Parallel()
	now := time.Unix(1795521661, 0)
	s := New(t, WithUsers(alice, bob), WithClock(func() time.Time { return now }))
	id := create(t, s, "inc-2")
	mustOK(t, s, "conversations.invite", url.Values{"channel": {id}, "users": {alice.ID}})

	first := mustOK(t, s, "chat.postMessage", url.Values{"channel": {id}, "text": {"hello"}, "blocks": {`[{"type":"divider"}]`}})
	second := mustOK(t, s, "chat.postMessage", url.Values{"channel": {id}, "text": {"again"}})
	ts1, ts2 := first["ts"].(string), second["ts"].(string)
	if ts1 != "1795521661.000100" || ts2 <= ts1 {
		t.Errorf("got ts %s then %s, want 1795521661.000100 then a larger one", ts1, ts2)
	}
	wantError(t, s, "chat.postMessage", url.Values{"channel": {id}}, "no_text")
	wantError(t, s, "chat.postMessage", url.Values{"channel": {id}, "blocks": {"[]"}}, "no_text")
	wantError(t, s, "chat.postMessage", url.Values{"channel": {id}, "text": {"x"}, "blocks": {"{"}}, "invalid_blocks")
	wantError(t, s, "chat.postMessage", url.Values{"channel": {id}, "text": {strings.Repeat("x", maxText+1)}}, "msg_too_long")
	wantError(t, s, "chat.postMessage", url.Values{"channel": {"C404"}, "text": {"x"}}, "channel_not_found")

	mustOK(t, s, "chat.update", url.Values{"channel": {id}, "ts": {ts1}, "text": {"hello, edited"}})
	wantError(t, s, "chat.update", url.Values{"channel": {id}, "ts": {"1.2"}, "text": {"x"}}, "message_not_found")
	theirs, _ := s.AddMessage(id, alice.ID, "mine")
	wantError(t, s, "chat.update", url.Values{"channel": {id}, "ts": {theirs}, "text": {"x"}}, "cant_update_message")

	eph := mustOK(t, s, "chat.postEphemeral", url.Values{"channel": {id}, "user": {alice.ID}, "text": {"only you"}})
	wantError(t, s, "chat.postEphemeral", url.Values{"channel": {id}, "user": {bob.ID}, "text": {"x"}}, "user_not_in_channel")
	wantError(t, s, "chat.update", url.Values{"channel": {id}, "ts": {eph["message_ts"].(string)}, "text": {"x"}}, "message_not_found")

	mustOK(t, s, "pins.add", url.Values{"channel": {id}, "timestamp": {ts1}})
	wantError(t, s, "pins.add", url.Values{"channel": {id}, "timestamp": {ts1}}, "already_pinned")
	wantError(t, s, "pins.add", url.Values{"channel": {id}, "timestamp": {"9.9"}}, "message_not_found")
	wantError(t, s, "pins.add", url.Values{"channel": {id}, "timestamp": {eph["message_ts"].(string)}}, "not_pinnable")

	msgs := s.Messages(id)
	if len(msgs) != 4 {
		t.Fatalf("got %d messages, want 4", len(msgs))
	}
	if msgs[0].Text != "hello, edited" || msgs[0].Edits != 1 || msgs[0].Blocks != nil {
		t.Errorf("got first message %+v, want the edit without blocks", msgs[0])
	}
	if msgs[3].EphemeralTo != alice.ID {
		t.Errorf("got EphemeralTo %q, want %s", msgs[3].EphemeralTo, alice.ID)
	}
	if got := s.Pinned(id); len(got) != 1 || got[0] != ts1 {
		t.Errorf("got pins %v, want [%s]", got, ts1)
	}
}

func TestUsers(t *testing.T) {
	t.Parallel()
	s := New(t, WithUsers(alice, bob), WithUserGroups(
		UserGroup{ID: "S0ONCALLWEB", Handle: "oncall-web", Name: "On-call web", Users: []string{alice.ID, bob.ID}},
		UserGroup{ID: "S0OLD", Handle: "old", Disabled: true, Users: []string{bob.ID}},
	))
	body := mustOK(t, s, "users.info", url.Values{"user": {alice.ID}})
	if got := body["user"].(map[string]any)["real_name"]; got != "Alice Martin" {
		t.Errorf("got %v, want Alice Martin", got)
	}
	wantError(t, s, "users.info", url.Values{"user": {"U404"}}, "user_not_found")
	body = mustOK(t, s, "users.lookupByEmail", url.Values{"email": {"BOB@shop.example"}})
	if got := body["user"].(map[string]any)["id"]; got != bob.ID {
		t.Errorf("got %v, want %s", got, bob.ID)
	}
	wantError(t, s, "users.lookupByEmail", url.Values{"email": {"nobody@shop.example"}}, "users_not_found")

	body = mustOK(t, s, "usergroups.list", nil)
	if got := len(body["usergroups"].([]any)); got != 1 {
		t.Errorf("got %d groups, want 1 (disabled hidden)", got)
	}
	body = mustOK(t, s, "usergroups.users.list", url.Values{"usergroup": {"S0ONCALLWEB"}})
	if got := len(body["users"].([]any)); got != 2 {
		t.Errorf("got %d users, want 2", got)
	}
	wantError(t, s, "usergroups.users.list", url.Values{"usergroup": {"S404"}}, "no_such_subteam")
}

func TestViewsOpen(t *testing.T) {
	t.Parallel()
	now := time.Unix(1795521600, 0)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s := New(t, WithClock(clock))
	api := slack.New(s.Token(), slack.OptionAPIURL(s.URL()))
	view := slack.ModalViewRequest{Type: slack.VTModal, CallbackID: "incident.declare", Title: slack.NewTextBlockObject("plain_text", "Declare", false, false)}

	fresh := s.NewTrigger()
	resp, err := api.OpenViewContext(context.Background(), fresh, view)
	if err != nil || resp.CallbackID != "incident.declare" {
		t.Fatalf("got %v, %v, want the opened view", resp, err)
	}
	stale := s.NewTrigger()
	mu.Lock()
	now = now.Add(triggerTTL + time.Second)
	mu.Unlock()

	tests := []struct {
		name, trigger, want string
	}{
		{"reused", fresh, "exchanged_trigger_id"},
		{"expired", stale, "expired_trigger_id"},
		{"unknown", "123.456", "invalid_trigger_id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := api.OpenViewContext(context.Background(), tc.trigger, view)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %s", err, tc.want)
			}
		})
	}
	if got := len(s.Views()); got != 1 {
		t.Errorf("got %d views, want 1", got)
	}
}

func TestInjection(t *testing.T) {
	t.Parallel()
	s := New(t)
	s.FailNext("conversations.create", "restricted_action", 1)
	wantError(t, s, "conversations.create", url.Values{"name": {"a"}}, "restricted_action")
	create(t, s, "a")

	s.RateLimitNext("chat.postMessage", 3*time.Second, 2)
	for range 2 {
		status, body, h := call(t, s, "chat.postMessage", url.Values{"channel": {"C1"}, "text": {"x"}})
		if status != http.StatusTooManyRequests || h.Get("Retry-After") != "3" || body["error"] != "ratelimited" {
			t.Errorf("got %d Retry-After %q %v, want 429 3 ratelimited", status, h.Get("Retry-After"), body)
		}
	}
	s.FailStatusNext("users.info", http.StatusServiceUnavailable, 1)
	if status, _, _ := call(t, s, "users.info", url.Values{"user": {BotUserID}}); status != http.StatusServiceUnavailable {
		t.Errorf("got %d, want 503", status)
	}
	if got := s.Calls("chat.postMessage"); got != 2 {
		t.Errorf("got %d calls, want 2", got)
	}

	// slack-go reads the 429 as a RateLimitedError.
	api := slack.New(s.Token(), slack.OptionAPIURL(s.URL()))
	s.RateLimitNext("users.info", 2*time.Second, 1)
	_, err := api.GetUserInfo(BotUserID)
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != 2*time.Second {
		t.Errorf("got %v, want RateLimitedError of 2s", err)
	}
}

func TestTierLimit(t *testing.T) {
	t.Parallel()
	now := time.Unix(1795521600, 0)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s := New(t, WithClock(clock), WithRateLimit("users.info", 3))
	for i := range 3 {
		if status, _, _ := call(t, s, "users.info", url.Values{"user": {BotUserID}}); status != http.StatusOK {
			t.Fatalf("call %d: got %d, want 200", i, status)
		}
	}
	mu.Lock()
	now = now.Add(45 * time.Second)
	mu.Unlock()
	status, _, h := call(t, s, "users.info", url.Values{"user": {BotUserID}})
	if status != http.StatusTooManyRequests || h.Get("Retry-After") != "15" {
		t.Errorf("got %d Retry-After %q, want 429 15", status, h.Get("Retry-After"))
	}
	mu.Lock()
	now = now.Add(15 * time.Second)
	mu.Unlock()
	if status, _, _ := call(t, s, "users.info", url.Values{"user": {BotUserID}}); status != http.StatusOK {
		t.Errorf("got %d after the window, want 200", status)
	}
}

func TestLatency(t *testing.T) {
	t.Parallel()
	s := New(t)
	s.SetLatency("users.info", time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	api := slack.New(s.Token(), slack.OptionAPIURL(s.URL()))
	if _, err := api.GetUserInfoContext(ctx, BotUserID); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want a deadline error while the fake waits", err)
	}
	if _, err := api.GetUserByEmailContext(context.Background(), "x@y"); err == nil || err.Error() != "users_not_found" {
		t.Errorf("got %v, want users_not_found without latency", err)
	}
}

// TestNotAMember: chat.postEphemeral where the bot is not a member answers
// not_in_channel, or channel_not_found for a private channel it cannot
// see; a response_url still answers the person there.
func TestNotAMember(t *testing.T) {
	t.Parallel()
	s := New(t, WithUsers(alice))
	pub := s.AddChannelWithout("shop", false, alice.ID)
	priv := s.AddChannelWithout("secret", true, alice.ID)
	wantError(t, s, "chat.postEphemeral", url.Values{"channel": {pub.ID}, "user": {alice.ID}, "text": {"hi"}}, "not_in_channel")
	wantError(t, s, "chat.postEphemeral", url.Values{"channel": {priv.ID}, "user": {alice.ID}, "text": {"hi"}}, "channel_not_found")
	resp, err := http.Post(s.ResponseURL(priv.ID, alice.ID), "application/json", strings.NewReader(`{"text":"only you"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if msgs := s.Messages(priv.ID); resp.StatusCode != 200 || len(msgs) != 1 || msgs[0].EphemeralTo != alice.ID || msgs[0].Text != "only you" {
		t.Errorf("response_url: got %d and %+v, want one message for alice", resp.StatusCode, msgs)
	}
}
