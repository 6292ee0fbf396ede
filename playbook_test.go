package incidentbot

import "testing"

func TestTextsIn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		texts Texts
		lang  string
		want  string
	}{
		{"asked language", Texts{"en": "Shop down", "fr": "Boutique en panne"}, "fr", "Boutique en panne"},
		{"English when missing", Texts{"en": "Shop down", "fr": "Boutique en panne"}, "de", "Shop down"},
		{"French when alone", Texts{"fr": "Boutique en panne"}, "en", "Boutique en panne"},
		{"any other", Texts{"es": "Tienda caída", "de": "Laden kaputt"}, "en", "Laden kaputt"},
		{"none", nil, "fr", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.texts.In(tc.lang); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPlaybookTemplate(t *testing.T) {
	t.Parallel()
	pb := Playbook{Templates: map[string]Texts{
		"customer": {"en": "Shop down", "fr": "Boutique en panne"},
		"hosting":  {"en": "Call us"},
	}}
	tests := []struct {
		name, lang, want string
		ok               bool
	}{
		{"customer", "fr", "Boutique en panne", true},
		{"customer", "en", "Shop down", true},
		{"customer-fr", "en", "Boutique en panne", true}, // the language a name ends with wins
		{"customer-en", "fr", "Shop down", true},
		{"hosting", "fr", "Call us", true},
		{"hosting-fr", "fr", "", false}, // asked by name: no French text
		{"agency", "en", "", false},
	}
	for _, tc := range tests {
		got, ok := pb.Template(tc.name, tc.lang)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Template(%q, %q): got %q, %v; want %q, %v", tc.name, tc.lang, got, ok, tc.want, tc.ok)
		}
	}
}
