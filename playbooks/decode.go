package playbooks

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net/mail"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"incidentbot"
)

// DefaultSeverity is the severity of playbooks whose match sets none.
const DefaultSeverity = incidentbot.SEV3

// Status-update cadences outside these bounds are typos (15s, 15h) more
// often than intent.
const (
	minCadence = time.Minute
	maxCadence = 24 * time.Hour
)

var (
	slugRE        = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	targetRE      = regexp.MustCompile(`^[a-z0-9]+([_-][a-z0-9]+)*$`)
	channelNameRE = regexp.MustCompile(`^[a-z0-9_-]+$`)
	mentionRE     = regexp.MustCompile(`^<@!?[A-Za-z0-9]+>$`)
	groupRE       = regexp.MustCompile(`^@[A-Za-z0-9][A-Za-z0-9._-]*$`)
	yamlLineRE    = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
)

var topFields = []string{"name", "description", "match", "channel", "private", "roles", "invite",
	"status_updates", "on_declare", "on_resolve", "checklist", "templates", "archive_on_close", "impact"}

// actionFields lists, per action kind, the fields it accepts.
var actionFields = map[string][]string{
	incidentbot.ActionVerifySite: {"url", "expect", "when"},
	incidentbot.ActionPauseAds:   {"platforms", "accounts", "include", "exclude", "include_labels", "exclude_labels", "when"},
	incidentbot.ActionResumeAds:  {"platforms", "when"},
	incidentbot.ActionNotify:     {"to", "template", "when"},
	incidentbot.ActionStatusPage: {"status", "template", "when"},
	incidentbot.ActionPage:       {"to", "when"},
	// The pages to read come from PROVIDER_STATUS_PAGES: they are the shop's,
	// not the playbook's.
	incidentbot.ActionCheckProviders: {"when"},
}

var actionKinds = []string{incidentbot.ActionVerifySite, incidentbot.ActionPauseAds, incidentbot.ActionResumeAds,
	incidentbot.ActionNotify, incidentbot.ActionStatusPage, incidentbot.ActionPage, incidentbot.ActionCheckProviders}

var adPlatforms = []string{incidentbot.AdsGoogle, incidentbot.AdsMeta, incidentbot.AdsMicrosoft, incidentbot.AdsTikTok}

var statusPageStatuses = []string{"investigating", "identified", "monitoring", "resolved"}

// sampleIncident is what channel templates are test-rendered with: a title
// with accents and punctuation shows whether the template slugs it.
var sampleIncident = incidentbot.Incident{
	ID: 42, Key: "INC-42", Title: "Paiement refusé : erreur 504 !", Severity: incidentbot.SEV1,
	Status: incidentbot.StatusInvestigating, Type: "site-outage", Platform: incidentbot.PlatformSlack,
}

// entry is a parsed playbook with where its name and types were written,
// for the checks that span files.
type entry struct {
	pb       *incidentbot.Playbook
	file     string
	builtin  bool
	nameLine int
	types    []located
	keywords []located // slugs
}

type located struct {
	value string // lowercased
	line  int
	index int // in its YAML list
}

// decoder collects every problem of one file instead of stopping at the first.
type decoder struct {
	file     string
	problems []Problem
}

// maxProblems bounds the list for one file: aliases can repeat one mistake
// many times, and nobody reads past the first screens anyway.
const maxProblems = 100

