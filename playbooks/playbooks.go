// Package playbooks loads incident playbooks from YAML, checks them, and
// picks the one for an incident type.
//
// One file holds one playbook (the format is in DESIGN.md, "Playbooks").
// Every problem is reported with its file, line and field path, all at once,
// so an operator fixes a folder in one pass. Unknown fields are errors: a
// typo must not silently drop a setting.
//
// The defaults in defaults/*.yaml are embedded; PLAYBOOKS_DIR adds playbooks
// and replaces defaults of the same name (LoadDir).
//
// Templates (the templates: map) are text/templates with the functions of
// incidentbot.TemplateFuncs (lower, upper, slug). The engine renders them
// with a struct holding:
//
//	Incident  *incidentbot.Incident // {{.Incident.Title}}, {{.Incident.Key}}, {{.Incident.Severity}} ...
//	URL       string                // the war room or status page link
//	Commander string                // the commander's display name
//	Status    string                // the status being announced: investigating, resolved ...
//
// The loader checks that templates parse; the channel template, rendered
// with the Incident itself, is also test-rendered against a sample incident.
//
// Playbooks returned by a Set are shared: treat them as read-only.
package playbooks

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"incidentbot"
	"incidentbot/i18n"
)

// GenericName is the playbook used when an incident is declared without a type.
const GenericName = "generic"

// maxFileSize bounds a playbook file: real ones are a few kilobytes, so a
// bigger file is a wrong folder.
const maxFileSize = 1 << 20

//go:embed defaults/*.yaml
var defaultsFS embed.FS

// Set is a checked collection of playbooks, safe for concurrent use.
type Set struct {
	entries []entry                          // as kept, for Warnings
	list    []*incidentbot.Playbook          // by name
	byName  map[string]*incidentbot.Playbook // lowercased name
	byKey   map[string]*incidentbot.Playbook // lowercased name and match types
	byWord  map[string]*incidentbot.Playbook // slugs of match keywords: titles only
	// inTitle are the keys and keywords a title may contain, as words,
	// split once here rather than on every declaration.
	inTitle []titleKey
}

type titleKey struct {
	words []string
	pb    *incidentbot.Playbook
}

var _ incidentbot.Playbooks = (*Set)(nil)

var defaultEntries = sync.OnceValues(func() ([]entry, error) {
	entries, problems := loadEntries(defaultsFS, "defaults", func(name string) string { return path.Join("defaults", name) })
	for i := range entries {
		entries[i].builtin = true
	}
	if _, more := build(entries); len(problems)+len(more) > 0 {
		return nil, newLoadError(append(problems, more...))
	}
	return entries, nil
})

var defaults = sync.OnceValue(func() *Set {
	entries, err := defaultEntries()
	if err != nil {
		panic(fmt.Sprintf("playbooks: embedded defaults do not load: %v", err))
	}
	s, _ := build(entries)
	return s
})

// Defaults returns the embedded default playbooks. It panics if they do not
// load, which a test rules out.
func Defaults() *Set { return defaults() }

// Load reads every *.yaml and *.yml file of dir in fsys (not subfolders,
// not hidden files). On any problem it returns a *LoadError listing all of them.
func Load(fsys fs.FS, dir string) (*Set, error) {
	entries, problems := loadEntries(fsys, dir, func(name string) string { return path.Join(dir, name) })
	s, more := build(entries)
	if problems = append(problems, more...); len(problems) > 0 {
		return nil, newLoadError(problems)
	}
	return s, nil
}

// LoadDir returns the defaults extended by the playbooks in dir: a file
// whose playbook has a default's name replaces that default. An empty dir
// gives Defaults().
func LoadDir(dir string) (*Set, error) {
	if dir == "" {
		return Defaults(), nil
	}
	return loadOver(dir)
}

// Check is what `incidentbot playbooks check [dir]` runs: LoadDir, except
// that broken defaults are reported rather than a panic.
func Check(dir string) (*Set, error) {
	if dir == "" {
		if _, err := defaultEntries(); err != nil {
			return nil, err
		}
		return Defaults(), nil
	}
	return loadOver(dir)
}

func loadOver(dir string) (*Set, error) {
	builtin, err := defaultEntries()
	if err != nil {
		return nil, err
	}
	own, problems := loadEntries(os.DirFS(dir), ".", func(name string) string { return filepath.Join(dir, name) })
	merged := slices.DeleteFunc(slices.Clone(builtin), func(b entry) bool {
		return slices.ContainsFunc(own, func(o entry) bool { return o.pb.Name != "" && o.pb.Name == b.pb.Name })
	})
	s, more := build(append(merged, own...))
	if problems = append(problems, more...); len(problems) > 0 {
		return nil, newLoadError(problems)
	}
	return s, nil
}

