package probe

import (
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"
)

// TestSSRFDialerControl: the default dialer checks the address it is
// about to connect to, whoever resolved it, for untrusted checks only.
func TestSSRFDialerControl(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	p := New(Config{})
	_, err = p.cfg.Dial(withUntrusted(t.Context()), "tcp", ln.Addr().String())
	var blocked *blockedError
	if !errors.As(err, &blocked) {
		t.Errorf("untrusted: got %v, want the connection refused by the rule", err)
	}
	conn, err := p.cfg.Dial(t.Context(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("trusted: got %v, want a connection", err)
	}
	conn.Close()
}

func TestSSRFPublicAddressesAllowed(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"93.184.215.14:443", "8.8.8.8:80", "203.0.113.10:80", "[2606:4700::6810:84e5]:443", "[::ffff:93.184.215.14]:443", "[64:ff9b::5db8:d70e]:80", "100.128.0.1:80", "172.32.0.1:443"} {
		if err := checkHostPort(s); err != nil {
			t.Errorf("checkHostPort(%s): got %v, want allowed", s, err)
		}
	}
}

func FuzzCheckHostPort(f *testing.F) {
	for _, s := range []string{"127.0.0.1:80", "[::ffff:10.0.0.1]:443", "8.8.8.8:443", "[fe80::1%eth0]:80", "1.2.3.4:22", "x:80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := checkHostPort(s)
		if err != nil {
			return
		}
		host, port, _ := net.SplitHostPort(s)
		ip, perr := netip.ParseAddr(host)
		if perr != nil || (port != "80" && port != "443") {
			t.Fatalf("checkHostPort(%q): allowed, want refused", s)
		}
		ip = ip.Unmap()
		if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsMulticast() || ip.IsUnspecified() || shared.Contains(ip) || strings.Contains(host, "%") && ip.Is6() && ip.IsLinkLocalUnicast() {
			t.Fatalf("checkHostPort(%q): allowed %v, want refused", s, ip)
		}
	})
}
