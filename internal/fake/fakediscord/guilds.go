package fakediscord

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Channel types the fake knows.
const (
	ChannelText     = 0
	ChannelCategory = 4
)

// Overwrite target types.
const (
	OverwriteRole   = 0
	OverwriteMember = 1
)

// Discord limits the fake enforces.
const (
	maxChannelName      = 100
	maxTopic            = 1024
	maxCategoryChildren = 50
	maxGuildChannels    = 500
)

// Channel is a guild channel as Discord returns it.
type Channel struct {
	ID         string      `json:"id"`
	Type       int         `json:"type"`
	GuildID    string      `json:"guild_id"`
	Name       string      `json:"name"`
	Topic      string      `json:"topic,omitempty"`
	ParentID   string      `json:"parent_id,omitempty"`
	Position   int         `json:"position"`
	Overwrites []Overwrite `json:"permission_overwrites"`
}

// Overwrite is a permission overwrite; Allow and Deny are bitsets as strings.
type Overwrite struct {
	ID    string `json:"id"`
	Type  int    `json:"type"`
	Allow string `json:"allow"`
	Deny  string `json:"deny"`
}

// User is a Discord account.
type User struct {
	ID         string `json:"id"`
	Username   string `json:"username"`
	GlobalName string `json:"global_name,omitempty"`
	Bot        bool   `json:"bot,omitempty"`
}

// Member is a user in the guild.
type Member struct {
	User  User     `json:"user"`
	Nick  string   `json:"nick,omitempty"`
	Roles []string `json:"roles"`
}

// Role is a guild role; the @everyone role's id is the guild id.
type Role struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Permissions string `json:"permissions"`
	Mentionable bool   `json:"mentionable"`
}

func (s *Server) checkGuild(r *http.Request) *apiError {
	if r.PathValue("guild") != GuildID {
		return errorf(http.StatusNotFound, 10004, "Unknown Guild")
	}
	return nil
}

func (s *Server) guildChannels(r *http.Request, _ []byte) (int, any, *apiError) {
	if err := s.checkGuild(r); err != nil {
		return 0, nil, err
	}
	out := make([]Channel, 0, len(s.channels))
	for _, c := range s.channels {
		out = append(out, c.clone())
	}
	return http.StatusOK, out, nil
}

func (c *Channel) clone() Channel {
	out := *c
	out.Overwrites = slices.Clone(c.Overwrites)
	return out
}

type channelParams struct {
	Name       *string     `json:"name"`
	Type       *int        `json:"type"`
	Topic      *string     `json:"topic"`
	ParentID   *string     `json:"parent_id"`
	Position   *int        `json:"position"`
	Overwrites []Overwrite `json:"permission_overwrites"`
}

// createChannel is POST /guilds/{guild}/channels: text channels and categories.
func (s *Server) createChannel(r *http.Request, body []byte) (int, any, *apiError) {
	if err := s.checkGuild(r); err != nil {
		return 0, nil, err
	}
	var p channelParams
	if err := json.Unmarshal(body, &p); err != nil || p.Name == nil {
		return 0, nil, invalidForm("name", "This field is required")
	}
	c := &Channel{ID: s.nextID(), GuildID: GuildID, Overwrites: []Overwrite{}}
	if p.Type != nil {
		c.Type = *p.Type
	}
	if c.Type != ChannelText && c.Type != ChannelCategory {
		return 0, nil, invalidForm("type", "Value must be one of {0, 4}.")
	}
	name, err := channelName(*p.Name, c.Type)
	if err != nil {
		return 0, nil, err
	}
	c.Name = name
	if len(s.channels) >= maxGuildChannels {
		return 0, nil, errorf(http.StatusBadRequest, 30013, "Maximum number of guild channels reached (500)")
	}
	if err := s.applyChannel(c, p); err != nil {
		return 0, nil, err
	}
	s.channels = append(s.channels, c)
	return http.StatusCreated, c.clone(), nil
}

// applyChannel sets the optional fields of a create or an edit.
func (s *Server) applyChannel(c *Channel, p channelParams) *apiError {
	if p.Topic != nil {
		if utf8.RuneCountInString(*p.Topic) > maxTopic {
			return invalidForm("topic", "Must be 1024 or fewer in length.")
		}
		c.Topic = *p.Topic
	}
	if p.ParentID != nil && *p.ParentID != c.ParentID {
		if *p.ParentID != "" {
			parent := s.channel(*p.ParentID)
			if parent == nil || parent.Type != ChannelCategory || c.Type == ChannelCategory {
				return invalidForm("parent_id", "Invalid category")
			}
			if s.children(parent.ID) >= maxCategoryChildren {
				return invalidForm("parent_id", "Maximum number of channels in category reached (50)")
			}
		}
		c.ParentID = *p.ParentID
	}
	if p.Position != nil {
		c.Position = *p.Position
	}
	if p.Overwrites != nil {
		for _, o := range p.Overwrites {
			if err := checkOverwrite(o); err != nil {
				return err
			}
		}
		c.Overwrites = slices.Clone(p.Overwrites)
	}
	return nil
}