// newLoadError orders problems by file and line, the order people fix them in.
func newLoadError(problems []Problem) *LoadError {
	sort.SliceStable(problems, func(i, j int) bool {
		if problems[i].File != problems[j].File {
			return problems[i].File < problems[j].File
		}
		return problems[i].Line < problems[j].Line
	})
	return &LoadError{Problems: problems}
}

// loadEntries parses the playbook files of dir; label turns a file name into
// the File of its problems.
func loadEntries(fsys fs.FS, dir string, label func(string) string) ([]entry, []Problem) {
	files, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, []Problem{said(label(""), "config.check_file.folder", map[string]any{"Reason": unwrapPath(err).Error()})}
	}
	var entries []entry
	var problems []Problem
	for _, f := range files {
		name := f.Name()
		ext := strings.ToLower(path.Ext(name))
		if f.IsDir() || strings.HasPrefix(name, ".") || (ext != ".yaml" && ext != ".yml") {
			continue
		}
		file := label(name)
		if info, err := f.Info(); err == nil && info.Size() > maxFileSize {
			problems = append(problems, said(file, "config.check_file.too_large", nil))
			continue
		}
		data, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			problems = append(problems, said(file, "config.check_file.unreadable", map[string]any{"Reason": unwrapPath(err).Error()}))
			continue
		}
		e, ps := parseFile(file, data)
		problems = append(problems, ps...)
		if e.pb != nil {
			entries = append(entries, e)
		}
	}
	if len(entries) == 0 && len(problems) == 0 {
		problems = append(problems, said(label(""), "config.check_file.no_files", nil))
	}
	return entries, problems
}

// unwrapPath drops the *fs.PathError wrapper, whose path the problem
// already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// build makes a Set from entries in order, reporting duplicate names and
// types that would select two playbooks against the later entry.
func build(entries []entry) (*Set, []Problem) {
	s := &Set{byName: map[string]*incidentbot.Playbook{}, byKey: map[string]*incidentbot.Playbook{}, byWord: map[string]*incidentbot.Playbook{}}
	named := map[string]entry{} // by lowercased name
	owner := map[string]entry{} // by lowercased name or type
	var kept []entry
	var problems []Problem
	for _, e := range entries {
		name := strings.ToLower(e.pb.Name)
		if name == "" {
			continue
		}
		if prev, dup := named[name]; dup {
			problems = append(problems, at(e.file, e.nameLine, "name", i18n.M("playbooks.problem.playbook_twice",
				map[string]any{"Name": strconv.Quote(prev.pb.Name), "Where": prev.where()})))
			continue
		}
		named[name] = e
		keys := []located{{value: name, line: e.nameLine}}
		for _, t := range e.types {
			if t.value != name {
				keys = append(keys, t)
			}
		}
		for i, k := range keys {
			prev, taken := owner[k.value]
			if !taken {
				continue
			}
			field := "name"
			if i > 0 {
				field = fmt.Sprintf("match.types[%d]", k.index)
			}
			problems = append(problems, at(e.file, k.line, field, i18n.M("playbooks.problem.type_taken",
				map[string]any{"Value": strconv.Quote(k.value), "Name": prev.pb.Name, "Where": prev.where(), "Fix": prev.fix()})))
		}
		kept = append(kept, e)
		s.byName[name] = e.pb
		s.list = append(s.list, e.pb)
		for _, k := range keys {
			if _, taken := owner[k.value]; !taken {
				owner[k.value] = e
				s.byKey[k.value] = e.pb
			}
		}
	}
	s.entries = kept
	problems = append(problems, s.addKeywords(kept, owner)...)
	sort.Slice(s.list, func(i, j int) bool { return s.list[i].Name < s.list[j].Name })
	for _, m := range []map[string]*incidentbot.Playbook{s.byKey, s.byWord} {
		for k, pb := range m {
			if pb.Name != GenericName { // its keys do not count
				s.inTitle = append(s.inTitle, titleKey{words: strings.Split(incidentbot.Slug(k), "-"), pb: pb})
			}
		}
	}
	return s, problems
}

