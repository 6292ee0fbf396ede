// Package probe answers the first question when a shop seems down: is it the
// site, or the network or browser of the person who noticed? It checks a URL
// from outside (DNS, TCP, TLS, HTTP status, an expected text marker) and says
// what it found in plain words, with what to try next.
package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"incidentbot"
)

// Classes of result, in plain words.
const (
	Healthy          = "healthy"
	DNSFailure       = "DNS failure"
	Refused          = "connection refused"
	Unreachable      = "unreachable"
	Timeout          = "timeout"
	CertExpired      = "certificate expired"
	CertInvalid      = "certificate invalid"
	AppError         = "5xx from the application"
	ProxyError       = "502/503/504 from a proxy or load balancer"
	CDNError         = "CDN error"
	MarkerMissing    = "page served but marker missing (broken page)"
	NotFound         = "page not found"
	Refusing         = "access refused"
	TooManyRedirects = "too many redirects"
	BrokenRedirect   = "broken redirect"
	BadURL           = "invalid URL"
	Blocked          = "not checked: address not allowed"
)

// Defaults for a zero Config.
const (
	DefaultTimeout       = 10 * time.Second
	DefaultExpiryWarning = 14 * 24 * time.Hour
	maxRedirects         = 5
	maxBody              = 2 << 20 // the marker must be in the first 2 MiB
)

// Resolver looks up the addresses of a host; *net.Resolver is one.
type Resolver interface {
	LookupHost(ctx context.Context, host string) ([]string, error)
}

// ResolverFunc adapts a function to Resolver.
type ResolverFunc func(ctx context.Context, host string) ([]string, error)

func (f ResolverFunc) LookupHost(ctx context.Context, host string) ([]string, error) {
	return f(ctx, host)
}

// Config tunes a Prober; every field is optional.
type Config struct {
	Timeout       time.Duration // whole check, redirects included
	ExpiryWarning time.Duration // a certificate expiring sooner gets a note
	Resolver      Resolver
	// Dial connects to an address the Resolver gave; the default one
	// refuses, at connect time, what the rule for untrusted URLs refuses.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// AllowPrivate lifts the rule for untrusted URLs (PROBE_ALLOW_PRIVATE):
	// they may then reach any address and port, as trusted ones do.
	AllowPrivate bool
	TLSConfig    *tls.Config
	Clock        incidentbot.Clock
	// After waits between confirmation checks; tests make it immediate.
	After func(d time.Duration) <-chan time.Time
}

// Prober checks sites from outside. It is safe for concurrent use.
type Prober struct {
	cfg    Config
	client *http.Client
}

var _ incidentbot.Prober = (*Prober)(nil)

// New returns a Prober; zero fields of cfg take the defaults.
func New(cfg Config) *Prober {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.ExpiryWarning <= 0 {
		cfg.ExpiryWarning = DefaultExpiryWarning
	}
	if cfg.Resolver == nil {
		cfg.Resolver = net.DefaultResolver
	}
	if cfg.Dial == nil {
		cfg.Dial = (&net.Dialer{ControlContext: controlDial}).DialContext
	}
	if cfg.Clock == nil {
		cfg.Clock = incidentbot.SystemClock{}
	}
	if cfg.After == nil {
		cfg.After = time.After
	}
	p := &Prober{cfg: cfg}
	tr := &http.Transport{
		DialContext:         p.dial,
		TLSClientConfig:     cfg.TLSConfig,
		TLSHandshakeTimeout: cfg.Timeout,
		DisableKeepAlives:   true, // every check starts from DNS, as a visitor's browser would
	}
	p.client = &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > maxRedirects {
				return errTooManyRedirects
			}
			return nil
		},
	}
	return p
}

var errTooManyRedirects = errors.New("too many redirects")

// dnsError marks a failed lookup so classify tells it from a refused connection.
type dnsError struct {
	host string
	err  error
}

func (e *dnsError) Error() string { return fmt.Sprintf("lookup %s: %v", e.host, e.err) }
func (e *dnsError) Unwrap() error { return e.err }

