package probe_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode"

	"incidentbot"
	"incidentbot/integrations/probe"
	"incidentbot/internal/golden"
)

// stepClock moves 180 ms at every reading, so latencies are the same on every run.
type stepClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(180 * time.Millisecond)
	return c.now
}

// TestProbeSentences: every kind of result reads as sentences, the finding
// first ("DNS lookup failed for shop.example.com."), never "looks DNS
// failure" nor a double full stop. The golden file holds them all.
func TestProbeSentences(t *testing.T) {
	t.Parallel()
	hang := make(chan struct{})
	t.Cleanup(func() { close(hang) })
	mux := http.NewServeMux()
	mux.Handle("/ok", handler(200, nil, "<button>Add to cart</button>"))
	mux.Handle("/blank", handler(200, nil, "<html></html>"))
	mux.Handle("/500", handler(500, nil, "Fatal error"))
	mux.Handle("/cf500", handler(500, map[string]string{"Server": "cloudflare", "CF-Ray": "8a1b"}, "oops"))
	mux.Handle("/cf522", handler(522, map[string]string{"Server": "cloudflare", "CF-Ray": "8a1b"}, "timed out"))
	mux.Handle("/503", handler(503, nil, "Service Unavailable"))
	mux.Handle("/404", handler(404, nil, "no"))
	mux.Handle("/403", handler(403, nil, "blocked"))
	mux.Handle("/302", handler(302, nil, ""))
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.Handle("/fr/", handler(200, nil, "Ajouter au panier"))
	mux.Handle("/moved", http.RedirectHandler("http://www.shop.example.com/fr/?utm=x", http.StatusMovedPermanently))
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	site := probe.ResolverFunc(func(_ context.Context, host string) ([]string, error) {
		if host == "gone.example.com" {
			return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
		}
		return []string{publicIP}, nil
	})
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr != publicIP+":80" {
			return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
		}
		return (&net.Dialer{}).DialContext(ctx, network, srv.Listener.Addr().String())
	}
	newProber := func() *probe.Prober {
		return probe.New(probe.Config{Resolver: site, Dial: dial, Timeout: 2 * time.Second, Clock: &stepClock{}})
	}
	cases := []struct {
		name   string
		target incidentbot.ProbeTarget
		p      *probe.Prober
	}{
		{"healthy", incidentbot.ProbeTarget{URL: "http://shop.example.com/ok", Expect: "Add to cart", Trusted: true}, nil},
		{"healthy after a redirect", incidentbot.ProbeTarget{URL: "http://shop.example.com/moved", Trusted: true}, nil},
		{"marker missing", incidentbot.ProbeTarget{URL: "http://shop.example.com/blank", Expect: "Add to cart", Trusted: true}, nil},
		{"application error", incidentbot.ProbeTarget{URL: "http://shop.example.com/500", Trusted: true}, nil},
		{"application error through a CDN", incidentbot.ProbeTarget{URL: "http://shop.example.com/cf500", Trusted: true}, nil},
		{"CDN error", incidentbot.ProbeTarget{URL: "http://shop.example.com/cf522", Trusted: true}, nil},
		{"proxy error", incidentbot.ProbeTarget{URL: "http://shop.example.com/503", Trusted: true}, nil},
		{"not found", incidentbot.ProbeTarget{URL: "http://shop.example.com/404", Trusted: true}, nil},
		{"refusing", incidentbot.ProbeTarget{URL: "http://shop.example.com/403", Trusted: true}, nil},
		{"broken redirect", incidentbot.ProbeTarget{URL: "http://shop.example.com/302", Trusted: true}, nil},
		{"too many redirects", incidentbot.ProbeTarget{URL: "http://shop.example.com/loop", Trusted: true}, nil},
		{"DNS failure", incidentbot.ProbeTarget{URL: "https://gone.example.com/", Trusted: true}, nil},
		{"connection refused", incidentbot.ProbeTarget{URL: "https://shop.example.com/", Trusted: true}, nil},
		{"timeout", incidentbot.ProbeTarget{URL: "http://shop.example.com/hang", Trusted: true},
			probe.New(probe.Config{Resolver: site, Dial: dial, Timeout: 100 * time.Millisecond, Clock: &stepClock{}})},
		{"bad URL", incidentbot.ProbeTarget{URL: "ftp://shop.example.com/", Trusted: true}, nil},
		{"refused typed URL", incidentbot.ProbeTarget{URL: "http://169.254.169.254/latest/meta-data/"}, nil},
		{"confirmed down", incidentbot.ProbeTarget{URL: "http://shop.example.com/503", Trusted: true},
			probe.New(probe.Config{Resolver: site, Dial: dial, Clock: &stepClock{}, After: func(time.Duration) <-chan time.Time {
				c := make(chan time.Time, 1)
				c <- time.Time{}
				return c
			}})},
	}
	var out strings.Builder
	for _, tc := range cases {
		p := tc.p
		if p == nil {
			p = newProber()
		}
		var got incidentbot.ProbeResult
		if tc.name == "confirmed down" {
			got = probe.Confirming{Prober: p, N: 3, Interval: 10 * time.Second}.Probe(t.Context(), tc.target)
		} else {
			got = p.Probe(t.Context(), tc.target)
		}
		text := got.Text()
		fmt.Fprintf(&out, "## %s (%s)\n%s\n\n", tc.name, got.Class, text)
		first := []rune(got.Summary)
		switch {
		case len(first) == 0 || !unicode.IsUpper(first[0]) && !strings.HasPrefix(got.Summary, "http"):
			t.Errorf("%s: summary %q does not start a sentence", tc.name, got.Summary)
		case !strings.HasSuffix(got.Summary, "."), !strings.HasSuffix(text, "."):
			t.Errorf("%s: %q does not end with a full stop", tc.name, text)
		case strings.Contains(text, ".."), strings.Contains(text, ". ."), strings.Contains(text, " looks "):
			t.Errorf("%s: %q has a double full stop or \"looks\"", tc.name, text)
		}
	}
	golden.Check(t, "sentences.golden", []byte(out.String()))
}
