package commands

import (
	"slices"
	"testing"
	"unicode/utf8"
)

// TestSpecsCoverRegistry: every command has one form, or is covered by
// another's, or is typed only; every name is the registry's; descriptions
// fit a menu.
func TestSpecsCoverRegistry(t *testing.T) {
	t.Parallel()
	specs := Specs()
	for _, s := range registry {
		n := 0
		for _, sp := range specs {
			if sp.Names[0] == s.name || slices.Contains(sp.Covers, s.name) {
				n++
			}
		}
		if s.typed {
			n++
		}
		if n != 1 {
			t.Errorf("command %s: %d forms, covers and typed-only marks, want one", s.name, n)
		}
	}
	for _, sp := range specs {
		s := lookup(sp.Names[0])
		if s == nil || !slices.Equal(sp.Names, slices.Concat([]string{s.name}, s.aliases, french[s.name])) {
			t.Errorf("form %v: got names unlike the registry's", sp.Names)
		}
		if n := utf8.RuneCountInString(sp.Brief); n > 100 {
			t.Errorf("form %s: brief of %d characters, want at most 100", sp.Names[0], n)
		}
		seen := map[string]bool{KeyArg.Name: sp.Key}
		for _, a := range sp.Args {
			if n := utf8.RuneCountInString(a.Help); a.Name == "" || n == 0 || n > 100 || seen[a.Name] {
				t.Errorf("form %s: field %q with help of %d characters, want a new name and 1 to 100 characters", sp.Names[0], a.Name, n)
			}
			seen[a.Name] = true
			if a.Kind == ArgFlag && a.Prefix == "" {
				t.Errorf("form %s: flag %s writes nothing when on", sp.Names[0], a.Name)
			}
		}
	}
}

func TestSpecLine(t *testing.T) {
	t.Parallel()
	declare := Specs()[0]
	tests := []struct {
		key    string
		values map[string]string
		want   string
	}{
		{"", map[string]string{"title": "Checkout down"}, "declare Checkout down"},
		{"", map[string]string{"title": " Checkout\tdown ", "severity": "sev2", "force": "false", "type": ""}, "declare sev2 Checkout down"},
		{"", map[string]string{"title": "Checkout down", "force": "true", "since": "14:02", "type": "outage"}, "declare type:outage --since 14:02 Checkout down --force"},
	}
	for _, tc := range tests {
		got := declare.Line(tc.key, tc.values)
		if got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
		c, err := Parse(got)
		if err != nil || c.Title != "Checkout down" {
			t.Errorf("%q: got %+v, %v, want it parsed with its title", got, c, err)
		}
	}
	if got := (Spec{Names: []string{"status"}, Key: true}).Line("INC-42", nil); got != "status INC-42" {
		t.Errorf("got %q, want the key after the name", got)
	}
}
