package bot

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/bot/console"
	"incidentbot/i18n"
	"incidentbot/integrations/statuspage"
	"incidentbot/internal/fake/fakestatuspage"
	"incidentbot/internal/storetest"
	"incidentbot/playbooks"
	"incidentbot/store"
)

// TestPublicTextLengthCaps: a title, description, update or note past its
// limit is refused with the limit in the message, and changes nothing.
func TestPublicTextLengthCaps(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		who := actor(alice, console.GeneralChannelID)
		for _, req := range []incidentbot.DeclareRequest{
			{Title: strings.Repeat("t", incidentbot.MaxTitle+1)},
			{Title: "Checkout down", Description: strings.Repeat("d", incidentbot.MaxDescription+1)},
		} {
			_, err := f.eng.Declare(ctx, who, req)
			if incidentbot.ErrorCode(err) != incidentbot.EINVALID || !strings.Contains(incidentbot.ErrorMessage(err), "keep it under") {
				t.Errorf("declare: got %v, want EINVALID saying the limit", err)
			}
		}
		if incs, _ := db.FindIncidents(ctx, incidentbot.IncidentFilter{}); len(incs) != 0 {
			t.Fatalf("got %d incidents after refused declarations, want none", len(incs))
		}
		inc := f.declare(incidentbot.DeclareRequest{Title: "Checkout down", Description: strings.Repeat("d", incidentbot.MaxDescription)})
		long := strings.Repeat("u", incidentbot.MaxUpdateText+1)
		if _, err := f.eng.PostUpdate(ctx, who, inc.Key, long); incidentbot.ErrorCode(err) != incidentbot.EINVALID {
			t.Errorf("update: got %v, want EINVALID", err)
		}
		if _, err := f.eng.AddNote(ctx, who, inc.Key, long); incidentbot.ErrorCode(err) != incidentbot.EINVALID {
			t.Errorf("note: got %v, want EINVALID", err)
		}
		if n := len(f.timeline(inc)); n != 1 {
			t.Errorf("got %d timeline events, want only the declaration", n)
		}
	})
}

// TestPublicTextPauseAdsBoxFollowsAdsRule: the declare form's "Pause ads
// now" box pauses only for whom "/incident ads pause" would: the
// playbook's commander or comms lead (here both go to groups), or an ads admin.
func TestPublicTextPauseAdsBoxFollowsAdsRule(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		pb, err := f.books.Match("generic", "")
		if err != nil {
			t.Fatal(err)
		}
		led := *pb
		led.Roles = []incidentbot.Role{{Name: incidentbot.RoleCommander, Assign: "@oncall-web"}, {Name: incidentbot.RoleComms, Assign: "@support-leads"}}
		f.books = books{Set: playbooks.Defaults(), override: map[string]*incidentbot.Playbook{"generic": &led}}
		f.eng = f.engine()
		yes := true
		ctx := context.Background()
		_, err = f.eng.Declare(ctx, actor(bob, console.GeneralChannelID), incidentbot.DeclareRequest{Title: "Slow pages", Type: "generic", PauseAds: &yes})
		if incidentbot.ErrorCode(err) != incidentbot.EFORBIDDEN || !strings.Contains(incidentbot.ErrorMessage(err), "Pause ads now") {
			t.Fatalf("bob ticks the box: got %v, want EFORBIDDEN naming the box", err)
		}
		if strings.Contains(err.Error(), "incident.verb.") {
			t.Errorf("the refusal's cause, for logs, names a message id instead of its text: %v", err)
		}
		if incs, _ := db.FindIncidents(ctx, incidentbot.IncidentFilter{}); len(incs) != 0 {
			t.Fatalf("got %d incidents after the refusal, want none", len(incs))
		}
		// Unticked, the same declaration goes through; an ads admin may tick it.
		if _, err := f.eng.Declare(ctx, actor(bob, console.GeneralChannelID), incidentbot.DeclareRequest{Title: "Slow pages", Type: "generic"}); err != nil {
			t.Errorf("bob without the box: %v", err)
		}
		f.admins = []string{AdsAdmin(incidentbot.PlatformConsole, emma.ID)}
		f.eng = f.engine()
		_, err = f.eng.Declare(ctx, actor(emma, console.GeneralChannelID), incidentbot.DeclareRequest{Title: "Slow checkout", Type: "generic", PauseAds: &yes})
		if err != nil {
			t.Fatalf("the ads admin ticks the box: %v", err)
		}
		f.runAll(time.Second)
		if got := status(f, key("g1")); got != incidentbot.CampaignPaused {
			t.Errorf("got g1 %s after the admin's declaration, want paused", got)
		}
	})
}

