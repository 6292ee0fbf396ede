package fakeslack

import (
	"encoding/json"
	"strconv"
	"time"
)

// Trigger ids live this long, as Slack's modal docs say.
const triggerTTL = 3 * time.Second

// maxView is the largest view views.open accepts.
const maxView = 250_000

// View is a modal opened through views.open, for assertions.
type View struct {
	ID         string
	TriggerID  string
	CallbackID string
	JSON       json.RawMessage
}

type trigger struct {
	expires time.Time
	used    bool
}

// NewTrigger issues a trigger id, as Slack does with each slash command or
// click: valid once, for a few seconds of the fake's clock.
func (s *Server) NewTrigger() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextID("") + ".47445629121.803a0bc887a14d10d2c447fce8b6703c"
	s.triggers[id] = &trigger{expires: s.now().Add(triggerTTL)}
	return id
}

// Views returns the modals opened so far.
func (s *Server) Views() []View {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]View(nil), s.views...)
}

func (s *Server) viewsOpen(p params) (any, string) {
	id := p.get("trigger_id")
	tr, ok := s.triggers[id]
	switch {
	case !ok:
		return nil, "invalid_trigger_id"
	case tr.used:
		return nil, "exchanged_trigger_id"
	case s.now().After(tr.expires):
		return nil, "expired_trigger_id"
	}
	view := json.RawMessage(p.get("view"))
	if raw, ok := p.json["view"]; ok {
		view = raw
	}
	if len(view) > maxView {
		return nil, "view_too_large"
	}
	var v struct {
		Type       string `json:"type"`
		CallbackID string `json:"callback_id"`
	}
	if err := json.Unmarshal(view, &v); err != nil || v.Type == "" {
		return nil, "invalid_arguments"
	}
	tr.used = true
	opened := View{ID: s.nextID("V"), TriggerID: id, CallbackID: v.CallbackID, JSON: view}
	s.views = append(s.views, opened)
	return map[string]any{"view": map[string]any{
		"id": opened.ID, "type": v.Type, "callback_id": v.CallbackID, "team_id": TeamID,
		"hash":  strconv.FormatInt(s.now().Unix(), 10) + "." + opened.ID,
		"state": map[string]any{"values": map[string]any{}},
	}}, ""
}
