// Package fakesmtp is a minimal ESMTP server (RFC 5321) on a loopback listener
// for tests and the demo. It records every accepted message, offers
// STARTTLS and AUTH PLAIN when asked to, and can refuse the next commands
// with a given reply, as a real relay refuses a full mailbox or greylists.
package fakesmtp

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"math/big"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// Message is one accepted mail.
type Message struct {
	From string
	To   []string
	Data string // headers and body as received, CRLF line ends, dot-stuffing undone
	TLS  bool   // sent after STARTTLS
	User string // AUTH PLAIN identity, "" without AUTH
}

// Option configures a Server.
type Option func(*Server)

// WithSTARTTLS offers STARTTLS with a self-signed certificate for
// 127.0.0.1 and localhost; RootCAs trusts it.
func WithSTARTTLS() Option { return func(s *Server) { s.tlsOn = true } }

// WithAuth requires AUTH PLAIN with this user and password before MAIL.
func WithAuth(user, password string) Option {
	return func(s *Server) { s.user, s.password = user, password }
}

// Server is a fake SMTP relay. It is safe for concurrent use.
type Server struct {
	l        net.Listener
	tlsOn    bool
	tlsCfg   *tls.Config
	roots    *x509.CertPool
	user     string
	password string
	wg       sync.WaitGroup

	mu       sync.Mutex
	messages []Message
	failures []string // replies for the next MAIL, RCPT or DATA commands, in order
	conns    map[net.Conn]bool
}

// New starts a fake closed when the test ends.
func New(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := &Server{conns: map[net.Conn]bool{}}
	for _, o := range opts {
		o(s)
	}
	if s.tlsOn {
		cert, roots, err := selfSigned()
		if err != nil {
			tb.Fatalf("fake smtp certificate: %v", err)
		}
		s.tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}}
		s.roots = roots
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("fake smtp listen: %v", err)
	}
	s.l = l
	s.wg.Add(1)
	go s.accept()
	tb.Cleanup(s.close)
	return s
}

// Addr is host:port to send to (NOTIFY_SMTP_ADDR).
func (s *Server) Addr() string { return s.l.Addr().String() }

// RootCAs trusts the STARTTLS certificate; nil without WithSTARTTLS.
func (s *Server) RootCAs() *x509.CertPool { return s.roots }

// Messages returns the accepted messages in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Fail makes the next MAIL, RCPT or DATA commands answer these replies in
// order, e.g. "451 4.7.1 Greylisted, try again later" or "550 5.1.1 No such user";
// an empty reply lets its command through.
func (s *Server) Fail(replies ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, replies...)
}

func (s *Server) close() {
	s.l.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.l.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns[c] = true
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer func() {
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
				c.Close()
			}()
			s.serve(c)
		}()
	}
}

// failure pops the next injected reply, "" when none.
func (s *Server) failure() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.failures) == 0 {
		return ""
	}
	r := s.failures[0]
	s.failures = s.failures[1:]
	return r
}

// session is the state of one connection.
type session struct {
	tp     *textproto.Conn
	tls    bool
	authed string
	from   string
	to     []string
	inMail bool
}