// statusPage points the fixture's status page updates at a real Statuspage
// client on a fake page.
func statusPage(t *testing.T, f *fixture) *fakestatuspage.Server {
	t.Helper()
	srv := fakestatuspage.New(t)
	c, err := statuspage.New(statuspage.Config{APIKey: fakestatuspage.DefaultAPIKey, PageID: srv.PageID(), APIURL: srv.URL(), MinInterval: -1}, srv.Client(), nil)
	if err != nil {
		t.Fatal(err)
	}
	f.notifier.statuspage = c
	return srv
}

// TestPublicTextStatusPage: what a declarer types never reaches the public
// page. A SEV4 publishes nothing; a SEV1 publishes the playbook's customer
// text in BOT_LANGUAGE, named after its first sentence, not the title.
func TestPublicTextStatusPage(t *testing.T) {
	t.Parallel()
	const title = "Card data leaked, see evil.example"
	tests := []struct {
		lang, want, wantName string
	}{
		{"en", "Payments on our shop are failing right now.", "Payments on our shop are failing right now"},
		{"fr", "Le paiement sur notre boutique échoue en ce moment.", "Le paiement sur notre boutique échoue en ce moment"},
	}
	for _, tc := range tests {
		t.Run(tc.lang, func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				f := newFixture(t, db)
				f.lang = tc.lang
				f.eng = f.engine()
				page := statusPage(t, f)
				f.declare(incidentbot.DeclareRequest{Title: title, Severity: incidentbot.SEV4, Type: "checkout"})
				f.runAll(time.Second)
				if got := page.Incidents(); len(got) != 0 {
					t.Fatalf("a SEV4 reached the status page: %+v", got)
				}
				if got := f.notifier.Sent(); len(got) != 0 {
					t.Errorf("a SEV4 notified %q, want nobody outside", got)
				}
				f.declare(incidentbot.DeclareRequest{Title: title + " again", Severity: incidentbot.SEV1, Type: "checkout"})
				f.runAll(time.Second)
				got := page.Incidents()
				if len(got) != 1 || len(got[0].Updates) == 0 {
					t.Fatalf("got %d status page incidents, want 1 with its update: %+v", len(got), got)
				}
				body := got[0].Updates[0].Body
				for _, s := range []string{got[0].Name, body} {
					if strings.Contains(s, "Card") || strings.Contains(s, "evil.example") || strings.Contains(s, "INC-") {
						t.Errorf("the public page shows what the declarer typed: %q", s)
					}
				}
				if got[0].Name != tc.wantName || !strings.HasPrefix(body, tc.want) || !strings.Contains(body, "https://shop.example.com/") {
					t.Errorf("got %q: %q, want %q: %q... linking SHOP_URL", got[0].Name, body, tc.wantName, tc.want)
				}
			})
		})
	}
}

