package bot

import (
	"context"
	"testing"

	"incidentbot"
	"incidentbot/bot/console"
	"incidentbot/i18n"
	"incidentbot/internal/storetest"
)

// TestDeclareErrorsInReadersLanguage: the engine's refusals carry their
// message, so the edge says them in the language of whoever reads them,
// whatever the workspace speaks (English here); a count gets its plural.
func TestDeclareErrorsInReadersLanguage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.SQLite(t))
	f.eng.cfg.DeclareLimit = 1
	ctx := context.Background()
	general := actor(alice, console.GeneralChannelID)
	declare := func(title string) error {
		_, err := f.eng.Declare(ctx, general, incidentbot.DeclareRequest{Title: title, Type: "generic"})
		return err
	}
	if err := declare("Shop down"); err != nil {
		t.Fatal(err)
	}
	limited := declare("Search is slow")
	f.eng.cfg.DeclareLimit = -1
	_, notRoom := f.eng.SetStatus(ctx, general, "", incidentbot.StatusResolved, "")
	tests := []struct {
		name   string
		err    error
		code   string
		en, fr string
	}{
		{"rate limit", limited, incidentbot.EFORBIDDEN,
			"You declared 1 incident in the last minute, the most one person may. Wait 60 s and try again, or ask a teammate; /incident list shows what is already open.",
			"Vous avez déclaré 1 incident dans la dernière minute, le maximum pour une personne. Attendez 60 s et réessayez, ou demandez à un collègue\u00a0; /incident list montre ce qui est déjà ouvert."},
		{"duplicate", declare("Shop down"), incidentbot.ECONFLICT,
			`INC-1 is already open for "Shop down" here: join it with /incident status INC-1, or declare anyway with --force.`,
			"INC-1 est déjà ouvert ici pour «\u00a0Shop down\u00a0»\u00a0: rejoignez-le avec /incident status INC-1, ou déclarez quand même avec --force."},
		{"no title", declare("  "), incidentbot.EINVALID,
			"Give the incident a title, e.g. /incident declare sev1 Checkout returns 504.",
			"Donnez un titre à l'incident, par exemple /incident declare sev1 Le paiement renvoie 504."},
		{"not a war room", notRoom, incidentbot.ENOTFOUND,
			"This channel is not an incident war room. Add the incident key, e.g. /incident status INC-42.",
			"Ce salon n'est pas une cellule de crise. Ajoutez la clé de l'incident, par exemple /incident status INC-42."},
	}
	for _, tc := range tests {
		if got := incidentbot.ErrorCode(tc.err); got != tc.code {
			t.Errorf("%s: got code %s (%v), want %s", tc.name, got, tc.err, tc.code)
		}
		for lang, want := range map[string]string{"en": tc.en, "fr": tc.fr} {
			if got := i18n.ErrorMessage(lang, tc.err); got != want {
				t.Errorf("%s (%s):\ngot  %q\nwant %q", tc.name, lang, got, want)
			}
		}
	}
}
