package fakediscord

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Message limits (message.mdx, components reference).
const (
	maxContent     = 2000
	maxEmbeds      = 10
	maxEmbedTotal  = 6000
	maxTitle       = 256
	maxDescription = 4096
	maxFields      = 25
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxFooter      = 2048
	maxRows        = 5
	maxRowButtons  = 5
	maxCustomID    = 100
	maxLabel       = 80
	maxPins        = 250
)

// FlagEphemeral marks a message only its interaction's user sees.
const FlagEphemeral = 64

// Message is a posted message. Embeds and Components are kept as sent.
type Message struct {
	ID            string       `json:"id"`
	ChannelID     string       `json:"channel_id"`
	Author        User         `json:"author"`
	Content       string       `json:"content"`
	Embeds        []Embed      `json:"embeds"`
	Components    []ActionRow  `json:"components"`
	Pinned        bool         `json:"pinned"`
	Flags         int          `json:"flags"`
	Timestamp     time.Time    `json:"timestamp"`
	EditedAt      *time.Time   `json:"edited_timestamp"`
	WebhookID     string       `json:"webhook_id,omitempty"`
	InteractionID string       `json:"-"` // the interaction this answers, if any
	Mentions      []User       `json:"mentions"`
	Reference     *MessageLink `json:"message_reference,omitempty"`
	Attachments   []Attachment `json:"attachments"`
	// Nonce is what the create call sent (an integer or a string of at
	// most 25 characters), returned with the message.
	Nonce json.RawMessage `json:"nonce,omitempty"`
}

// MessageLink points at another message.
type MessageLink struct {
	MessageID string `json:"message_id"`
	ChannelID string `json:"channel_id"`
}

// Embed is a rich embed.
type Embed struct {
	Type        string       `json:"type,omitempty"`
	Title       string       `json:"title,omitempty"`
	Description string       `json:"description,omitempty"`
	Color       int          `json:"color,omitempty"`
	Fields      []EmbedField `json:"fields,omitempty"`
	Footer      *EmbedFooter `json:"footer,omitempty"`
}

// EmbedField is a name/value pair of an embed.
type EmbedField struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Inline bool   `json:"inline,omitempty"`
}

// EmbedFooter is an embed's small print.
type EmbedFooter struct {
	Text string `json:"text"`
}

// ActionRow is a row of components (type 1).
type ActionRow struct {
	Type       int         `json:"type"`
	Components []Component `json:"components"`
}

// Component is a button (type 2) or a text input in a modal (type 4).
type Component struct {
	Type     int    `json:"type"`
	Style    int    `json:"style,omitempty"`
	Label    string `json:"label,omitempty"`
	CustomID string `json:"custom_id,omitempty"`
	URL      string `json:"url,omitempty"`
	Disabled bool   `json:"disabled,omitempty"`
}

// messageParams is a create or edit body; nil fields are left alone on edit.
type messageParams struct {
	Content    *string      `json:"content"`
	Embeds     *[]Embed     `json:"embeds"`
	Components *[]ActionRow `json:"components"`
	Flags      *int         `json:"flags"`
	Reference  *MessageLink `json:"message_reference"`
	// AllowedMentions is recorded with every write (see Writes).
	AllowedMentions *AllowedMentions `json:"allowed_mentions"`
	// Nonce and EnforceNonce (Discord docs, Resources > Message > Create
	// Message): with enforce_nonce, a message of the same author with the
	// same nonce created in the past few minutes is returned instead of a
	// new one.
	Nonce        json.RawMessage `json:"nonce"`
	EnforceNonce bool            `json:"enforce_nonce"`
}

// nonceWindow is how long enforce_nonce finds an earlier message: the docs
// say "the past few minutes"; the fake takes the low end.
const nonceWindow = 2 * time.Minute

// checkNonce validates a nonce: an integer, or a string of at most 25
// characters.
func checkNonce(n json.RawMessage) *apiError {
	if len(n) == 0 || string(n) == "null" {
		return nil
	}
	var str string
	if json.Unmarshal(n, &str) == nil {
		if utf8.RuneCountInString(str) > 25 {
			return invalidForm("nonce", "Must be 25 or fewer in length.")
		}
		return nil
	}
	var i int64
	if json.Unmarshal(n, &i) != nil {
		return invalidForm("nonce", "Must be an integer or a string.")
	}
	return nil
}

