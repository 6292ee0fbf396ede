package fakediscord

import (
	"encoding/json"
	"net/http"
	"regexp"
	"unicode/utf8"
)

// Command is a registered application command, kept as the bot sent it
// plus the fields Discord adds.
type Command map[string]any

var commandName = regexp.MustCompile(`^[-_\p{Ll}\p{N}]{1,32}$`)

func (s *Server) commandScope(r *http.Request) (string, *apiError) {
	if r.PathValue("app") != AppID {
		return "", errorf(http.StatusForbidden, 50001, "Missing Access")
	}
	g := r.PathValue("guild")
	if g != "" && g != GuildID {
		return "", errorf(http.StatusForbidden, 50001, "Missing Access")
	}
	return g, nil
}

func (s *Server) listCommands(r *http.Request, _ []byte) (int, any, *apiError) {
	g, err := s.commandScope(r)
	if err != nil {
		return 0, nil, err
	}
	out := s.commands[g]
	if out == nil {
		out = []Command{}
	}
	return http.StatusOK, out, nil
}

// overwriteCommands is the bulk overwrite: the list replaces what was
// there; a command keeps its id when its name stays.
func (s *Server) overwriteCommands(r *http.Request, body []byte) (int, any, *apiError) {
	g, err := s.commandScope(r)
	if err != nil {
		return 0, nil, err
	}
	var list []Command
	if e := json.Unmarshal(body, &list); e != nil {
		return 0, nil, invalidForm("commands", "Must be a list of commands.")
	}
	if len(list) > 100 {
		return 0, nil, invalidForm("commands", "Must be 100 or fewer in length.")
	}
	old := map[string]string{}
	for _, c := range s.commands[g] {
		old[c["name"].(string)] = c["id"].(string)
	}
	out := make([]Command, 0, len(list))
	for _, c := range list {
		if err := checkCommand(c, 0); err != nil {
			return 0, nil, err
		}
		id := old[c["name"].(string)]
		if id == "" {
			id = s.nextID()
		}
		c["id"], c["application_id"], c["version"] = id, AppID, s.nextID()
		if g != "" {
			c["guild_id"] = g
		}
		if _, ok := c["type"]; !ok {
			c["type"] = 1.0
		}
		// Discord answers integration_types [0] when none was sent, and
		// contexts null (discord-api-docs issue 6744).
		if _, ok := c["integration_types"]; !ok {
			c["integration_types"] = []any{0.0}
		}
		if _, ok := c["contexts"]; !ok {
			c["contexts"] = nil
		}
		out = append(out, c)
	}
	s.commands[g] = out
	return http.StatusOK, out, nil
}

// checkCommand checks names, descriptions and option counts, recursively
// through subcommands.
func checkCommand(c map[string]any, depth int) *apiError {
	name, _ := c["name"].(string)
	if !commandName.MatchString(name) {
		return invalidForm("name", "Command name is invalid")
	}
	desc, _ := c["description"].(string)
	if n := utf8.RuneCountInString(desc); n < 1 || n > 100 {
		return invalidForm(name+".description", "Must be between 1 and 100 in length.")
	}
	if depth == 0 {
		// Application Command Object: contexts are interaction context
		// types 0 GUILD, 1 BOT_DM, 2 PRIVATE_CHANNEL; integration_types are
		// 0 GUILD_INSTALL, 1 USER_INSTALL. dm_permission is deprecated in
		// favour of contexts: the fake refuses it so the bot never relies on it.
		if err := checkEnumList(c, "contexts", 2); err != nil {
			return err
		}
		if err := checkEnumList(c, "integration_types", 1); err != nil {
			return err
		}
		if _, ok := c["dm_permission"]; ok {
			return invalidForm(name+".dm_permission", "Deprecated: use contexts.")
		}
	}
	opts, _ := c["options"].([]any)
	if len(opts) > 25 {
		return invalidForm(name+".options", "Must be 25 or fewer in length.")
	}
	if depth > 2 {
		return invalidForm(name+".options", "Too deeply nested.")
	}
	for _, o := range opts {
		om, ok := o.(map[string]any)
		if !ok {
			return invalidForm(name+".options", "Must be an object.")
		}
		if ch, _ := om["choices"].([]any); len(ch) > 25 {
			return invalidForm(name+".choices", "Must be 25 or fewer in length.")
		}
		if ac, _ := om["autocomplete"].(bool); ac && om["choices"] != nil {
			return invalidForm(name+".autocomplete", "Autocomplete and choices are mutually exclusive.")
		}
		if err := checkCommand(om, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// checkEnumList checks that c[field], when present and not null, is a
// list of distinct whole numbers from 0 to max.
func checkEnumList(c map[string]any, field string, max float64) *apiError {
	v, ok := c[field]
	if !ok || v == nil {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		return invalidForm(field, "Must be a list.")
	}
	seen := map[float64]bool{}
	for _, x := range list {
		n, ok := x.(float64)
		if !ok || n != float64(int(n)) || n < 0 || n > max || seen[n] {
			return invalidForm(field, "Value is not a valid enum value.")
		}
		seen[n] = true
	}
	return nil
}

// Commands returns the registered commands of a guild ("" for global).
func (s *Server) Commands(guildID string) []Command {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Command(nil), s.commands[guildID]...)
}
