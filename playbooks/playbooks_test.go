package playbooks

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"incidentbot/internal/golden"

	"incidentbot"
)

// templateData has the shape the engine renders playbook templates with
// (see the package comment).
type templateData struct {
	Incident  *incidentbot.Incident
	URL       string
	Commander string
	Status    string
}

var defaultNames = []string{"checkout-failure", "generic", "launch-traffic", "security", "site-outage"}

func TestDefaults(t *testing.T) {
	t.Parallel()
	if _, err := Check(""); err != nil {
		t.Fatalf("Check(\"\"): %v", err)
	}
	all := Defaults().All()
	var names []string
	for _, pb := range all {
		names = append(names, pb.Name)
	}
	if !slices.Equal(names, defaultNames) {
		t.Fatalf("got defaults %v, want %v", names, defaultNames)
	}
	for _, lang := range []string{"en", "fr"} {
		for _, w := range Defaults().Warnings(lang) {
			t.Errorf("BOT_LANGUAGE=%s: %s", lang, w)
		}
	}
	inc := sampleIncident
	for _, pb := range all {
		t.Run(pb.Name, func(t *testing.T) {
			t.Parallel()
			if _, ok := pb.Role(incidentbot.RoleCommander); !ok {
				t.Error("got no commander role")
			}
			if _, ok := pb.Role(incidentbot.RoleComms); !ok {
				t.Error("got no comms role")
			}
			if !pb.ArchiveOnClose {
				t.Error("got archive_on_close false, want true")
			}
			if len(pb.Checklist) < 5 {
				t.Errorf("got %d checklist items, want at least 5", len(pb.Checklist))
			}
			if pb.Cadence(incidentbot.SEV1) == 0 || pb.Cadence(incidentbot.SEV4) != 0 {
				t.Errorf("got cadences sev1 %v sev4 %v, want sev1 set and sev4 off", pb.Cadence(incidentbot.SEV1), pb.Cadence(incidentbot.SEV4))
			}
			name, err := incidentbot.RenderTemplate("channel", pb.Channel, &inc)
			if err != nil || !channelNameRE.MatchString(name) {
				t.Errorf("got channel %q, %v; want a valid channel name", name, err)
			}
			for _, tmpl := range []string{"customer", "hosting-alert", "agency-alert"} {
				for _, lang := range []string{"en", "fr"} {
					text, ok := pb.Template(tmpl, lang)
					for _, status := range []string{"investigating", "resolved"} {
						data := templateData{Incident: &inc, URL: "https://status.example.com/INC-42", Commander: "Ana", Status: status}
						got, err := incidentbot.RenderTemplate(tmpl, text, data)
						if !ok || err != nil || strings.TrimSpace(got) == "" || strings.Contains(got, "<no value>") {
							t.Errorf("template %s in %s (%s): got %q, %v; want a message", tmpl, lang, status, got, err)
						}
					}
				}
			}
			for _, a := range slices.Concat(pb.OnDeclare, pb.OnResolve) {
				if site, ok := a.Params.(incidentbot.VerifySiteParams); ok && site.URL != "" {
					t.Errorf("got verify_site url %q, want none: the defaults check SHOP_URL, never a placeholder", site.URL)
				}
			}
			publicTextDefaults(t, pb, inc)
			frenchTypography(t, pb)
		})
	}
}

