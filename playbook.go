package incidentbot

import (
	"bytes"
	"slices"
	"strings"
	"sync"
	"text/template"
	"time"
	"unicode"
)

// Playbook says how one type of incident runs: who does what, what the bot
// does on declare and on resolve, and the checklist people follow.
type Playbook struct {
	Name string
	// Language is the language of the incidents it runs ("en", "fr"):
	// their war-room posts, summaries and timeline. "": BOT_LANGUAGE.
	Language    string
	Description Texts
	Match       PlaybookMatch
	// Channel is a text/template for the war-room name, rendered with the
	// Incident; funcs: lower, upper, slug. Empty: DefaultChannelTemplate.
	Channel        string
	Private        bool
	Roles          []Role
	Invite         []string                   // user specs: "<@U1>", "@group", e-mail
	StatusUpdates  map[Severity]time.Duration // 0: no reminders for that severity
	OnDeclare      []Action
	OnResolve      []Action
	Checklist      []Texts
	Templates      map[string]Texts // text/templates rendered with TemplateData
	ArchiveOnClose bool
	// RevenueShare is the share of sales lost while such an incident lasts
	// (impact: {revenue_share: 0.3}); nil: all of them.
	RevenueShare *float64
}

// PlaybookMatch says which incidents a playbook covers.
type PlaybookMatch struct {
	Types []string // names people type ("outage", "site-down"), also looked for in titles
	// Keywords are words or phrases looked for in titles only, in any
	// language ("paiement", "en panne"); case and accents do not matter.
	Keywords        []string
	DefaultSeverity Severity
}

// DefaultChannelTemplate names war rooms "inc-42-checkout-returns-504".
const DefaultChannelTemplate = "{{.Key | lower}}-{{.Title | slug}}"

// Role is a job in the war room. Assign says who gets it at declaration:
// "declarer", a user spec ("<@U1>", "@group", e-mail) or "" (assigned by hand).
type Role struct {
	Name        string
	Description Texts
	Assign      string
}

// AssignDeclarer is the Role.Assign value for the person who declared.
const AssignDeclarer = "declarer"

// Cadence returns how often the war room should post an update at severity s; 0 is never.
func (p *Playbook) Cadence(s Severity) time.Duration { return p.StatusUpdates[s] }

// Role returns the role with the given name.
func (p *Playbook) Role(name string) (Role, bool) {
	for _, r := range p.Roles {
		if strings.EqualFold(r.Name, name) {
			return r, true
		}
	}
	return Role{}, false
}

// Template returns the text of the template an action names, in lang
// ("en", "fr"; see Texts.In for the fallback). A name with a language
// suffix ("customer-fr", as playbooks wrote it before texts had
// languages) is that language's text of the template without it.
func (p *Playbook) Template(name, lang string) (string, bool) {
	if t, ok := p.Templates[name]; ok {
		s := t.In(lang)
		return s, s != ""
	}
	if i := strings.LastIndexByte(name, '-'); i > 0 {
		if s, ok := p.Templates[name[:i]][name[i+1:]]; ok && s != "" {
			return s, true
		}
	}
	return "", false
}

// Texts is one text people read, by language ("en", "fr"): a playbook
// author writes it once or once per language.
type Texts map[string]string

// In returns the text in lang, else in English, else in French, else in
// the first language by name: a missing translation shows the text in
// another language rather than nothing.
func (t Texts) In(lang string) string {
	if s, ok := t[lang]; ok {
		return s
	}
	for _, l := range []string{"en", "fr"} {
		if s, ok := t[l]; ok {
			return s
		}
	}
	if langs := t.Languages(); len(langs) > 0 {
		return t[langs[0]]
	}
	return ""
}

