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
	"incidentbot/i18n"
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
		return badURL(res, i18n.Wrap(incidentbot.EINVALID, err, "probe.bad_url.not_url", map[string]any{"URL": res.URL}))
	}
	req.Header.Set("User-Agent", "incidentbot-probe/1 (+outside-in check)")
	req.Header.Set("Cache-Control", "no-cache")
	start := p.cfg.Clock.Now()
	resp, err := p.client.Do(req)
	if err != nil {
		res.Latency = p.cfg.Clock.Now().Sub(start)
		p.classifyError(err, u).set(&res)
		res.Blocked = res.Class == Blocked
		return res
	}
	defer resp.Body.Close()
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	res.Latency = p.cfg.Clock.Now().Sub(start)
	res.Status = resp.StatusCode
	f := classifyResponse(resp, body, u, t.Expect, res.Latency)
	if readErr != nil && f.class == Healthy {
		f = p.classifyError(readErr, u)
	}
	f.set(&res)
	res.Healthy = res.Class == Healthy
	if expiry := p.expiryNote(resp.TLS); expiry != nil {
		note(&res, expiry)
	}
	// The host only: a redirect's path and query may hold what the site
	// did not mean to show, and it says enough about where the site went.
	if resp.Request != nil && resp.Request.URL.Host != u.Host {
		note(&res, i18n.M("probe.redirected", map[string]any{"Host": resp.Request.URL.Hostname()}))
	}
	return res
}

// Answer is what Probe says of a check of t answered with code and body
// after latency, for a stand-in prober that fetches nothing (the demo's):
// the same words as a real check.
func Answer(t incidentbot.ProbeTarget, code int, body string, latency time.Duration) incidentbot.ProbeResult {
	res := incidentbot.ProbeResult{URL: t.URL, Status: code, Latency: latency}
	u, err := parseURL(t.URL)
	if err != nil {
		return badURL(res, err)
	}
	res.URL = u.String()
	classifyResponse(&http.Response{StatusCode: code, Header: http.Header{}}, []byte(body), u, t.Expect, latency).set(&res)
	res.Healthy = res.Class == Healthy
	return res
}

func badURL(res incidentbot.ProbeResult, err error) incidentbot.ProbeResult {
	find(BadURL, "probe.bad_url.summary", "probe.bad_url.detail", map[string]any{"Why": i18n.ErrorText(err)}).set(&res)
	return res
}

// parseURL accepts "shop.example.com" as https://shop.example.com/.
func parseURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, i18n.Errorf(incidentbot.EINVALID, "probe.bad_url.empty", nil)
	}
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	data := map[string]any{"URL": raw}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, i18n.Errorf(incidentbot.EINVALID, "probe.bad_url.not_url", data)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, i18n.Errorf(incidentbot.EINVALID, "probe.bad_url.scheme", data)
	}
	if u.Hostname() == "" {
		return nil, i18n.Errorf(incidentbot.EINVALID, "probe.bad_url.no_host", data)
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return u, nil
}

// classifyError says what a failed check found.
func (p *Prober) classifyError(err error, u *url.URL) finding {
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
	data := map[string]any{"URL": u.String(), "Host": host}
	switch {
	case errors.As(err, &blocked):
		data["Reason"] = blocked.reason(host)
		return find(Blocked, "probe.blocked.summary", "probe.blocked.detail", data)
	case errors.Is(err, errTooManyRedirects):
		data["Max"] = maxRedirects
		return find(TooManyRedirects, "probe.redirects.summary", "probe.redirects.detail", data)
	case errors.As(err, &dns):
		why := rootCause(dns.err)
		if de := (*net.DNSError)(nil); errors.As(dns.err, &de) {
			why = de.Err // without "lookup <host>:", said already
		}
		data["Why"] = why
		return find(DNSFailure, "probe.dns.summary", "probe.dns.detail", data)
	case errors.As(err, &inv) && inv.Reason == x509.Expired:
		return find(CertExpired, "probe.cert_expired.summary", "probe.cert_expired.detail", data)
	case errors.As(err, &inv), errors.As(err, &unk), errors.As(err, &name), errors.As(err, &cert):
		data["Why"] = certReason(err)
		return find(CertInvalid, "probe.cert_invalid.summary", "probe.cert_invalid.detail", data)
	case errors.Is(err, syscall.ECONNREFUSED):
		return find(Refused, "probe.refused.summary", "probe.refused.detail", data)
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		data["Timeout"] = span(p.cfg.Timeout)
		return find(Timeout, "probe.timeout.summary", "probe.timeout.detail", data)
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.ECONNRESET):
		data["Why"] = rootCause(err)
		return find(Unreachable, "probe.unreachable.summary", "probe.unreachable.detail", data)
	}
	data["Why"] = rootCause(err)
	return find(Unreachable, "probe.failed.summary", "probe.failed.detail", data)
}