func (d *decoder) add(n *yaml.Node, field, format string, args ...any) {
	if len(d.problems) > 10*maxProblems {
		return
	}
	line := 0
	if n != nil {
		line = n.Line
	}
	d.problems = append(d.problems, Problem{File: d.file, Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
}

// parseFile decodes and validates one playbook file. The entry is returned
// even when there are problems so that cross-file checks still see its name.
func parseFile(file string, data []byte) (entry, []Problem) {
	d := &decoder{file: file}
	e := entry{file: file}
	root := d.document(data)
	if root != nil {
		e = d.playbook(root)
		e.file = file
	}
	sort.SliceStable(d.problems, func(i, j int) bool { return d.problems[i].Line < d.problems[j].Line })
	if len(d.problems) > maxProblems {
		d.problems = append(d.problems[:maxProblems], Problem{File: file, Line: d.problems[maxProblems-1].Line,
			Message: "more problems follow: fix the ones above and check again"})
	}
	return e, d.problems
}

// document returns the root node of the file's only YAML document, or nil
// after recording why there is none.
func (d *decoder) document(data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.add(nil, "", "the file is empty: a playbook needs at least a name and a commander role")
			return nil
		}
		d.syntax(err)
		return nil
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		d.syntax(err)
		return nil
	default:
		d.add(&next, "", "a second YAML document: keep one playbook per file (remove the --- line or move the rest to its own file)")
	}
	if len(doc.Content) == 0 || isNull(resolve(doc.Content[0])) {
		d.add(&doc, "", "the file is empty: a playbook needs at least a name and a commander role")
		return nil
	}
	root := resolve(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		d.add(root, "", "a playbook is a mapping of fields (name:, roles:, ...), not %s", kindName(root))
		return nil
	}
	return root
}

func (d *decoder) syntax(err error) {
	line, msg := 1, strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	d.add(&yaml.Node{Line: line}, "", "invalid YAML: %s (check the indentation, colons and quotes around this line)", msg)
}

func (d *decoder) playbook(root *yaml.Node) entry {
	f := d.fields(root, "", topFields)
	pb := &incidentbot.Playbook{
		Channel:       incidentbot.DefaultChannelTemplate,
		StatusUpdates: map[incidentbot.Severity]time.Duration{},
		Match:         incidentbot.PlaybookMatch{DefaultSeverity: DefaultSeverity},
	}
	e := entry{pb: pb}

	if n, ok := f["name"]; ok {
		pb.Name = d.text(n, "name")
		e.nameLine = n.Line
		if pb.Name != "" && !slugRE.MatchString(pb.Name) {
			d.add(n, "name", "%q is not a valid name: use lowercase letters, digits and dashes, like site-outage", pb.Name)
		}
	}
	if pb.Name == "" {
		d.add(root, "name", "a name is required: people type it to pick the playbook, like name: site-outage")
	}
	if n, ok := f["description"]; ok {
		pb.Description = d.text(n, "description")
	}
	if n, ok := f["match"]; ok {
		e.types, e.keywords = d.match(n, pb)
	}
	if n, ok := f["templates"]; ok {
		pb.Templates = d.templates(n)
	}
	if n, ok := f["channel"]; ok {
		if c := d.text(n, "channel"); c != "" {
			pb.Channel = c
			d.channel(n, c)
		}
	}
	if n, ok := f["private"]; ok {
		pb.Private = d.boolean(n, "private")
	}
	if n, ok := f["archive_on_close"]; ok {
		pb.ArchiveOnClose = d.boolean(n, "archive_on_close")
	}
	rolesNode := root
	if n, ok := f["roles"]; ok {
		rolesNode = n
		pb.Roles = d.roles(n)
	}
	if _, ok := pb.Role(incidentbot.RoleCommander); !ok {
		d.add(rolesNode, "roles", "a commander role is required: it may change severity, assign roles and resolve; add - {name: commander, assign: declarer}")
	}
	if n, ok := f["invite"]; ok {
		for i, item := range d.list(n, "invite") {
			field := fmt.Sprintf("invite[%d]", i)
			switch s := d.text(item, field); {
			case s == "":
				d.add(item, field, "an empty entry: write a user or a group, or remove it")
			case !validUserSpec(s):
				d.add(item, field, "%q is not a user: write <@U0123> for a person, @group for a group or an e-mail address", s)
			default:
				pb.Invite = append(pb.Invite, s)
			}
		}
	}
	if n, ok := f["status_updates"]; ok {
		d.statusUpdates(n, pb.StatusUpdates)
	}
	if n, ok := f["impact"]; ok {
		pb.RevenueShare = d.impact(n)
	}
	if n, ok := f["on_declare"]; ok {
		pb.OnDeclare = d.actions(n, "on_declare", pb.Templates)
	}
	if n, ok := f["on_resolve"]; ok {
		pb.OnResolve = d.actions(n, "on_resolve", pb.Templates)
	}
	d.actionPhases(f, pb)
	if n, ok := f["checklist"]; ok {
		for i, item := range d.list(n, "checklist") {
			field := fmt.Sprintf("checklist[%d]", i)
			if s := d.text(item, field); s != "" {
				pb.Checklist = append(pb.Checklist, s)
			} else {
				d.add(item, field, "an empty checklist item: write what to do, or remove the line")
			}
		}
	}
	return e
}

