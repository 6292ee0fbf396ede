package fakediscord

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"incidentbot"
)

func newClock() *incidentbot.ManualClock {
	return incidentbot.NewManualClock(time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC))
}

// do sends a request with the bot token unless auth says otherwise ("-"
// for none) and decodes the JSON answer.
func do(t *testing.T, s *Server, method, path string, body any, auth string) (int, map[string]any, http.Header) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.URL()+path, r)
	switch auth {
	case "":
		req.Header.Set("Authorization", "Bot "+s.Token())
	case "-":
	default:
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("decode %s: %v", raw, err)
		}
	}
	return resp.StatusCode, out, resp.Header
}

func textChannel(t *testing.T, s *Server, name string) string {
	t.Helper()
	status, body, _ := do(t, s, "POST", "/api/v10/guilds/"+GuildID+"/channels", map[string]any{"name": name}, "")
	if status != http.StatusCreated {
		t.Fatalf("create channel: got %d %v", status, body)
	}
	return body["id"].(string)
}

func TestAuthAndPaths(t *testing.T) {
	t.Parallel()
	s := New(t)
	tests := []struct {
		name, method, path, auth string
		want                     int
	}{
		{"v10", "GET", "/api/v10/guilds/" + GuildID + "/channels", "", 200},
		{"v9, as discordgo v0.29.0 calls", "GET", "/api/v9/guilds/" + GuildID + "/channels", "", 200},
		{"v8 is gone", "GET", "/api/v8/guilds/" + GuildID + "/channels", "", 404},
		{"no token", "GET", "/api/v10/guilds/" + GuildID + "/channels", "-", 401},
		{"bearer is not a bot token", "GET", "/api/v10/guilds/" + GuildID + "/channels", "Bearer " + DefaultToken, 401},
		{"unknown guild", "GET", "/api/v10/guilds/1/channels", "", 404},
		{"unknown route", "GET", "/api/v10/voice/regions", "", 404},
		{"webhooks need no bot token", "POST", "/api/v10/webhooks/" + AppID + "/nope", "-", 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			status, body, _ := do(t, s, tc.method, tc.path, nil, tc.auth)
			if status != tc.want {
				t.Errorf("got %d %v, want %d", status, body, tc.want)
			}
			if status >= 400 {
				if _, ok := body["code"]; !ok || body["message"] == "" {
					t.Errorf("got error body %v, want message and code", body)
				}
			}
		})
	}
}

func TestMessagesAndPins(t *testing.T) {
	t.Parallel()
	s := New(t)
	ch := textChannel(t, s, "War Room")
	if c, _ := s.Channel(ch); c.Name != "war-room" {
		t.Errorf("got name %q, want Discord's war-room", c.Name)
	}
	button := func(id string) map[string]any {
		return map[string]any{"type": 2, "style": 1, "label": "x", "custom_id": id}
	}
	row := func(n int) map[string]any {
		var bs []any
		for i := range n {
			bs = append(bs, button(fmt.Sprint("b", i)))
		}
		return map[string]any{"type": 1, "components": bs}
	}
	tests := []struct {
		name     string
		body     map[string]any
		wantCode float64
	}{
		{"plain", map[string]any{"content": "hello"}, 0},
		{"embed and buttons", map[string]any{"embeds": []any{map[string]any{"title": "t", "color": 1}}, "components": []any{row(5)}}, 0},
		{"content too long", map[string]any{"content": strings.Repeat("x", 2001)}, 50035},
		{"empty", map[string]any{"content": ""}, 50006},
		{"six buttons in a row", map[string]any{"components": []any{row(6)}}, 50035},
		{"duplicate custom ids", map[string]any{"components": []any{map[string]any{"type": 1, "components": []any{button("a"), button("a")}}}}, 50035},
		{"title too long", map[string]any{"embeds": []any{map[string]any{"title": strings.Repeat("t", 257)}}}, 50035},
		{"over 6000 embed characters", map[string]any{"embeds": []any{map[string]any{"description": strings.Repeat("d", 4000)}, map[string]any{"description": strings.Repeat("d", 2001)}}}, 50035},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			status, body, _ := do(t, s, "POST", "/api/v10/channels/"+ch+"/messages", tc.body, "")
			if tc.wantCode == 0 && status != 200 || tc.wantCode != 0 && (status != 400 || body["code"] != tc.wantCode) {
				t.Errorf("got %d %v, want code %v", status, body, tc.wantCode)
			}
		})
	}
	t.Run("pins on the current route only", func(t *testing.T) {
		t.Parallel()
		_, m1, _ := do(t, s, "POST", "/api/v10/channels/"+ch+"/messages", map[string]any{"content": "one"}, "")
		_, m2, _ := do(t, s, "POST", "/api/v10/channels/"+ch+"/messages", map[string]any{"content": "two"}, "")
		for path, want := range map[string]int{
			"/api/v9/channels/" + ch + "/pins/" + m1["id"].(string):           http.StatusNotFound, // deprecated
			"/api/v10/channels/" + ch + "/messages/pins/" + m2["id"].(string): http.StatusNoContent,
		} {
			if status, body, _ := do(t, s, "PUT", path, nil, ""); status != want {
				t.Errorf("%s: got %d %v, want %d", path, status, body, want)
			}
		}
		if status, body, _ := do(t, s, "PUT", "/api/v10/channels/"+ch+"/messages/pins/42", nil, ""); status != 404 || body["code"] != 10008.0 {
			t.Errorf("pin unknown message: got %d %v, want 404 10008", status, body)
		}
	})
}

