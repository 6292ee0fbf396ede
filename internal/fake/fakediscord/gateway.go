package fakediscord

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// GatewayRoute names the gateway websocket upgrade for the knobs
// (SetLatency, FailNext, Calls). The websocket is served at "/", the URL
// GET /gateway gives, as Discord serves it at wss://gateway.discord.gg/.
const GatewayRoute = "GET / (gateway websocket)"

// Gateway opcodes (opcodes-and-status-codes.mdx).
const (
	opDispatch       = 0
	opHeartbeat      = 1
	opIdentify       = 2
	opResume         = 6
	opInvalidSession = 9
	opHello          = 10
	opHeartbeatACK   = 11
)

// Gateway close codes the fake sends.
const (
	closeUnknownOpcode    = 4001
	closeDecodeError      = 4002
	closeNotAuthenticated = 4003
	closeAuthFailed       = 4004
	closeAlreadyAuthed    = 4005
)

// heartbeatInterval is what Discord announces in HELLO, in milliseconds.
const heartbeatInterval = 41250

var upgrader = websocket.Upgrader{}

// gateway is the fake's websocket side: connections and the sessions
// they identified or resumed, with the dispatches each was sent so that a
// RESUME replays what the client missed.
type gateway struct {
	mu       sync.Mutex
	conns    map[*gatewayConn]bool
	sessions map[string]*gatewaySession
	seq      int
	beats    int // heartbeats received
	closed   bool
	wg       sync.WaitGroup // connection handlers, which httptest forgets once hijacked
}

type gatewaySession struct {
	id     string
	seq    int64
	sent   [][]byte // dispatch payloads, in order; sent[n-1] has s = n
	conn   *gatewayConn
	resume int // times resumed
}

type gatewayConn struct {
	ws *websocket.Conn

	wmu      sync.Mutex // one writer at a time, as gorilla/websocket requires
	compress bool
}

type frame struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
}

// write sends one payload, zlib-compressed in a binary message once the
// client asked for compression in IDENTIFY, as Discord does.
func (c *gatewayConn) write(payload []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if !c.compress {
		return c.ws.WriteMessage(websocket.TextMessage, payload)
	}
	var buf bytes.Buffer
	z := zlib.NewWriter(&buf)
	if _, err := z.Write(payload); err != nil {
		return err
	}
	if err := z.Close(); err != nil {
		return err
	}
	return c.ws.WriteMessage(websocket.BinaryMessage, buf.Bytes())
}

// close ends the connection with a gateway close code.
func (c *gatewayConn) close(code int, reason string) {
	deadline := time.Now().Add(time.Second)
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), deadline)
	_ = c.ws.Close()
}

func encodeFrame(op int, d any, s int64, t string) []byte {
	f := map[string]any{"op": op, "d": d, "s": nil, "t": nil}
	if op == opDispatch {
		f["s"], f["t"] = s, t
	}
	b, err := json.Marshal(f)
	if err != nil {
		panic(fmt.Sprintf("fake discord: encode gateway %s: %v", t, err)) // the fake's own payloads always encode
	}
	return b
}

// gatewayURL is the websocket address GET /gateway answers.
func (s *Server) gatewayURL() string {
	return "ws" + strings.TrimPrefix(s.http.URL(), "http")
}

// getGateway is GET /gateway: the websocket URL, no token needed.
func (s *Server) getGateway(_ *http.Request, _ []byte) (int, any, *apiError) {
	return http.StatusOK, map[string]any{"url": s.gatewayURL()}, nil
}