// TestPublicTextNoShopURL: without SHOP_URL nothing is probed (no
// placeholder), the war room is told how to set it, and customer text has
// no dangling link.
func TestPublicTextNoShopURL(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.SQLite(t))
	f.shop = ""
	f.eng = f.engine()
	page := statusPage(t, f)
	inc := f.declare(incidentbot.DeclareRequest{Title: "Shop down", Severity: incidentbot.SEV1, Type: "site-outage"})
	f.runAll(time.Second)
	if f.prober.calls != 0 {
		t.Errorf("got %d probes, want none without SHOP_URL", f.prober.calls)
	}
	if got := posts(f.warRoom(inc), "SHOP_URL is empty"); len(got) != 1 {
		t.Errorf("got %d war-room posts saying SHOP_URL is empty, want 1", len(got))
	}
	got := page.Incidents()
	if len(got) != 1 || strings.Contains(got[0].Updates[0].Body, "Follow along") || strings.Contains(got[0].Updates[0].Body, "example.com") {
		t.Errorf("got status page %+v, want the customer text without a link", got)
	}
	if _, err := f.eng.Verify(context.Background(), actor(alice, console.GeneralChannelID), inc.Key, ""); incidentbot.ErrorCode(err) != incidentbot.EINVALID || !strings.Contains(incidentbot.ErrorMessage(err), "SHOP_URL") {
		t.Errorf("verify without a url: got %v, want EINVALID naming SHOP_URL", err)
	}
}

// TestPublicTextNoRoleDeclarerWaits: emma holds no role in the
// site-outage playbook (commander only because she declared). Her SEV1's
// status page, host and agency messages wait, across a restart, until a
// commander other than her confirms; then they go out once.
func TestPublicTextNoRoleDeclarerWaits(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		page := statusPage(t, f)
		ctx := context.Background()
		inc, err := f.eng.Declare(ctx, actor(emma, console.GeneralChannelID), incidentbot.DeclareRequest{Title: "Shop down, see evil.example", Severity: incidentbot.SEV1, Type: "site-outage"})
		if err != nil {
			t.Fatal(err)
		}
		f.runAll(time.Second)
		if got := f.notifier.Sent(); len(got) != 0 || len(page.Incidents()) != 0 {
			t.Fatalf("before confirmation: sent %q, page %+v; want nothing outside", got, page.Incidents())
		}
		if got := events(f.timeline(inc), incidentbot.EventActionHeld); len(got) != 3 {
			t.Errorf("got %d held actions, want 3 (hosting, agency, status page)", len(got))
		}
		room := f.warRoom(inc)
		asks := 0
		for _, m := range room.Messages {
			for _, b := range m.Message.Buttons {
				if b.ActionID == "send "+inc.Key+" --confirm" {
					asks++
				}
			}
		}
		if asks != 1 {
			t.Errorf("got %d confirmation questions in the war room, want 1", asks)
		}
		in := actor(emma, inc.WarRoom)
		if _, _, err := f.eng.SendHeld(ctx, in, inc.Key, true); incidentbot.ErrorCode(err) != incidentbot.EFORBIDDEN {
			t.Fatalf("emma confirms her own: got %v, want EFORBIDDEN", err)
		}
		// A restart keeps them waiting; emma hands the command to bob.
		f.eng = f.engine()
		if _, err := f.eng.AssignRole(ctx, in, inc.Key, incidentbot.RoleCommander, "<@U_BOB>"); err != nil {
			t.Fatal(err)
		}
		f.runAll(time.Second)
		byBob := actor(bob, inc.WarRoom)
		_, whats, err := f.eng.SendHeld(ctx, byBob, inc.Key, false)
		if err != nil || len(whats) != 3 || len(f.notifier.Sent()) != 0 {
			t.Fatalf("bob asks what waits: got %q, %v (sent %q), want the 3 held actions and nothing sent", saidIn("en", whats), err, f.notifier.Sent())
		}
		for range 2 { // a double tap sends once
			if _, _, err := f.eng.SendHeld(ctx, byBob, inc.Key, true); err != nil {
				t.Fatalf("bob confirms: %v", err)
			}
			f.runAll(time.Second)
		}
		if got := f.notifier.Sent(); len(got) != 3 {
			t.Errorf("after confirmation: sent %q, want hosting, agency and the status page once each", got)
		}
		got := page.Incidents()
		if len(got) != 1 || strings.Contains(got[0].Name+got[0].Updates[0].Body, "evil.example") {
			t.Fatalf("got status page %+v, want one incident with the customer text", got)
		}
		if !f.reload(inc).OutwardConfirmed {
			t.Error("the confirmation is not stored on the incident")
		}
		// Confirmed, later outward actions go at once: resolving resolves the page.
		if _, err := f.eng.SetStatus(ctx, byBob, inc.Key, incidentbot.StatusResolved, "Fixed"); err != nil {
			t.Fatal(err)
		}
		f.runAll(time.Second)
		if got := page.Incidents(); got[0].Status != "resolved" {
			t.Errorf("got status page %s after resolve, want resolved", got[0].Status)
		}
	})
}