func TestCategoryLimit(t *testing.T) {
	t.Parallel()
	s := New(t)
	_, cat, _ := do(t, s, "POST", "/api/v10/guilds/"+GuildID+"/channels", map[string]any{"name": "Incidents", "type": 4}, "")
	for i := range 50 {
		s.AddChannel(Channel{Name: fmt.Sprint("c", i), ParentID: cat["id"].(string)})
	}
	status, body, _ := do(t, s, "POST", "/api/v10/guilds/"+GuildID+"/channels", map[string]any{"name": "one-more", "parent_id": cat["id"]}, "")
	if status != 400 || body["code"] != 50035.0 {
		t.Errorf("got %d %v, want 400 50035", status, body)
	}
}

func TestRateLimits(t *testing.T) {
	t.Parallel()
	const route = "POST /channels/{channel}/messages"
	c := newClock()
	s := New(t, WithClock(c.Now), WithRateLimit(route, 2, 5*time.Second), WithGlobalRateLimit(7, time.Second))
	a, b := textChannel(t, s, "a"), textChannel(t, s, "b")
	msg := map[string]any{"content": "x"}
	post := func(ch string) (int, map[string]any, http.Header) {
		return do(t, s, "POST", "/api/v10/channels/"+ch+"/messages", msg, "")
	}
	status, _, h := post(a)
	if status != 200 || h.Get("X-RateLimit-Limit") != "2" || h.Get("X-RateLimit-Remaining") != "1" || h.Get("X-RateLimit-Bucket") == "" {
		t.Errorf("got %d with headers %v, want 200 and a bucket with 1 left", status, h)
	}
	post(a)
	status, body, h := post(a)
	if status != 429 || h.Get("Retry-After") != "5" || h.Get("X-RateLimit-Scope") != "user" || body["retry_after"] != 5.0 || body["global"] != false {
		t.Errorf("third call: got %d %v %v, want a 429 on the route", status, body, h)
	}
	if status, _, _ := post(b); status != 200 {
		t.Errorf("another channel: got %d, want 200 (buckets are per channel)", status)
	}
	status, body, h = post(b) // the global allowance (7 a second, 6 used, channel creation included) runs out next
	if status != 200 {
		t.Errorf("got %d, want 200", status)
	}
	status, body, h = post(b)
	if status != 429 || h.Get("X-RateLimit-Global") != "true" || body["global"] != true {
		t.Errorf("global: got %d %v %v, want a global 429", status, body, h)
	}
	c.Advance(5 * time.Second)
	if status, _, _ := post(a); status != 200 {
		t.Errorf("after the window: got %d, want 200", status)
	}

	s.RateLimitNext(route, 1500*time.Millisecond, false, 1)
	c.Advance(5 * time.Second)
	if status, body, h := post(a); status != 429 || body["retry_after"] != 1.5 || h.Get("Retry-After") != "2" {
		t.Errorf("injected: got %d %v %v, want 429 retry_after 1.5", status, body, h)
	}
	s.FailNext(route, 500, 0, "Internal Server Error", 1)
	if status, _, _ := post(a); status != 500 {
		t.Errorf("injected 500: got %d", status)
	}
	if got := s.Calls(route); got != 9 {
		t.Errorf("got %d calls counted, want 9", got)
	}
}

