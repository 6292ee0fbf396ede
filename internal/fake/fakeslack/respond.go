package fakeslack

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// responsePath is where the fake's response_urls live, beside /api/ as
// hooks.slack.com is beside slack.com/api.
const responsePath = "/commands/"

// responseURL is what a response_url answers into: the channel and the
// person who typed the command or clicked.
type responseURL struct {
	channel, user string
	uses          int
}

// maxResponses is how often one response_url may be used (Slack: "up to 5
// times within 30 minutes", api.slack.com/interactivity/handling#message_responses).
const maxResponses = 5

// ResponseURL returns a response_url for a command typed (or a button
// clicked) by user in channel, as Slack puts in the payload. Posting to it
// needs no token and no membership of the bot: the answer shows in the
// channel, to user alone unless response_type is in_channel.
func (s *Server) ResponseURL(channelID, user string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextID("R")
	if s.responses == nil {
		s.responses = map[string]*responseURL{}
	}
	s.responses[id] = &responseURL{channel: channelID, user: user}
	return s.http.URL() + responsePath + id
}

// Responses counts the answers posted to response_urls.
func (s *Server) Responses() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.responses {
		n += r.uses
	}
	return n
}

// respond serves POST to a response_url: a JSON message with
// response_type ephemeral (default) or in_channel.
func (s *Server) respond(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, responsePath)
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var body struct {
		Text         string          `json:"text"`
		Blocks       json.RawMessage `json:"blocks"`
		Attachments  json.RawMessage `json:"attachments"`
		ResponseType string          `json:"response_type"`
	}
	if err != nil || json.Unmarshal(b, &body) != nil {
		http.Error(w, "invalid_payload", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	resp, ok := s.responses[id]
	switch {
	case r.Method != http.MethodPost || !ok:
		http.Error(w, "no_service", http.StatusNotFound)
		return
	case resp.uses >= maxResponses:
		http.Error(w, "used_url", http.StatusNotFound)
		return
	case body.Text == "" && len(body.Blocks) == 0:
		http.Error(w, "no_text", http.StatusBadRequest)
		return
	}
	c := s.channel(resp.channel)
	if c == nil {
		http.Error(w, "channel_not_found", http.StatusNotFound)
		return
	}
	resp.uses++
	m := &Message{Channel: c.ID, User: BotUserID, Text: body.Text, Blocks: body.Blocks, Attachments: body.Attachments, TS: s.nextTS()}
	if body.ResponseType != "in_channel" {
		m.EphemeralTo = resp.user
	}
	c.messages = append(c.messages, m)
	io.WriteString(w, "ok")
}
