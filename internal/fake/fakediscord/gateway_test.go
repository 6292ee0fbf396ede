package fakediscord

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// payload is a gateway message as the client reads it.
type payload struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  int64           `json:"s"`
	T  string          `json:"t"`
}

// dial connects to the gateway URL the fake advertises, as discordgo does.
func dial(t *testing.T, s *Server) *websocket.Conn {
	t.Helper()
	status, body, _ := do(t, s, "GET", "/api/v10/gateway", nil, "-")
	if status != http.StatusOK {
		t.Fatalf("GET /gateway: got %d %v, want 200", status, body)
	}
	ws, _, err := websocket.DefaultDialer.Dial(body["url"].(string)+"/?v=10&encoding=json", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	if p := read(t, ws); p.Op != opHello || !bytes.Contains(p.D, []byte(`"heartbeat_interval":41250`)) {
		t.Fatalf("got %+v, want HELLO with the heartbeat interval", p)
	}
	return ws
}

// read reads one payload, inflating a compressed one.
func read(t *testing.T, ws *websocket.Conn) payload {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	mt, msg, err := ws.ReadMessage()
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if mt == websocket.BinaryMessage {
		z, err := zlib.NewReader(bytes.NewReader(msg))
		if err != nil {
			t.Fatal(err)
		}
		if msg, err = io.ReadAll(z); err != nil {
			t.Fatal(err)
		}
	}
	var p payload
	if err := json.Unmarshal(msg, &p); err != nil {
		t.Fatalf("decode %s: %v", msg, err)
	}
	return p
}

// closeCode reads until the fake closes the connection and returns its code.
func closeCode(t *testing.T, ws *websocket.Conn) int {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, _, err := ws.ReadMessage()
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code
		}
		if err != nil {
			t.Fatalf("got %v, want a close frame", err)
		}
	}
}

func send(t *testing.T, ws *websocket.Conn, op int, d any) {
	t.Helper()
	if err := ws.WriteJSON(map[string]any{"op": op, "d": d}); err != nil {
		t.Fatal(err)
	}
}

func identify(t *testing.T, ws *websocket.Conn, token string, compress bool) {
	t.Helper()
	send(t, ws, opIdentify, map[string]any{"token": token, "compress": compress, "intents": 1,
		"properties": map[string]any{"os": "linux", "browser": "DiscordGo", "device": "DiscordGo"}})
}

// ready reads READY and returns its session id.
func ready(t *testing.T, ws *websocket.Conn) string {
	t.Helper()
	p := read(t, ws)
	var d struct {
		SessionID string `json:"session_id"`
		User      User   `json:"user"`
		Guilds    []struct {
			ID string `json:"id"`
		} `json:"guilds"`
	}
	_ = json.Unmarshal(p.D, &d)
	if p.Op != opDispatch || p.T != "READY" || p.S != 1 || d.SessionID == "" || d.User.ID != BotUserID ||
		len(d.Guilds) != 1 || d.Guilds[0].ID != GuildID {
		t.Fatalf("got %+v, want READY (s 1) for the bot with a session id and the guild", p)
	}
	return d.SessionID
}

// waitConnections polls until the fake counts n identified connections.
func waitConnections(t *testing.T, s *Server, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for s.GatewayConnections() != n {
		if time.Now().After(deadline) {
			t.Fatalf("got %d gateway connections, want %d", s.GatewayConnections(), n)
		}
		time.Sleep(5 * time.Millisecond) // polling the fake's state, not waiting for work
	}
}