func (s *Server) serve(c net.Conn) {
	_ = c.SetDeadline(time.Now().Add(time.Minute))
	ss := &session{tp: textproto.NewConn(c)}
	ss.reply("220 fake.smtp.test ESMTP ready")
	for {
		line, err := ss.tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			lines := []string{"fake.smtp.test greets " + arg, "8BITMIME", "SIZE 10485760"}
			if s.tlsOn && !ss.tls {
				lines = append(lines, "STARTTLS")
			}
			if s.user != "" {
				lines = append(lines, "AUTH PLAIN")
			}
			for i, l := range lines {
				sep := "-"
				if i == len(lines)-1 {
					sep = " "
				}
				ss.reply("250" + sep + l)
			}
		case "HELO":
			ss.reply("250 fake.smtp.test")
		case "STARTTLS":
			if !s.tlsOn || ss.tls {
				ss.reply("502 5.5.1 STARTTLS not available")
				continue
			}
			ss.reply("220 2.0.0 Ready to start TLS")
			tc := tls.Server(c, s.tlsCfg)
			if err := tc.Handshake(); err != nil {
				return
			}
			c = tc
			*ss = session{tp: textproto.NewConn(tc), tls: true}
		case "AUTH":
			ss.auth(s, arg)
		case "MAIL":
			switch {
			case s.user != "" && ss.authed == "":
				ss.reply("530 5.7.0 Authentication required")
			case !strings.HasPrefix(strings.ToUpper(arg), "FROM:"):
				ss.reply("501 5.5.4 Syntax: MAIL FROM:<address>")
			default:
				if f := s.failure(); f != "" {
					ss.reply(f)
					continue
				}
				ss.from, ss.to, ss.inMail = address(arg[5:]), nil, true
				ss.reply("250 2.1.0 OK")
			}
		case "RCPT":
			switch {
			case !ss.inMail:
				ss.reply("503 5.5.1 MAIL first")
			case !strings.HasPrefix(strings.ToUpper(arg), "TO:"):
				ss.reply("501 5.5.4 Syntax: RCPT TO:<address>")
			default:
				if f := s.failure(); f != "" {
					ss.reply(f)
					continue
				}
				ss.to = append(ss.to, address(arg[3:]))
				ss.reply("250 2.1.5 OK")
			}
		case "DATA":
			if len(ss.to) == 0 {
				ss.reply("503 5.5.1 RCPT first")
				continue
			}
			ss.reply("354 End data with <CR><LF>.<CR><LF>")
			lines, err := ss.tp.ReadDotLines()
			if err != nil {
				return
			}
			if f := s.failure(); f != "" {
				ss.reply(f)
				continue
			}
			s.mu.Lock()
			s.messages = append(s.messages, Message{From: ss.from, To: ss.to, Data: strings.Join(lines, "\r\n") + "\r\n", TLS: ss.tls, User: ss.authed})
			s.mu.Unlock()
			ss.from, ss.to, ss.inMail = "", nil, false
			ss.reply("250 2.0.0 OK queued")
		case "RSET":
			ss.from, ss.to, ss.inMail = "", nil, false
			ss.reply("250 2.0.0 OK")
		case "NOOP":
			ss.reply("250 2.0.0 OK")
		case "QUIT":
			ss.reply("221 2.0.0 Bye")
			return
		default:
			ss.reply("500 5.5.2 Command not recognized")
		}
	}
}

func (ss *session) reply(line string) { _ = ss.tp.PrintfLine("%s", line) }

// auth handles "AUTH PLAIN <base64>" and "AUTH PLAIN" followed by a continuation.
func (ss *session) auth(s *Server, arg string) {
	mech, resp, _ := strings.Cut(arg, " ")
	if s.user == "" || !strings.EqualFold(mech, "PLAIN") {
		ss.reply("504 5.5.4 Unrecognized authentication type")
		return
	}
	if resp == "" {
		ss.reply("334 ")
		line, err := ss.tp.ReadLine()
		if err != nil {
			return
		}
		resp = line
	}
	raw, err := base64.StdEncoding.DecodeString(resp)
	parts := strings.Split(string(raw), "\x00")
	if err != nil || len(parts) != 3 || parts[1] != s.user || parts[2] != s.password {
		ss.reply("535 5.7.8 Authentication credentials invalid")
		return
	}
	ss.authed = parts[1]
	ss.reply("235 2.7.0 Authentication successful")
}

// address takes the mailbox out of "<a@b> SIZE=12".
func address(arg string) string {
	arg = strings.TrimSpace(arg)
	if i := strings.IndexByte(arg, '>'); strings.HasPrefix(arg, "<") && i > 0 {
		return arg[1:i]
	}
	a, _, _ := strings.Cut(arg, " ")
	return a
}

func selfSigned() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "fake.smtp.test"},
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("create certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("parse certificate: %w", err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, roots, nil
}
