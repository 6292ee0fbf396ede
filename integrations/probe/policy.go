package probe

import (
	"context"
	"net"
	"net/netip"
	"syscall"

	"incidentbot/i18n"
)

// The rule for URLs typed in chat: anyone in a chat can type one, so the
// bot must not become their way into the hosting network (loopback admin
// ports, the cloud metadata service at 169.254.169.254, private ranges) or
// a port scanner. It applies after DNS resolution and again at connect
// time, to every address a redirect leads to, so a name that resolves to a
// public address once and a private one the next time (DNS rebinding) is
// refused too.

// untrustedKey marks a check of an untrusted URL in its context, which
// every dial of the check (redirects included) receives.
type untrustedKey struct{}

func withUntrusted(ctx context.Context) context.Context {
	return context.WithValue(ctx, untrustedKey{}, true)
}

func untrusted(ctx context.Context) bool { return ctx.Value(untrustedKey{}) != nil }

// blockedError is an address or port the rule refuses.
type blockedError struct {
	host string // the name being connected, when known
	addr string // what the address is ("loopback": probe.address.loopback), or
	port string // the port that is not 80 or 443
}

func (e *blockedError) Error() string { return "refused: " + e.reason("").In(i18n.Default) }

// reason completes "The bot refused to check <url>: ..."; origHost is the
// URL's host, so a redirect elsewhere is told apart.
func (e *blockedError) reason(origHost string) *i18n.Message {
	redirect := e.host != "" && origHost != "" && e.host != origHost
	port := map[string]any{"Port": e.port}
	switch {
	case e.port != "" && redirect:
		return i18n.M("probe.blocked.port_redirect", port)
	case e.port != "":
		return i18n.M("probe.blocked.port", port)
	}
	addr := map[string]any{"Address": i18n.M("probe.address."+e.addr, nil)}
	if redirect {
		return i18n.M("probe.blocked.redirect", addr)
	}
	return i18n.M("probe.blocked.resolves", addr)
}

var (
	shared    = netip.MustParsePrefix("100.64.0.0/10") // carrier-grade NAT (RFC 6598)
	thisNet   = netip.MustParsePrefix("0.0.0.0/8")
	reserved  = netip.MustParsePrefix("240.0.0.0/4") // and the broadcast address
	siteLocal = netip.MustParsePrefix("fec0::/10")   // deprecated, still routed privately
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	v4compat  = netip.MustParsePrefix("::/96") // deprecated IPv4-compatible forms, :: and ::1 among them
)

// checkPort allows the web's two ports only: anything else would let a
// chat user map which services answer where.
func checkPort(port string) error {
	if port == "80" || port == "443" {
		return nil
	}
	return &blockedError{port: port}
}

// checkAddr allows public unicast addresses only.
func checkAddr(ip netip.Addr) error {
	ip = ip.Unmap() // ::ffff:127.0.0.1 is 127.0.0.1
	if nat64.Contains(ip) {
		// The NAT64 gateway would connect to the IPv4 address inside.
		b := ip.As16()
		ip = netip.AddrFrom4([4]byte(b[12:]))
	}
	var what string
	switch {
	case ip.IsLoopback():
		what = "loopback"
	case ip.IsUnspecified():
		what = "unspecified"
	case ip.IsLinkLocalUnicast():
		what = "link_local"
	case ip.IsMulticast(), ip.IsLinkLocalMulticast(), ip.IsInterfaceLocalMulticast():
		what = "multicast"
	case ip.IsPrivate(), siteLocal.Contains(ip):
		what = "private"
	case shared.Contains(ip):
		what = "shared"
	case thisNet.Contains(ip), reserved.Contains(ip), ip.Is6() && v4compat.Contains(ip):
		what = "reserved"
	case !ip.IsValid():
		what = "invalid"
	default:
		return nil
	}
	return &blockedError{addr: what}
}

// checkHostPort applies the rule to the "ip:port" about to be connected.
func checkHostPort(hostport string) error {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return err
	}
	if err := checkPort(port); err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return &blockedError{addr: "not_ip"}
	}
	return checkAddr(ip)
}

// controlDial is the connect-time check of the default dialer, on the
// address the socket is about to connect to, whatever resolved it.
func controlDial(ctx context.Context, _, address string, _ syscall.RawConn) error {
	if !untrusted(ctx) {
		return nil
	}
	return checkHostPort(address)
}

// blockedHost names the host on a refusal from the checks above.
func blockedHost(err error, host string) error {
	if b, ok := err.(*blockedError); ok {
		b.host = host
	}
	return err
}