// TestDefaultsAds checks the ads policy of each default: switch paid ads off
// for sev1 and sev2 when customers cannot buy, never automatically for
// security incidents, and always resume what was paused.
func TestDefaultsAds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		pauses bool
	}{
		{"site-outage", true},
		{"checkout-failure", true},
		{"launch-traffic", true},
		{"security", false},
		{"generic", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pb, ok := Defaults().Get(tc.name)
			if !ok {
				t.Fatalf("got no playbook %s", tc.name)
			}
			i := slices.IndexFunc(pb.OnDeclare, func(a incidentbot.Action) bool { return a.Kind() == incidentbot.ActionPauseAds })
			if got := i >= 0; got != tc.pauses {
				t.Fatalf("got pause_ads %v, want %v", got, tc.pauses)
			}
			if !tc.pauses {
				return
			}
			when := pb.OnDeclare[i].When
			for _, sev := range incidentbot.Severities {
				want := sev == incidentbot.SEV1 || sev == incidentbot.SEV2
				if got := when.Holds(sev); got != want {
					t.Errorf("pause at %s: got %v, want %v", sev, got, want)
				}
			}
			if !slices.ContainsFunc(pb.OnResolve, func(a incidentbot.Action) bool { return a.Kind() == incidentbot.ActionResumeAds }) {
				t.Error("got no resume_ads on resolve")
			}
		})
	}
}

func TestMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ  string
		want string // playbook name; "" for an error
	}{
		{"", "generic"},
		{"  ", "generic"},
		{"outage", "site-outage"},
		{"OUTAGE", "site-outage"},
		{"site-outage", "site-outage"},
		{"Site-Outage", "site-outage"},
		{" checkout ", "checkout-failure"},
		{"payment", "checkout-failure"},
		{"launch", "launch-traffic"},
		{"security", "security"},
		{"breach", "security"},
		{"other", "generic"},
		{"Site_Down", "site-outage"},
		{"Séc-urité", ""},
		{"🔥", ""},
		{"meteor", ""},
	}
	for _, tc := range tests {
		t.Run(tc.typ, func(t *testing.T) {
			t.Parallel()
			pb, err := Defaults().Match(tc.typ, "")
			if tc.want == "" {
				if got := incidentbot.ErrorCode(err); got != incidentbot.EINVALID {
					t.Fatalf("got code %q (%v), want %q", got, err, incidentbot.EINVALID)
				}
				msg := incidentbot.ErrorMessage(err)
				want := fmt.Sprintf("Unknown incident type %q. ", tc.typ) + `Known types: checkout-failure (checkout, payment, payments, cart), generic (other, incident), ` +
					`launch-traffic (launch, traffic, overload, sale), security (breach, intrusion, hack, hacked, data-leak), site-outage (outage, site-down, down). ` +
					`Leave the type out to use the generic playbook.`
				if msg != want {
					t.Errorf("got message %q, want %q", msg, want)
				}
				return
			}
			if err != nil {
				t.Fatalf("Match(%q): %v", tc.typ, err)
			}
			if pb.Name != tc.want {
				t.Errorf("got %s, want %s", pb.Name, tc.want)
			}
		})
	}
}

func TestMatchWithoutGeneric(t *testing.T) {
	t.Parallel()
	s, err := Load(fstest.MapFS{"a.yaml": {Data: []byte(minimal)}}, ".")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	_, err = s.Match("", "")
	if got := incidentbot.ErrorCode(err); got != incidentbot.EINVALID {
		t.Fatalf("got code %q, want %q", got, incidentbot.EINVALID)
	}
	if msg := incidentbot.ErrorMessage(err); !strings.Contains(msg, "Known types: web.") {
		t.Errorf("got message %q, want it to list web", msg)
	}
}