func (d *decoder) match(n *yaml.Node, pb *incidentbot.Playbook) (types, keywords []located) {
	f := d.fields(n, "match", []string{"types", "keywords", "default_severity"})
	if tn, ok := f["types"]; ok {
		types, pb.Match.Types = d.matchList(tn, "match.types", strings.ToLower, func(t, key string) string {
			if slugRE.MatchString(key) {
				return ""
			}
			return fmt.Sprintf("%q is not a valid type: use letters, digits and dashes, like site-down", t)
		}, "type", "a word people type, like outage", "")
	}
	if kn, ok := f["keywords"]; ok {
		keywords, pb.Match.Keywords = d.matchList(kn, "match.keywords", incidentbot.Slug, func(k, key string) string {
			if key != "" {
				return ""
			}
			return fmt.Sprintf("%q has no letter or digit to look for in titles: write a word, like panne", k)
		}, "keyword", "a word people put in titles, like paiement", " (case and accents do not count)")
	}
	if sn, ok := f["default_severity"]; ok {
		if s := d.text(sn, "match.default_severity"); s != "" {
			sev, err := parseSeverity(s)
			if err != nil {
				d.add(sn, "match.default_severity", "%s", incidentbot.ErrorMessage(err))
			} else {
				pb.Match.DefaultSeverity = sev
			}
		}
	}
	return types, keywords
}

// matchList reads match.types or match.keywords: each item is compared by
// its key (key(item)), which check may refuse; empty items and repeated
// keys are problems too. It returns the keys and the items as written.
func (d *decoder) matchList(n *yaml.Node, path string, key func(string) string, check func(item, key string) string, what, example, same string) ([]located, []string) {
	var keys []located
	var items []string
	for i, item := range d.list(n, path) {
		field := fmt.Sprintf("%s[%d]", path, i)
		t := d.text(item, field)
		k := key(t)
		if strings.TrimSpace(t) == "" {
			d.add(item, field, "an empty %s: write %s, or remove the line", what, example)
			continue
		}
		if msg := check(t, k); msg != "" {
			d.add(item, field, "%s", msg)
			continue
		}
		if slices.ContainsFunc(keys, func(l located) bool { return l.value == k }) {
			d.add(item, field, "%s %q is listed twice%s: remove one", what, t, same)
			continue
		}
		keys = append(keys, located{k, item.Line, i})
		items = append(items, t)
	}
	return keys, items
}

// parseSeverity accepts only the playbook spelling sev1..sev4 (any case):
// a bare 1 in YAML is more likely a slip than a severity.
func parseSeverity(s string) (incidentbot.Severity, error) {
	if !strings.HasPrefix(strings.ToLower(s), "sev") {
		return incidentbot.SevUnknown, incidentbot.Errorf(incidentbot.EINVALID, "Unknown severity %q. Use sev1 (site down) to sev4 (minor).", s)
	}
	return incidentbot.ParseSeverity(s)
}

func (d *decoder) templates(n *yaml.Node) map[string]string {
	out := map[string]string{}
	for _, kv := range d.pairs(n, "templates") {
		name := kv.key.Value
		field := "templates." + name
		if !targetRE.MatchString(name) {
			d.add(kv.key, field, "%q is not a valid template name: use lowercase letters, digits, dashes and underscores, like customer-fr", name)
		}
		text := d.text(kv.val, field)
		if strings.TrimSpace(text) == "" {
			d.add(kv.val, field, "an empty template: write the message, or remove the template")
		} else if _, err := incidentbot.ParseTemplate(name, text); err != nil {
			d.add(kv.val, field, "does not parse: %v", err)
		}
		out[name] = text
	}
	return out
}