func (s *Server) textChannel(id string) (*Channel, *apiError) {
	c := s.channel(id)
	if c == nil {
		return nil, errorf(http.StatusNotFound, 10003, "Unknown Channel")
	}
	if c.Type != ChannelText {
		return nil, errorf(http.StatusBadRequest, 50008, "Cannot send messages in a non-text channel")
	}
	return c, nil
}

func (s *Server) getChannel(r *http.Request, _ []byte) (int, any, *apiError) {
	c := s.channel(r.PathValue("channel"))
	if c == nil {
		return 0, nil, errorf(http.StatusNotFound, 10003, "Unknown Channel")
	}
	return http.StatusOK, c.clone(), nil
}

// editChannel is PATCH /channels/{channel}: name, topic, parent, overwrites.
func (s *Server) editChannel(r *http.Request, body []byte) (int, any, *apiError) {
	c := s.channel(r.PathValue("channel"))
	if c == nil {
		return 0, nil, errorf(http.StatusNotFound, 10003, "Unknown Channel")
	}
	var p channelParams
	if err := json.Unmarshal(body, &p); err != nil {
		return 0, nil, errorf(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
	}
	next := c.clone()
	if p.Name != nil {
		name, err := channelName(*p.Name, c.Type)
		if err != nil {
			return 0, nil, err
		}
		next.Name = name
	}
	if err := s.applyChannel(&next, p); err != nil {
		return 0, nil, err
	}
	*c = next
	return http.StatusOK, c.clone(), nil
}

// setPermission is PUT /channels/{channel}/permissions/{target}: create or
// replace one overwrite.
func (s *Server) setPermission(r *http.Request, body []byte) (int, any, *apiError) {
	c := s.channel(r.PathValue("channel"))
	if c == nil {
		return 0, nil, errorf(http.StatusNotFound, 10003, "Unknown Channel")
	}
	var o Overwrite
	if err := json.Unmarshal(body, &o); err != nil {
		return 0, nil, invalidForm("type", "This field is required")
	}
	o.ID = r.PathValue("target")
	if o.Allow == "" {
		o.Allow = "0"
	}
	if o.Deny == "" {
		o.Deny = "0"
	}
	if err := checkOverwrite(o); err != nil {
		return 0, nil, err
	}
	if o.Type == OverwriteMember && s.member(o.ID) == nil {
		return 0, nil, errorf(http.StatusNotFound, 10009, "Unknown Overwrite")
	}
	i := slices.IndexFunc(c.Overwrites, func(x Overwrite) bool { return x.ID == o.ID })
	if i >= 0 {
		c.Overwrites[i] = o
	} else {
		c.Overwrites = append(c.Overwrites, o)
	}
	return http.StatusNoContent, nil, nil
}

func (s *Server) listMessages(r *http.Request, _ []byte) (int, any, *apiError) {
	c, err := s.textChannel(r.PathValue("channel"))
	if err != nil {
		return 0, nil, err
	}
	msgs := s.messages[c.ID]
	out := make([]Message, 0, len(msgs))
	for i := len(msgs) - 1; i >= 0; i-- { // newest first, as Discord answers
		if msgs[i].Flags&FlagEphemeral == 0 {
			out = append(out, *msgs[i])
		}
	}
	return http.StatusOK, out, nil
}

func (s *Server) postMessage(r *http.Request, body []byte) (int, any, *apiError) {
	c, err := s.textChannel(r.PathValue("channel"))
	if err != nil {
		return 0, nil, err
	}
	if !s.allowedLocked(c.ID, BotUserID, PermissionView|PermissionSend) {
		return 0, nil, errorf(http.StatusForbidden, 50001, "Missing Access")
	}
	payload, files, err := messageForm(r, body)
	if err != nil {
		return 0, nil, err
	}
	m, err := s.newMessage(c.ID, payload, botUser, files...)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, *m, nil
}

// Attachment is a file uploaded with a message. Content is kept for
// assertions; Discord serves it from its CDN at URL.
type Attachment struct {
	ID          string `json:"id"`
	Filename    string `json:"filename"`
	Size        int    `json:"size"`
	URL         string `json:"url"`
	ContentType string `json:"content_type,omitempty"`
	Content     string `json:"-"`
}

// maxUpload is the per-request upload limit of a server without boosts.
const maxUpload = 10 << 20

// messageForm reads a message create body: JSON, or multipart/form-data
// with the JSON in payload_json and the files in files[n] (Discord docs,
// Reference > Uploading Files; the n matches attachments[].id when given).
func messageForm(r *http.Request, body []byte) ([]byte, []Attachment, *apiError) {
	ct, ps, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		return body, nil, nil
	}
	if len(body) > maxUpload {
		return nil, nil, errorf(http.StatusRequestEntityTooLarge, 40005, "Request entity too large")
	}
	mr := multipart.NewReader(bytes.NewReader(body), ps["boundary"])
	var payload []byte
	var files []Attachment
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, errorf(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		}
		b, err := io.ReadAll(part)
		if err != nil {
			return nil, nil, errorf(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		}
		name := part.FormName()
		switch {
		case name == "payload_json":
			payload = b
		case strings.HasPrefix(name, "files[") && strings.HasSuffix(name, "]"):
			if part.FileName() == "" {
				return nil, nil, invalidForm(name, "A file needs a filename.")
			}
			files = append(files, Attachment{Filename: part.FileName(), Size: len(b), Content: string(b), ContentType: part.Header.Get("Content-Type")})
		default:
			return nil, nil, invalidForm(name, "Unknown form field.")
		}
	}
	if payload == nil {
		payload = []byte("{}")
	}
	if !json.Valid(payload) {
		return nil, nil, errorf(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
	}
	return payload, files, nil
}

// newMessage validates a create body and stores the message. Called with s.mu held.
func (s *Server) newMessage(channelID string, body []byte, author User, files ...Attachment) (*Message, *apiError) {
	var p messageParams
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, errorf(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
	}
	if err := checkNonce(p.Nonce); err != nil {
		return nil, err
	}
	if p.EnforceNonce && len(p.Nonce) > 0 {
		for _, old := range s.messages[channelID] {
			if old.Author.ID == author.ID && bytes.Equal(old.Nonce, p.Nonce) && s.now().Sub(old.Timestamp) < nonceWindow {
				return old, nil
			}
		}
	}
	m := &Message{ID: s.nextID(), ChannelID: channelID, Author: author, Timestamp: s.now().UTC(),
		Embeds: []Embed{}, Components: []ActionRow{}, Mentions: []User{}, Attachments: []Attachment{}, Nonce: p.Nonce}
	if err := apply(m, p); err != nil {
		return nil, err
	}
	for _, f := range files {
		f.ID = s.nextID()
		f.URL = "https://cdn.discordapp.com/attachments/" + channelID + "/" + f.ID + "/" + f.Filename
		m.Attachments = append(m.Attachments, f)
	}
	if m.Content == "" && len(m.Embeds) == 0 && len(m.Components) == 0 && len(m.Attachments) == 0 {
		return nil, errorf(http.StatusBadRequest, 50006, "Cannot send an empty message")
	}
	if p.Flags != nil {
		m.Flags = *p.Flags
	}
	if p.Reference != nil {
		m.Reference = p.Reference
	}
	if err := checkAllowed(p.AllowedMentions); err != nil {
		return nil, err
	}
	m.Mentions = s.mentions(m.Content)
	s.messages[channelID] = append(s.messages[channelID], m)
	s.record(m, p.AllowedMentions, false)
	return m, nil
}

// mentions lists the members a content mentions with <@id> or <@!id>.
func (s *Server) mentions(content string) []User {
	out := []User{}
	for _, m := range s.members {
		if strings.Contains(content, "<@"+m.User.ID+">") || strings.Contains(content, "<@!"+m.User.ID+">") {
			out = append(out, m.User)
		}
	}
	return out
}

// apply checks and sets content, embeds and components.
func apply(m *Message, p messageParams) *apiError {
	if p.Content != nil {
		if utf8.RuneCountInString(*p.Content) > maxContent {
			return invalidForm("content", "Must be 2000 or fewer in length.")
		}
		m.Content = *p.Content
	}
	if p.Embeds != nil {
		if err := checkEmbeds(*p.Embeds); err != nil {
			return err
		}
		m.Embeds = slices.Clone(*p.Embeds)
	}
	if p.Components != nil {
		if err := checkComponents(*p.Components); err != nil {
			return err
		}
		m.Components = slices.Clone(*p.Components)
	}
	return nil
}

func checkEmbeds(embeds []Embed) *apiError {
	if len(embeds) > maxEmbeds {
		return invalidForm("embeds", "Must be 10 or fewer in length.")
	}
	total := 0
	for _, e := range embeds {
		n := utf8.RuneCountInString
		switch {
		case n(e.Title) > maxTitle:
			return invalidForm("embeds.title", "Must be 256 or fewer in length.")
		case n(e.Description) > maxDescription:
			return invalidForm("embeds.description", "Must be 4096 or fewer in length.")
		case len(e.Fields) > maxFields:
			return invalidForm("embeds.fields", "Must be 25 or fewer in length.")
		case e.Footer != nil && n(e.Footer.Text) > maxFooter:
			return invalidForm("embeds.footer.text", "Must be 2048 or fewer in length.")
		}
		total += n(e.Title) + n(e.Description)
		if e.Footer != nil {
			total += n(e.Footer.Text)
		}
		for _, f := range e.Fields {
			if f.Name == "" || f.Value == "" || n(f.Name) > maxFieldName || n(f.Value) > maxFieldValue {
				return invalidForm("embeds.fields", "Name and value must be 1-256 and 1-1024 characters.")
			}
			total += n(f.Name) + n(f.Value)
		}
	}
	if total > maxEmbedTotal {
		return invalidForm("embeds", "Embed size exceeds maximum size of 6000")
	}
	return nil
}

func checkComponents(rows []ActionRow) *apiError {
	if len(rows) > maxRows {
		return invalidForm("components", "Must be 5 or fewer in length.")
	}
	seen := map[string]bool{}
	for _, row := range rows {
		if row.Type != 1 || len(row.Components) == 0 || len(row.Components) > maxRowButtons {
			return invalidForm("components", "An action row holds 1 to 5 buttons.")
		}
		for _, c := range row.Components {
			if c.Type != 2 || c.Style < 1 || c.Style > 5 {
				return invalidForm("components.type", "Value must be a button of style 1 to 5.")
			}
			if utf8.RuneCountInString(c.Label) > maxLabel {
				return invalidForm("components.label", "Must be 80 or fewer in length.")
			}
			if c.Style == 5 {
				continue
			}
			if n := utf8.RuneCountInString(c.CustomID); n < 1 || n > maxCustomID {
				return invalidForm("components.custom_id", "Must be between 1 and 100 in length.")
			}
			if seen[c.CustomID] {
				return invalidForm("components.custom_id", "Component custom id cannot be duplicated")
			}
			seen[c.CustomID] = true
		}
	}
	return nil
}

func (s *Server) message(channelID, id string) (*Message, *apiError) {
	if _, err := s.textChannel(channelID); err != nil {
		return nil, err
	}
	for _, m := range s.messages[channelID] {
		if m.ID == id {
			return m, nil
		}
	}
	return nil, errorf(http.StatusNotFound, 10008, "Unknown Message")
}

func (s *Server) getMessage(r *http.Request, _ []byte) (int, any, *apiError) {
	m, err := s.message(r.PathValue("channel"), r.PathValue("message"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, *m, nil
}

func (s *Server) editMessage(r *http.Request, body []byte) (int, any, *apiError) {
	m, err := s.message(r.PathValue("channel"), r.PathValue("message"))
	if err != nil {
		return 0, nil, err
	}
	if m.Author.ID != BotUserID {
		return 0, nil, errorf(http.StatusForbidden, 50005, "Cannot edit a message authored by another user")
	}
	return s.edit(m, body)
}

// edit applies an edit body to m. Called with s.mu held.
func (s *Server) edit(m *Message, body []byte) (int, any, *apiError) {
	var p messageParams
	if err := json.Unmarshal(body, &p); err != nil {
		return 0, nil, errorf(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
	}
	next := *m
	if err := apply(&next, p); err != nil {
		return 0, nil, err
	}
	if next.Content == "" && len(next.Embeds) == 0 && len(next.Components) == 0 {
		return 0, nil, errorf(http.StatusBadRequest, 50006, "Cannot send an empty message")
	}
	if err := checkAllowed(p.AllowedMentions); err != nil {
		return 0, nil, err
	}
	at := s.now().UTC()
	next.EditedAt = &at
	next.Mentions = s.mentions(next.Content)
	*m = next
	s.record(m, p.AllowedMentions, true)
	return http.StatusOK, *m, nil
}

// pin serves PUT /channels/{channel}/messages/pins/{message}.
func (s *Server) pin(r *http.Request, _ []byte) (int, any, *apiError) {
	m, err := s.message(r.PathValue("channel"), r.PathValue("message"))
	if err != nil {
		return 0, nil, err
	}
	if m.Pinned {
		return http.StatusNoContent, nil, nil
	}
	pinned := 0
	for _, x := range s.messages[m.ChannelID] {
		if x.Pinned {
			pinned++
		}
	}
	if pinned >= maxPins {
		return 0, nil, errorf(http.StatusBadRequest, 30003, "Maximum number of pins reached (250)")
	}
	m.Pinned = true
	return http.StatusNoContent, nil, nil
}
