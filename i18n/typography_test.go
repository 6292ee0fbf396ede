package i18n

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// frenchSpaces are the no-break spaces French typography puts before « : ;
// ! ? »: U+00A0, which the catalog uses, or the narrow U+202F.
const frenchSpaces = "\u00a0\u202f"

// notProse hides what is not French prose from the check: template
// actions, emoji shortcodes (:pushpin:) and code spans (`type:sev1`).
var notProse = regexp.MustCompile("\\{\\{.*?\\}\\}|:[a-z0-9_+-]+:|`[^`]*`")

// spacingMistakes lists the « : ; ! ? » of s used as punctuation (followed
// by a space, the end, or a closing mark) without a no-break space before.
// A sign followed by anything else is not punctuation: https://, 14:05,
// type:<playbook>, <!here>, ?page=2.
func spacingMistakes(s string) []string {
	s = notProse.ReplaceAllStringFunc(s, func(m string) string {
		return strings.Repeat("x", utf8.RuneCountInString(m)) // a word: the sign after it still counts
	})
	rs := []rune(s)
	var out []string
	for i, r := range rs {
		if !strings.ContainsRune(":;!?", r) || (i+1 < len(rs) && !closes(rs[i+1])) {
			continue
		}
		if i == 0 || strings.ContainsRune(frenchSpaces+":;!?", rs[i-1]) {
			continue
		}
		out = append(out, string(rs[max(0, i-12):min(len(rs), i+3)]))
	}
	return out
}

// closes reports whether r may follow a punctuation sign.
func closes(r rune) bool {
	return r == ' ' || r == '\n' || r == '\t' || strings.ContainsRune("\u00a0\u202f\"')»*_]", r)
}

// TestFrenchSpacing fails on a plain space, or none, before « : ; ! ? » in
// any French message.
func TestFrenchSpacing(t *testing.T) {
	t.Parallel()
	for id, forms := range catalog(t, "fr") {
		for form, s := range forms {
			for _, m := range spacingMistakes(s) {
				t.Errorf("%s (%s): no no-break space before the sign in %q", id, form, m)
			}
		}
	}
}

func TestSpacingMistakes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"Statut\u00a0: ouvert\u00a0; ok\u00a0! Vraiment\u00a0?", 0},
		{"Statut\u202f: ouvert", 0},
		{"Statut : ouvert", 1},
		{"Statut: ouvert", 1},
		{"Vraiment ?", 1},
		{"Fini!", 1},
		{"a ; b", 1},
		{"{{.Key}}: ouvert", 1},
		{"{{.Key}}\u00a0: ouvert", 0},
		{"Voir https://example.com/?page=2 à 14:05.", 0},
		{"Tapez `type:sev1` ou type:<playbook>, <!here>", 0},
		{"Réagissez avec :pushpin: pour épingler", 0},
		{"Quoi\u00a0?!", 0},
		{"« Paiement »\u00a0: ok", 0},
		{"{{if .A}}:{{end}}", 0},
	} {
		if got := spacingMistakes(tc.in); len(got) != tc.want {
			t.Errorf("spacingMistakes(%q) = %q, want %d mistakes", tc.in, got, tc.want)
		}
	}
}

var tableRule = regexp.MustCompile(`^\|[ :|-]+\|$`)

// TestFrenchSpacingPostmortem holds the French post-mortem template to the
// same rule as the catalog.
func TestFrenchSpacingPostmortem(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../postmortem/templates/fr.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(b), "\n") {
		if tableRule.MatchString(line) {
			continue // | --- | ---: | aligns a Markdown table's columns
		}
		for _, m := range spacingMistakes(line) {
			t.Errorf("postmortem/templates/fr.md.tmpl:%d: no no-break space before the sign in %q", i+1, m)
		}
	}
}
