package playbooks

import (
	"slices"
	"sort"
	"strconv"
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
	p.To = d.required(in, "to", "playbooks.problem.required.notify_to", nil)
	if p.To != "" && !targetRE.MatchString(p.To) {
		d.add(in.fields["to"], in.path+".to", "playbooks.problem.notify_to", map[string]any{"To": strconv.Quote(p.To)})
	}
	p.Template = d.required(in, "template", "playbooks.problem.required.notify_template", nil)
	d.templateRef(in, p.Template)
	return p
}

func decodeStatusPage(d *decoder, in actionInput) incidentbot.StatusPageParams {
	var p incidentbot.StatusPageParams
	p.Status = d.required(in, "status", "playbooks.problem.required.status", map[string]any{"Known": strings.Join(statusPageStatuses, ", ")})
	if p.Status != "" && !slices.Contains(statusPageStatuses, p.Status) {
		d.add(in.fields["status"], in.path+".status", "playbooks.problem.notify_status", map[string]any{"Status": strconv.Quote(p.Status), "Known": strings.Join(statusPageStatuses, ", ")})
	}
	p.Template = d.optional(in, "template")
	d.templateRef(in, p.Template)
	return p
}

func decodePage(d *decoder, in actionInput) incidentbot.PageParams {
	return incidentbot.PageParams{To: d.required(in, "to", "playbooks.problem.required.page_to", nil)}
}

// templateRef checks that the template an action names is defined: as
// named, or once per language (customer-en, customer-fr).
func (d *decoder) templateRef(in actionInput, name string) {
	if name == "" {
		return
	}
	probe := incidentbot.Playbook{Templates: in.templates}
	if _, ok := probe.Template(name, ""); !ok && len(in.templates) == 0 {
		d.add(in.fields["template"], in.path+".template", "playbooks.problem.template_undefined", map[string]any{"Name": strconv.Quote(name)})
	} else if !ok {
		d.add(in.fields["template"], in.path+".template", "playbooks.problem.template_unknown", map[string]any{"Name": strconv.Quote(name), "Known": strings.Join(sortedKeys(in.templates), ", ")})
	}
}
