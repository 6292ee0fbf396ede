package commands

import (
	"testing"

	"incidentbot/i18n"
)

// TestExamplesParse: help's example of every command, in every language,
// is a line the parser takes as that command.
func TestExamplesParse(t *testing.T) {
	t.Parallel()
	for _, lang := range i18n.Supported {
		for _, s := range registry {
			ex := s.example(lang)
			c, err := Parse(ex)
			if err != nil {
				t.Errorf("%s example %q: %v", lang, ex, err)
				continue
			}
			if c.Name != s.name {
				t.Errorf("%s example %q parses as %q, want %q", lang, ex, c.Name, s.name)
			}
		}
	}
}
