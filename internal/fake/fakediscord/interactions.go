package fakediscord

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Interaction deadlines (receiving-and-responding.mdx).
const (
	answerWithin = 3 * time.Second
	tokenValid   = 15 * time.Minute
)

// Callback types.
const (
	CallbackPong           = 1
	CallbackMessage        = 4
	CallbackDeferred       = 5
	CallbackDeferredUpdate = 6
	CallbackUpdate         = 7
	CallbackAutocomplete   = 8
	CallbackModal          = 9
)

// flagLoading marks a deferred answer still "thinking".
const flagLoading = 128

// Interaction is what Discord sent the bot, as far as the fake needs it
// to accept the answer and its follow-ups.
type Interaction struct {
	ID        string
	Token     string
	ChannelID string
	MessageID string // components: the message the button is on
}

type interaction struct {
	Interaction
	created  time.Time
	acked    bool
	original string   // message id of the answer, "" when none
	messages []string // follow-ups
}

// Callback is one recorded answer to an interaction.
type Callback struct {
	InteractionID string
	Type          int
	Data          json.RawMessage
}

// AddInteraction tells the fake about an interaction Discord is
// delivering now: its answer is due within 3 seconds and its token lasts
// 15 minutes, by the fake's clock.
func (s *Server) AddInteraction(in Interaction) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.interactions[in.ID] = &interaction{Interaction: in, created: s.now()}
}

// RecordResponse applies an answer the bot gave in the HTTP response body,
// as Discord does with it.
func (s *Server) RecordResponse(interactionID string, body []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, err := s.interaction(interactionID, "")
	if err == nil {
		err = s.respond(in, body)
	}
	if err != nil {
		return fmt.Errorf("discord answered %d %d: %s", err.status, err.code, err.message)
	}
	return nil
}

// interaction finds a live interaction; token "" skips the token check.
func (s *Server) interaction(id, token string) (*interaction, *apiError) {
	in := s.interactions[id]
	if in == nil || token != "" && in.Token != token {
		return nil, errorf(http.StatusNotFound, 10062, "Unknown interaction")
	}
	return in, nil
}

func (s *Server) callback(r *http.Request, body []byte) (int, any, *apiError) {
	in, err := s.interaction(r.PathValue("interaction"), r.PathValue("token"))
	if err != nil {
		return 0, nil, err
	}
	if err := s.respond(in, body); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

// respond checks and applies one answer. Called with s.mu held.
func (s *Server) respond(in *interaction, body []byte) *apiError {
	if in.acked {
		return errorf(http.StatusBadRequest, 40060, "Interaction has already been acknowledged.")
	}
	if s.now().Sub(in.created) > answerWithin {
		return errorf(http.StatusNotFound, 10062, "Unknown interaction")
	}
	var cb struct {
		Type int             `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &cb); err != nil || cb.Type < CallbackPong || cb.Type > CallbackModal || cb.Type == 2 || cb.Type == 3 {
		return invalidForm("type", "Value must be a valid interaction callback type.")
	}
	bot := botUser
	switch cb.Type {
	case CallbackMessage:
		m, err := s.newMessage(in.ChannelID, cb.Data, bot)
		if err != nil {
			return err
		}
		m.WebhookID, m.InteractionID, in.original = AppID, in.ID, m.ID
	case CallbackDeferred:
		var d struct {
			Flags int `json:"flags"`
		}
		_ = json.Unmarshal(cb.Data, &d)
		m := &Message{ID: s.nextID(), ChannelID: in.ChannelID, Author: bot, Timestamp: s.now().UTC(),
			Flags: d.Flags | flagLoading, WebhookID: AppID, InteractionID: in.ID,
			Embeds: []Embed{}, Components: []ActionRow{}, Mentions: []User{}}
		s.messages[in.ChannelID] = append(s.messages[in.ChannelID], m)
		in.original = m.ID
	case CallbackUpdate:
		m, err := s.message(in.ChannelID, in.MessageID)
		if err != nil {
			return err
		}
		if _, _, err := s.edit(m, cb.Data); err != nil {
			return err
		}
	case CallbackModal:
		var d struct {
			CustomID   string      `json:"custom_id"`
			Title      string      `json:"title"`
			Components []ActionRow `json:"components"`
		}
		if json.Unmarshal(cb.Data, &d) != nil || d.CustomID == "" || d.Title == "" || len(d.Components) == 0 {
			return invalidForm("data", "A modal needs custom_id, title and components.")
		}
	}
	in.acked = true
	s.callbacks = append(s.callbacks, Callback{InteractionID: in.ID, Type: cb.Type, Data: cb.Data})
	return nil
}

// webhook finds the interaction behind a follow-up webhook.
func (s *Server) webhook(r *http.Request) (*interaction, *apiError) {
	if r.PathValue("app") == AppID {
		for _, in := range s.interactions {
			if in.Token != r.PathValue("token") {
				continue
			}
			if s.now().Sub(in.created) > tokenValid {
				return nil, errorf(http.StatusUnauthorized, 50027, "Invalid Webhook Token")
			}
			if !in.acked {
				return nil, errorf(http.StatusNotFound, 10015, "Unknown Webhook")
			}
			return in, nil
		}
	}
	return nil, errorf(http.StatusNotFound, 10015, "Unknown Webhook")
}

// followup is POST /webhooks/{app}/{token}: a follow-up message.
func (s *Server) followup(r *http.Request, body []byte) (int, any, *apiError) {
	in, err := s.webhook(r)
	if err != nil {
		return 0, nil, err
	}
	m, err := s.newMessage(in.ChannelID, body, botUser)
	if err != nil {
		return 0, nil, err
	}
	m.WebhookID, m.InteractionID = AppID, in.ID
	in.messages = append(in.messages, m.ID)
	return http.StatusOK, *m, nil
}

// editFollowup is PATCH /webhooks/{app}/{token}/messages/{message|@original}.
func (s *Server) editFollowup(r *http.Request, body []byte) (int, any, *apiError) {
	in, err := s.webhook(r)
	if err != nil {
		return 0, nil, err
	}
	id := r.PathValue("message")
	if id == "@original" {
		id = in.original
	}
	if id == "" || id != in.original && !contains(in.messages, id) {
		return 0, nil, errorf(http.StatusNotFound, 10008, "Unknown Message")
	}
	m, err := s.message(in.ChannelID, id)
	if err != nil {
		return 0, nil, err
	}
	m.Flags &^= flagLoading
	return s.edit(m, body)
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// Callbacks returns the answers given to an interaction, in order.
func (s *Server) Callbacks(interactionID string) []Callback {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Callback
	for _, c := range s.callbacks {
		if c.InteractionID == interactionID {
			out = append(out, c)
		}
	}
	return out
}

// Answers returns the messages an interaction produced: the original
// answer first, then the follow-ups.
func (s *Server) Answers(interactionID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, msgs := range s.messages {
		for _, m := range msgs {
			if m.InteractionID == interactionID {
				out = append(out, *m)
			}
		}
	}
	sortByID(out)
	return out
}
