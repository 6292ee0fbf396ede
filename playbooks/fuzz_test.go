package playbooks

import (
	"errors"
	"io/fs"
	"testing"
	"testing/fstest"

	"incidentbot"
)

// FuzzLoad feeds arbitrary bytes as a playbook file: loading never panics,
// fails only with a *LoadError coded EINVALID whose problems name the file,
// and anything it accepts is a usable playbook.
func FuzzLoad(f *testing.F) {
	files, err := fs.Glob(defaultsFS, "defaults/*.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		data, err := fs.ReadFile(defaultsFS, name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, seed := range []string{
		minimal,
		"",
		"- a\n",
		"name: web\nroles: &r [{name: commander}]\ninvite: *r\n",
		"name: web\nroles:\n  - name: commander\n assign: declarer\n",
		minimal + "on_declare:\n  - pause_ads: {platforms: [meta], exclude: [\"[\"]}\n",
		minimal + "on_declare:\n  - pause_ads: {include_labels: [Sale], exclude_labels: [\"brand*\"]}\n",
		minimal + "channel: \"{{range 3}}x{{end}}\"\n",
		minimal + "---\nname: other\n",
		minimal + "match: {types: [web], keywords: [Panne, \"ne répond plus\", \"!!\", web, \"\"]}\n",
		minimal + "language: fr\ndescription: {en: Shop, fr: Boutique}\nchecklist: [{fr: Voir}, Look, {}]\n",
		minimal + "templates: {customer-fr: Bonjour, customer: {en: Hi, fr: Salut}, x-en: &a \"{{.Status}}\", x: *a}\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Load(fstest.MapFS{"p.yaml": {Data: data}}, ".")
		if err != nil {
			var le *LoadError
			if !errors.As(err, &le) || len(le.Problems) == 0 {
				t.Fatalf("got error %v, want a *LoadError with problems", err)
			}
			if got := incidentbot.ErrorCode(err); got != incidentbot.EINVALID {
				t.Fatalf("got code %q, want %q", got, incidentbot.EINVALID)
			}
			for _, p := range le.Problems {
				if p.File != "p.yaml" || p.Message == "" {
					t.Fatalf("got problem %+v, want file p.yaml and a message", p)
				}
			}
			return
		}
		all := s.All()
		if len(all) != 1 {
			t.Fatalf("got %d playbooks, want 1", len(all))
		}
		pb := all[0]
		if _, ok := pb.Role(incidentbot.RoleCommander); !ok {
			t.Fatal("accepted a playbook without a commander role")
		}
		if got, err := s.Match(pb.Name, ""); err != nil || got != pb {
			t.Fatalf("Match(%q): got %v, %v; want the playbook", pb.Name, got, err)
		}
		if _, err := incidentbot.RenderTemplate("channel", pb.Channel, &sampleIncident); err != nil {
			t.Fatalf("accepted a channel template that fails: %v", err)
		}
		for _, item := range pb.Checklist {
			for _, lang := range []string{"en", "fr"} {
				if item.In(lang) == "" {
					t.Fatalf("accepted an empty checklist item %v", item)
				}
			}
		}
		for _, w := range s.Warnings("fr") {
			if w.File != "p.yaml" || w.Line == 0 || w.Message == "" {
				t.Fatalf("got warning %+v, want file p.yaml, a line and a message", w)
			}
		}
	})
}