// addKeywords indexes the keywords once every name and type is known. A
// keyword may pick only one playbook; one that is another playbook's name
// or type gives way to it, silently for a built-in default so that an
// operator's own types keep loading.
func (s *Set) addKeywords(entries []entry, owner map[string]entry) []Problem {
	var problems []Problem
	words := map[string]entry{}
	for _, e := range entries {
		for i, k := range e.keywords {
			prev, taken := owner[k.value]
			// Keywords and Match.Keywords are appended together: i is the same.
			if !taken {
				prev, taken = words[k.value]
			}
			switch {
			case taken && prev.pb == e.pb:
			case taken && e.builtin && prev.builtin:
				problems = append(problems, at(e.file, k.line, fmt.Sprintf("match.keywords[%d]", k.index), i18n.M("playbooks.problem.keyword_taken.builtin",
					map[string]any{"Value": strconv.Quote(e.pb.Match.Keywords[i]), "Name": prev.pb.Name})))
			case taken && !e.builtin:
				problems = append(problems, at(e.file, k.line, fmt.Sprintf("match.keywords[%d]", k.index), i18n.M("playbooks.problem.keyword_taken.file",
					map[string]any{"Value": strconv.Quote(e.pb.Match.Keywords[i]), "Name": prev.pb.Name, "Where": prev.where(), "Fix": prev.fix()})))
			case !taken:
				words[k.value] = e
				s.byWord[k.value] = e.pb
			}
		}
	}
	return problems
}

func (e entry) where() any {
	if e.builtin {
		return i18n.M("playbooks.problem.builtin", nil)
	}
	if e.nameLine > 0 {
		return fmt.Sprintf("%s:%d", e.file, e.nameLine)
	}
	return e.file
}

// Match returns the playbook whose name or match types include typ, case
// and accent insensitively. Without a type, the first name, type or
// keyword that appears as whole words in the title picks the playbook
// ("Checkout returns 504" -> checkout-failure, "Le paiement échoue" ->
// checkout-failure), so a person at 3 a.m. need not know the types; with
// none in the title, the generic playbook.
func (s *Set) Match(typ, title string) (*incidentbot.Playbook, error) {
	t := incidentbot.Slug(typ)
	if strings.TrimSpace(typ) == "" {
		if pb := s.byTitle(title); pb != nil {
			return pb, nil
		}
		if pb, ok := s.byName[GenericName]; ok {
			return pb, nil
		}
		return nil, incidentbot.Errorf(incidentbot.EINVALID, "No generic playbook is loaded, so name the incident type. Known types: %s.", strings.Join(s.names(), ", "))
	}
	if pb, ok := s.byKey[t]; ok {
		return pb, nil
	}
	return nil, incidentbot.Errorf(incidentbot.EINVALID, "Unknown incident type %q. Known types: %s. Leave the type out to use the generic playbook.", typ, s.typeList())
}

// typeList names every playbook with the other types that select it:
// "checkout-failure (checkout, payment), generic (other)".
func (s *Set) typeList() string {
	parts := make([]string, len(s.list))
	for i, pb := range s.list {
		var aliases []string
		for _, t := range pb.Match.Types {
			if lt := strings.ToLower(t); lt != strings.ToLower(pb.Name) && s.byKey[lt] == pb {
				aliases = append(aliases, lt)
			}
		}
		parts[i] = pb.Name
		if len(aliases) > 0 {
			parts[i] += " (" + strings.Join(aliases, ", ") + ")"
		}
	}
	return strings.Join(parts, ", ")
}

// byTitle finds the playbook key or keyword that starts earliest among
// the title's words (the longer key on a tie); the generic playbook's keys
// do not count. Titles and keys compare as slugs: case and accents do not
// matter.
func (s *Set) byTitle(title string) *incidentbot.Playbook {
	words := strings.Split(incidentbot.Slug(title), "-")
	var best *incidentbot.Playbook
	bestAt, bestLen := len(words), 0
	for _, k := range s.inTitle {
		kw := k.words
		for at := 0; at+len(kw) <= len(words) && at <= bestAt; at++ {
			if !slices.Equal(words[at:at+len(kw)], kw) {
				continue
			}
			if at < bestAt || len(kw) > bestLen || (len(kw) == bestLen && k.pb.Name < best.Name) {
				best, bestAt, bestLen = k.pb, at, len(kw)
			}
			break
		}
	}
	return best
}

// All returns every playbook, sorted by name.
func (s *Set) All() []*incidentbot.Playbook { return slices.Clone(s.list) }

// Get returns the playbook with the given name, case insensitively; match
// types are not consulted.
func (s *Set) Get(name string) (*incidentbot.Playbook, bool) {
	pb, ok := s.byName[strings.ToLower(strings.TrimSpace(name))]
	return pb, ok
}

func (s *Set) names() []string {
	names := make([]string, len(s.list))
	for i, pb := range s.list {
		names[i] = pb.Name
	}
	return names
}

// fix says how to resolve a clash with e.
func (e entry) fix() *i18n.Message {
	if e.builtin {
		return i18n.M("playbooks.problem.fix.builtin", map[string]any{"Name": e.pb.Name})
	}
	return i18n.M("playbooks.problem.fix.file", nil)
}