func checkOverwrite(o Overwrite) *apiError {
	if o.ID == "" || o.Type != OverwriteRole && o.Type != OverwriteMember {
		return invalidForm("permission_overwrites", "Invalid overwrite")
	}
	for _, v := range []string{o.Allow, o.Deny} {
		if _, err := strconv.ParseUint(v, 10, 64); v != "" && err != nil {
			return invalidForm("permission_overwrites", "Invalid permission bitset")
		}
	}
	return nil
}

// channelName applies Discord's rules: 1-100 characters; text channel
// names are lowercased with spaces turned into dashes.
func channelName(name string, typ int) (string, *apiError) {
	if n := utf8.RuneCountInString(name); n < 1 || n > maxChannelName {
		return "", invalidForm("name", "Must be between 1 and 100 in length.")
	}
	if typ == ChannelText {
		name = strings.ReplaceAll(strings.ToLower(name), " ", "-")
	}
	return name, nil
}

func (s *Server) channel(id string) *Channel {
	for _, c := range s.channels {
		if c.ID == id {
			return c
		}
	}
	return nil
}

func (s *Server) children(parentID string) int {
	n := 0
	for _, c := range s.channels {
		if c.ParentID == parentID {
			n++
		}
	}
	return n
}

func (s *Server) listMembers(r *http.Request, _ []byte) (int, any, *apiError) {
	if err := s.checkGuild(r); err != nil {
		return 0, nil, err
	}
	limit := 1
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return 0, nil, invalidForm("limit", "int value should be between 1 and 1000.")
		}
		limit = n
	}
	after, _ := strconv.ParseUint(r.URL.Query().Get("after"), 10, 64)
	sorted := slices.Clone(s.members)
	slices.SortFunc(sorted, func(a, b *Member) int { return cmpID(a.User.ID, b.User.ID) })
	out := []Member{}
	for _, m := range sorted {
		if id, _ := strconv.ParseUint(m.User.ID, 10, 64); id > after && len(out) < limit {
			out = append(out, m.clone())
		}
	}
	return http.StatusOK, out, nil
}

func cmpID(a, b string) int {
	x, _ := strconv.ParseUint(a, 10, 64)
	y, _ := strconv.ParseUint(b, 10, 64)
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func (m *Member) clone() Member {
	out := *m
	out.Roles = slices.Clone(m.Roles)
	if out.Roles == nil {
		out.Roles = []string{}
	}
	return out
}

// searchMembers matches the start of username or nickname, as Discord does.
func (s *Server) searchMembers(r *http.Request, _ []byte) (int, any, *apiError) {
	if err := s.checkGuild(r); err != nil {
		return 0, nil, err
	}
	q := strings.ToLower(r.URL.Query().Get("query"))
	if q == "" {
		return 0, nil, invalidForm("query", "This field is required")
	}
	limit := 1
	if n, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && n >= 1 && n <= 1000 {
		limit = n
	}
	out := []Member{}
	for _, m := range s.members {
		if len(out) < limit && (strings.HasPrefix(strings.ToLower(m.User.Username), q) ||
			m.Nick != "" && strings.HasPrefix(strings.ToLower(m.Nick), q) ||
			m.User.GlobalName != "" && strings.HasPrefix(strings.ToLower(m.User.GlobalName), q)) {
			out = append(out, m.clone())
		}
	}
	return http.StatusOK, out, nil
}

func (s *Server) member(id string) *Member {
	for _, m := range s.members {
		if m.User.ID == id {
			return m
		}
	}
	return nil
}

func (s *Server) getMember(r *http.Request, _ []byte) (int, any, *apiError) {
	if err := s.checkGuild(r); err != nil {
		return 0, nil, err
	}
	m := s.member(r.PathValue("user"))
	if m == nil {
		return 0, nil, errorf(http.StatusNotFound, 10007, "Unknown Member")
	}
	return http.StatusOK, m.clone(), nil
}

func (s *Server) listRoles(r *http.Request, _ []byte) (int, any, *apiError) {
	if err := s.checkGuild(r); err != nil {
		return 0, nil, err
	}
	out := make([]Role, 0, len(s.roles))
	for _, ro := range s.roles {
		c := *ro
		if c.Permissions == "" {
			c.Permissions = "0"
		}
		out = append(out, c)
	}
	return http.StatusOK, out, nil
}

// botUser is the bot's own user: its id is BotUserID, not AppID.
var botUser = User{ID: BotUserID, Username: BotName, Bot: true}

// me is GET /users/@me: the bot's user, whose id the bot's permission
// overwrites must name (discord.com/developers/docs/resources/user#get-current-user).
func (s *Server) me(*http.Request, []byte) (int, any, *apiError) {
	return http.StatusOK, botUser, nil
}