// channel checks the war-room name template by rendering it for a sample
// incident: a template that parses can still fail or yield a name no chat
// platform accepts.
func (d *decoder) channel(n *yaml.Node, text string) {
	t, err := incidentbot.ParseTemplate("channel", text)
	if err != nil {
		d.add(n, "channel", "does not parse: %v", err)
		return
	}
	var b limitedBuffer
	if err := t.Execute(&b, &sampleIncident); err != nil {
		d.add(n, "channel", "fails for a sample incident: %v; use incident fields such as {{.Key}}, {{.Title}}, {{.Severity}}", err)
		return
	}
	if got := b.String(); !channelNameRE.MatchString(got) {
		d.add(n, "channel", "renders %q for a sample incident: channel names take only lowercase a-z, 0-9, - and _; pipe text through slug, like {{.Title | slug}}", got)
	}
}

// limitedBuffer stops a runaway template (a range over a huge number)
// from filling memory: channel names are short.
type limitedBuffer struct{ bytes.Buffer }

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > 1024 {
		return 0, errors.New("the name is longer than 1024 characters")
	}
	return b.Buffer.Write(p)
}

func (d *decoder) roles(n *yaml.Node) []incidentbot.Role {
	var roles []incidentbot.Role
	for i, item := range d.list(n, "roles") {
		path := fmt.Sprintf("roles[%d]", i)
		if item.Kind != yaml.MappingNode {
			d.add(item, path, "a role is a mapping like {name: commander, description: coordinates, assign: declarer}, not %s", kindName(item))
			continue
		}
		f := d.fields(item, path, []string{"name", "description", "assign"})
		var r incidentbot.Role
		nameNode := item
		if nn, ok := f["name"]; ok {
			nameNode = nn
			r.Name = d.text(nn, path+".name")
		}
		switch {
		case r.Name == "":
			d.add(nameNode, path+".name", "a role needs a name, like tech-lead")
		case !slugRE.MatchString(r.Name):
			d.add(nameNode, path+".name", "%q is not a valid role name: use lowercase letters, digits and dashes, like tech-lead", r.Name)
		case slices.ContainsFunc(roles, func(o incidentbot.Role) bool { return strings.EqualFold(o.Name, r.Name) }):
			d.add(nameNode, path+".name", "role %q is defined twice: give each role its own name", r.Name)
		}
		if dn, ok := f["description"]; ok {
			r.Description = d.text(dn, path+".description")
		}
		if an, ok := f["assign"]; ok {
			r.Assign = d.text(an, path+".assign")
			if r.Assign != "" && r.Assign != incidentbot.AssignDeclarer && !validUserSpec(r.Assign) {
				d.add(an, path+".assign", "%q is not a user: write declarer, <@U0123> for a person, @group for a group, an e-mail address, or \"\" to assign by hand", r.Assign)
			}
		}
		roles = append(roles, r)
	}
	return roles
}