// getGatewayBot is GET /gateway/bot: the URL with sharding advice.
func (s *Server) getGatewayBot(_ *http.Request, _ []byte) (int, any, *apiError) {
	return http.StatusOK, map[string]any{
		"url": s.gatewayURL(), "shards": 1,
		"session_start_limit": map[string]any{"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1},
	}, nil
}

// serveGateway upgrades to a websocket and speaks the gateway protocol
// until the client or the test ends it.
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	if !s.http.Admit(r, GatewayRoute) || s.http.Injected(w, r, GatewayRoute) {
		return
	}
	if q := r.URL.Query(); q.Get("encoding") != "" && q.Get("encoding") != "json" || q.Get("compress") != "" {
		// The fake speaks JSON with payload compression, all discordgo asks for.
		writeError(w, errorf(http.StatusBadRequest, 0, "unsupported encoding or transport compression"))
		return
	}
	s.gw.mu.Lock()
	if s.gw.closed {
		s.gw.mu.Unlock()
		writeError(w, errorf(http.StatusServiceUnavailable, 0, "gateway closed"))
		return
	}
	s.gw.wg.Add(1)
	s.gw.mu.Unlock()
	defer s.gw.wg.Done()

	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader answered the client
	}
	c := &gatewayConn{ws: ws}
	s.gw.mu.Lock()
	if s.gw.closed {
		s.gw.mu.Unlock()
		c.close(websocket.CloseGoingAway, "")
		return
	}
	s.gw.conns[c] = false
	s.gw.mu.Unlock()
	defer s.dropConn(c)

	if c.write(encodeFrame(opHello, map[string]any{"heartbeat_interval": heartbeatInterval}, 0, "")) != nil {
		return
	}
	for {
		_, msg, err := ws.ReadMessage()
		if websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway) {
			s.endSession(c) // Discord invalidates a session its client closes with 1000 or 1001
		}
		if err != nil {
			return // closed by the client, the test, or the network
		}
		if code, reason := s.gatewayFrame(c, msg); code != 0 {
			c.close(code, reason)
			return
		}
	}
}

