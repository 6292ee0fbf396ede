package main

import (
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"testing"
	"time"
)

// TestServerTimeoutsSet keeps serve's connection limits: without a read
// timeout, 300 connections that send a body byte by byte stayed open for
// over a minute.
func TestServerTimeoutsSet(t *testing.T) {
	t.Parallel()
	srv := newHTTPServer(http.NotFoundHandler(), serverTimeouts)
	for _, tc := range []struct {
		name    string
		got     time.Duration
		atLeast time.Duration
		atMost  time.Duration
	}{
		{"ReadHeaderTimeout", srv.ReadHeaderTimeout, time.Second, 15 * time.Second},
		{"ReadTimeout", srv.ReadTimeout, 10 * time.Second, 30 * time.Second},
		{"IdleTimeout", srv.IdleTimeout, 30 * time.Second, 2 * time.Minute},
	} {
		if tc.got < tc.atLeast || tc.got > tc.atMost {
			t.Errorf("got %s %v, want between %v and %v", tc.name, tc.got, tc.atLeast, tc.atMost)
		}
	}
}

// TestServerTimeoutsCloseSlowClients runs the server serve builds, with
// short limits, and checks that a client sending its body too slowly, or
// idling after an answer, is disconnected.
func TestServerTimeoutsCloseSlowClients(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		send string
	}{
		{"slow body", "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\npartial"},
		{"idle keep-alive", "GET /x HTTP/1.1\r\nHost: a\r\n\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
			}), httpTimeouts{header: 100 * time.Millisecond, read: 200 * time.Millisecond, idle: 200 * time.Millisecond})
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			go func() { _ = srv.Serve(ln) }()
			t.Cleanup(func() { srv.Close() })
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := io.WriteString(conn, tc.send); err != nil {
				t.Fatal(err)
			}
			// The server must close the connection well before this deadline;
			// reading what it answered, then EOF, shows it did.
			if err := conn.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
				t.Fatal(err)
			}
			_, err = io.Copy(io.Discard, conn)
			if errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatalf("connection still open after 10s, want it closed by the server's timeouts")
			}
		})
	}
}
