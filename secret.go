package incidentbot

import "log/slog"

// Secret holds a token, key or password. Every way of printing it prints
// "[redacted]"; call Reveal only where the value is sent to its API.
type Secret string

const redacted = "[redacted]"

func (s Secret) String() string               { return redacted }
func (s Secret) GoString() string             { return redacted }
func (s Secret) LogValue() slog.Value         { return slog.StringValue(redacted) }
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// Reveal returns the secret value itself.
func (s Secret) Reveal() string { return string(s) }
