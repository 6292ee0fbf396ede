package incidentbot_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"syscall"
	"testing"
	"time"

	"incidentbot"
)

// TestTransientNetErrors classifies real failures of an HTTP client, as
// the adapters meet them, and errors that are not the network's: whether
// they pass, and whether the request may still have been carried out.
func TestTransientNetErrors(t *testing.T) {
	t.Parallel()
	closed := func() string { // an address nobody listens on: connection refused
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ln.Close()
		return "http://" + ln.Addr().String()
	}()
	hangup := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close() // closed before any answer: EOF or reset
	}))
	defer hangup.Close()
	untrusted := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer untrusted.Close()
	untrusted.Config.ErrorLog = log.New(io.Discard, "", 0) // the failed handshake is the point
	drop, err := net.Listen("tcp", "127.0.0.1:0")          // accepts, then hangs up during the TLS handshake
	if err != nil {
		t.Fatal(err)
	}
	defer drop.Close()
	go func() {
		for {
			conn, err := drop.Accept()
			if err != nil {
				return
			}
			conn.Close()
		}
	}()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer slow.Close()
	get := func(client *http.Client, url string) error {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	tests := []struct {
		name  string
		err   error
		want  bool // IsTransientNetError
		taken bool // MayHaveTakenEffect: the request may have been carried out
	}{
		{"connection refused", get(http.DefaultClient, closed), true, false},
		{"closed before answering", get(http.DefaultClient, hangup.URL), true, true},
		{"TLS certificate not trusted", get(http.DefaultClient, untrusted.URL), true, false},
		{"hung up during the TLS handshake", get(http.DefaultClient, "https://"+drop.Addr().String()), true, true},
		{"timeout", get(&http.Client{Timeout: 50 * time.Millisecond}, slow.URL), true, true},
		{"DNS lookup failed", &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "slack.invalid", IsNotFound: true}}, true, false},
		{"connection reset", fmt.Errorf("post: %w", &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}), true, true},
		{"TLS alert", fmt.Errorf("x: %w", tls.AlertError(40)), true, false},
		{"deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), true, true},
		{"dial timeout", &net.OpError{Op: "dial", Net: "tcp", Err: context.DeadlineExceeded}, true, false},
		{"already EUNAVAILABLE around a refusal", incidentbot.WrapError(incidentbot.EUNAVAILABLE, get(http.DefaultClient, closed), "x"), true, false},
		{"EUNAVAILABLE around a lost answer", incidentbot.WrapError(incidentbot.EUNAVAILABLE, get(&http.Client{Timeout: 50 * time.Millisecond}, slow.URL), "x"), true, true},
		{"nil", nil, false, false},
		{"cancelled", context.Canceled, false, true},
		{"an API refusal", incidentbot.Errorf(incidentbot.EFORBIDDEN, "missing_scope"), false, false},
		{"throttled", incidentbot.Errorf(incidentbot.EUNAVAILABLE, "rate limited"), false, false},
		{"plain error", errors.New("invalid_auth"), false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.want && tc.err == nil {
				t.Fatal("the setup produced no error")
			}
			if got := incidentbot.IsTransientNetError(tc.err); got != tc.want {
				t.Errorf("IsTransientNetError(%v): got %v, want %v", tc.err, got, tc.want)
			}
			mapped := incidentbot.NetError("Slack", tc.err)
			if tc.want && (mapped == nil || incidentbot.ErrorCode(mapped) != incidentbot.EUNAVAILABLE || !errors.Is(mapped, tc.err)) {
				t.Errorf("NetError: got %v, want EUNAVAILABLE wrapping the cause", mapped)
			}
			if !tc.want && mapped != nil {
				t.Errorf("NetError: got %v, want nil", mapped)
			}
			if got := incidentbot.MayHaveTakenEffect(tc.err); got != tc.taken {
				t.Errorf("MayHaveTakenEffect(%v): got %v, want %v", tc.err, got, tc.taken)
			}
		})
	}
}
