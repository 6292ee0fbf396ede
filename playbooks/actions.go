package playbooks

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"incidentbot"
	"incidentbot/i18n"
)

// actionSpec is how one action kind is read from a playbook: the fields it
// takes besides when, and decode, which reads and checks them. Adding a
// kind is a params type in the root, an entry here and a runner in bot.
type actionSpec struct {
	kind   string
	fields []string
	decode func(d *decoder, in actionInput) incidentbot.ActionParams
}

// actionInput is one action's mapping, being decoded.
type actionInput struct {
	node      *yaml.Node                   // the action's value: a mapping or null
	path      string                       // on_declare[0].notify
	fields    map[string]*yaml.Node        // known fields, by name
	templates map[string]incidentbot.Texts // the playbook's
}

// spec makes the entry of the kind P names, so a decoder cannot be filed
// under another kind.
func spec[P incidentbot.ActionParams](fields []string, decode func(*decoder, actionInput) P) actionSpec {
	var zero P
	return actionSpec{kind: zero.ActionKind(), fields: fields, decode: func(d *decoder, in actionInput) incidentbot.ActionParams {
		return decode(d, in)
	}}
}

// actionSpecs has one entry per kind of incidentbot.ActionKinds, in the
// order messages list them.
var actionSpecs = []actionSpec{
	spec([]string{"url", "expect"}, decodeVerifySite),
	spec([]string{"platforms", "accounts", "include", "exclude", "include_labels", "exclude_labels"}, decodePauseAds),
	spec([]string{"platforms"}, decodeResumeAds),
	spec([]string{"to", "template"}, decodeNotify),
	spec([]string{"status", "template"}, decodeStatusPage),
	spec([]string{"to"}, decodePage),
	spec(nil, decodeCheckProviders),
}

func specFor(kind string) (actionSpec, bool) {
	i := slices.IndexFunc(actionSpecs, func(s actionSpec) bool { return s.kind == kind })
	if i < 0 {
		return actionSpec{}, false
	}
	return actionSpecs[i], true
}

func actionKinds() []string {
	kinds := make([]string, len(actionSpecs))
	for i, s := range actionSpecs {
		kinds[i] = s.kind
	}
	return kinds
}

func (d *decoder) actions(n *yaml.Node, path string, templates map[string]incidentbot.Texts) []incidentbot.Action {
	var out []incidentbot.Action
	kinds := actionKinds()
	for i, item := range d.list(n, path) {
		ipath := fmt.Sprintf("%s[%d]", path, i)
		if item.Kind != yaml.MappingNode {
			d.add(item, ipath, "playbooks.problem.action_shape", map[string]any{"Kind": kindName(item)})
			continue
		}
		if len(item.Content) != 2 {
			keys := make([]string, 0, len(item.Content)/2)
			for j := 0; j < len(item.Content); j += 2 {
				keys = append(keys, resolve(item.Content[j]).Value)
			}
			if len(keys) == 0 {
				d.add(item, ipath, "playbooks.problem.action_empty", map[string]any{"Known": strings.Join(kinds, ", ")})
			} else {
				d.add(item, ipath, "playbooks.problem.action_keys", map[string]any{"Keys": len(keys), "Names": strings.Join(keys, ", ")})
			}
			continue
		}
		k, v := resolve(item.Content[0]), resolve(item.Content[1])
		kind := k.Value
		s, ok := specFor(kind)
		if !ok || k.Kind != yaml.ScalarNode {
			d.add(k, ipath, "playbooks.problem.action_unknown", map[string]any{"Action": strconv.Quote(kind), "Suggest": suggest(kind, kinds), "Known": strings.Join(kinds, ", ")})
			continue
		}
		apath := ipath + "." + kind
		if !isNull(v) && v.Kind != yaml.MappingNode {
			d.add(v, apath, "playbooks.problem.action_fields", map[string]any{"Action": kind, "Kind": kindName(v)})
			continue
		}
		var a incidentbot.Action
		f := d.fields(v, apath, append(slices.Clip(s.fields), "when"))
		if wn, ok := f["when"]; ok {
			a.When = d.when(wn, apath+".when")
		}
		a.Params = s.decode(d, actionInput{node: v, path: apath, fields: f, templates: templates})
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
		switch a.Kind() {
		case incidentbot.ActionPauseAds:
			pauses = true
		case incidentbot.ActionResumeAds:
			d.add(actionNode(f["on_declare"], i), fmt.Sprintf("on_declare[%d]", i), "playbooks.problem.resume_on_declare", nil)
		}
	}
	resumes := false
	for i, a := range pb.OnResolve {
		switch a.Kind() {
		case incidentbot.ActionResumeAds:
			resumes = true
		case incidentbot.ActionPauseAds:
			d.add(actionNode(f["on_resolve"], i), fmt.Sprintf("on_resolve[%d]", i), "playbooks.problem.pause_on_resolve", nil)
		}
	}
	if pauses && !resumes {
		n, field := f["on_resolve"], "on_resolve"
		if n == nil {
			n, field = f["on_declare"], "on_declare"
		}
		d.add(n, field, "playbooks.problem.ads_not_resumed", nil)
	}
}

// actionNode returns the i-th action list item that decoded, for its line.
func actionNode(list *yaml.Node, i int) *yaml.Node {
	list = resolve(list)
	n := 0
	for _, item := range list.Content {
		item = resolve(item)
		if item.Kind == yaml.MappingNode && len(item.Content) == 2 {
			if _, ok := specFor(resolve(item.Content[0]).Value); ok {
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
				d.failed(item, field, err)
				continue
			}
			c.Severity = append(c.Severity, sev)
		}
	}
	return c
}

// required returns the text of a field that must be set, recording a
// problem that says what to write when it is missing.
func (d *decoder) required(in actionInput, name, id string, data map[string]any) string {
	n, ok := in.fields[name]
	var s string
	if ok {
		s = d.text(n, in.path+"."+name)
	} else {
		n = in.node
	}
	if s == "" {
		d.add(n, in.path+"."+name, id, data)
	}
	return s
}

// optional returns the text of a field that may be left out.
func (d *decoder) optional(in actionInput, name string) string {
	n, ok := in.fields[name]
	if !ok {
		return ""
	}
	return d.text(n, in.path+"."+name)
}

// texts decodes an optional list of non-empty texts, each checked by check.
func (d *decoder) texts(in actionInput, name string, check func(string) *i18n.Message) []string {
	n, ok := in.fields[name]
	if !ok {
		return nil
	}
	var out []string
	for i, item := range d.list(n, in.path+"."+name) {
		field := fmt.Sprintf("%s.%s[%d]", in.path, name, i)
		s := d.text(item, field)
		if s == "" {
			d.add(item, field, "playbooks.problem.entry_empty", nil)
			continue
		}
		if check != nil {
			if msg := check(s); msg != nil {
				d.said(item, field, msg)
				continue
			}
		}
		out = append(out, s)
	}
	return out
}
