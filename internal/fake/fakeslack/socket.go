package fakeslack

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/gorilla/websocket"
)

// DefaultAppToken is the app-level token (Socket Mode) the fake accepts.
const DefaultAppToken = "xapp-fake-app-token"

// WithAppToken sets the only app-level token apps.connections.open accepts.
func WithAppToken(token string) Option { return func(s *Server) { s.appToken = token } }

// socketPath is where apps.connections.open sends clients.
const socketPath = "/socket"

// sockets holds the Socket Mode side: open connections and the acks they sent.
type sockets struct {
	mu    sync.Mutex
	conns []*socketConn
	acks  map[string]json.RawMessage // envelope id -> ack payload ("null" when none)
	seq   int
}

type socketConn struct {
	mu   sync.Mutex // gorilla connections allow one writer at a time
	conn *websocket.Conn
}

func (c *socketConn) write(v any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.conn.WriteJSON(v)
}

// AppToken is the app-level token the fake accepts.
func (s *Server) AppToken() string { return s.appToken }

// appsConnectionsOpen hands out the WebSocket URL, as Slack does.
func (s *Server) appsConnectionsOpen(params) (any, string) {
	return map[string]any{"url": "ws" + strings.TrimPrefix(s.http.URL(), "http") + socketPath + "?ticket=" + s.nextID("T")}, ""
}

// SocketConnections counts the open Socket Mode connections.
func (s *Server) SocketConnections() int {
	s.sock.mu.Lock()
	defer s.sock.mu.Unlock()
	return len(s.sock.conns)
}

// Envelope is one Socket Mode request, as Slack sends it.
type Envelope struct {
	ID           string
	Type         string // "slash_commands", "interactive", "events_api"
	Payload      any    // marshalled as JSON
	RetryAttempt int
	RetryReason  string
}

// SendEnvelope sends env to every open Socket Mode connection and returns
// its envelope id (env.ID, or a new one when empty). Send the same id with
// RetryAttempt > 0 to replay an envelope the app did not ack.
func (s *Server) SendEnvelope(env Envelope) (string, error) {
	s.sock.mu.Lock()
	if env.ID == "" {
		s.sock.seq++
		env.ID = fmt.Sprintf("env-%06d", s.sock.seq)
	}
	conns := append([]*socketConn(nil), s.sock.conns...)
	s.sock.mu.Unlock()
	if len(conns) == 0 {
		return "", errors.New("fake slack: no Socket Mode connection")
	}
	msg := map[string]any{
		"envelope_id": env.ID, "type": env.Type, "payload": env.Payload,
		"accepts_response_payload": env.Type != "events_api",
		"retry_attempt":            env.RetryAttempt, "retry_reason": env.RetryReason,
	}
	for _, c := range conns {
		if err := c.write(msg); err != nil {
			return "", err
		}
	}
	return env.ID, nil
}

// Ack returns what the app acknowledged envelope id with: its payload
// ("null" for a bare ack) and whether it acked at all.
func (s *Server) Ack(id string) (json.RawMessage, bool) {
	s.sock.mu.Lock()
	defer s.sock.mu.Unlock()
	p, ok := s.sock.acks[id]
	return p, ok
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// serveSocket speaks the Socket Mode protocol: hello, then envelopes out
// and acks ({"envelope_id", "payload"}) in.
func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("ticket") == "" {
		http.Error(w, "missing ticket", http.StatusUnauthorized)
		return
	}
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade answered already
	}
	c := &socketConn{conn: conn}
	if err := c.write(map[string]any{"type": "hello", "num_connections": 1,
		"connection_info": map[string]any{"app_id": "A05INCBOT9"}}); err != nil {
		conn.Close()
		return
	}
	s.sock.mu.Lock()
	s.sock.conns = append(s.sock.conns, c)
	s.sock.mu.Unlock()
	defer func() {
		s.sock.mu.Lock()
		for i, o := range s.sock.conns {
			if o == c {
				s.sock.conns = append(s.sock.conns[:i], s.sock.conns[i+1:]...)
				break
			}
		}
		s.sock.mu.Unlock()
		conn.Close()
	}()
	for {
		var ack struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if err := conn.ReadJSON(&ack); err != nil {
			return
		}
		if ack.Payload == nil {
			ack.Payload = json.RawMessage("null")
		}
		s.sock.mu.Lock()
		s.sock.acks[ack.EnvelopeID] = ack.Payload
		s.sock.mu.Unlock()
	}
}

// closeSockets ends every connection, so the test's client sees a close.
func (s *Server) closeSockets() {
	s.sock.mu.Lock()
	defer s.sock.mu.Unlock()
	for _, c := range s.sock.conns {
		c.conn.Close()
	}
}
