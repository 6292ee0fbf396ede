package i18n

import (
	"errors"
	"strings"

	"incidentbot"
)

// Problem is a configuration problem read at start: its Error is the
// English line (logs, tests), In says it in the operator's language.
type Problem struct{ *Message }

// Problemf is a Problem saying id with data.
func Problemf(id string, data map[string]any) error { return Problem{M(id, data)} }

func (p Problem) Error() string { return p.In(Default) }

// Lines says err's problems in lang, one a line: errors.Join's parts one by
// one, a Problem or a catalog error in lang, any other error as its lines.
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
	if e := (*incidentbot.Error)(nil); errors.As(err, &e) && (e.Text != nil || e.Phrase != nil) {
		return []string{ErrorMessage(lang, err)} // a catalog error, as people read it
	}
	return strings.Split(err.Error(), "\n")
}

// LinesText is err as a value a Message can hold: its Lines in the
// message's language, one a line.
func LinesText(err error) interface{ In(lang string) string } { return linesText{err} }

type linesText struct{ err error }

func (l linesText) In(lang string) string { return strings.Join(Lines(lang, l.err), "\n") }
