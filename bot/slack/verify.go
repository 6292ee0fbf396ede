package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxSkew is how far a request's timestamp may be from now (Slack's docs).
const maxSkew = 5 * time.Minute

// Reasons a request is refused; short, safe to send back.
var (
	errNoSignature  = errors.New("missing X-Slack-Signature or X-Slack-Request-Timestamp")
	errBadTimestamp = errors.New("bad X-Slack-Request-Timestamp")
	errStale        = errors.New("timestamp outside the 5-minute window")
	errBadSignature = errors.New("signature does not match")
)

// verify checks Slack's v0 signature: HMAC-SHA256 of "v0:<ts>:<raw body>"
// keyed with the signing secret, with a timestamp within 5 minutes of now.
func verify(secret []byte, h http.Header, body []byte, now time.Time) error {
	sig, ts := h.Get("X-Slack-Signature"), h.Get("X-Slack-Request-Timestamp")
	if sig == "" || ts == "" {
		return errNoSignature
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errBadTimestamp
	}
	if d := now.Sub(time.Unix(sec, 0)); d > maxSkew || d < -maxSkew {
		return errStale
	}
	got, err := hex.DecodeString(strings.TrimPrefix(sig, "v0="))
	if err != nil || !strings.HasPrefix(sig, "v0=") {
		return errBadSignature
	}
	if !hmac.Equal(got, sign(secret, ts, body)) {
		return errBadSignature
	}
	return nil
}

func sign(secret []byte, ts string, body []byte) []byte {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	return mac.Sum(nil)
}
