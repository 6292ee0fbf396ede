package probe_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"incidentbot"
	"incidentbot/integrations/probe"
)

// publicIP stands for the shop's public address in these tests: the
// injected dialer connects it to a local test server, so no test needs a
// network while the rule sees a public address.
const publicIP = "203.0.113.10"

// mapDial connects publicIP:port to the servers in to, and anything else
// where it says, counting what reached the real network.
type mapDial struct {
	to    map[string]string // "203.0.113.10:80" -> the test server's address
	mu    sync.Mutex
	other []string
}

func (m *mapDial) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	target, ok := m.to[addr]
	if !ok {
		m.mu.Lock()
		m.other = append(m.other, addr)
		m.mu.Unlock()
		target = addr
	}
	return (&net.Dialer{}).DialContext(ctx, network, target)
}

func (m *mapDial) unmapped() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.other...)
}

func resolveTo(ips ...string) probe.Resolver {
	return probe.ResolverFunc(func(context.Context, string) ([]string, error) { return ips, nil })
}

// TestSSRFRefusesTypedURLs: a URL typed in chat that resolves to a
// non-public address, or names a port other than 80 and 443, is refused
// before any connection, with the reason and without the address.
func TestSSRFRefusesTypedURLs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, url string
		ips       []string
		reason    string
	}{
		{"cloud metadata by name", "http://metadata.example/latest/meta-data/", []string{"169.254.169.254"}, "a link-local address"},
		{"cloud metadata literal", "http://169.254.169.254/latest/meta-data/", nil, "a link-local address"},
		{"loopback by name", "http://admin.example/", []string{"127.0.0.1"}, "a loopback address"},
		{"loopback literal", "http://127.0.0.1/", nil, "a loopback address"},
		{"IPv6 loopback", "http://[::1]/", nil, "a loopback address"},
		{"IPv4-mapped loopback", "http://mapped.example/", []string{"::ffff:127.0.0.1"}, "a loopback address"},
		{"IPv4-mapped metadata literal", "http://[::ffff:169.254.169.254]/", nil, "a link-local address"},
		{"NAT64 of loopback", "http://nat64.example/", []string{"64:ff9b::7f00:1"}, "a loopback address"},
		{"RFC 1918", "https://intranet.example/", []string{"10.1.2.3"}, "a private address"},
		{"RFC 1918 192.168", "https://router.example/", []string{"192.168.1.1"}, "a private address"},
		{"ULA", "https://ula.example/", []string{"fd12:3456::1"}, "a private address"},
		{"IPv6 link-local", "https://ll.example/", []string{"fe80::1"}, "a link-local address"},
		{"shared CGNAT", "https://cgnat.example/", []string{"100.64.0.7"}, "a shared (carrier-grade NAT) address"},
		{"multicast", "https://mc.example/", []string{"224.0.0.251"}, "a multicast address"},
		{"unspecified", "http://0.0.0.0/", nil, "an unspecified address"},
		{"this network", "http://zero.example/", []string{"0.1.2.3"}, "a reserved address"},
		{"broadcast", "http://bc.example/", []string{"255.255.255.255"}, "a reserved address"},
		{"one private among public", "https://mixed.example/", []string{publicIP, "10.0.0.1"}, "a private address"},
		{"port scan", "https://shop.example:22/", []string{publicIP}, "port 22 is not 80 or 443"},
		{"port scan on http", "http://shop.example:6379/", []string{publicIP}, "port 6379 is not 80 or 443"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var dialled atomic.Int32
			p := probe.New(probe.Config{
				Resolver: resolveTo(tc.ips...),
				Dial: func(context.Context, string, string) (net.Conn, error) {
					dialled.Add(1)
					return nil, &net.OpError{Op: "dial", Err: net.UnknownNetworkError("test")}
				},
			})
			got := p.Probe(t.Context(), incidentbot.ProbeTarget{URL: tc.url})
			if got.Class != probe.Blocked || !got.Blocked || got.Healthy {
				t.Errorf("got class %q blocked %t healthy %t (%s), want %q", got.Class, got.Blocked, got.Healthy, got.Text(), probe.Blocked)
			}
			if want := "The bot refused to check " + got.URL + ": "; !strings.HasPrefix(got.Summary, want) || !strings.Contains(got.Summary, tc.reason) {
				t.Errorf("got summary %q, want %q...%s", got.Summary, want, tc.reason)
			}
			if n := dialled.Load(); n != 0 {
				t.Errorf("got %d connection attempts, want none", n)
			}
			for _, ip := range tc.ips {
				if strings.Contains(got.Text(), ip) {
					t.Errorf("got %q, want the resolved address %s not echoed", got.Text(), ip)
				}
			}
		})
	}
}

