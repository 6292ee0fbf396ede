package incidentbot

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/url"
	"syscall"
)

// IsTransientNetError reports whether err (anywhere in its chain) is a
// network failure that may well be gone in a moment: connection refused,
// reset or aborted, a DNS lookup that failed, a TLS handshake that failed,
// a connection closed mid-answer, or a timeout. Adapters map these to
// EUNAVAILABLE so the job runner retries with backoff; the runner also
// retries them when an adapter did not.
func IsTransientNetError(err error) bool {
	if err == nil {
		return false
	}
	var (
		dns    *net.DNSError
		op     *net.OpError
		ne     net.Error
		record tls.RecordHeaderError
		alert  tls.AlertError
		cert   *tls.CertificateVerificationError
		urlErr *url.Error
	)
	switch {
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE),
		errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.ETIMEDOUT):
		return true
	case errors.As(err, &dns):
		return true
	case errors.As(err, &record), errors.As(err, &alert), errors.As(err, &cert):
		return true
	case errors.Is(err, io.EOF) && (errors.As(err, &op) || errors.As(err, &urlErr)):
		// The server closed the connection before answering.
		return true
	case errors.Is(err, context.DeadlineExceeded):
		return true
	case errors.As(err, &ne) && ne.Timeout():
		return true
	case errors.As(err, &op) && (op.Op == "dial" || op.Op == "read" || op.Op == "write"):
		return true
	}
	return false
}

// NetError maps a transient network failure talking to service to
// EUNAVAILABLE with a message people can read, and returns nil for any
// other error so the caller maps it as before.
func NetError(service string, err error) *Error {
	if !IsTransientNetError(err) {
		return nil
	}
	return WrapError(EUNAVAILABLE, err, "%s could not be reached (network error); the bot will retry.", service)
}