func TestGatewayURL(t *testing.T) {
	t.Parallel()
	s := New(t)
	tests := []struct {
		name, path, auth string
		want             int
		shards           bool
	}{
		{"v10 without a token", "/api/v10/gateway", "-", 200, false},
		{"v9, as discordgo v0.29.0 calls", "/api/v9/gateway", "-", 200, false},
		{"bot", "/api/v10/gateway/bot", "", 200, true},
		{"bot without a token", "/api/v10/gateway/bot", "-", 401, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			status, body, _ := do(t, s, "GET", tc.path, nil, tc.auth)
			if status != tc.want {
				t.Fatalf("got %d %v, want %d", status, body, tc.want)
			}
			if status != 200 {
				return
			}
			if want := "ws" + s.URL()[len("http"):]; body["url"] != want {
				t.Errorf("got url %v, want %s", body["url"], want)
			}
			if _, ok := body["shards"]; ok != tc.shards {
				t.Errorf("got shards in %v: %v, want %v", body, ok, tc.shards)
			}
		})
	}
}

func TestGatewayRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		send func(t *testing.T, ws *websocket.Conn)
		want int
	}{
		{"bad token", func(t *testing.T, ws *websocket.Conn) { identify(t, ws, "Bot wrong", false) }, closeAuthFailed},
		{"no token", func(t *testing.T, ws *websocket.Conn) { identify(t, ws, "", false) }, closeAuthFailed},
		{"dispatch before identify", func(t *testing.T, ws *websocket.Conn) { send(t, ws, 3, map[string]any{}) }, closeNotAuthenticated},
		{"not JSON", func(t *testing.T, ws *websocket.Conn) {
			if err := ws.WriteMessage(websocket.TextMessage, []byte("{")); err != nil {
				t.Fatal(err)
			}
		}, closeDecodeError},
		{"identify twice", func(t *testing.T, ws *websocket.Conn) {
			identify(t, ws, "Bot "+DefaultToken, false)
			ready(t, ws)
			identify(t, ws, "Bot "+DefaultToken, false)
		}, closeAlreadyAuthed},
		{"unknown opcode", func(t *testing.T, ws *websocket.Conn) {
			identify(t, ws, DefaultToken, false)
			ready(t, ws)
			send(t, ws, 42, nil)
		}, closeUnknownOpcode},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := New(t)
			ws := dial(t, s)
			tc.send(t, ws)
			if got := closeCode(t, ws); got != tc.want {
				t.Errorf("got close code %d, want %d", got, tc.want)
			}
			waitConnections(t, s, 0)
		})
	}
}

func TestGatewaySession(t *testing.T) {
	t.Parallel()
	for _, compress := range []bool{false, true} {
		name := map[bool]string{false: "plain", true: "compressed"}[compress]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := New(t)
			if err := s.Dispatch("TYPING_START", map[string]any{}); err == nil {
				t.Errorf("dispatch without a session: got no error, want one")
			}
			ws := dial(t, s)
			send(t, ws, opHeartbeat, nil) // allowed before identifying
			if p := read(t, ws); p.Op != opHeartbeatACK {
				t.Fatalf("got %+v, want a heartbeat ACK", p)
			}
			identify(t, ws, "Bot "+DefaultToken, compress)
			_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
			mt, r, err := ws.NextReader()
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]int{false: websocket.TextMessage, true: websocket.BinaryMessage}[compress]; mt != want {
				t.Errorf("got message type %d for READY, want %d", mt, want)
			}
			raw, _ := io.ReadAll(r)
			if compress {
				z, err := zlib.NewReader(bytes.NewReader(raw))
				if err != nil {
					t.Fatalf("READY is not zlib: %v", err)
				}
				raw, _ = io.ReadAll(z)
			}
			if !bytes.Contains(raw, []byte(`"t":"READY"`)) {
				t.Fatalf("got %s, want READY", raw)
			}
			waitConnections(t, s, 1)

			send(t, ws, opHeartbeat, 1)
			if p := read(t, ws); p.Op != opHeartbeatACK {
				t.Fatalf("got %+v, want a heartbeat ACK", p)
			}
			if got := s.GatewayHeartbeats(); got != 2 {
				t.Errorf("got %d heartbeats, want 2", got)
			}
			in := map[string]any{"id": "77", "token": "token-77", "type": 2, "channel_id": "5"}
			for i := range 2 { // a redelivery is numbered anew, the interaction is kept
				if err := s.Dispatch("INTERACTION_CREATE", in); err != nil {
					t.Fatal(err)
				}
				p := read(t, ws)
				if p.Op != opDispatch || p.T != "INTERACTION_CREATE" || p.S != int64(2+i) || !bytes.Contains(p.D, []byte(`"token-77"`)) {
					t.Fatalf("got %+v, want INTERACTION_CREATE s %d", p, 2+i)
				}
				status, body, _ := do(t, s, "POST", "/api/v10/interactions/77/token-77/callback",
					map[string]any{"type": CallbackMessage, "data": map[string]any{"content": "hi"}}, "-")
				if want := []int{http.StatusNoContent, http.StatusBadRequest}[i]; status != want {
					t.Errorf("callback %d: got %d %v, want %d", i+1, status, body, want)
				}
			}
			if err := s.Dispatch("INTERACTION_CREATE", map[string]any{"type": 2}); err == nil {
				t.Errorf("interaction without id and token: got no error, want one")
			}
		})
	}
}

