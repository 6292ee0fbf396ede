package i18n

import (
	"errors"
	"maps"
	"strings"

	"incidentbot"
)

// Message is a catalog message not said in a language yet: errors carry it
// so the edge that answers a person says it in theirs. Data values that
// are a Text themselves (a message inside a message) are said in the same
// language.
type Message struct {
	ID   string
	Data map[string]any
}

// M is a shorthand for a Message.
func M(id string, data map[string]any) *Message { return &Message{ID: id, Data: data} }

// In says m in lang, with the plural form for Data["Count"] when set.
func (m *Message) In(lang string) string {
	data, cloned := m.Data, false
	for k, v := range m.Data {
		if t, ok := v.(interface{ In(string) string }); ok {
			if !cloned {
				data, cloned = maps.Clone(m.Data), true
			}
			data[k] = t.In(lang)
		}
	}
	if n, ok := count(data["Count"]); ok {
		return N(lang, m.ID, n, data)
	}
	return T(lang, m.ID, data)
}

// count reads a Count in a message's data (an int, or the float64 JSON
// gives a stored message back): the message then has plural forms.
func count(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case float64:
		return int(n), true
	}
	return 0, false
}

// Errorf returns an *incidentbot.Error whose message is id: in English in
// Message (logs, older callers), in any language through ErrorMessage.
func Errorf(code, id string, data map[string]any) *incidentbot.Error {
	m := M(id, data)
	return &incidentbot.Error{Code: code, Message: m.In(Default), Text: m}
}

// Wrap is Errorf keeping err as the cause, for logs.
func Wrap(code string, err error, id string, data map[string]any) *incidentbot.Error {
	e := Errorf(code, id, data)
	e.Err = err
	return e
}

// ErrorMessage is incidentbot.ErrorMessage said in lang: the first
// *incidentbot.Error's message, in lang when it carries a Text; "" for nil;
// a generic text when the chain holds no message for people.
func ErrorMessage(lang string, err error) string {
	if err == nil {
		return ""
	}
	var e *incidentbot.Error
	switch {
	case !errors.As(err, &e) || e.Message == "":
		return T(lang, "error.internal", nil)
	case e.Text != nil:
		return e.Text.In(lang)
	case e.Phrase != nil:
		return fromPhrase(*e.Phrase).In(lang)
	default:
		return e.Message
	}
}

// fromPhrase is the root's Phrase as a Message: Phrases in its data, and
// lists of them, are said in the same language.
func fromPhrase(p incidentbot.Phrase) *Message {
	data := make(map[string]any, len(p.Data))
	for k, v := range p.Data {
		switch v := v.(type) {
		case incidentbot.Phrase:
			data[k] = fromPhrase(v)
		case []incidentbot.Phrase:
			items := make([]*Message, len(v))
			for i, p := range v {
				items[i] = fromPhrase(p)
			}
			data[k] = Joined{Sep: ", ", Items: items}
		default:
			data[k] = v
		}
	}
	return M(p.ID, data)
}

// Joined says its messages one after another with Sep between, in the
// language it is asked for: a list inside a message ("mitigated,
// resolved"), or lines.
type Joined struct {
	Sep   string
	Items []*Message
}

func (j Joined) In(lang string) string {
	said := make([]string, len(j.Items))
	for i, m := range j.Items {
		said[i] = m.In(lang)
	}
	return strings.Join(said, j.Sep)
}

// ErrorText is err's message for people as a value a Message can hold: it
// is said in the message's language.
func ErrorText(err error) interface{ In(lang string) string } { return errText{err} }

type errText struct{ err error }

func (e errText) In(lang string) string { return ErrorMessage(lang, e.err) }