func TestLoadDir(t *testing.T) {
	t.Parallel()
	s, err := LoadDir("testdata/custom")
	if err != nil {
		t.Fatalf("LoadDir: %v", err)
	}
	var names []string
	for _, pb := range s.All() {
		names = append(names, pb.Name)
	}
	if want := []string{"checkout-failure", "generic", "launch-traffic", "newsletter", "security", "site-outage"}; !slices.Equal(names, want) {
		t.Errorf("got playbooks %v, want %v", names, want)
	}
	tests := []struct {
		typ, want, description string
	}{
		{"outage", "site-outage", "La boutique est inaccessible."},
		{"panne", "site-outage", "La boutique est inaccessible."},
		{"emailing", "newsletter", "A newsletter went out wrong (bad price, broken links)."},
		{"checkout", "checkout-failure", "Customers can browse but cannot pay or place an order."},
	}
	for _, tc := range tests {
		pb, err := s.Match(tc.typ, "")
		if err != nil {
			t.Errorf("Match(%q): %v", tc.typ, err)
			continue
		}
		if pb.Name != tc.want || pb.Description.In("en") != tc.description {
			t.Errorf("Match(%q): got %s %q, want %s %q", tc.typ, pb.Name, pb.Description, tc.want, tc.description)
		}
	}
	// The replaced default's types are gone with it.
	if _, err := s.Match("site-down", ""); err == nil {
		t.Error("Match(site-down): got a playbook, want an error: the override dropped that type")
	}
	if _, ok := Defaults().Get("newsletter"); ok {
		t.Error("LoadDir changed the shared defaults")
	}
	if pb, _ := Defaults().Get("site-outage"); pb.Description.In("en") == "La boutique est inaccessible." {
		t.Error("LoadDir changed the shared default site-outage")
	}
}

func TestLoadDirEmpty(t *testing.T) {
	t.Parallel()
	s, err := LoadDir("")
	if err != nil || s != Defaults() {
		t.Errorf("LoadDir(\"\"): got %p, %v; want Defaults()", s, err)
	}
}