// dial resolves with the configured resolver, then connects to each address
// in turn, so both steps can be injected and told apart. For an untrusted
// URL it refuses the port, then every address the name resolves to, before
// connecting to any (the dialer checks the address again as it connects).
func (p *Prober) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if untrusted(ctx) {
		if err := checkPort(port); err != nil {
			return nil, blockedHost(err, host)
		}
	}
	ips := []string{host}
	if net.ParseIP(host) == nil {
		ips, err = p.cfg.Resolver.LookupHost(ctx, host)
		if err == nil && len(ips) == 0 {
			err = errors.New("no addresses")
		}
		if err != nil {
			return nil, &dnsError{host: host, err: err}
		}
	}
	if untrusted(ctx) {
		for _, ip := range ips {
			if err := checkHostPort(net.JoinHostPort(ip, port)); err != nil {
				return nil, blockedHost(err, host)
			}
		}
	}
	var errs []error
	for _, ip := range ips {
		conn, err := p.cfg.Dial(ctx, network, net.JoinHostPort(ip, port))
		if err == nil {
			return conn, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return nil, errors.Join(errs...)
}

// Probe checks t.URL once; t.Expect, when set, must appear in the page.
func (p *Prober) Probe(ctx context.Context, t incidentbot.ProbeTarget) incidentbot.ProbeResult {
	res := incidentbot.ProbeResult{URL: t.URL}
	u, err := parseURL(t.URL)
	if err != nil {
		return badURL(res, err)
	}
	res.URL = u.String()
	if !t.Trusted && !p.cfg.AllowPrivate {
		ctx = withUntrusted(ctx)
	}
	ctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, res.URL, nil)
	if err != nil {
		return badURL(res, err)
	}
	req.Header.Set("User-Agent", "incidentbot-probe/1 (+outside-in check)")
	req.Header.Set("Cache-Control", "no-cache")
	start := p.cfg.Clock.Now()
	resp, err := p.client.Do(req)
	if err != nil {
		res.Latency = p.cfg.Clock.Now().Sub(start)
		res.Class, res.Summary, res.Detail = p.classifyError(err, u)
		res.Blocked = res.Class == Blocked
		return res
	}
	defer resp.Body.Close()
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	res.Latency = p.cfg.Clock.Now().Sub(start)
	res.Status = resp.StatusCode
	res.Class, res.Summary, res.Detail = classifyResponse(resp, body, u, t.Expect, res.Latency)
	if readErr != nil && res.Class == Healthy {
		res.Class, res.Summary, res.Detail = p.classifyError(readErr, u)
	}
	res.Healthy = res.Class == Healthy
	if note := p.expiryNote(resp.TLS); note != "" {
		res.Detail += " " + note
	}
	// The host only: a redirect's path and query may hold what the site
	// did not mean to show, and it says enough about where the site went.
	if resp.Request != nil && resp.Request.URL.Host != u.Host {
		res.Detail += fmt.Sprintf(" The check was redirected to %s.", resp.Request.URL.Hostname())
	}
	return res
}

func badURL(res incidentbot.ProbeResult, err error) incidentbot.ProbeResult {
	res.Class = BadURL
	res.Summary = fmt.Sprintf("The bot cannot check this address: %v.", err)
	res.Detail = "Give a full address such as https://shop.example.com/."
	return res
}

// parseURL accepts "shop.example.com" as https://shop.example.com/.
func parseURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, errors.New("no URL to check")
	}
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%q is not a URL", raw)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%q is not an http or https URL", raw)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("%q has no host name", raw)
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return u, nil
}