// gatewayFrame handles one client payload; a non-zero code closes the
// connection with it.
func (s *Server) gatewayFrame(c *gatewayConn, msg []byte) (int, string) {
	var f frame
	if err := json.Unmarshal(msg, &f); err != nil {
		return closeDecodeError, "Error while decoding payload."
	}
	s.gw.mu.Lock()
	authed := s.gw.conns[c]
	s.gw.mu.Unlock()
	switch f.Op {
	case opHeartbeat:
		s.gw.mu.Lock()
		s.gw.beats++
		s.gw.mu.Unlock()
		if c.write(encodeFrame(opHeartbeatACK, nil, 0, "")) != nil {
			return websocket.CloseAbnormalClosure, ""
		}
		return 0, ""
	case opIdentify, opResume:
		if authed {
			return closeAlreadyAuthed, "Already authenticated."
		}
	default:
		if !authed {
			return closeNotAuthenticated, "Not authenticated."
		}
		return closeUnknownOpcode, "Unknown opcode."
	}
	var d struct {
		Token     string `json:"token"`
		Compress  bool   `json:"compress"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	if err := json.Unmarshal(f.D, &d); err != nil {
		return closeDecodeError, "Error while decoding payload."
	}
	// discordgo sends the session's "Bot <token>"; Discord takes either form.
	if strings.TrimPrefix(d.Token, "Bot ") != s.token {
		return closeAuthFailed, "Authentication failed."
	}
	if f.Op == opIdentify {
		s.identify(c, d.Compress)
		return 0, ""
	}
	s.resume(c, d.SessionID, d.Seq)
	return 0, ""
}

// identify starts a new session on c and sends READY.
func (s *Server) identify(c *gatewayConn, compress bool) {
	c.wmu.Lock()
	c.compress = compress
	c.wmu.Unlock()
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	s.gw.seq++
	sess := &gatewaySession{id: "fake-session-" + strconv.Itoa(s.gw.seq), conn: c}
	s.gw.sessions[sess.id] = sess
	s.gw.conns[c] = true
	ready := map[string]any{
		"v":                  10,
		"user":               botUser,
		"guilds":             []map[string]any{{"id": GuildID, "unavailable": true}},
		"session_id":         sess.id,
		"resume_gateway_url": s.gatewayURL(),
		"shard":              []int{0, 1},
		"application":        map[string]any{"id": AppID, "flags": 0},
	}
	s.send(sess, "READY", ready)
}

// resume continues a session on c: the dispatches after seq, then
// RESUMED; an unknown session gets INVALID_SESSION (not resumable), after
// which the client identifies again.
func (s *Server) resume(c *gatewayConn, id string, seq int64) {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	sess := s.gw.sessions[id]
	if sess == nil || seq > sess.seq || seq < 0 {
		_ = c.write(encodeFrame(opInvalidSession, false, 0, ""))
		return
	}
	if sess.conn != nil && sess.conn != c {
		sess.conn.close(websocket.CloseGoingAway, "") // the session moved on
	}
	sess.conn = c
	sess.resume++
	s.gw.conns[c] = true
	for _, p := range sess.sent[seq:] {
		if c.write(p) != nil {
			s.detach(c)
			return
		}
	}
	s.send(sess, "RESUMED", map[string]any{})
}

// send numbers a dispatch in its session, keeps it for a RESUME and
// writes it to the session's connection; a connection that fails the
// write is dropped, leaving the session to be resumed. Called with
// s.gw.mu held.
func (s *Server) send(sess *gatewaySession, t string, data any) {
	sess.seq++
	p := encodeFrame(opDispatch, data, sess.seq, t)
	sess.sent = append(sess.sent, p)
	if sess.conn == nil {
		return
	}
	if sess.conn.write(p) != nil {
		s.detach(sess.conn)
	}
}

// detach takes c off its sessions and ends it; its handler forgets it.
// Called with s.gw.mu held.
func (s *Server) detach(c *gatewayConn) {
	for _, sess := range s.gw.sessions {
		if sess.conn == c {
			sess.conn = nil
		}
	}
	if _, ok := s.gw.conns[c]; ok {
		s.gw.conns[c] = false
	}
	_ = c.ws.Close()
}

// endSession forgets the session on c: it can no longer be resumed.
func (s *Server) endSession(c *gatewayConn) {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	for id, sess := range s.gw.sessions {
		if sess.conn == c {
			delete(s.gw.sessions, id)
		}
	}
}

// dropConn forgets a connection that ended; its session stays resumable.
func (s *Server) dropConn(c *gatewayConn) {
	_ = c.ws.Close()
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	delete(s.gw.conns, c)
	for _, sess := range s.gw.sessions {
		if sess.conn == c {
			sess.conn = nil
		}
	}
}

// closeGateway ends every connection and waits for their handlers, before
// the HTTP server closes: httptest does not wait for hijacked connections.
func (s *Server) closeGateway() {
	s.gw.mu.Lock()
	s.gw.closed = true
	conns := make([]*gatewayConn, 0, len(s.gw.conns))
	for c := range s.gw.conns {
		conns = append(conns, c)
	}
	s.gw.mu.Unlock()
	for _, c := range conns {
		c.close(websocket.CloseGoingAway, "")
	}
	s.gw.wg.Wait()
}

// Dispatch sends a gateway event (op 0) to every session, as Discord
// does: numbered in the session, written to its connection, kept for a
// RESUME (a dropped connection gets it on resuming). An INTERACTION_CREATE
// also tells the fake about the interaction, as AddInteraction does, unless
// it knows it already (a redelivery keeps its deadline and answer). It
// fails when no session is open.
func (s *Server) Dispatch(t string, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("fake discord: encode %s: %w", t, err)
	}
	if t == "INTERACTION_CREATE" {
		if err := s.register(raw); err != nil {
			return err
		}
	}
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	if len(s.gw.sessions) == 0 {
		return fmt.Errorf("fake discord: no gateway session to dispatch %s to", t)
	}
	for _, sess := range s.gw.sessions {
		s.send(sess, t, json.RawMessage(raw))
	}
	return nil
}

// register records a dispatched interaction the fake does not know yet.
func (s *Server) register(raw []byte) error {
	var in struct {
		ID        string `json:"id"`
		Token     string `json:"token"`
		ChannelID string `json:"channel_id"`
		Message   *struct {
			ID string `json:"id"`
		} `json:"message"`
	}
	if err := json.Unmarshal(raw, &in); err != nil || in.ID == "" || in.Token == "" {
		return errors.New("fake discord: INTERACTION_CREATE needs an id and a token")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.interactions[in.ID] == nil {
		it := Interaction{ID: in.ID, Token: in.Token, ChannelID: in.ChannelID}
		if in.Message != nil {
			it.MessageID = in.Message.ID
		}
		s.interactions[in.ID] = &interaction{Interaction: it, created: s.now()}
	}
	return nil
}

// GatewayConnections counts the open gateway connections that identified
// or resumed.
func (s *Server) GatewayConnections() int {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	n := 0
	for _, authed := range s.gw.conns {
		if authed {
			n++
		}
	}
	return n
}

// GatewayHeartbeats counts the heartbeats received on every connection.
func (s *Server) GatewayHeartbeats() int {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return s.gw.beats
}

// GatewayResumes counts the sessions resumed on a new connection.
func (s *Server) GatewayResumes() int {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	n := 0
	for _, sess := range s.gw.sessions {
		n += sess.resume
	}
	return n
}

// DropGatewayConnections ends every gateway connection without a close
// frame, as a network failure does; the sessions stay resumable.
func (s *Server) DropGatewayConnections() {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	for c := range s.gw.conns {
		s.detach(c)
	}
}
