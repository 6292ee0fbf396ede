package discord

import (
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// maxAge is how far a request's timestamp may be from now. Discord's docs
// give no window; five minutes, like Slack's, refuses replays of old
// captured requests while allowing for clock drift.
const maxAge = 5 * time.Minute

// Reasons a request is refused; short, safe to send back.
var (
	errNoSignature  = errors.New("missing X-Signature-Ed25519 or X-Signature-Timestamp")
	errBadTimestamp = errors.New("bad X-Signature-Timestamp")
	errStale        = errors.New("timestamp outside the 5-minute window")
	errBadSignature = errors.New("signature does not match")
)

// verify checks Discord's Ed25519 signature of timestamp+body with the
// application's public key, and the timestamp's age.
func verify(key ed25519.PublicKey, h http.Header, body []byte, now time.Time) error {
	sig, ts := h.Get("X-Signature-Ed25519"), h.Get("X-Signature-Timestamp")
	if sig == "" || ts == "" {
		return errNoSignature
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errBadTimestamp
	}
	if d := now.Sub(time.Unix(sec, 0)); d > maxAge || d < -maxAge {
		return errStale
	}
	raw, err := hex.DecodeString(sig)
	if err != nil || len(raw) != ed25519.SignatureSize || len(key) != ed25519.PublicKeySize {
		return errBadSignature
	}
	msg := make([]byte, 0, len(ts)+len(body))
	msg = append(append(msg, ts...), body...)
	if !ed25519.Verify(key, msg, raw) {
		return errBadSignature
	}
	return nil
}

// ParsePublicKey reads DISCORD_PUBLIC_KEY, the hex key the Developer
// Portal shows on the application's General Information page.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, errors.New("DISCORD_PUBLIC_KEY must be the 64 hex characters of the application's public key (Developer Portal > General Information)")
	}
	return ed25519.PublicKey(b), nil
}