func TestLoadDirProblems(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	clash := "name: web\nroles: [{name: commander}]\nmatch: {types: [outage]}\n"
	if err := os.WriteFile(filepath.Join(dir, "web.yaml"), []byte(clash), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, dir, want string
	}{
		{"missing folder", filepath.Join(dir, "nope"), filepath.Join(dir, "nope") + ": cannot read the playbook folder: no such file or directory; check PLAYBOOKS_DIR"},
		{"empty folder", t.TempDir(), ": no *.yaml or *.yml files"},
		{"type of a default", dir, filepath.Join(dir, "web.yaml") + `:3: match.types[0]: "outage" already selects playbook site-outage (a built-in default)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := LoadDir(tc.dir)
			var le *LoadError
			if !errors.As(err, &le) || len(le.Problems) != 1 {
				t.Fatalf("got %v, want a *LoadError with one problem", err)
			}
			if got := le.Problems[0].String(); !strings.Contains(got, tc.want) {
				t.Errorf("got %q, want it to contain %q", got, tc.want)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	if _, err := Check("testdata/custom"); err != nil {
		t.Errorf("Check(testdata/custom): %v", err)
	}
	_, err := Check("testdata/broken")
	var le *LoadError
	if !errors.As(err, &le) {
		t.Fatalf("Check(testdata/broken): got %v, want a *LoadError", err)
	}
	var b bytes.Buffer
	for _, p := range le.Problems {
		b.WriteString(filepath.ToSlash(p.String()))
		b.WriteByte('\n')
	}
	golden.Check(t, "broken.golden", b.Bytes())
}

func BenchmarkLoadDefaults(b *testing.B) {
	sub, err := fs.Sub(defaultsFS, "defaults")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(sub, "."); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMatchTitle is the playbook choice of every declaration without
// a type: the keys' words are split once when the set is built (it
// slugged and split every key for every declaration).
func BenchmarkMatchTitle(b *testing.B) {
	set := Defaults()
	b.ReportAllocs()
	for b.Loop() {
		if pb, err := set.Match("", "Les paiements échouent sur la page de commande (504)"); err != nil || pb.Name != "checkout-failure" {
			b.Fatalf("got %v, %v", pb, err)
		}
	}
}

func TestMatchByTitle(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ, title string
		want       string
	}{
		{"", "Checkout returns 504", "checkout-failure"},
		{"", "Site down since 3 a.m.", "site-outage"},
		{"", "Le site est down", "site-outage"},
		{"", "Payments failing for Visa cards", "checkout-failure"},
		{"", "Sale page down under load", "launch-traffic"},
		{"", "Checkout down", "checkout-failure"},
		{"", "We were hacked", "security"},
		{"", "Memory leak on the search server", "generic"},
		{"", "Cartoon section missing", "generic"},
		{"", "Incident with the newsletter", "generic"},
		// French titles, any case, with or without accents.
		{"", "Le paiement échoue", "checkout-failure"},
		{"", "LE PAIEMENT ÉCHOUE", "checkout-failure"},
		{"", "le paiement echoue", "checkout-failure"},
		{"", "Carte bancaire refusée au tunnel de commande", "checkout-failure"},
		{"", "Site en panne", "site-outage"},
		{"", "Boutique inaccessible depuis 3h", "site-outage"},
		{"", "La boutique ne répond plus", "site-outage"},
		{"", "Lenteurs pendant les soldes", "launch-traffic"},
		{"", "Site piraté", "security"},
		{"", "Fuite de données clients", "security"},
		{"", "Shop offline after the deploy", "site-outage"},
		{"", "Checkout slow", "checkout-failure"},
		{"", "", "generic"},
		{"security", "Checkout returns 504", "security"},
	}
	for _, tc := range tests {
		pb, err := Defaults().Match(tc.typ, tc.title)
		if err != nil {
			t.Errorf("Match(%q, %q): %v", tc.typ, tc.title, err)
			continue
		}
		if pb.Name != tc.want {
			t.Errorf("Match(%q, %q): got %s, want %s", tc.typ, tc.title, pb.Name, tc.want)
		}
	}
}

// publicTextDefaults checks what a default playbook sends outside: every
// outward action on declare waits for SEV1 or SEV2, the status page
// speaks a customer template in the bot's language (never the title), and
// no customer message ends on a dangling "Follow along:" without SHOP_URL.
func publicTextDefaults(t *testing.T, pb *incidentbot.Playbook, inc incidentbot.Incident) {
	t.Helper()
	for _, a := range pb.OnDeclare {
		switch a.Kind() {
		case incidentbot.ActionStatusPage, incidentbot.ActionPage, incidentbot.ActionNotify:
			if len(a.When.Severity) == 0 || a.When.Holds(incidentbot.SEV3) || a.When.Holds(incidentbot.SEV4) {
				t.Errorf("%+v: got condition %v, want SEV1 or SEV2 only", a.Params, a.When.Severity)
			}
		}
	}
	for _, a := range slices.Concat(pb.OnDeclare, pb.OnResolve) {
		sp, ok := a.Params.(incidentbot.StatusPageParams)
		if !ok {
			continue
		}
		for lang, word := range map[string]string{"en": "shop", "fr": "boutique"} {
			tmpl, ok := pb.Template(sp.Template, lang)
			if !ok {
				t.Fatalf("statuspage template %q: none in %s", sp.Template, lang)
			}
			got, err := incidentbot.RenderTemplate(sp.Template, tmpl, templateData{Incident: &inc, Status: sp.Status})
			if err != nil || !strings.Contains(got, word) || strings.Contains(got, inc.Title) || strings.Contains(got, ":\n") || strings.HasSuffix(strings.TrimSpace(got), ":") {
				t.Errorf("statuspage %s in %s: got %q, %v; want the %s customer text, no title, no dangling link", sp.Status, lang, got, err, lang)
			}
		}
	}
}

// frenchTypography checks the defaults' French texts put a no-break space
// before : ; ! ? as the message catalog does, so a line never starts with one.
func frenchTypography(t *testing.T, pb *incidentbot.Playbook) {
	t.Helper()
	texts := append([]incidentbot.Texts{pb.Description}, pb.Checklist...)
	for _, r := range pb.Roles {
		texts = append(texts, r.Description)
	}
	for _, name := range sortedKeys(pb.Templates) {
		texts = append(texts, pb.Templates[name])
	}
	for _, text := range texts {
		fr := text["fr"]
		for _, mark := range []string{" :", " ;", " !", " ?"} {
			if strings.Contains(fr, mark) {
				t.Errorf("got %q in %q, want a no-break space (U+00A0) before %s", mark, fr, mark[1:])
			}
		}
	}
}
