package bot

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// TestIncidentFrench: in a French workspace the reminder, the update post,
// the timeline entries (read back in the post-mortem draft) and the draft's
// post are French; a refusal and a repeated acknowledgement read in each
// reader's language.
func TestIncidentFrench(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.lang = "fr"
		f.eng = f.engine()
		inc := ready(t, f)
		ctx := context.Background()
		room := actor(bob, inc.WarRoom)

		f.clock.Advance(15 * time.Minute) // the sev1 cadence
		f.runAll(0)
		nudge := "<@U_CHLOE> Aucun point d'étape depuis " + i18n.Duration("fr", 15*time.Minute) + "\u00a0: publiez-en un avec /incident update <texte>."
		if got := posts(f.warRoom(inc), "Aucun point d'étape"); len(got) != 1 || got[0] != "\n"+nudge {
			t.Errorf("reminder: got %q, want %q", got, nudge)
		}

		if _, err := f.eng.PostUpdate(ctx, room, "", "Base redémarrée, le paiement repart"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.eng.Remind(ctx, room, "", incidentbot.RemindSnooze, time.Hour); err != nil {
			t.Fatal(err)
		}
		f.runAll(0)
		update := "Point d'étape par bob\nBase redémarrée, le paiement repart"
		if got := posts(f.warRoom(inc), "Point d'étape par bob"); len(got) != 1 || got[0] != update {
			t.Errorf("update post: got %q, want %q", got, update)
		}

		if _, err := f.eng.Acknowledge(ctx, room, ""); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(5 * time.Minute)
		_, err := f.eng.Acknowledge(ctx, actor(alice, inc.WarRoom), "")
		for lang, want := range map[string]string{
			"fr": inc.Key + " a déjà été pris en charge par bob à 09:15 UTC (il y a " + i18n.Duration("fr", 5*time.Minute) + ")\u00a0: rien n'a changé.",
			"en": inc.Key + " was already acknowledged by bob at 09:15 UTC (5m ago): nothing changed.",
		} {
			if got := i18n.ErrorMessage(lang, err); got != want {
				t.Errorf("repeated ack read in %s:\ngot  %q\nwant %q", lang, got, want)
			}
		}

		_, err = f.eng.SetSeverity(ctx, room, "", incidentbot.SEV2)
		refusal := "Seul le commandant peut changer la sévérité de " + inc.Key + ". Demandez à <@U_ALICE> (commandant) de le faire, ou de vous confier le rôle\u00a0: /incident role commander <@U_BOB>"
		if got := i18n.ErrorMessage("fr", err); got != refusal {
			t.Errorf("refusal:\ngot  %q\nwant %q", got, refusal)
		}

		if _, err := f.eng.SetStatus(ctx, actor(alice, inc.WarRoom), "", incidentbot.StatusResolved, "Cache purgé"); err != nil {
			t.Fatal(err)
		}
		f.runAll(0)
		md := f.draft(actor(alice, inc.WarRoom), "")
		// The draft escapes "<" for Markdown: the reminder is read from "Aucun" on.
		for _, want := range []string{nudge[len("<@U_CHLOE> "):strings.Index(nudge, "<texte>")], "Rappels reportés de " + i18n.Duration("fr", time.Hour) + ".", "en cours d'analyse → résolu\u00a0: Cache purgé"} {
			if !slices.ContainsFunc(strings.Split(md, "\n"), func(line string) bool { return strings.HasPrefix(line, "|") && strings.Contains(line, want) }) {
				t.Errorf("the draft's timeline lacks %q:\n%s", want, md)
			}
		}
		title := "Brouillon du post-mortem de " + inc.Key
		if got := posts(f.warRoom(inc), title); len(got) != 1 || !strings.Contains(got[0], "Le brouillon complet est dans inc-") {
			t.Errorf("draft post: got %q, want one titled %q", got, title)
		}
	})
}
