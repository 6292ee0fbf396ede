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

// MayHaveTakenEffect reports whether a call that failed with err may still
// have been carried out by the server: the request may have reached it
// before the answer was lost to a timeout, a cancelled context, or a
// connection reset or closed mid-answer. A failure before anything was sent
// (DNS, dial, TLS certificate) did nothing. When unsure it says true:
// callers that record side effects read the server's state back, which
// costs one read, where a wrong "failed" can leave a paused campaign that
// nothing will ever resume.
func MayHaveTakenEffect(err error) bool {
	if err == nil || unsent(err) {
		return false
	}
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return true
	case errors.As(err, &ne) && ne.Timeout():
		return true
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return true
	}
	return false
}

// unsent reports whether err happened before a request could leave: the
// name did not resolve, the connection was refused or never set up.
func unsent(err error) bool {
	var (
		dns    *net.DNSError
		op     *net.OpError
		record tls.RecordHeaderError
		alert  tls.AlertError
		cert   *tls.CertificateVerificationError
	)
	return errors.As(err, &dns) || errors.Is(err, syscall.ECONNREFUSED) ||
		(errors.As(err, &op) && op.Op == "dial") ||
		errors.As(err, &record) || errors.As(err, &alert) || errors.As(err, &cert)
}
