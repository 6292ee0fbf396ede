package bot

import (
	"context"
	"strings"
	"testing"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/internal/storetest"
	"incidentbot/playbooks"
	"incidentbot/store"
)

// TestPlaybookLanguage: a playbook's language: decides the language of its
// incidents' war rooms over BOT_LANGUAGE, texts given per language
// included; a playbook without one speaks BOT_LANGUAGE.
func TestPlaybookLanguage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.lang = "en"
		base, err := playbooks.Defaults().Match("site-outage", "")
		if err != nil {
			t.Fatal(err)
		}
		bilingual := func(name, lang string) *incidentbot.Playbook {
			pb := *base
			pb.Name, pb.Language = name, lang
			pb.Roles = []incidentbot.Role{{Name: incidentbot.RoleCommander, Assign: incidentbot.AssignDeclarer,
				Description: incidentbot.Texts{"en": "coordinates and decides", "fr": "coordonne et décide"}}}
			pb.Checklist = []incidentbot.Texts{{"en": "Confirm the outage from outside", "fr": "Confirmer la panne depuis l'extérieur"}}
			return &pb
		}
		f.books = books{Set: playbooks.Defaults(), override: map[string]*incidentbot.Playbook{
			"site-outage": bilingual("site-outage", "fr"), "generic": bilingual("generic", ""),
		}}
		f.eng = f.engine()
		tests := []struct {
			typ, lang, role, item string
		}{
			{"site-outage", "fr", "coordonne et décide", "Confirmer la panne depuis l'extérieur"},
			{"generic", "en", "coordinates and decides", "Confirm the outage from outside"},
		}
		for _, tc := range tests {
			inc := f.declare(incidentbot.DeclareRequest{Title: "Shop down " + tc.typ, Type: tc.typ, Force: true})
			f.runAll(0)
			if got := f.eng.lang(inc); got != tc.lang {
				t.Errorf("%s: got language %q, want %q", tc.typ, got, tc.lang)
			}
			heading := i18n.T(tc.lang, "view.welcome.roles", nil)
			var welcome string
			for _, m := range f.warRoom(inc).Messages {
				if strings.Contains(m.Message.Text, heading) {
					welcome = m.Message.Text
				}
			}
			for _, want := range []string{"(" + tc.role + ")", tc.item} {
				if !strings.Contains(welcome, want) {
					t.Errorf("%s: welcome lacks %q:\n%s", tc.typ, want, welcome)
				}
			}
			list, err := db.Checklist(context.Background(), inc.ID)
			if err != nil || len(list) != 1 || list[0].Text != tc.item {
				t.Errorf("%s: got checklist %+v, %v; want %q", tc.typ, list, err, tc.item)
			}
		}
	})
}