// validUserSpec reports whether s is something Chat.ResolveUsers accepts:
// a mention, a group or an e-mail address.
func validUserSpec(s string) bool {
	switch {
	case strings.HasPrefix(s, "<"):
		return mentionRE.MatchString(s)
	case strings.HasPrefix(s, "@"):
		return groupRE.MatchString(s)
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}

func (d *decoder) statusUpdates(n *yaml.Node, out map[incidentbot.Severity]time.Duration) {
	seen := map[incidentbot.Severity]bool{}
	for _, kv := range d.pairs(n, "status_updates") {
		field := "status_updates." + kv.key.Value
		sev, err := parseSeverity(kv.key.Value)
		if err != nil {
			d.add(kv.key, field, "%s", incidentbot.ErrorMessage(err))
			continue
		}
		if seen[sev] {
			d.add(kv.key, field, "%s is set twice: keep one", sev)
			continue
		}
		seen[sev] = true
		v := d.text(kv.val, field)
		if strings.EqualFold(v, "off") {
			continue
		}
		dur, err := time.ParseDuration(v)
		switch {
		case err != nil:
			d.add(kv.val, field, "%q is not a cadence: write a duration such as 15m or 1h, or off", v)
		case dur < minCadence || dur > maxCadence:
			d.add(kv.val, field, "%q is out of range: use between 1m and 24h, or off", v)
		default:
			out[sev] = dur
		}
	}
}

// impact reads impact: {revenue_share: 0.3}, the share of sales lost
// while such an incident lasts, from 0 to 1.
func (d *decoder) impact(n *yaml.Node) *float64 {
	f := d.fields(n, "impact", []string{"revenue_share"})
	v, ok := f["revenue_share"]
	if !ok {
		return nil
	}
	s := d.text(v, "impact.revenue_share")
	share, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(share) || share < 0 || share > 1 {
		d.add(v, "impact.revenue_share", "%q is not a share: write a number from 0 to 1, like 1.0 for a site down or 0.3 for a slowdown", s)
		return nil
	}
	return &share
}

func (d *decoder) actions(n *yaml.Node, path string, templates map[string]string) []incidentbot.Action {
	var out []incidentbot.Action
	for i, item := range d.list(n, path) {
		ipath := fmt.Sprintf("%s[%d]", path, i)
		if item.Kind != yaml.MappingNode {
			d.add(item, ipath, "an action is a mapping with one key, like - notify: {to: hosting, template: hosting-alert}, not %s", kindName(item))
			continue
		}
		if len(item.Content) != 2 {
			keys := make([]string, 0, len(item.Content)/2)
			for j := 0; j < len(item.Content); j += 2 {
				keys = append(keys, resolve(item.Content[j]).Value)
			}
			if len(keys) == 0 {
				d.add(item, ipath, "an empty action: write one of %s", strings.Join(actionKinds, ", "))
			} else {
				d.add(item, ipath, "one action per list item, found %d keys (%s): indent an action's fields under its name", len(keys), strings.Join(keys, ", "))
			}
			continue
		}
		k, v := resolve(item.Content[0]), resolve(item.Content[1])
		kind := k.Value
		known, ok := actionFields[kind]
		if !ok || k.Kind != yaml.ScalarNode {
			d.add(k, ipath, "unknown action %q%s: use one of %s", kind, suggest(kind, actionKinds), strings.Join(actionKinds, ", "))
			continue
		}
		apath := ipath + "." + kind
		if !isNull(v) && v.Kind != yaml.MappingNode {
			d.add(v, apath, "the fields of %s go in a mapping, like - %s: {...}, not %s", kind, kind, kindName(v))
			continue
		}
		a := incidentbot.Action{Kind: kind}
		f := d.fields(v, apath, known)
		if wn, ok := f["when"]; ok {
			a.When = d.when(wn, apath+".when")
		}
		switch kind {
		case incidentbot.ActionVerifySite:
			// Without url the shop's own address is checked (SHOP_URL).
			if un, ok := f["url"]; ok {
				a.URL = d.text(un, apath+".url")
			}
			if a.URL != "" {
				if u, err := url.Parse(a.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					d.add(f["url"], apath+".url", "%q is not a web address: write a full URL, like https://shop.example.com/", a.URL)
				}
			}
			if en, ok := f["expect"]; ok {
				a.Expect = d.text(en, apath+".expect")
			}
		case incidentbot.ActionPauseAds, incidentbot.ActionResumeAds:
			if pn, ok := f["platforms"]; ok {
				for j, item := range d.list(pn, apath+".platforms") {
					field := fmt.Sprintf("%s.platforms[%d]", apath, j)
					p := d.text(item, field)
					if !slices.Contains(adPlatforms, p) {
						d.add(item, field, "unknown ad platform %q: use %s", p, strings.Join(adPlatforms, ", "))
						continue
					}
					a.Platforms = append(a.Platforms, p)
				}
			}
			a.Accounts = d.texts(f, apath, "accounts", nil)
			a.Include = d.texts(f, apath, "include", checkGlob)
			a.Exclude = d.texts(f, apath, "exclude", checkGlob)
			a.IncludeLabels = d.texts(f, apath, "include_labels", checkLabel)
			a.ExcludeLabels = d.texts(f, apath, "exclude_labels", checkLabel)
		case incidentbot.ActionNotify:
			a.To = d.required(f, v, apath, "to", "the notification target, like hosting or agency")
			if a.To != "" && !targetRE.MatchString(a.To) {
				d.add(f["to"], apath+".to", "%q is not a target name: use the lowercase name of a NOTIFY_* target, like hosting", a.To)
			}
			a.Template = d.required(f, v, apath, "template", "the template to send, from templates:")
		case incidentbot.ActionStatusPage:
			a.Status = d.required(f, v, apath, "status", "one of "+strings.Join(statusPageStatuses, ", "))
			if a.Status != "" && !slices.Contains(statusPageStatuses, a.Status) {
				d.add(f["status"], apath+".status", "unknown status-page status %q: use one of %s", a.Status, strings.Join(statusPageStatuses, ", "))
			}
			if tn, ok := f["template"]; ok {
				a.Template = d.text(tn, apath+".template")
			}
		case incidentbot.ActionPage:
			a.To = d.required(f, v, apath, "to", "the service or team to page")
		}
		if a.Template != "" {
			// Defined as named, or once per language (customer-en, customer-fr).
			probe := incidentbot.Playbook{Templates: templates}
			if _, ok := probe.Template(a.Template, ""); !ok && len(templates) == 0 {
				d.add(f["template"], apath+".template", "template %q is not defined: add it under templates:", a.Template)
			} else if !ok {
				d.add(f["template"], apath+".template", "template %q is not in templates: add it there or use one of: %s", a.Template, strings.Join(sortedKeys(templates), ", "))
			}
		}
		out = append(out, a)
	}
	return out
}

// actionPhases catches actions placed in the wrong list: ads paused on
// resolve, or paused and never resumed, would keep campaigns off after the
// shop is back.
func (d *decoder) actionPhases(f map[string]*yaml.Node, pb *incidentbot.Playbook) {
	pauses := false
	for i, a := range pb.OnDeclare {
		switch a.Kind {
		case incidentbot.ActionPauseAds:
			pauses = true
		case incidentbot.ActionResumeAds:
			d.add(actionNode(f["on_declare"], i), fmt.Sprintf("on_declare[%d]", i), "resume_ads on declare would switch ads back on while the shop is down: move it to on_resolve")
		}
	}
	resumes := false
	for i, a := range pb.OnResolve {
		switch a.Kind {
		case incidentbot.ActionResumeAds:
			resumes = true
		case incidentbot.ActionPauseAds:
			d.add(actionNode(f["on_resolve"], i), fmt.Sprintf("on_resolve[%d]", i), "pause_ads on resolve would switch ads off once the shop is back: move it to on_declare")
		}
	}
	if pauses && !resumes {
		n, field := f["on_resolve"], "on_resolve"
		if n == nil {
			n, field = f["on_declare"], "on_declare"
		}
		d.add(n, field, "on_declare pauses ads but on_resolve never resumes them: add - resume_ads: {} to on_resolve")
	}
}

// actionNode returns the i-th action list item that decoded, for its line.
func actionNode(list *yaml.Node, i int) *yaml.Node {
	list = resolve(list)
	n := 0
	for _, item := range list.Content {
		item = resolve(item)
		if item.Kind == yaml.MappingNode && len(item.Content) == 2 {
			if _, ok := actionFields[resolve(item.Content[0]).Value]; ok {
				if n == i {
					return item
				}
				n++
			}
		}
	}
	return list
}

func (d *decoder) when(n *yaml.Node, path string) incidentbot.Condition {
	var c incidentbot.Condition
	f := d.fields(n, path, []string{"severity"})
	if sn, ok := f["severity"]; ok {
		for i, item := range d.list(sn, path+".severity") {
			field := fmt.Sprintf("%s.severity[%d]", path, i)
			sev, err := parseSeverity(d.text(item, field))
			if err != nil {
				d.add(item, field, "%s", incidentbot.ErrorMessage(err))
				continue
			}
			c.Severity = append(c.Severity, sev)
		}
	}
	return c
}

func checkGlob(s string) string {
	if _, err := path.Match(s, ""); err != nil {
		return fmt.Sprintf("%q is not a valid glob: check its [ ] brackets and \\ escapes (* matches any text)", s)
	}
	return ""
}

// checkLabel rejects what would never equal a label: labels match whole,
// so a glob character means the author expected a pattern.
func checkLabel(s string) string {
	if strings.ContainsAny(s, "*?[") {
		return fmt.Sprintf("%q is not a label: labels match whole (any case), without * ? or [ ]; use include or exclude for name patterns", s)
	}
	return ""
}

// required returns the text of a field that must be set, recording a
// problem that says what to write when it is missing.
func (d *decoder) required(f map[string]*yaml.Node, parent *yaml.Node, path, name, what string) string {
	n, ok := f[name]
	var s string
	if ok {
		s = d.text(n, path+"."+name)
	} else {
		n = parent
	}
	if s == "" {
		d.add(n, path+"."+name, "%s is required: %s", name, what)
	}
	return s
}

// texts decodes an optional list of non-empty texts, each checked by check.
func (d *decoder) texts(f map[string]*yaml.Node, path, name string, check func(string) string) []string {
	n, ok := f[name]
	if !ok {
		return nil
	}
	var out []string
	for i, item := range d.list(n, path+"."+name) {
		field := fmt.Sprintf("%s.%s[%d]", path, name, i)
		s := d.text(item, field)
		if s == "" {
			d.add(item, field, "an empty entry: remove it")
			continue
		}
		if check != nil {
			if msg := check(s); msg != "" {
				d.add(item, field, "%s", msg)
				continue
			}
		}
		out = append(out, s)
	}
	return out
}

type pair struct{ key, val *yaml.Node }

// pairs returns a mapping's entries in order, reporting non-mappings,
// non-text keys and duplicate keys.
func (d *decoder) pairs(n *yaml.Node, path string) []pair {
	n = resolve(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.add(n, path, "must be a mapping of key: value lines, not %s", kindName(n))
		return nil
	}
	var out []pair
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			d.add(k, path, "a key must be a plain word, not %s", kindName(k))
			continue
		}
		if line, dup := seen[k.Value]; dup {
			d.add(k, join(path, k.Value), "%q is set twice (first on line %d): keep one", k.Value, line)
			continue
		}
		seen[k.Value] = k.Line
		out = append(out, pair{k, v})
	}
	return out
}

