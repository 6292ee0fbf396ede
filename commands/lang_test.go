package commands

import (
	"context"
	"strings"
	"testing"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/mock"
)

// languages is an IncidentService that keeps language choices in a map.
type languages struct {
	*mock.IncidentService
	workspace string
	chosen    map[string]string
}

func (l *languages) WorkspaceLanguage(incidentbot.Actor) string { return l.workspace }

func (l *languages) UserLanguage(_ context.Context, a incidentbot.Actor) (string, error) {
	return l.chosen[a.User.ID], nil
}

func (l *languages) SetUserLanguage(_ context.Context, a incidentbot.Actor, lang string) error {
	l.chosen[a.User.ID] = lang
	return nil
}

func TestLang(t *testing.T) {
	t.Parallel()
	svc := &languages{IncidentService: &mock.IncidentService{}, workspace: "en", chosen: map[string]string{}}
	h := NewHandler(svc, clock, nil)
	ctx := context.Background()
	french := actor
	french.Locale = "fr"
	steps := []struct {
		who        incidentbot.Actor
		line, want string
		chosen     string
	}{
		{actor, "lang", "Replies only you see follow your chat app's language, else the workspace's: English now.", ""},
		{french, "lang", "(en ce moment\u00a0: français)", ""},
		{actor, "lang fr", "Désormais, les réponses que vous seul voyez sont en français.", "fr"},
		{actor, "langue", "Langue choisie\u00a0: français.", "fr"},
		{actor, "lang EN", "From now on, replies only you see are in English.", "en"},
		{french, "lang", "You chose English", "en"},
		{french, "lang auto", "(en ce moment\u00a0: français)", ""},
		{actor, "lang de", "Unknown language \"de\"", ""},
	}
	for _, s := range steps {
		r := h.Handle(ctx, s.who, s.line)
		if !strings.Contains(r.Message.Text, s.want) {
			t.Errorf("%s (locale %q): got %q, want it to contain %q", s.line, s.who.Locale, r.Message.Text, s.want)
		}
		if r.InChannel || r.Message.EphemeralTo != s.who.User.ID {
			t.Errorf("%s: got a reply for %q in channel %t, want one only %s sees", s.line, r.Message.EphemeralTo, r.InChannel, s.who.User.ID)
		}
		if got := svc.chosen[s.who.User.ID]; got != s.chosen {
			t.Errorf("%s: stored %q, want %q", s.line, got, s.chosen)
		}
	}
}

func TestLangParse(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"lang": "", "lang fr-FR": "fr", "lang automatique": "auto", "langue en": "en"} {
		c, err := Parse(in)
		if err != nil || c.Name != "lang" || c.Text != want {
			t.Errorf("Parse(%q) = %+v, %v; want lang %q", in, c, err, want)
		}
		if again, err := Parse(c.String()); err != nil || again != c {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", c.String(), again, err, c)
		}
	}
}

func TestFrenchWords(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"déclarer sev1 Le paiement échoue": "declare", "DÉCLARER Panne": "declare", "declarer Panne": "declare",
		"de\u0301clarer Panne": "declare", "résoudre": "resolve", "resoudre": "resolve", "maj Base redémarrée": "update",
		"pris": "ack", "atténué": "mitigated", "attenue": "mitigated", "état INC-4": "status", "rôle commander @alice": "role",
		"clore": "close", "aide": "help", "acknowledge": "ack",
	} {
		c, err := Parse(in)
		if err != nil || c.Name != want {
			t.Errorf("Parse(%q) = %q, %v; want %s", in, c.Name, err, want)
		}
	}
}

// A French-speaking person's private replies are French; what the whole
// channel sees stays in the workspace's language.
func TestRepliesInTheirLanguage(t *testing.T) {
	t.Parallel()
	var rec recorder
	svc := &languages{IncidentService: rec.service(), workspace: "en", chosen: map[string]string{}}
	h := NewHandler(svc, clock, nil)
	french := actor
	french.Locale = "fr-CA"
	for _, tc := range []struct {
		line, want string
		inChannel  bool
	}{
		{"pris INC-42", "Vous avez pris en charge INC-42.", false},
		{"sev INC-42", "Choisissez la nouvelle sévérité", false},
		{"note INC-42 Pool à 10", "Note ajoutée à la chronologie de INC-42.", false},
		{"remind INC-42 snooze 90m", "reportés de 1 h 30 min", false},
		{"déclarer sev1 Le paiement échoue", "INC-42 declared: Le paiement échoue", true},
	} {
		r := h.Handle(context.Background(), french, tc.line)
		got := r.Message.Title + " " + r.Message.Text
		if !strings.Contains(got, tc.want) || r.InChannel != tc.inChannel {
			t.Errorf("%s: got %q (in channel %t), want %q (in channel %t)", tc.line, got, r.InChannel, tc.want, tc.inChannel)
		}
	}
}

// What the engine lists (failed actions, held ones) comes in the
// incident's language; a French reader of an English incident reads it in
// French, while the channel's announcement stays in the workspace's.
func TestEngineListsInTheirLanguage(t *testing.T) {
	t.Parallel()
	var rec recorder
	mockSvc := rec.service()
	mockSvc.RetryFn = func(context.Context, incidentbot.Actor, string) (*incidentbot.Incident, []incidentbot.FailedAction, error) {
		return incident(), []incidentbot.FailedAction{{What: "create the war room", Text: i18n.M("engine.job.create_channel.what", nil)}}, nil
	}
	mockSvc.SendHeldFn = func(context.Context, incidentbot.Actor, string, bool) (*incidentbot.Incident, []incidentbot.Localized, error) {
		return incident(), []incidentbot.Localized{i18n.M("engine.kind.statuspage.what", nil), i18n.M("engine.kind.pause_ads.what", nil)}, nil
	}
	h := NewHandler(&languages{IncidentService: mockSvc, workspace: "en", chosen: map[string]string{}}, clock, nil)
	french := actor
	french.Locale = "fr-FR"
	for _, tc := range []struct {
		line, want string
		inChannel  bool
	}{
		{"retry INC-42", "Nouvel essai pour INC-42\u00a0: créer la cellule de crise.", false},
		{"send INC-42", "En attente de la confirmation d'un commandant\u00a0: mettre à jour la page de statut\u00a0; mettre en pause les publicités.", false},
		{"send INC-42 --confirm", "Confirmed for INC-42: sending now: update the status page; pause the ads.", true},
	} {
		r := h.Handle(context.Background(), french, tc.line)
		if !strings.Contains(r.Message.Text, tc.want) || r.InChannel != tc.inChannel {
			t.Errorf("%s: got %q (in channel %t), want %q (in channel %t)", tc.line, r.Message.Text, r.InChannel, tc.want, tc.inChannel)
		}
	}
}