// certReason completes "Browsers would refuse the TLS certificate of
// <host>: ..."; x509's own reasons stay as it words them.
func certReason(err error) any {
	var (
		inv  x509.CertificateInvalidError
		unk  x509.UnknownAuthorityError
		name x509.HostnameError
	)
	switch {
	case errors.As(err, &name):
		return i18n.M("probe.cert_invalid.other_name", nil)
	case errors.As(err, &unk):
		return i18n.M("probe.cert_invalid.unknown_authority", nil)
	case errors.As(err, &inv):
		return inv.Error()
	}
	return i18n.M("probe.cert_invalid.failed", nil)
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

// expiryNote warns when the certificate expires within ExpiryWarning; nil
// otherwise.
func (p *Prober) expiryNote(state *tls.ConnectionState) text {
	if state == nil || len(state.PeerCertificates) == 0 {
		return nil
	}
	exp := state.PeerCertificates[0].NotAfter
	left := exp.Sub(p.cfg.Clock.Now())
	if left > p.cfg.ExpiryWarning {
		return nil
	}
	return plural{id: "probe.expiry", count: int(left.Hours() / 24), data: map[string]any{"Date": exp.UTC().Format("2006-01-02")}}
}

// classifyResponse reads what the server answered.
func classifyResponse(resp *http.Response, body []byte, u *url.URL, expect string, latency time.Duration) finding {
	code := resp.StatusCode
	data := map[string]any{"URL": u.String(), "Code": code, "Via": "", "Expect": expect}
	if cdn, ok := cdnError(resp, body); ok {
		data["CDN"] = cdn
		return find(CDNError, "probe.cdn.summary", "probe.cdn.detail", data)
	}
	if cdn := cdnName(resp.Header); cdn != "" {
		data["Via"] = i18n.M("probe.via", map[string]any{"CDN": cdn})
	}
	switch {
	case code == http.StatusBadGateway || code == http.StatusServiceUnavailable || code == http.StatusGatewayTimeout:
		return find(ProxyError, "probe.proxy.summary", "probe.proxy.detail", data)
	case code >= 500:
		return find(AppError, "probe.app.summary", "probe.app.detail", data)
	case code == http.StatusNotFound || code == http.StatusGone:
		return find(NotFound, "probe.not_found.summary", "probe.not_found.detail", data)
	case code >= 400:
		return find(Refusing, "probe.refusing.summary", "probe.refusing.detail", data)
	case code >= 300:
		return find(BrokenRedirect, "probe.broken_redirect.summary", "probe.broken_redirect.detail", data)
	case expect != "" && !strings.Contains(string(body), expect):
		return find(MarkerMissing, "probe.marker.summary", "probe.marker.detail", data)
	}
	data["Latency"], data["Found"] = span(latency), ""
	if expect != "" {
		data["Found"] = i18n.M("probe.healthy.found", map[string]any{"Expect": expect})
	}
	return find(Healthy, "probe.healthy.summary", "probe.healthy.detail", data)
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
				note(&res, i18n.M("probe.confirm.stopped", map[string]any{"Done": i, "N": n}))
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
				note(&res, plural{id: "probe.confirm.flapping", count: i})
			}
			return res
		}
	}
	if n > 1 {
		note(&res, i18n.M("probe.confirm.confirmed", map[string]any{"N": n, "Interval": span(interval)}))
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
