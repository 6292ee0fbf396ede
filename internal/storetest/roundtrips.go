package storetest

import (
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"

	"incidentbot/store"
)

// RoundTrips counts the round trips between a store and its Postgres
// server: every time the client speaks again after the server answered.
// Preparing a named statement, which a connection does once a statement,
// is counted apart, so that Count is what every call pays.
type RoundTrips struct {
	n, prepares atomic.Int64
}

// Count returns the round trips so far, preparations left out.
func (r *RoundTrips) Count() int64 { return r.n.Load() }

// Prepares returns the round trips that prepared a named statement.
func (r *RoundTrips) Prepares() int64 { return r.prepares.Load() }

// PostgresRoundTrips returns a migrated store on a database of its own,
// reached through a TCP relay that counts round trips. params are added to
// the DSN (e.g. "binary_parameters=no"). It skips without TEST_DATABASE_URL.
func PostgresRoundTrips(tb testing.TB, params string) (*store.DB, *RoundTrips) {
	tb.Helper()
	u, err := url.Parse(PostgresDSN(tb))
	if err != nil {
		tb.Fatal(err)
	}
	target := u.Host
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	rt := &RoundTrips{}
	var wg sync.WaitGroup
	tb.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { relay(client, target, rt) })
		}
	})
	u.Host = ln.Addr().String()
	if params != "" {
		q := u.Query()
		extra, err := url.ParseQuery(params)
		if err != nil {
			tb.Fatal(err)
		}
		for k, v := range extra {
			q[k] = v
		}
		u.RawQuery = q.Encode()
	}
	db := open(tb, u.String())
	return db, rt
}

// relay copies both ways between client and the server at target; a
// client message after a server answer starts a new round trip.
func relay(client net.Conn, target string, rt *RoundTrips) {
	defer client.Close()
	server, err := net.Dial("tcp", target)
	if err != nil {
		return
	}
	defer server.Close()
	var answered atomic.Bool
	answered.Store(true)
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 32<<10)
		for {
			n, err := server.Read(buf)
			if n > 0 {
				answered.Store(true)
				if _, werr := client.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				client.Close()
				return
			}
		}
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := client.Read(buf)
		if n > 0 {
			if answered.Swap(false) {
				// A Parse message ('P', its length, then the statement's
				// name) with a name prepares; lib/pq sends its unnamed
				// statements' Parse with their execution.
				if n > 5 && buf[0] == 'P' && buf[5] != 0 {
					rt.prepares.Add(1)
				} else {
					rt.n.Add(1)
				}
			}
			if _, werr := server.Write(buf[:n]); werr != nil {
				break
			}
		}
		if err != nil {
			break // EOF or closed: the relay ends
		}
	}
	server.Close()
	<-done
}