func TestInteractionLifecycle(t *testing.T) {
	t.Parallel()
	c := newClock()
	s := New(t, WithClock(c.Now), WithGlobalRateLimit(1, time.Hour))
	ch := s.AddChannel(Channel{Name: "ops"})
	s.AddInteraction(Interaction{ID: "1", Token: "tok1", ChannelID: ch.ID})
	s.AddInteraction(Interaction{ID: "2", Token: "tok2", ChannelID: ch.ID})
	s.AddInteraction(Interaction{ID: "3", Token: "tok3", ChannelID: ch.ID})

	if status, body, _ := do(t, s, "POST", "/api/v10/webhooks/"+AppID+"/tok1", map[string]any{"content": "early"}, "-"); status != 404 || body["code"] != 10015.0 {
		t.Errorf("follow-up before the answer: got %d %v, want 404 10015", status, body)
	}
	if status, body, _ := do(t, s, "POST", "/api/v10/interactions/1/wrong/callback", map[string]any{"type": 5}, "-"); status != 404 || body["code"] != 10062.0 {
		t.Errorf("wrong token: got %d %v, want 404 10062", status, body)
	}
	if status, body, _ := do(t, s, "POST", "/api/v10/interactions/1/tok1/callback", map[string]any{"type": 5, "data": map[string]any{"flags": 64}}, "-"); status != 204 {
		t.Fatalf("defer: got %d %v, want 204 (exempt from the global limit)", status, body)
	}
	if status, body, _ := do(t, s, "POST", "/api/v10/interactions/1/tok1/callback", map[string]any{"type": 4, "data": map[string]any{"content": "again"}}, "-"); status != 400 || body["code"] != 40060.0 {
		t.Errorf("second answer: got %d %v, want 400 40060", status, body)
	}
	if status, body, _ := do(t, s, "PATCH", "/api/v10/webhooks/"+AppID+"/tok1/messages/@original", map[string]any{"content": "done"}, "-"); status != 200 {
		t.Errorf("edit original: got %d %v, want 200", status, body)
	}
	if status, body, _ := do(t, s, "POST", "/api/v10/webhooks/"+AppID+"/tok1", map[string]any{"content": "more"}, "-"); status != 200 {
		t.Errorf("follow-up: got %d %v, want 200", status, body)
	}
	answers := s.Answers("1")
	if len(answers) != 2 || answers[0].Content != "done" || answers[0].Flags != FlagEphemeral || answers[1].Content != "more" {
		t.Errorf("got answers %+v, want the edited private original and the follow-up", answers)
	}
	if cbs := s.Callbacks("1"); len(cbs) != 1 || cbs[0].Type != CallbackDeferred {
		t.Errorf("got callbacks %+v, want one deferred", cbs)
	}

	c.Advance(4 * time.Second)
	if status, body, _ := do(t, s, "POST", "/api/v10/interactions/2/tok2/callback", map[string]any{"type": 4, "data": map[string]any{"content": "late"}}, "-"); status != 404 || body["code"] != 10062.0 {
		t.Errorf("after 3 seconds: got %d %v, want 404 10062", status, body)
	}
	if err := s.RecordResponse("3", []byte(`{"type":9,"data":{"custom_id":"update","title":"Update","components":[{"type":1,"components":[{"type":4,"custom_id":"text","label":"What changed?","style":2}]}]}}`)); err == nil {
		t.Errorf("modal after 4 seconds: got no error, want the interaction gone")
	}
	c.Advance(15 * time.Minute)
	if status, body, _ := do(t, s, "POST", "/api/v10/webhooks/"+AppID+"/tok1", map[string]any{"content": "too late"}, "-"); status != 401 || body["code"] != 50027.0 {
		t.Errorf("after 15 minutes: got %d %v, want 401 50027", status, body)
	}
}

