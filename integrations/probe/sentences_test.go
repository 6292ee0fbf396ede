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
	var out, fr strings.Builder
	texts := map[string]string{} // case -> the French text
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
		texts[tc.name] = got.TextIn("fr")
		fmt.Fprintf(&fr, "## %s (%s)\n%s\n\n", tc.name, got.Class, texts[tc.name])
		if got.TextIn("en") != text || !strings.HasSuffix(texts[tc.name], ".") || strings.Contains(texts[tc.name], " :") {
			t.Errorf("%s: got %q in English and %q in French, want the same English and French sentences with a no-break space before colons", tc.name, got.TextIn("en"), texts[tc.name])
		}
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
	golden.Check(t, "sentences.fr.golden", []byte(fr.String()))
	for name, want := range map[string]string{
		"DNS failure": "La résolution DNS de gone.example.com a échoué. Le nom ne se résout pas (no such host). " +
			"Vérifiez les enregistrements DNS et que le domaine n'a pas expiré, auprès du registraire ou du fournisseur DNS.",
		"timeout": "http://shop.example.com/hang n'a pas donné de réponse complète en 100 ms. " +
			"Le serveur ou son réseau est surchargé ou en panne. Consultez la page de statut de l'hébergeur et la charge du serveur.",
		"application error through a CDN": "http://shop.example.com/cf500 a répondu HTTP 500 via Cloudflare\u00a0: c'est l'application elle-même qui échoue. " +
			"Consultez ses journaux d'erreurs et les derniers déploiements ou mises à jour d'extensions, et prévenez l'agence web.",
		"proxy error": "http://shop.example.com/503 a répondu HTTP 503\u00a0: le proxy ou l'équilibreur de charge placé devant l'application n'en a pas obtenu de réponse valable. " +
			"Vérifiez que les serveurs d'application tournent et ne sont pas surchargés, ainsi que les derniers déploiements\u00a0; un 503 peut aussi être une page de maintenance.",
		"refused typed URL": "Le bot a refusé de vérifier http://169.254.169.254/latest/meta-data/\u00a0: elle mène à une adresse lien-local (comme le service de métadonnées du cloud). " +
			"Les adresses saisies dans le chat ne sont vérifiées que si elles mènent à des adresses publiques sur les ports 80 et 443. " +
			"Un site sur un réseau privé se décrit dans le verify_site du playbook, ou l'opérateur définit PROBE_ALLOW_PRIVATE=true.",
		"healthy": "http://shop.example.com/ok a répondu HTTP 200 en 180 ms avec «\u00a0Add to cart\u00a0» sur la page. " +
			"Si quelqu'un voit toujours le site en panne, la cause est sans doute son réseau ou son navigateur\u00a0: " +
			"essayez un autre réseau (données mobiles), une fenêtre de navigation privée, ou videz le cache.",
	} {
		if got := texts[name]; got != want {
			t.Errorf("%s in French:\ngot  %q\nwant %q", name, got, want)
		}
	}
}

// TestAnswer: a stand-in prober (the demo's) says of an answer what a real
// check of the same answer says, in every language.
func TestAnswer(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.Handle("/ok", handler(200, nil, "<button>Add to cart</button>"))
	mux.Handle("/504", handler(504, nil, "Gateway Timeout"))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	p := probe.New(probe.Config{Clock: &stepClock{}})
	for _, tc := range []struct {
		path, expect, body string
		code               int
	}{
		{"/ok", "Add to cart", "Add to cart", 200},
		{"/504", "", "", 504},
	} {
		target := incidentbot.ProbeTarget{URL: srv.URL + tc.path, Expect: tc.expect, Trusted: true}
		real := p.Probe(t.Context(), target)
		got := probe.Answer(target, tc.code, tc.body, real.Latency)
		if got.Class != real.Class || got.Healthy != real.Healthy || got.Status != real.Status {
			t.Errorf("%s: got %s healthy %t %d, want %s %t %d", tc.path, got.Class, got.Healthy, got.Status, real.Class, real.Healthy, real.Status)
		}
		for _, lang := range []string{"en", "fr"} {
			if got.TextIn(lang) != real.TextIn(lang) {
				t.Errorf("%s in %s:\ngot  %q\nwant %q", tc.path, lang, got.TextIn(lang), real.TextIn(lang))
			}
		}
	}
}
