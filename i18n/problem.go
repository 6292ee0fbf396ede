package i18n

import "strings"

// Problem is a configuration problem read at start: its Error is the
// English line (logs, tests), In says it in the operator's language.
type Problem struct{ *Message }

// Problemf is a Problem saying id with data.
func Problemf(id string, data map[string]any) error { return Problem{M(id, data)} }

func (p Problem) Error() string { return p.In(Default) }

// Lines says err's problems in lang, one a line: errors.Join's parts one by
// one, a Problem in lang, any other error as its lines.
func Lines(lang string, err error) []string {
	switch e := err.(type) {
	case nil:
		return nil
	case interface{ Unwrap() []error }:
		var out []string
		for _, part := range e.Unwrap() {
			out = append(out, Lines(lang, part)...)
		}
		return out
	case Problem:
		return []string{e.In(lang)}
	}
	return strings.Split(err.Error(), "\n")
}
