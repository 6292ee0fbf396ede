package fakeslack

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

func TestSocketMode(t *testing.T) {
	t.Parallel()
	s := New(t)
	wantError(t, s, "apps.connections.open", url.Values{"token": {s.Token()}}, "not_allowed_token_type")
	wantError(t, s, "chat.postMessage", url.Values{"token": {s.AppToken()}, "channel": {"C1"}, "text": {"x"}}, "not_allowed_token_type")
	wantError(t, s, "apps.connections.open", url.Values{"token": {"xapp-wrong"}}, "invalid_auth")
	if _, err := s.SendEnvelope(Envelope{Type: "events_api"}); err == nil {
		t.Error("got no error sending without a connection, want one")
	}

	body := mustOK(t, s, "apps.connections.open", url.Values{"token": {s.AppToken()}})
	wsURL, _ := body["url"].(string)
	if !strings.HasPrefix(wsURL, "ws://") {
		t.Fatalf("got url %q, want ws://", wsURL)
	}
	conn, _, err := websocket.DefaultDialer.Dial(wsURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	var hello map[string]any
	if err := conn.ReadJSON(&hello); err != nil || hello["type"] != "hello" {
		t.Fatalf("got %v %v, want hello", hello, err)
	}
	id, err := s.SendEnvelope(Envelope{Type: "slash_commands", Payload: map[string]string{"text": "list"}, RetryAttempt: 1, RetryReason: "timeout"})
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		EnvelopeID   string            `json:"envelope_id"`
		Type         string            `json:"type"`
		Payload      map[string]string `json:"payload"`
		Accepts      bool              `json:"accepts_response_payload"`
		RetryAttempt int               `json:"retry_attempt"`
	}
	if err := conn.ReadJSON(&env); err != nil {
		t.Fatal(err)
	}
	if env.EnvelopeID != id || env.Type != "slash_commands" || env.Payload["text"] != "list" || !env.Accepts || env.RetryAttempt != 1 {
		t.Errorf("got %+v, want envelope %s", env, id)
	}
	if err := conn.WriteJSON(map[string]any{"envelope_id": id, "payload": map[string]string{"text": "ok"}}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if p, ok := s.Ack(id); ok {
			var got map[string]string
			if json.Unmarshal(p, &got) != nil || got["text"] != "ok" {
				t.Errorf("got ack %s, want the payload", p)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting for the ack")
		}
		time.Sleep(time.Millisecond) // the ack travels over a real socket
	}
}
