package slack

import (
	"errors"
	"strings"
	"testing"

	"incidentbot/i18n"
)

// TestErrorsSpeakFrench: what Slack refused reaches a French reader in
// French, the code and method kept as Slack gave them.
func TestErrorsSpeakFrench(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		code, want string
	}{
		{"user_not_in_channel", "Cette personne n'est pas dans le salon"},
		{"missing_scope", "Slack n'a pas autorisé conversations.invite (missing_scope)"},
		{"channel_not_found", "Slack ne l'a pas trouvé (channel_not_found)"},
	} {
		err := mapError("conversations.invite", errors.New(tc.code))
		if got := i18n.ErrorMessage("fr", err); !strings.Contains(got, tc.want) {
			t.Errorf("%s: got %q, want it to contain %q", tc.code, got, tc.want)
		}
		if got := i18n.ErrorMessage("en", err); strings.Contains(got, "Slack n'a") || got == "" {
			t.Errorf("%s: English reader got %q", tc.code, got)
		}
	}
}
