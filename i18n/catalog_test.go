package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"text/template"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"go.yaml.in/yaml/v3"
)

// catalog reads one language's message files: id -> its forms ("other",
// "one"...). An id given in two files of a language is an error.
func catalog(t *testing.T, lang string) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for _, path := range messageFiles(lang) {
		buf, err := files.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		mf, err := goi18n.ParseMessageFileBytes(buf, path, map[string]goi18n.UnmarshalFunc{"yaml": yaml.Unmarshal})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mf.Messages {
			forms := map[string]string{}
			for form, s := range map[string]string{"zero": m.Zero, "one": m.One, "two": m.Two, "few": m.Few, "many": m.Many, "other": m.Other} {
				if s != "" {
					forms[form] = s
				}
			}
			if _, dup := out[m.ID]; dup {
				t.Errorf("%s: given twice in the %s files", m.ID, lang)
			}
			out[m.ID] = forms
		}
	}
	return out
}

var placeholder = regexp.MustCompile(`\{\{[^}]*?\.([A-Za-z_][A-Za-z0-9_]*)`)

// placeholders is the set of template fields a message's forms use.
func placeholders(forms map[string]string) []string {
	var names []string
	for _, s := range forms {
		for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
			names = append(names, m[1])
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// TestCatalogComplete is the CI check: every id exists in every language,
// with an "other" form, templates that parse, and the same placeholders.
func TestCatalogComplete(t *testing.T) {
	t.Parallel()
	cats := map[string]map[string]map[string]string{}
	ids := map[string]bool{}
	for _, lang := range Supported {
		cats[lang] = catalog(t, lang)
		for id := range cats[lang] {
			ids[id] = true
		}
	}
	if len(ids) == 0 {
		t.Fatal("the catalog is empty")
	}
	for id := range ids {
		want := placeholders(cats[Default][id])
		for _, lang := range Supported {
			forms, ok := cats[lang][id]
			if !ok {
				t.Errorf("%s: no %s translation", id, lang)
				continue
			}
			if forms["other"] == "" {
				t.Errorf("%s (%s): no \"other\" form", id, lang)
			}
			for form, s := range forms {
				if _, err := template.New(id).Parse(s); err != nil {
					t.Errorf("%s (%s, %s): %v", id, lang, form, err)
				}
			}
			if got := placeholders(forms); !slices.Equal(got, want) && cats[Default][id] != nil {
				t.Errorf("%s: %s uses placeholders %v, %s uses %v", id, lang, got, Default, want)
			}
		}
	}
}

// TestCatalogUsed fails on an id no Go file names: either its full id in
// quotes, or a quoted prefix ending in "." that code completes (a family of
// ids such as "event." + kind).
func TestCatalogUsed(t *testing.T) {
	t.Parallel()
	var src strings.Builder
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		src.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	code := src.String()
	for id := range catalog(t, Default) {
		if used(code, id) {
			continue
		}
		t.Errorf("%s is in the catalog but no code uses it", id)
	}
}

func used(code, id string) bool {
	if strings.Contains(code, `"`+id+`"`) {
		return true
	}
	for i := strings.LastIndex(id, "."); i > 0; i = strings.LastIndex(id[:i], ".") {
		if strings.Contains(code, `"`+id[:i+1]+`"`) || strings.Contains(code, `"`+id[:i+1]+`" +`) {
			return true
		}
	}
	return false
}
