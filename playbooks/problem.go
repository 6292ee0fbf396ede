package playbooks

import (
	"fmt"
	"strings"

	"incidentbot"
)

// Problem is one thing wrong in a playbook file, located precisely enough
// for an operator to fix it without guessing.
type Problem struct {
	File    string // path of the file, relative to the folder loaded
	Line    int    // 1-based; 0 when the problem is not tied to a line
	Field   string // path of the field: "roles[1].assign"; "" for the whole file
	Message string
}

// String returns "site-outage.yaml:12: roles[1].assign: message".
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	b.WriteString(": ")
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// LoadError holds every problem found while loading playbooks, so one run
// of `incidentbot playbooks check` shows them all.
type LoadError struct {
	Problems []Problem
}

func (e *LoadError) Error() string {
	return e.summary() + "\n" + e.list()
}

// Unwrap gives the EINVALID error whose message operators see: the list of
// problems and what to do about them.
func (e *LoadError) Unwrap() error {
	return incidentbot.Errorf(incidentbot.EINVALID, "%s\n%s\nFix them, then run `incidentbot playbooks check` to confirm.", e.summary(), e.list())
}

func (e *LoadError) summary() string {
	if len(e.Problems) == 1 {
		return "1 problem in the playbooks:"
	}
	return fmt.Sprintf("%d problems in the playbooks:", len(e.Problems))
}

func (e *LoadError) list() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}
