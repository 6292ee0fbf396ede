package i18n

import (
	"encoding/json"
	"errors"
	"strings"

	"incidentbot"
)

// storedPrefix starts a Message kept as text (Store): free text, such as a
// reason written before messages were stored so, never starts with it.
const storedPrefix = "i18n:"

// Store writes m as text for a database column that people later read in
// their own language (Stored): "i18n:<id>" and, when m has data, a space
// and the data as JSON. Data values that are themselves messages (M, an
// error's ErrorText) are kept as messages; others must be JSON values.
func (m *Message) Store() string {
	if len(m.Data) == 0 {
		return storedPrefix + m.ID
	}
	b, err := json.Marshal(storable(m.Data))
	if err != nil {
		// A value JSON cannot hold is a programming mistake: keep the English.
		return m.In(Default)
	}
	return storedPrefix + m.ID + " " + string(b)
}

// storedRef is a message inside a stored message's data.
type storedRef struct {
	ID   string         `json:"i18n"`
	Data map[string]any `json:"data,omitempty"`
}

func storable(data map[string]any) map[string]any {
	out := make(map[string]any, len(data))
	for k, v := range data {
		switch t := v.(type) {
		case *Message:
			out[k] = storedRef{ID: t.ID, Data: storable(t.Data)}
		case errText:
			out[k] = storedError(t.err)
		default:
			out[k] = v
		}
	}
	return out
}

// storedError keeps an error's message for people: its catalog message
// when it has one, else its English.
func storedError(err error) any {
	var e *incidentbot.Error
	if errors.As(err, &e) {
		if m, ok := e.Text.(*Message); ok && e.Message != "" {
			return storedRef{ID: m.ID, Data: storable(m.Data)}
		}
	}
	return incidentbot.ErrorMessage(err)
}

// StoreError is the text Store keeps for err's message for people.
func StoreError(err error) string {
	switch v := storedError(err).(type) {
	case storedRef:
		return (&Message{ID: v.ID, Data: v.Data}).Store()
	case string:
		return v
	}
	return ""
}

// Stored says in lang a text Store wrote; any other text (free text, an
// older English reason) is returned as it is.
func Stored(lang, s string) string {
	m, ok := Restore(s)
	if !ok {
		return s
	}
	return m.In(lang)
}

// Restore reads back a text Store wrote; ok is false for any other text.
func Restore(s string) (*Message, bool) {
	rest, ok := strings.CutPrefix(s, storedPrefix)
	if !ok {
		return nil, false
	}
	id, data, _ := strings.Cut(rest, " ")
	if !Has(id) {
		return nil, false
	}
	m := &Message{ID: id}
	if data != "" {
		if err := json.Unmarshal([]byte(data), &m.Data); err != nil {
			return nil, false
		}
		m.Data = restored(m.Data)
	}
	return m, true
}

// restored turns the messages inside stored data back into messages.
func restored(data map[string]any) map[string]any {
	for k, v := range data {
		obj, ok := v.(map[string]any)
		if !ok {
			continue
		}
		if id, ok := obj["i18n"].(string); ok {
			inner, _ := obj["data"].(map[string]any)
			data[k] = &Message{ID: id, Data: restored(inner)}
		}
	}
	return data
}