func TestGatewayResume(t *testing.T) {
	t.Parallel()
	s := New(t)
	ws := dial(t, s)
	identify(t, ws, DefaultToken, false)
	session := ready(t, ws)
	if err := s.Dispatch("TYPING_START", map[string]any{"n": 1}); err != nil {
		t.Fatal(err)
	}
	if p := read(t, ws); p.S != 2 {
		t.Fatalf("got %+v, want s 2", p)
	}
	s.DropGatewayConnections()
	waitConnections(t, s, 0)
	if err := s.Dispatch("TYPING_START", map[string]any{"n": 2}); err != nil {
		t.Fatalf("dispatch to a resumable session: %v", err)
	}

	tests := []struct {
		name    string
		token   string
		session string
		want    []string // payloads after RESUME: "op t s"
	}{
		{"unknown session", DefaultToken, "nope", []string{"9  0"}},
		{"missed events, then RESUMED", "Bot " + DefaultToken, session, []string{"0 TYPING_START 3", "0 RESUMED 4"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ws := dial(t, s)
			send(t, ws, opResume, map[string]any{"token": tc.token, "session_id": tc.session, "seq": 2})
			for _, want := range tc.want {
				p := read(t, ws)
				if got := jsonLine(p); got != want {
					t.Errorf("got %s, want %s", got, want)
				}
			}
			// Checked here: the subtest's cleanup closes its connection.
			if tc.session == session {
				if got := s.GatewayConnections(); got != 1 {
					t.Errorf("got %d connections, want the resumed one", got)
				}
			}
		})
	}
	if got := s.GatewayResumes(); got != 1 {
		t.Errorf("got %d resumes, want 1", got)
	}
}

func jsonLine(p payload) string { return fmt.Sprintf("%d %s %d", p.Op, p.T, p.S) }

func TestGatewayUpgrade(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		query string
		fail  bool
		want  int
	}{
		{"as discordgo asks", "?v=9&encoding=json", false, http.StatusSwitchingProtocols},
		{"etf is not spoken", "?v=10&encoding=etf", false, http.StatusBadRequest},
		{"no transport compression", "?v=10&encoding=json&compress=zlib-stream", false, http.StatusBadRequest},
		{"injected outage", "?v=10&encoding=json", true, http.StatusServiceUnavailable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := New(t)
			if tc.fail {
				s.FailNext(GatewayRoute, http.StatusServiceUnavailable, 0, "upstream connect error", 1)
			}
			ws, resp, err := websocket.DefaultDialer.Dial("ws"+s.URL()[len("http"):]+"/"+tc.query, nil)
			if ws != nil {
				ws.Close()
			}
			if resp == nil {
				t.Fatalf("dial: %v", err)
			}
			if resp.StatusCode != tc.want {
				t.Errorf("got %d, want %d", resp.StatusCode, tc.want)
			}
			if got := s.Calls(GatewayRoute); got != 1 {
				t.Errorf("got %d calls of %s, want 1", got, GatewayRoute)
			}
		})
	}
}
