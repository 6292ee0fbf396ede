package playbooks

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"math"
	"net/mail"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"incidentbot"
	"incidentbot/i18n"
)

// This file reads a playbook's own fields; yaml.go is the plumbing,
// actions.go and action_*.go read on_declare and on_resolve.

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
)

var topFields = []string{"name", "language", "description", "match", "channel", "private", "roles", "invite",
	"status_updates", "on_declare", "on_resolve", "checklist", "templates", "archive_on_close", "impact"}

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
	texts    []textUse
}

type located struct {
	value string // lowercased
	line  int
	index int // in its YAML list
}

// parseFile decodes and validates one playbook file. The entry is returned
// even when there are problems so that cross-file checks still see its name.
func parseFile(file string, data []byte) (entry, []Problem) {
	d := &decoder{file: file}
	e := entry{file: file}
	root := d.document(data)
	if root != nil {
		e = d.playbook(root)
		sort.SliceStable(d.uses, func(i, j int) bool { return d.uses[i].line < d.uses[j].line })
		e.file, e.texts = file, d.uses
	}
	sort.SliceStable(d.problems, func(i, j int) bool { return d.problems[i].Line < d.problems[j].Line })
	if len(d.problems) > maxProblems {
		d.problems = append(d.problems[:maxProblems], at(file, d.problems[maxProblems-1].Line, "", i18n.M("playbooks.problem.more", nil)))
	}
	return e, d.problems
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
			d.add(n, "name", "playbooks.problem.name_invalid", map[string]any{"Name": strconv.Quote(pb.Name)})
		}
	}
	if pb.Name == "" {
		d.add(root, "name", "playbooks.problem.name_required", nil)
	}
	d.lang = plainLanguage
	if n, ok := f["language"]; ok {
		pb.Language = d.language(n)
		d.lang = cmp.Or(pb.Language, plainLanguage)
	}
	if n, ok := f["description"]; ok {
		pb.Description = d.localized(n, "description")
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
		d.add(rolesNode, "roles", "playbooks.problem.commander_required", nil)
	}
	if n, ok := f["invite"]; ok {
		for i, item := range d.list(n, "invite") {
			field := fmt.Sprintf("invite[%d]", i)
			switch s := d.text(item, field); {
			case s == "":
				d.add(item, field, "playbooks.problem.invite_empty", nil)
			case !validUserSpec(s):
				d.add(item, field, "playbooks.problem.invite_user", map[string]any{"User": strconv.Quote(s)})
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
			before := len(d.problems)
			if s := d.localized(item, field); len(s) > 0 {
				pb.Checklist = append(pb.Checklist, s)
			} else if len(d.problems) == before {
				d.add(item, field, "playbooks.problem.checklist_empty", nil)
			}
		}
	}
	return e
}

func (d *decoder) match(n *yaml.Node, pb *incidentbot.Playbook) (types, keywords []located) {
	f := d.fields(n, "match", []string{"types", "keywords", "default_severity"})
	if tn, ok := f["types"]; ok {
		types, pb.Match.Types = d.matchList(tn, "match.types", strings.ToLower, func(t, key string) *i18n.Message {
			if slugRE.MatchString(key) {
				return nil
			}
			return i18n.M("playbooks.problem.type_invalid", map[string]any{"Value": strconv.Quote(t)})
		}, "type")
	}
	if kn, ok := f["keywords"]; ok {
		keywords, pb.Match.Keywords = d.matchList(kn, "match.keywords", incidentbot.Slug, func(k, key string) *i18n.Message {
			if key != "" {
				return nil
			}
			return i18n.M("playbooks.problem.keyword_invalid", map[string]any{"Value": strconv.Quote(k)})
		}, "keyword")
	}
	if sn, ok := f["default_severity"]; ok {
		if s := d.text(sn, "match.default_severity"); s != "" {
			sev, err := parseSeverity(s)
			if err != nil {
				d.failed(sn, "match.default_severity", err)
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
func (d *decoder) matchList(n *yaml.Node, path string, key func(string) string, check func(item, key string) *i18n.Message, what string) ([]located, []string) {
	var keys []located
	var items []string
	for i, item := range d.list(n, path) {
		field := fmt.Sprintf("%s[%d]", path, i)
		t := d.text(item, field)
		k := key(t)
		if strings.TrimSpace(t) == "" {
			d.add(item, field, "playbooks.problem.match_empty."+what, nil)
			continue
		}
		if msg := check(t, k); msg != nil {
			d.said(item, field, msg)
			continue
		}
		if slices.ContainsFunc(keys, func(l located) bool { return l.value == k }) {
			d.add(item, field, "playbooks.problem.match_twice."+what, map[string]any{"Item": strconv.Quote(t)})
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
		return incidentbot.SevUnknown, i18n.Errorf(incidentbot.EINVALID, "error.root.severity", map[string]any{"Text": s})
	}
	return incidentbot.ParseSeverity(s)
}

// channel checks the war-room name template by rendering it for a sample
// incident: a template that parses can still fail or yield a name no chat
// platform accepts.
func (d *decoder) channel(n *yaml.Node, text string) {
	t, err := incidentbot.ParseTemplate("channel", text)
	if err != nil {
		d.add(n, "channel", "playbooks.problem.parse", map[string]any{"Reason": err.Error()})
		return
	}
	var b limitedBuffer
	if err := t.Execute(&b, &sampleIncident); err != nil {
		d.add(n, "channel", "playbooks.problem.channel_fails", map[string]any{"Reason": err.Error(), "Fields": "{{.Key}}, {{.Title}}, {{.Severity}}"})
		return
	}
	if got := b.String(); !channelNameRE.MatchString(got) {
		d.add(n, "channel", "playbooks.problem.channel_renders", map[string]any{"Got": strconv.Quote(got), "Example": "{{.Title | slug}}"})
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
			d.add(item, path, "playbooks.problem.role_shape", map[string]any{"Kind": kindName(item)})
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
			d.add(nameNode, path+".name", "playbooks.problem.role_name_required", nil)
		case !slugRE.MatchString(r.Name):
			d.add(nameNode, path+".name", "playbooks.problem.role_name_invalid", map[string]any{"Name": strconv.Quote(r.Name)})
		case slices.ContainsFunc(roles, func(o incidentbot.Role) bool { return strings.EqualFold(o.Name, r.Name) }):
			d.add(nameNode, path+".name", "playbooks.problem.role_twice", map[string]any{"Name": strconv.Quote(r.Name)})
		}
		if dn, ok := f["description"]; ok {
			r.Description = d.localized(dn, path+".description")
		}
		if an, ok := f["assign"]; ok {
			r.Assign = d.text(an, path+".assign")
			if r.Assign != "" && r.Assign != incidentbot.AssignDeclarer && !validUserSpec(r.Assign) {
				d.add(an, path+".assign", "playbooks.problem.role_assign", map[string]any{"Assign": strconv.Quote(r.Assign)})
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
			d.failed(kv.key, field, err)
			continue
		}
		if seen[sev] {
			d.add(kv.key, field, "playbooks.problem.severity_twice", map[string]any{"Severity": sev})
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
			d.add(kv.val, field, "playbooks.problem.cadence_invalid", map[string]any{"Value": strconv.Quote(v)})
		case dur < minCadence || dur > maxCadence:
			d.add(kv.val, field, "playbooks.problem.cadence_range", map[string]any{"Value": strconv.Quote(v)})
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
		d.add(v, "impact.revenue_share", "playbooks.problem.revenue_share", map[string]any{"Value": strconv.Quote(s)})
		return nil
	}
	return &share
}
