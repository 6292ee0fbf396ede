package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"incidentbot/internal/fake/fakestatuspage"
)

// TestPublicTextE2ESlack runs the public-text rules through the real serve
// wiring: alice, who holds no role in the playbook, declares a SEV1 with a
// hostile title; nothing reaches the status page until bob (named in the
// playbook) takes the command and confirms; the page then shows the
// French customer template, never the title; a broadcast in an update
// pings nobody.
func TestPublicTextE2ESlack(t *testing.T) {
	env := e2eDB(t)
	dir := t.TempDir()
	yaml := `name: public
description: A playbook for end-to-end tests of what reaches the public.
match: {types: [public], default_severity: sev1}
channel: "{{.Key | lower}}-{{.Title | slug}}"
roles:
  - {name: commander, description: coordinates and decides, assign: declarer}
  - {name: tech-lead, description: investigates and fixes, assign: "<@U03BOB7Q2M>"}
status_updates: {sev1: off, sev2: off, sev3: off, sev4: off}
on_declare:
  - statuspage: {status: investigating, template: customer, when: {severity: [sev1, sev2]}}
templates:
  customer-en: "Our shop has a technical problem. We are on it."
  customer-fr: "Notre boutique rencontre un problème technique. Nous y travaillons."
`
	if err := os.WriteFile(filepath.Join(dir, "public.yaml"), []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	page := fakestatuspage.New(t)
	env["PLAYBOOKS_DIR"] = dir
	env["BOT_LANGUAGE"] = "fr"
	env["STATUSPAGE_API_KEY"] = fakestatuspage.DefaultAPIKey
	env["STATUSPAGE_PAGE_ID"] = page.PageID()
	env["STATUSPAGE_API_URL"] = page.URL()
	h := newHarness(t, newFakeSlack(t), env)

	const room = "inc-1-card-data-leaked-channel-see-evil-example"
	if got := h.command(alice, general, "declare sev1 type:public Card data leaked <!channel> see evil.example"); !strings.Contains(got, "INC-1") {
		t.Fatalf("declare answered %q, want INC-1 named", got)
	}
	h.expect(room, `(?s)INC-1 Card data leaked &lt;!channel&gt; see evil.example`)
	h.expect(managers, `SEV1 · INC-1 Card data leaked &lt;!channel&gt;`)
	h.expect(room, `Confirmer ce qui part à l.extérieur pour INC-1`) // BOT_LANGUAGE=fr
	h.settle()
	if got := page.Incidents(); len(got) != 0 {
		t.Fatalf("the status page got %+v before any confirmation, want nothing", got)
	}

	if got := h.command(alice, room, "send --confirm"); !strings.Contains(got, "another commander") {
		t.Errorf("alice confirms her own: got %q, want a refusal", got)
	}
	h.command(alice, room, "role commander <@U03BOB7Q2M>")
	h.settle()
	// BOT_LANGUAGE=fr and Slack gives no locale for bob: his reply is French.
	if got := h.command(bob, room, "send --confirm"); !strings.Contains(got, "Confirmé pour INC-1") {
		t.Fatalf("bob confirms: got %q", got)
	}
	h.expect(room, `Page de statut mise à jour.*\[SEV1\] INC-1 en cours d.analyse`)
	h.settle()
	got := page.Incidents()
	if len(got) != 1 || len(got[0].Updates) != 1 {
		t.Fatalf("got status page %+v, want one incident with one update", got)
	}
	if name, body := got[0].Name, got[0].Updates[0].Body; name != "Notre boutique rencontre un problème technique" ||
		!strings.HasPrefix(body, "Notre boutique") || strings.Contains(name+body, "Card") || strings.Contains(name+body, "evil") {
		t.Errorf("got %q: %q, want the French customer template only", name, body)
	}

	if got := h.command(alice, room, "update <!channel> <!here> card processor back"); !strings.Contains(got, "Update posted") {
		t.Fatalf("update answered %q", got)
	}
	h.expect(room, `(?s)Point d'étape par alice.*&lt;!channel&gt; &lt;!here&gt; card processor back`) // BOT_LANGUAGE=fr
	h.settle()
	for _, p := range h.chat.posts() {
		if strings.Contains(p.Text, "<!channel>") || strings.Contains(p.Text, "<!here>") {
			t.Errorf("a post in #%s pings: %q", p.Channel, p.Text)
		}
	}
	h.finish()
}
