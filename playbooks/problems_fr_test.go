package playbooks

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

// TestProblemsInFrench loads a broken playbook and reads its problems in
// French: the catalog's words, with the nested parts (a YAML kind, a
// suggestion, a language name) said in French too, and the English of
// String unchanged.
func TestProblemsInFrench(t *testing.T) {
	t.Parallel()
	text := "name: Web\nroles:\n  - {name: commander, asign: declarer}\n" +
		"checklist: {a: b}\n" +
		"description: {en: ''}\n" +
		"on_declare:\n  - notify: {template: x}\n" +
		"match: {types: ['!'], default_severity: high}\n"
	_, err := Load(fstest.MapFS{"a.yaml": {Data: []byte(text)}}, ".")
	var le *LoadError
	if !errors.As(err, &le) {
		t.Fatalf("got %v, want a *LoadError", err)
	}
	var fr, en []string
	for _, p := range le.Problems {
		fr = append(fr, p.In("fr"))
		en = append(en, p.In("en"))
		if p.In("en") != p.String() {
			t.Errorf("In(en) %q differs from String %q", p.In("en"), p.String())
		}
	}
	want := []string{
		"a.yaml:1: name: \"Web\" n’est pas un nom valide\u00a0: utilisez des minuscules, des chiffres et des tirets, comme `site-outage`",
		"a.yaml:3: roles[0].asign: champ inconnu (vouliez-vous dire \"assign\"\u00a0?)\u00a0: utilisez l’un de name, description, assign",
		"a.yaml:4: checklist: doit être une liste, comme `[a, b]` ou un `- élément` par ligne, pas un dictionnaire",
		"a.yaml:5: description.en: texte anglais vide\u00a0: écrivez-le, ou supprimez la ligne",
		"a.yaml:8: match.types[0]: \"!\" n’est pas un type valide\u00a0: utilisez des lettres, des chiffres et des tirets, comme `site-down`",
		"a.yaml:8: match.default_severity: Sévérité inconnue «\u00a0high\u00a0». Utilisez sev1 (site en panne) à sev4 (mineur).",
		"a.yaml:7: on_declare[0].notify.to: `to` est obligatoire\u00a0: la cible à notifier, comme `hosting` ou `agency`",
	}
	got := strings.Join(fr, "\n")
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("French problems lack\n%s\ngot\n%s\n(English:\n%s)", w, got, strings.Join(en, "\n"))
		}
	}
}

// TestSetProblemsInFrench reads the problems between playbooks in French.
func TestSetProblemsInFrench(t *testing.T) {
	t.Parallel()
	_, err := Load(fstest.MapFS{"a.yaml": {Data: []byte(minimal)}, "b.yaml": {Data: []byte(minimal)}}, ".")
	var le *LoadError
	if !errors.As(err, &le) || len(le.Problems) != 1 {
		t.Fatalf("got %v, want a *LoadError with one problem", err)
	}
	want := "b.yaml:1: name: le playbook \"web\" est déjà défini dans a.yaml:1\u00a0: les noms doivent être uniques, renommez l’un des deux"
	if got := le.Problems[0].In("fr"); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