// classifyError says what a failed check found (one sentence) and what it
// means (detail).
func (p *Prober) classifyError(err error, u *url.URL) (class, summary, detail string) {
	var (
		blocked *blockedError
		dns     *dnsError
		cert    *tls.CertificateVerificationError
		inv     x509.CertificateInvalidError
		unk     x509.UnknownAuthorityError
		name    x509.HostnameError
		ne      net.Error
	)
	host := u.Hostname()
	switch {
	case errors.As(err, &blocked):
		return Blocked, fmt.Sprintf("The bot refused to check %s: %s.", u, blocked.reason(host)),
			"Addresses typed in chat are checked only when they lead to public addresses on ports 80 and 443. A site on a private network belongs in the playbook's verify_site, or the operator sets PROBE_ALLOW_PRIVATE=true."
	case errors.Is(err, errTooManyRedirects):
		return TooManyRedirects, fmt.Sprintf("%s redirected more than %d times, probably in a loop.", u, maxRedirects),
			"Check the redirect rules (http/https, www, language) in the server or CDN settings."
	case errors.As(err, &dns):
		why := rootCause(dns.err)
		if de := (*net.DNSError)(nil); errors.As(dns.err, &de) {
			why = de.Err // without "lookup <host>:", said already
		}
		return DNSFailure, fmt.Sprintf("DNS lookup failed for %s.", host),
			fmt.Sprintf("The name did not resolve (%s). Check the DNS records and that the domain has not expired, with the registrar or DNS provider.", why)
	case errors.As(err, &inv) && inv.Reason == x509.Expired:
		return CertExpired, fmt.Sprintf("The TLS certificate of %s has expired.", host),
			"Browsers show a security warning. Renew it (or its automatic renewal) with the hosting provider or CDN."
	case errors.As(err, &inv), errors.As(err, &unk), errors.As(err, &name), errors.As(err, &cert):
		return CertInvalid, fmt.Sprintf("Browsers would refuse the TLS certificate of %s: %s.", host, certReason(err)),
			"Check that the certificate covers this name and is served with its full chain."
	case errors.Is(err, syscall.ECONNREFUSED):
		return Refused, fmt.Sprintf("The connection to %s was refused.", host),
			"The name resolves but the web server or load balancer is not listening. Ask the hosting provider whether the server is up."
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return Timeout, fmt.Sprintf("%s gave no complete answer within %s.", u, p.cfg.Timeout),
			"The server or its network is overloaded or down. Check the hosting provider's status and the server load."
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.ECONNRESET):
		return Unreachable, fmt.Sprintf("The connection to %s failed (%s).", host, rootCause(err)),
			"Ask the hosting provider whether the server and its network are up."
	}
	return Unreachable, fmt.Sprintf("The check of %s failed (%s).", host, rootCause(err)),
		"Try again, then ask the hosting provider."
}

func certReason(err error) string {
	var (
		inv  x509.CertificateInvalidError
		unk  x509.UnknownAuthorityError
		name x509.HostnameError
	)
	switch {
	case errors.As(err, &name):
		return "issued for another name"
	case errors.As(err, &unk):
		return "issued by an unknown or self-signed authority"
	case errors.As(err, &inv):
		return inv.Error()
	}
	return "verification failed"
}

// rootCause is the innermost error text, which names no URL.
func rootCause(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}

// expiryNote warns when the certificate expires within ExpiryWarning.
func (p *Prober) expiryNote(state *tls.ConnectionState) string {
	if state == nil || len(state.PeerCertificates) == 0 {
		return ""
	}
	exp := state.PeerCertificates[0].NotAfter
	left := exp.Sub(p.cfg.Clock.Now())
	if left > p.cfg.ExpiryWarning {
		return ""
	}
	return fmt.Sprintf("Note: the TLS certificate expires in %d days (%s); renew it before then.", int(left.Hours()/24), exp.UTC().Format("2006-01-02"))
}

// classifyResponse reads what the server answered: what was found (one
// sentence) and what it means (detail).
func classifyResponse(resp *http.Response, body []byte, u *url.URL, expect string, latency time.Duration) (class, summary, detail string) {
	code := resp.StatusCode
	if cdn, ok := cdnError(resp, body); ok {
		return CDNError, fmt.Sprintf("%s answered HTTP %d for %s itself: it got no good answer from the origin server.", cdn, code, u),
			"Check the origin (hosting provider) first, then the CDN's status page and settings."
	}
	via := ""
	if cdn := cdnName(resp.Header); cdn != "" {
		via = " through " + cdn
	}
	switch {
	case code == http.StatusBadGateway || code == http.StatusServiceUnavailable || code == http.StatusGatewayTimeout:
		return ProxyError, fmt.Sprintf("%s answered HTTP %d%s: the proxy or load balancer in front of the application got no good answer from it.", u, code, via),
			"Check that the application servers run and are not overloaded, and recent deploys; a 503 may also be a maintenance page."
	case code >= 500:
		return AppError, fmt.Sprintf("%s answered HTTP %d%s: the application itself fails.", u, code, via),
			"Check its error logs and recent deploys or plugin updates, and tell the web agency."
	case code == http.StatusNotFound || code == http.StatusGone:
		return NotFound, fmt.Sprintf("%s answered HTTP %d%s: the page does not exist.", u, code, via),
			"Check the URL, then recent changes to the site's routes or the CMS."
	case code >= 400:
		return Refusing, fmt.Sprintf("%s answered HTTP %d%s: the site refused the check.", u, code, via),
			"A firewall, bot protection or rate limit may block outside visitors too; check its rules."
	case code >= 300:
		return BrokenRedirect, fmt.Sprintf("%s answered HTTP %d%s, a redirect to nowhere (no usable Location header).", u, code, via),
			"Check the redirect rules in the server or CDN settings."
	case expect != "" && !strings.Contains(string(body), expect):
		return MarkerMissing, fmt.Sprintf("%s answered HTTP %d%s but %q is not on the page.", u, code, via, expect),
			"It is served empty or broken (template, database or plugin error). Open it in a private window and check the application logs."
	}
	found := ""
	if expect != "" {
		found = fmt.Sprintf(" with %q on the page", expect)
	}
	return Healthy, fmt.Sprintf("%s answered HTTP %d%s in %s%s.", u, code, via, latency.Round(time.Millisecond), found),
		"If someone still sees it down, the cause is likely their network or browser: try another network (mobile data), a private window, or clearing the cache."
}

