package i18n

import (
	"errors"
	"testing"

	"incidentbot"
)

// TestStored: a message kept as text is said back in any language, nested
// messages and an error's catalog message included; other text is
// returned as it is.
func TestStored(t *testing.T) {
	t.Parallel()
	refused := Wrap(incidentbot.EUNAVAILABLE, errors.New("HTTP 503"), "gate.busy", nil)
	for _, tc := range []struct {
		name, stored, lang, want string
	}{
		{"plain id", M("gate.stuck", nil).Store(), "fr", T("fr", "gate.stuck", nil)},
		{"data", M("ads.reason.still_held", map[string]any{"Keys": "INC-2"}).Store(), "fr", "toujours retenue par INC-2"},
		{"plural from JSON", M("ads.reason.not_paused_yet", map[string]any{"Platform": "meta", "Count": 1, "Reason": M("ads.reason.just_released", nil)}).Store(),
			"en", "meta: 1 campaign not paused yet (just released by another incident): run the pause again in a moment"},
		{"an error's message", M("ads.reason.platform", map[string]any{"Platform": "meta", "Error": ErrorText(refused)}).Store(),
			"fr", "meta\u00a0: " + T("fr", "gate.busy", nil)},
		{"an error without one", M("ads.reason.platform", map[string]any{"Platform": "meta", "Error": ErrorText(incidentbot.Errorf(incidentbot.EINVALID, "No access."))}).Store(),
			"fr", "meta\u00a0: No access."},
		{"StoreError", StoreError(refused), "fr", T("fr", "gate.busy", nil)},
		{"free text", "still held by INC-2", "fr", "still held by INC-2"},
		{"unknown id", "i18n:no.such.id", "fr", "i18n:no.such.id"},
		{"bad data", "i18n:gate.busy {", "fr", "i18n:gate.busy {"},
	} {
		if got := Stored(tc.lang, tc.stored); got != tc.want {
			t.Errorf("%s: Stored(%q, %q) = %q, want %q", tc.name, tc.lang, tc.stored, got, tc.want)
		}
	}
}
