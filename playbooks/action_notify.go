package playbooks

import (
	"slices"
	"sort"
	"strings"

	"incidentbot"
)

var statusPageStatuses = []string{"investigating", "identified", "monitoring", "resolved"}

func sortedKeys(m map[string]incidentbot.Texts) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func decodeNotify(d *decoder, in actionInput) incidentbot.NotifyParams {
	var p incidentbot.NotifyParams
	p.To = d.required(in, "to", "the notification target, like hosting or agency")
	if p.To != "" && !targetRE.MatchString(p.To) {
		d.add(in.fields["to"], in.path+".to", "%q is not a target name: use the lowercase name of a NOTIFY_* target, like hosting", p.To)
	}
	p.Template = d.required(in, "template", "the template to send, from templates:")
	d.templateRef(in, p.Template)
	return p
}

func decodeStatusPage(d *decoder, in actionInput) incidentbot.StatusPageParams {
	var p incidentbot.StatusPageParams
	p.Status = d.required(in, "status", "one of "+strings.Join(statusPageStatuses, ", "))
	if p.Status != "" && !slices.Contains(statusPageStatuses, p.Status) {
		d.add(in.fields["status"], in.path+".status", "unknown status-page status %q: use one of %s", p.Status, strings.Join(statusPageStatuses, ", "))
	}
	p.Template = d.optional(in, "template")
	d.templateRef(in, p.Template)
	return p
}

func decodePage(d *decoder, in actionInput) incidentbot.PageParams {
	return incidentbot.PageParams{To: d.required(in, "to", "the service or team to page")}
}

// templateRef checks that the template an action names is defined: as
// named, or once per language (customer-en, customer-fr).
func (d *decoder) templateRef(in actionInput, name string) {
	if name == "" {
		return
	}
	probe := incidentbot.Playbook{Templates: in.templates}
	if _, ok := probe.Template(name, ""); !ok && len(in.templates) == 0 {
		d.add(in.fields["template"], in.path+".template", "template %q is not defined: add it under templates:", name)
	} else if !ok {
		d.add(in.fields["template"], in.path+".template", "template %q is not in templates: add it there or use one of: %s", name, strings.Join(sortedKeys(in.templates), ", "))
	}
}
