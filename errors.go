package incidentbot

import (
	"errors"
	"fmt"
)

// Error codes. EUNAVAILABLE is the only code a job runner retries.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	EUNAVAILABLE  = "unavailable"
	EINTERNAL     = "internal"
)

// Error is an error with a code for programs and a message safe to show users.
// Err is the cause, for logs only.
type Error struct {
	Code    string
	Message string
	Err     error
	// Text, when set, says Message in other languages ("en", "fr"): the
	// edge that answers a person asks it for theirs. Message is its English.
	Text interface{ In(lang string) string }
	// Phrase, when set, names Message in the catalog, for errors made in
	// this package, which cannot import it (package i18n says it).
	Phrase *Phrase
}

// Phrase is a catalog message (an id of package i18n and its data) named
// where the catalog cannot be imported. Data values that are Phrases, or
// lists of them, are said in the same language.
type Phrase struct {
	ID   string
	Data map[string]any
}

// phrasef is Errorf for a message the catalog has as id: the formatted
// English is Message (logs, English readers), the catalog says the rest.
func phrasef(code, id string, data map[string]any, format string, args ...any) *Error {
	e := Errorf(code, format, args...)
	e.Phrase = &Phrase{ID: id, Data: data}
	return e
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with a formatted user-facing message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WrapError returns an *Error that keeps err as its cause.
func WrapError(code string, err error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// ErrorCode returns the code of the first *Error in err's chain, "" for nil
// and EINTERNAL when the chain holds no *Error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of the first *Error in err's
// chain, "" for nil and a generic text otherwise: causes never reach users.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return "Internal error."
}

// DuplicateError says an open incident already covers what is being
// declared; chat adapters offer "join it or declare anyway".
type DuplicateError struct {
	Existing *Incident
	// Repeat: the very request (same trigger id) declared Existing
	// already; it is answered as the first was, not with an offer.
	Repeat bool
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("duplicate of open incident %s", e.Existing.Key)
}
