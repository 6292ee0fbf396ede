package commands

import (
	"context"
	"fmt"
	"strings"

	"incidentbot"
)

// spec describes one command: how to parse it, print it back, run it and
// explain it. Each lives in its own file.
type spec struct {
	name    string
	aliases []string
	// usage is the argument synopsis shown after "/incident <name>".
	usage   string
	summary string
	example string
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
		reopenCmd, closeCmd, postmortemCmd, followupCmd, retryCmd, drillCmd, listCmd, helpCmd,
	)
}

// register panics on a duplicate name: a programming mistake caught at start.
func register(specs ...*spec) {
	byName = map[string]*spec{}
	for _, s := range specs {
		for _, n := range append([]string{s.name}, s.aliases...) {
			if _, dup := byName[n]; dup {
				panic("commands: duplicate command name " + n)
			}
			byName[n] = s
		}
	}
	registry = specs
}

func lookup(name string) *spec { return byName[strings.ToLower(name)] }

// synopsis is the full usage line: "/incident status [INC-42]".
func (s *spec) synopsis() string {
	u := prefix + " " + s.name
	if s.key && !strings.Contains(s.usage, "[INC-42]") {
		u += " [INC-42]"
	}
	if s.usage != "" {
		u += " " + s.usage
	}
	return u
}

// invalid builds a parse error: the problem, then how to type the command.
func (s *spec) invalid(format string, args ...any) error {
	return incidentbot.Errorf(incidentbot.EINVALID, "%s\nUsage: `%s`", fmt.Sprintf(format, args...), s.synopsis())
}

// usageList is every command's usage, one a line.
func usageList() string {
	var b strings.Builder
	b.WriteString("Commands:")
	for _, s := range registry {
		fmt.Fprintf(&b, "\n`%s`", s.synopsis())
	}
	return b.String()
}

func unknown(name string) error {
	return incidentbot.Errorf(incidentbot.EINVALID, "Unknown command %q.\n%s", truncate(name, 40), usageList())
}
