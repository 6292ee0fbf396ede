// Package english finds English left in text meant to be French: a line
// that holds a common English word, once names, command keywords, ids,
// URLs and code spans are set aside. Tests run it over the French demo's
// transcript and post-mortem (cmd/incidentbot) so that a text missing from
// the catalog shows up as a failing line.
package english

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// words are common English words that are not French words too ("a",
// "on", "or", "pour", "but", "plus", "site", "note", "page" are both, so
// they are not here): one of them in a line is a sentence left in English.
var words = set(`
the and with without to is are was were be been being by for of not no yes
this that these those from your you has have had having will would should could can cannot
there their they them then than when what which who whom whose why how where
into onto at after before until while again only all any some every each done
open opened closed close paused resumed answered got within it its we our us
do does did get gets set see ask asked back still here now just also about over under
more most less if so up down out off in one two three first last next new my he she
his her said says say use used uses using make made take taken keep kept let may might must
need needs way because other others same own such very too much many few nothing something
anything everyone nobody someone people team customers customer shop check checked checkout
failed failure error errors campaign campaigns serving working works work again run runs ran
running post posted posts update updates updated updating declared declare acknowledged
assigned unassigned nobody found read write written added add remove removed started start
stopped stop skipped held notify notified status reminder reminders snoozed
please try retry tried later soon yet ago since per day days hour hours week weeks
today tomorrow yesterday seems looks like went gone going come came give given gave hand
told tell says say show shows shown list listed draft whole lines edit share get latest
confirm confirmed outside inside provider providers configured none
resolved investigating mitigated pinned joined archived edited topic
`)

// set is a space-separated list of words as a set.
func set(list string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.Fields(list) {
		out[w] = true
	}
	return out
}

// Detector looks for English in lines. Keywords are command words (and
// their arguments' fixed values): after "/incident" they are set aside.
// Names are words of names (people, roles, campaigns, playbooks): set
// aside anywhere. Both are compared in lower case.
type Detector struct {
	Keywords map[string]bool
	Names    map[string]bool
}

var (
	codeSpan = regexp.MustCompile("`[^`]*`")
	url      = regexp.MustCompile(`\b[a-z][a-z0-9+.-]*://\S+`)
	// ids: incident keys, chat ids (M0004, C0001), file and host names;
	// environment variables are in capitals, which Words skips.
	id      = regexp.MustCompile(`\b(?:INC-\d+|[A-Z]\d{3,}|[\w.-]+\.(?:md|db|yaml|csv|json|atom|js)|[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|fr|io|example))\b`)
	mention = regexp.MustCompile(`[@#][\w.-]+`)
	command = regexp.MustCompile(`/incident((?:\s+\S+)*)`)
	word    = regexp.MustCompile(`[\p{L}][\p{L}\p{Mn}-]*`)
)

// Words returns the English words of line, in order, each once; none
// when the line reads as French (or as names and ids only).
func (d Detector) Words(line string) []string {
	line = codeSpan.ReplaceAllString(line, " ")
	line = url.ReplaceAllString(line, " ")
	line = d.dropCommands(line)
	line = id.ReplaceAllString(line, " ")
	line = mention.ReplaceAllString(line, " ")
	var found []string
	for _, w := range word.FindAllString(line, -1) {
		// An apostrophe ends a word on both sides ("provider's", "l'équipe"):
		// the regexp stops at it already.
		w = strings.Trim(w, "-")
		if w == "" || allCaps(w) {
			continue
		}
		lw := strings.ToLower(w)
		if d.Names[lw] || !words[lw] || slices.Contains(found, lw) {
			continue
		}
		found = append(found, lw)
	}
	return found
}

// dropCommands sets aside "/incident" and the keywords that follow it
// ("/incident ads pause|resume", "/incident role tech-lead @bob sev1");
// the first other word ends the command, so English typed after a
// command still counts.
func (d Detector) dropCommands(line string) string {
	return command.ReplaceAllStringFunc(line, func(m string) string {
		rest := strings.Fields(strings.TrimPrefix(m, "/incident"))
		i := 0
		for i < len(rest) && d.keyword(rest[i]) {
			i++
		}
		return " " + strings.Join(rest[i:], " ")
	})
}

// keyword reports whether tok belongs to a command line rather than to a
// sentence: a command word, a choice, a mention, a key, a number, a
// placeholder such as <summary>.
func (d Detector) keyword(tok string) bool {
	tok = strings.TrimRight(tok, ".,:;!?)")
	switch {
	case tok == "":
		return false
	case strings.HasPrefix(tok, "@"), strings.HasPrefix(tok, "<"), strings.HasPrefix(tok, "--"), id.MatchString(tok):
		return true
	case strings.Trim(tok, "0123456789%") == "":
		return true
	}
	for _, part := range strings.Split(strings.ToLower(tok), "|") {
		if !d.Keywords[part] && !d.Names[part] && !sev.MatchString(part) {
			return false
		}
	}
	return true
}

var sev = regexp.MustCompile(`^sev[1-4]$`)

func allCaps(w string) bool {
	return len([]rune(w)) > 1 && strings.IndexFunc(w, unicode.IsLower) < 0
}

// Allowlist is the lines known to stay English for a while, each entry
// naming the area that owns the text, so that the detector fails only on
// new English and the list shrinks as the areas are translated.
type Allowlist struct {
	Entries []Allowed
}

// Allowed is one entry: lines holding Fragment are allowed.
type Allowed struct {
	Owner    string
	Fragment string
	Line     int // in the allowlist file
	Used     bool
}

// ParseAllowlist reads "owner: fragment" lines; blank lines and lines
// starting with # are comments. Each owner must be one of owners.
func ParseAllowlist(text string, owners []string) (*Allowlist, error) {
	a := &Allowlist{}
	var problems []string
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		owner, fragment, ok := strings.Cut(line, ": ")
		fragment = strings.TrimSpace(fragment)
		switch {
		case !ok || fragment == "":
			problems = append(problems, fmt.Sprintf("line %d: want \"owner: fragment of the line\"", i+1))
		case !slices.Contains(owners, owner):
			problems = append(problems, fmt.Sprintf("line %d: owner %q is none of %s", i+1, owner, strings.Join(owners, ", ")))
		default:
			a.Entries = append(a.Entries, Allowed{Owner: owner, Fragment: fragment, Line: i + 1})
		}
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "\n"))
	}
	return a, nil
}

// Allows reports whether an entry covers line (its fragment, in any
// case, is in the line), and marks every such entry used.
func (a *Allowlist) Allows(line string) bool {
	allowed := false
	line = strings.ToLower(line)
	for i := range a.Entries {
		if strings.Contains(line, strings.ToLower(a.Entries[i].Fragment)) {
			a.Entries[i].Used = true
			allowed = true
		}
	}
	return allowed
}

// Unused lists the entries no line needed: their text is translated now,
// so they should go.
func (a *Allowlist) Unused() []Allowed {
	var out []Allowed
	for _, e := range a.Entries {
		if !e.Used {
			out = append(out, e)
		}
	}
	return out
}