// cdnName names the CDN whose headers are on the response, or "".
func cdnName(h http.Header) string {
	server := strings.ToLower(h.Get("Server"))
	switch {
	case server == "cloudflare" || h.Get("CF-Ray") != "":
		return "Cloudflare"
	case strings.HasPrefix(server, "akamaighost") || h.Get("X-Akamai-Request-ID") != "":
		return "Akamai"
	case h.Get("X-Amz-Cf-Id") != "" || strings.Contains(strings.ToLower(h.Get("Via")), "cloudfront"):
		return "CloudFront"
	case h.Get("X-Fastly-Request-ID") != "" || strings.HasPrefix(h.Get("X-Served-By"), "cache-"):
		return "Fastly"
	}
	return ""
}

// cdnError reports whether the CDN itself made an error response, as
// opposed to passing on the origin's.
func cdnError(resp *http.Response, body []byte) (string, bool) {
	code := resp.StatusCode
	if code < 500 {
		return "", false
	}
	h := resp.Header
	switch name := cdnName(h); name {
	case "Cloudflare":
		// 520-527 and 530 are Cloudflare's own "origin unreachable" family.
		return name, code >= 520 && code <= 530
	case "Akamai":
		// Akamai's edge signs its error pages with a reference number.
		return name, strings.HasPrefix(strings.ToLower(h.Get("Server")), "akamaighost") || strings.Contains(string(body), "Reference&#32;&#35;")
	case "CloudFront":
		return name, strings.HasPrefix(strings.ToLower(h.Get("X-Cache")), "error from cloudfront") && strings.Contains(string(body), "CloudFront")
	case "Fastly":
		// Fastly's synthetic errors come from Varnish, not from the origin.
		return name, strings.Contains(string(body), "Varnish cache server") || strings.Contains(string(body), "Fastly error")
	}
	return "", false
}

// Confirm checks rawURL up to n times, interval apart, and calls the site
// down only when every check failed: one failed check may be a blip on the
// way. It returns as soon as a check is healthy.
func (p *Prober) Confirm(ctx context.Context, t incidentbot.ProbeTarget, n int, interval time.Duration) incidentbot.ProbeResult {
	n = max(n, 1)
	var res incidentbot.ProbeResult
	for i := range n {
		if i > 0 {
			select {
			case <-ctx.Done():
				res.Detail += fmt.Sprintf(" Confirmation stopped after %d of %d checks.", i, n)
				return res
			case <-p.cfg.After(interval):
			}
		}
		res = p.Probe(ctx, t)
		if res.Blocked {
			return res // asking again would not change the rule
		}
		if res.Healthy {
			if i > 0 {
				res.Detail += fmt.Sprintf(" It failed %d check(s) before this one: the site may be flapping.", i)
			}
			return res
		}
	}
	if n > 1 {
		res.Detail += fmt.Sprintf(" Confirmed: %d checks in a row failed, %s apart.", n, interval)
	}
	return res
}

// Confirming is a Prober that calls a site down only after N failed checks,
// Interval apart: give it to the engine so verify_site does not cry wolf.
type Confirming struct {
	Prober   *Prober
	N        int
	Interval time.Duration
}

var _ incidentbot.Prober = Confirming{}

func (c Confirming) Probe(ctx context.Context, t incidentbot.ProbeTarget) incidentbot.ProbeResult {
	return c.Prober.Confirm(ctx, t, c.N, c.Interval)
}
