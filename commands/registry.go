package commands

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"incidentbot"
	"incidentbot/i18n"
)

// spec describes one command: how to parse it, print it back, run it and
// explain it. Each lives in its own file.
type spec struct {
	name    string
	aliases []string
	// brief, args and covers make the command's form (Spec). A command
	// without a brief has none: another covers it, or it is typed only.
	brief  string
	args   []Arg
	covers []*spec
	typed  bool // typed only: no form
	// key: the command takes an optional incident key right after its name;
	// the usage shows it there unless it names another place.
	key bool
	// parse fills c from the arguments after the name (and the key).
	parse func(s *spec, c *Command, args string) error
	// format prints c back; nil prints "name [key]".
	format func(c Command) string
	handle func(ctx context.Context, h *Handler, actor incidentbot.Actor, c Command) (Reply, error)
}

// registry lists the commands in the order help shows them. It is filled
// in init because help's handler reads it.
var (
	registry []*spec
	byName   map[string]*spec
)

func init() {
	register(
		declareCmd, statusCmd, updateCmd, ackCmd, roleCmd, rolesCmd, sevCmd, noteCmd,
		impactCmd, impactStartCmd, checkCmd, uncheckCmd, adsCmd, sendCmd, verifyCmd, remindCmd, mitigatedCmd, resolveCmd,
		reopenCmd, closeCmd, postmortemCmd, followupCmd, retryCmd, drillCmd, listCmd, langCmd, helpCmd,
	)
}

// register panics on a duplicate name: a programming mistake caught at start.
func register(specs ...*spec) {
	byName = map[string]*spec{}
	for _, s := range specs {
		for _, n := range slices.Concat([]string{s.name}, s.aliases, french[s.name]) {
			if _, dup := byName[fold(n)]; dup {
				panic("commands: duplicate command name " + n)
			}
			byName[fold(n)] = s
		}
	}
	registry = specs
}

func lookup(name string) *spec { return byName[fold(name)] }

// usage is the argument synopsis shown after "/incident <name>" in lang,
// "" for a command that takes no arguments.
func (s *spec) usage(lang string) string {
	id := "command." + s.name + ".usage"
	if !i18n.Has(id) {
		return ""
	}
	return i18n.T(lang, id, nil)
}

// summary says what the command does, in lang.
func (s *spec) summary(lang string) string {
	return i18n.T(lang, "command."+s.name+".summary", nil)
}

// synopsis is the full usage line in lang: "/incident status [INC-42]".
func (s *spec) synopsis(lang string) string {
	usage := s.usage(lang)
	u := prefix + " " + s.name
	if s.key && !strings.Contains(usage, "[INC-42]") {
		u += " [INC-42]"
	}
	if usage != "" {
		u += " " + usage
	}
	return u
}

// In is the synopsis, so that a message says it in its own language.
func (s *spec) In(lang string) string { return s.synopsis(lang) }

// invalid builds a parse error: the problem (catalog message id with its
// data), then how to type the command.
func (s *spec) invalid(id string, data map[string]any) error {
	return i18n.Errorf(incidentbot.EINVALID, "parse.invalid", map[string]any{"Problem": i18n.M(id, data), "Usage": s})
}

// commandList is every command's usage, one a line, in the reader's language.
type commandList struct{}

func (commandList) In(lang string) string {
	var b strings.Builder
	b.WriteString(i18n.T(lang, "parse.commands", nil))
	for _, s := range registry {
		fmt.Fprintf(&b, "\n`%s`", s.synopsis(lang))
	}
	return b.String()
}

func unknown(name string) error {
	return i18n.Errorf(incidentbot.EINVALID, "parse.unknown", map[string]any{"Name": strconv.Quote(truncate(name, 40)), "Commands": commandList{}})
}
