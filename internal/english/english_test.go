package english

import (
	"slices"
	"strings"
	"testing"
)

func TestWords(t *testing.T) {
	t.Parallel()
	d := Detector{
		Keywords: map[string]bool{"update": true, "ads": true, "pause": true, "resume": true, "role": true, "status": true, "check": true},
		Names:    map[string]bool{"tech-lead": true, "alice": true, "orders": true, "checkout-failure": true},
	}
	for _, tc := range []struct {
		name, line string
		want       []string
	}{
		{"english sentence", "The site answered HTTP 504 within 30 s.", []string{"the", "answered", "within"}},
		{"french sentence", "Le site a répondu HTTP 504 en 30 s : vérifiez les serveurs.", nil},
		{"french words that look english", "Une note sur la page du site, plus un point à faire.", nil},
		{"command keywords", "Publiez un point : `/incident update <texte>` ou /incident ads pause|resume, /incident role tech-lead @bob", nil},
		{"english typed after a command", "/incident update the deploy is rolled back", []string{"the", "is", "back"}},
		{"english after a bare command", "Tapez /incident status for more", []string{"for", "more"}},
		{"code span", "Lancez `go run the demo` maintenant.", nil},
		{"url", "Ouvrez https://shop.example.com/the/status/for/you pour voir.", nil},
		{"host names", "La boutique shop.example.com et status.my-shop.fr répondent.", nil},
		{"ids and mentions", "INC-1 ouvert dans #the-war-room par @the, message M0004.", nil},
		{"environment variables", "Réglez PROVIDER_STATUS_PAGES puis NOTIFY_*.", nil},
		{"names", "*orders* : alice, avec le playbook checkout-failure", nil},
		{"apostrophes", "Check the provider's page; l'équipe d'astreinte", []string{"check", "the", "provider"}},
		{"capitals", "THE END", nil},
		{"hyphenated french", "Le post-mortem du check-up", nil},
		{"each word once", "the the The", []string{"the"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := d.Words(tc.line); !slices.Equal(got, tc.want) {
				t.Errorf("Words(%q) = %q, want %q", tc.line, got, tc.want)
			}
		})
	}
}

func TestAllowlist(t *testing.T) {
	t.Parallel()
	a, err := ParseAllowlist("# comment\n\nprobe: answered HTTP\nbota: War room #\nbota: never seen\n", []string{"probe", "bota"})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Allows("https://x/ ANSWERED http 504") {
		t.Error("a line holding a fragment in another case is not allowed")
	}
	if a.Allows("The site is down") {
		t.Error("a line holding no fragment is allowed")
	}
	a.Allows("War room #inc-1 opened.")
	unused := a.Unused()
	if len(unused) != 1 || unused[0].Fragment != "never seen" || unused[0].Owner != "bota" || unused[0].Line != 5 {
		t.Errorf("Unused() = %+v, want the one entry of line 5 that no line held", unused)
	}

	_, err = ParseAllowlist("probe: fine\nweb answered\nnobody: text\nbota: \n", []string{"probe", "bota"})
	if err == nil {
		t.Fatal("a malformed allowlist parsed")
	}
	for _, want := range []string{"line 2: want", `line 3: owner "nobody" is none of probe, bota`, "line 4: want"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}
