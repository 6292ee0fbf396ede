package commands

import (
	"slices"
	"strings"
)

// Spec is a command as a form with named, typed fields rather than a
// typed line, for platforms that show commands so (Discord's application
// commands). Line turns the filled-in fields back into the line Parse
// reads, so every platform runs one grammar.
type Spec struct {
	// Names are the command's name, then the other words it answers to.
	Names []string
	// Brief says what it does in one line of at most 100 characters.
	Brief string
	// Key: the command takes an incident key (KeyArg), which the line puts
	// right after the name.
	Key bool
	// Args in the order the line takes them.
	Args []Arg
	// Covers are the commands this one's form stands for too: impact's
	// start argument is impact-start.
	Covers []string
}

// ArgKind is what an argument holds.
type ArgKind string

const (
	ArgText    ArgKind = "text"
	ArgNumber  ArgKind = "number"  // a whole number, at least Min
	ArgFlag    ArgKind = "flag"    // on or off: Prefix is written when on
	ArgMention ArgKind = "mention" // a person or a group, as a chat mention
)

// Arg is one field of a command's form.
type Arg struct {
	Name     string
	Help     string // at most 100 characters
	Kind     ArgKind
	Required bool
	Choices  []string // the only values accepted, when set
	MaxLen   int      // text: 0 for the platform's limit
	Min      int      // number: the smallest accepted
	// Suggest: the adapter may offer values as people type (incident
	// keys, playbook types).
	Suggest bool
	// Prefix is written before the value ("type:", "--since "), or alone
	// for a flag that is on ("--force").
	Prefix string
}

// KeyArg is the incident key of the commands that take one.
var KeyArg = Arg{Name: "incident", Help: "Incident key, e.g. INC-42 (default: this war room's)", Kind: ArgText, Suggest: true}

// Specs returns the forms of the commands, in help's order. A command
// that another covers (impact-start, inside impact) or that is typed only
// (lang) has none of its own.
func Specs() []Spec {
	var out []Spec
	for _, s := range registry {
		if s.brief == "" {
			continue
		}
		sp := Spec{Names: slices.Concat([]string{s.name}, s.aliases, french[s.name]), Brief: s.brief, Key: s.key, Args: s.args}
		for _, c := range s.covers {
			sp.Covers = append(sp.Covers, c.name)
		}
		out = append(out, sp)
	}
	return out
}

// Line is the command line for key ("" for none) and the fields' values
// by name (a flag's is "true" when on): what Parse reads. Values not
// filled in are left out.
func (s Spec) Line(key string, values map[string]string) string {
	parts := []string{s.Names[0], key}
	for _, a := range s.Args {
		v := strings.TrimSpace(values[a.Name])
		switch {
		case v == "":
		case a.Kind == ArgFlag:
			if v == "true" {
				parts = append(parts, a.Prefix)
			}
		default:
			parts = append(parts, a.Prefix+v)
		}
	}
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}