func TestCommandsOverwrite(t *testing.T) {
	t.Parallel()
	s := New(t)
	path := "/api/v10/applications/" + AppID + "/guilds/" + GuildID + "/commands"
	put := func(cmds []any) (int, []map[string]any) {
		b, _ := json.Marshal(cmds)
		req, _ := http.NewRequest("PUT", s.URL()+path, bytes.NewReader(b))
		req.Header.Set("Authorization", "Bot "+s.Token())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out []map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	status, first := put([]any{map[string]any{"name": "incident", "description": "d"}})
	if status != 200 || len(first) != 1 || first[0]["id"] == nil {
		t.Fatalf("got %d %v, want the command with an id", status, first)
	}
	_, second := put([]any{map[string]any{"name": "incident", "description": "d2"}, map[string]any{"name": "other", "description": "o"}})
	if len(second) != 2 || second[0]["id"] != first[0]["id"] {
		t.Errorf("got %v, want incident to keep id %v", second, first[0]["id"])
	}
	if status, _ := put([]any{map[string]any{"name": "Bad Name", "description": "d"}}); status != 400 {
		t.Errorf("bad name: got %d, want 400", status)
	}
	if got := len(s.Commands(GuildID)); got != 2 {
		t.Errorf("got %d commands after a refused overwrite, want 2", got)
	}
	if got := len(s.Commands("")); got != 0 {
		t.Errorf("got %d global commands, want 0", got)
	}
}

func TestLatency(t *testing.T) {
	t.Parallel()
	s := New(t)
	s.SetLatency("GET /guilds/{guild}/roles", time.Second)
	client := &http.Client{Timeout: 20 * time.Millisecond}
	req, _ := http.NewRequest("GET", s.URL()+"/api/v10/guilds/"+GuildID+"/roles", nil)
	req.Header.Set("Authorization", "Bot "+s.Token())
	if resp, err := client.Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("got %d, want the client to time out", resp.StatusCode)
	}
	if status, _, _ := do(t, s, "GET", "/api/v10/guilds/"+GuildID+"/channels", nil, ""); status != 200 {
		t.Errorf("another route: got %d, want 200 at once", status)
	}
}

// TestCommandContexts: registration takes contexts and integration_types
// (checked as enums) and refuses the deprecated dm_permission; Discord's
// defaults come back when they are left out.
func TestCommandContexts(t *testing.T) {
	t.Parallel()
	s := New(t)
	path := "/api/v10/applications/" + AppID + "/guilds/" + GuildID + "/commands"
	cmd := func(extra map[string]any) []any {
		c := map[string]any{"name": "incident", "description": "Declare and run incidents"}
		for k, v := range extra {
			c[k] = v
		}
		return []any{c}
	}
	tests := []struct {
		name  string
		extra map[string]any
		want  int
	}{
		{"contexts and integration types", map[string]any{"contexts": []int{0}, "integration_types": []int{0}}, http.StatusOK},
		{"deprecated dm_permission", map[string]any{"dm_permission": false}, http.StatusBadRequest},
		{"unknown context", map[string]any{"contexts": []int{3}}, http.StatusBadRequest},
		{"unknown integration type", map[string]any{"integration_types": []int{2}}, http.StatusBadRequest},
		{"defaults", nil, http.StatusOK},
	}
	for _, tc := range tests {
		status, _, _ := do(t, s, "PUT", path, cmd(tc.extra), "")
		if status != tc.want {
			t.Errorf("%s: got %d, want %d", tc.name, status, tc.want)
		}
	}
	got := s.Commands(GuildID)
	if len(got) != 1 || fmt.Sprint(got[0]["integration_types"]) != "[0]" || got[0]["contexts"] != nil {
		t.Errorf("defaults: got %v, want integration_types [0] and contexts null", got)
	}
}