// fields returns a mapping's values by key, reporting unknown keys: a typo
// must not silently drop a setting.
func (d *decoder) fields(n *yaml.Node, path string, known []string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	for _, kv := range d.pairs(n, path) {
		if !slices.Contains(known, kv.key.Value) {
			d.add(kv.key, join(path, kv.key.Value), "unknown field%s: use one of %s", suggest(kv.key.Value, known), strings.Join(known, ", "))
			continue
		}
		out[kv.key.Value] = kv.val
	}
	return out
}

// list returns a sequence's items; null is an empty list.
func (d *decoder) list(n *yaml.Node, path string) []*yaml.Node {
	n = resolve(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.add(n, path, "must be a list, like [a, b] or one \"- item\" per line, not %s", kindName(n))
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, item := range n.Content {
		out[i] = resolve(item)
	}
	return out
}

// text returns a scalar's value; null is "". Numbers and booleans are kept
// as written: a checklist item may well be "404".
func (d *decoder) text(n *yaml.Node, path string) string {
	n = resolve(n)
	if isNull(n) {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		d.add(n, path, "must be text, not %s", kindName(n))
		return ""
	}
	return strings.TrimSpace(n.Value)
}

func (d *decoder) boolean(n *yaml.Node, path string) bool {
	n = resolve(n)
	if n.Kind == yaml.ScalarNode && n.Tag == "!!bool" {
		if b, err := strconv.ParseBool(strings.ToLower(n.Value)); err == nil {
			return b
		}
	}
	d.add(n, path, "must be true or false")
	return false
}

// resolve follows aliases to the node they name. Anchors cannot point at
// aliases, but the bound keeps a malformed tree from looping.
func resolve(n *yaml.Node) *yaml.Node {
	for range 8 {
		if n == nil || n.Kind != yaml.AliasNode || n.Alias == nil {
			return n
		}
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "an alias"
}

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// suggest returns ` (did you mean "x"?)` for the known word closest to s
// when it is a likely typo of it.
func suggest(s string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		if d := distance(s, k); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return max(len(a), len(b))
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