// TestSSRFTrustedURLsAndAllowPrivate: URLs from playbooks and the
// configuration, and typed ones once PROBE_ALLOW_PRIVATE is set, reach
// private addresses and other ports (a shop on a private network).
func TestSSRFTrustedURLsAndAllowPrivate(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(handler(200, nil, "Add to cart"))
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	url := "http://intranet.example:" + port + "/"
	for _, tc := range []struct {
		name    string
		cfg     probe.Config
		trusted bool
	}{
		{"trusted", probe.Config{Resolver: localResolver}, true},
		{"PROBE_ALLOW_PRIVATE", probe.Config{Resolver: localResolver, AllowPrivate: true}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := probe.New(tc.cfg).Probe(t.Context(), incidentbot.ProbeTarget{URL: url, Expect: "Add to cart", Trusted: tc.trusted})
			if !got.Healthy || got.Blocked {
				t.Errorf("got %q blocked %t (%s), want healthy", got.Class, got.Blocked, got.Text())
			}
		})
	}
}

// TestSSRFRedirects: a typed URL at a public address that redirects into
// loopback, to another port, or to its own name now resolving to loopback
// (DNS rebinding) is refused at the redirect's connection; the target that
// would have answered is never reached, and nothing of it but its host is echoed.
func TestSSRFRedirects(t *testing.T) {
	t.Parallel()
	var inner atomic.Int32
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inner.Add(1)
		_, _ = w.Write([]byte("admin console"))
	}))
	t.Cleanup(internal.Close)
	tests := []struct {
		name     string
		location string
		resolve  func(n int32) []string // by lookup number, from 1
		reason   string
	}{
		{"into a loopback server", internal.URL + "/admin?token=s3cr3t", func(int32) []string { return []string{publicIP} }, "it redirects to port "},
		{"into loopback", "http://localhost/admin?token=s3cr3t", func(n int32) []string {
			if n == 1 {
				return []string{publicIP}
			}
			return []string{"127.0.0.1"}
		}, "it redirects to a loopback address"},
		{"into metadata", "http://169.254.169.254/latest/meta-data/iam", func(int32) []string { return []string{publicIP} }, "it redirects to a link-local address"},
		{"to another port", "http://shop.example:8080/admin?token=s3cr3t", func(int32) []string { return []string{publicIP} }, "port 8080 is not 80 or 443"},
		{"DNS rebinding", "/admin?token=s3cr3t", func(n int32) []string {
			if n == 1 {
				return []string{publicIP}
			}
			return []string{"127.0.0.1"}
		}, "it resolves to a loopback address"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			shop := httptest.NewServer(http.RedirectHandler(tc.location, http.StatusFound))
			t.Cleanup(shop.Close)
			var lookups atomic.Int32
			d := &mapDial{to: map[string]string{publicIP + ":80": shop.Listener.Addr().String()}}
			p := probe.New(probe.Config{
				Resolver: probe.ResolverFunc(func(context.Context, string) ([]string, error) {
					return tc.resolve(lookups.Add(1)), nil
				}),
				Dial: d.dial,
			})
			got := p.Probe(t.Context(), incidentbot.ProbeTarget{URL: "http://shop.example/"})
			if got.Class != probe.Blocked || !strings.Contains(got.Summary, tc.reason) {
				t.Errorf("got %q %q, want %q for %s", got.Class, got.Text(), probe.Blocked, tc.reason)
			}
			if n := inner.Load(); n != 0 {
				t.Errorf("the internal server got %d requests, want none", n)
			}
			if other := d.unmapped(); len(other) != 0 {
				t.Errorf("got connections to %q, want only the public address", other)
			}
			for _, leak := range []string{"s3cr3t", "/admin", "/latest"} {
				if strings.Contains(got.Text(), leak) {
					t.Errorf("got %q, want the redirect target's %q not echoed", got.Text(), leak)
				}
			}
		})
	}
}

// TestSSRFRedirectEchoesHostOnly: a redirect to another host is named by
// its host alone, never its path or query.
func TestSSRFRedirectEchoesHostOnly(t *testing.T) {
	t.Parallel()
	www := httptest.NewServer(handler(200, nil, "Ajouter au panier"))
	t.Cleanup(www.Close)
	shop := httptest.NewServer(http.RedirectHandler("http://www.shop.example/fr/?session=abc123", http.StatusMovedPermanently))
	t.Cleanup(shop.Close)
	const wwwIP = "203.0.113.11"
	d := &mapDial{to: map[string]string{publicIP + ":80": shop.Listener.Addr().String(), wwwIP + ":80": www.Listener.Addr().String()}}
	p := probe.New(probe.Config{
		Resolver: probe.ResolverFunc(func(_ context.Context, host string) ([]string, error) {
			if host == "www.shop.example" {
				return []string{wwwIP}, nil
			}
			return []string{publicIP}, nil
		}),
		Dial: d.dial,
	})
	for _, trusted := range []bool{false, true} {
		got := p.Probe(t.Context(), incidentbot.ProbeTarget{URL: "http://shop.example/", Expect: "panier", Trusted: trusted})
		if !got.Healthy || !strings.Contains(got.Text(), "redirected to www.shop.example.") {
			t.Errorf("trusted %t: got %q %q, want healthy, redirected to www.shop.example", trusted, got.Class, got.Text())
		}
		if strings.Contains(got.Text(), "abc123") || strings.Contains(got.Text(), "/fr/") {
			t.Errorf("trusted %t: got %q, want only the host of the redirect", trusted, got.Text())
		}
	}
}