// TestPublicTextConfirmFrench: in a French workspace the war room asks in
// French for the confirmation, with a French button, and the timeline and
// the list of what waits are French; the refusals are said in the reader's
// language.
func TestPublicTextConfirmFrench(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.SQLite(t))
	f.lang = "fr"
	f.eng = f.engine()
	ctx := context.Background()
	inc, err := f.eng.Declare(ctx, actor(emma, console.GeneralChannelID), incidentbot.DeclareRequest{Title: "Boutique en panne", Severity: incidentbot.SEV1, Type: "site-outage"})
	if err != nil {
		t.Fatal(err)
	}
	f.runAll(time.Second)
	inc = f.reload(inc)
	asks := posts(f.warRoom(inc), "Confirmer ce qui part à l'extérieur pour "+inc.Key+"\n")
	want := "emma a déclaré " + inc.Key + " sans tenir de rôle dans le playbook site-outage\u00a0: la page de statut"
	if len(asks) != 1 || !strings.Contains(asks[0], want) {
		t.Fatalf("confirmation question: got %q, want one saying %q", asks, want)
	}
	var labels []string
	for _, m := range f.warRoom(inc).Messages {
		for _, b := range m.Message.Buttons {
			if b.ActionID == "send "+inc.Key+" --confirm" {
				labels = append(labels, b.Label)
			}
		}
	}
	if !slices.Equal(labels, []string{"Les envoyer"}) {
		t.Errorf("buttons: got %q, want [Les envoyer]", labels)
	}
	var held []string
	for _, e := range events(f.timeline(inc), incidentbot.EventActionHeld) {
		held = append(held, e.Text)
	}
	if want := "En attente de la confirmation d'un commandant\u00a0: prévenir hosting."; !slices.Contains(held, want) {
		t.Errorf("held actions: got %q, want %q among them", held, want)
	}
	_, whats, err := f.eng.SendHeld(ctx, actor(emma, inc.WarRoom), inc.Key, false)
	// The list is a reply to one commander: in her language, whatever the incident's.
	for lang, want := range map[string]string{"fr": "mettre à jour la page de statut", "en": "update the status page"} {
		if got := saidIn(lang, whats); err != nil || !slices.Contains(got, want) {
			t.Errorf("what waits in %s: got %q, %v, want %q among them", lang, got, err, want)
		}
	}
	_, _, err = f.eng.SendHeld(ctx, actor(emma, inc.WarRoom), inc.Key, true)
	if got, want := i18n.ErrorMessage("fr", err), "Vous avez déclaré "+inc.Key+" sans tenir de rôle dans le playbook site-outage\u00a0: un autre commandant confirme ce qui part à l'extérieur. Passez le rôle commander à un intervenant\u00a0: /incident role commander @lui."; got != want {
		t.Errorf("emma confirms her own:\ngot  %q\nwant %q", got, want)
	}
	if _, err := f.eng.SetStatus(ctx, actor(emma, inc.WarRoom), "", incidentbot.StatusResolved, ""); err != nil {
		t.Fatal(err)
	}
	_, _, err = f.eng.SendHeld(ctx, actor(emma, inc.WarRoom), inc.Key, true)
	for lang, want := range map[string]string{
		"fr": inc.Key + " est résolu\u00a0: ce qui attendait une confirmation ne sera plus envoyé.",
		"en": inc.Key + " is resolved: what waited for confirmation is no longer sent.",
	} {
		if got := i18n.ErrorMessage(lang, err); got != want {
			t.Errorf("send after resolve (%s): got %q, want %q", lang, got, want)
		}
	}
}

// saidIn says each text in lang.
func saidIn(lang string, texts []incidentbot.Localized) []string {
	out := make([]string, len(texts))
	for i, t := range texts {
		out[i] = t.In(lang)
	}
	return out
}