// Languages returns the languages the text is given in, sorted.
func (t Texts) Languages() []string {
	langs := make([]string, 0, len(t))
	for l := range t {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	return langs
}

// TemplateData is what playbook templates are rendered with.
type TemplateData struct {
	Incident  *Incident
	URL       string // the site the playbook checks
	Commander string
	Status    string
}

// SiteURL is the site a playbook checks: its verify_site URL, else shopURL.
func (p *Playbook) SiteURL(shopURL string) string {
	for _, v := range p.OnDeclare {
		if site, ok := v.Params.(VerifySiteParams); ok && site.URL != "" {
			return site.URL
		}
	}
	return shopURL
}

// PublicName is the first sentence of a customer message, without its
// full stop and as short as a title: "Our online shop has a technical
// problem and some pages do not load". Status pages name incidents with it.
func PublicName(body string) string {
	s, _, _ := strings.Cut(strings.TrimSpace(body), "\n")
	for _, end := range []string{". ", "! ", "? "} {
		if i := strings.Index(s, end); i > 0 {
			s = s[:i+1]
		}
	}
	s = strings.TrimRight(strings.TrimSpace(s), ".")
	if r := []rune(s); len(r) > MaxTitle {
		s = string(r[:MaxTitle-1]) + "…"
	}
	return s
}

// TemplateFuncs are the functions playbook templates may call.
var TemplateFuncs = template.FuncMap{
	"lower": strings.ToLower,
	"upper": strings.ToUpper,
	"slug":  Slug,
}

// ParseTemplate parses a playbook template with TemplateFuncs.
func ParseTemplate(name, text string) (*template.Template, error) {
	return template.New(name).Funcs(TemplateFuncs).Option("missingkey=error").Parse(text)
}

// RenderTemplate renders text with data; the playbook loader has already
// checked that it parses. Each text is parsed once: the status page
// renders a customer template per incident on every rebuild.
func RenderTemplate(name, text string, data any) (string, error) {
	t, err := parsed(name, text)
	if err != nil {
		return "", WrapError(EINVALID, err, "Template %s does not parse.", name)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return "", WrapError(EINVALID, err, "Template %s failed: %v", name, err)
	}
	return b.String(), nil
}

// templates caches parsed playbook templates by name and text. A parsed
// template is safe to execute from many goroutines. The texts are the
// playbooks' (a few hundred at most); past templatesMax, as after many
// playbook reloads, the cache starts over rather than grow.
var templates struct {
	sync.Mutex
	m map[[2]string]*template.Template
}

const templatesMax = 1000

func parsed(name, text string) (*template.Template, error) {
	k := [2]string{name, text}
	templates.Lock()
	t, ok := templates.m[k]
	templates.Unlock()
	if ok {
		return t, nil
	}
	t, err := ParseTemplate(name, text)
	if err != nil {
		return nil, err
	}
	templates.Lock()
	defer templates.Unlock()
	if templates.m == nil || len(templates.m) >= templatesMax {
		templates.m = map[[2]string]*template.Template{}
	}
	templates.m[k] = t
	return t, nil
}

// Slug turns a title into lowercase a-z 0-9 and dashes, accents folded
// ("Paiement refusé !" -> "paiement-refuse"): safe in every platform's channel names.
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		if f, ok := accentFold[unicode.ToLower(r)]; ok {
			r = f
		}
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		default:
			dash = true
		}
	}
	return b.String()
}

// accentFold maps the accented letters of French and its neighbours to ASCII;
// anything else outside ASCII becomes a dash.
var accentFold = map[rune]rune{
	'à': 'a', 'â': 'a', 'ä': 'a', 'á': 'a', 'ã': 'a', 'å': 'a',
	'ç': 'c',
	'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e',
	'î': 'i', 'ï': 'i', 'í': 'i', 'ì': 'i',
	'ñ': 'n',
	'ô': 'o', 'ö': 'o', 'ó': 'o', 'ò': 'o', 'õ': 'o', 'ø': 'o',
	'ù': 'u', 'û': 'u', 'ü': 'u', 'ú': 'u',
	'ÿ': 'y', 'ý': 'y',
}
