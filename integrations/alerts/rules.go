package alerts

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"incidentbot"
	"incidentbot/i18n"
)

// Mode says what a firing alert may do.
type Mode string

const (
	// ModeDeclare opens an incident when no open one holds the alert's key.
	ModeDeclare Mode = "declare"
	// ModeAttach only joins the open incident that holds the alert's key.
	ModeAttach Mode = "attach"
)

// DefaultDedupeBy are the labels that identify "the same problem" when a
// rule names none: per-target labels (instance, pod) are left out so an
// alert firing on three pods opens one incident, and severity is left out
// so a warning joins the critical incident of the same alert.
var DefaultDedupeBy = []string{"alertname", "service", "job", "namespace", "env", "cluster"}

// Rule maps alerts to incidents. The first rule whose matchers all hold
// applies; an alert no rule matches gets the zero Rule's defaults.
type Rule struct {
	Name    string
	Match   map[string]string         // label -> exact value
	MatchRE map[string]*regexp.Regexp // label -> fully anchored pattern
	// Severity of the incident; SevUnknown maps the alert's severity label
	// (critical sev1, error/high sev2, warning sev3, info sev4).
	Severity incidentbot.Severity
	Type     string // playbook name or match type; "" lets the title pick
	// Mode; "" declares for sev1 and sev2 and attaches otherwise.
	Mode Mode
	// AutoResolve resolves the incident when its alerts resolve, instead of
	// asking the commander.
	AutoResolve bool
	// DedupeBy lists the labels of the incident key; nil means DefaultDedupeBy.
	DedupeBy []string
}

// Matches reports whether every matcher of the rule holds for labels.
func (r *Rule) Matches(labels map[string]string) bool {
	for k, v := range r.Match {
		if labels[k] != v {
			return false
		}
	}
	for k, re := range r.MatchRE {
		if !re.MatchString(labels[k]) {
			return false
		}
	}
	return true
}

// severityLabels maps the usual values of a severity label.
var severityLabels = map[string]incidentbot.Severity{
	"critical": incidentbot.SEV1, "page": incidentbot.SEV1, "p1": incidentbot.SEV1, "sev1": incidentbot.SEV1,
	"error": incidentbot.SEV2, "high": incidentbot.SEV2, "major": incidentbot.SEV2, "p2": incidentbot.SEV2, "sev2": incidentbot.SEV2,
	"warning": incidentbot.SEV3, "warn": incidentbot.SEV3, "medium": incidentbot.SEV3, "p3": incidentbot.SEV3, "sev3": incidentbot.SEV3,
	"info": incidentbot.SEV4, "low": incidentbot.SEV4, "minor": incidentbot.SEV4, "p4": incidentbot.SEV4, "sev4": incidentbot.SEV4,
}

// SeverityOf maps a severity label value; unknown values give SevUnknown.
func SeverityOf(label string) incidentbot.Severity {
	return severityLabels[strings.ToLower(strings.TrimSpace(label))]
}

// decision is what the rules say about one alert.
type decision struct {
	rule     string
	severity incidentbot.Severity
	typ      string
	mode     Mode
	resolve  bool
	key      string
}

func decide(rules []Rule, labels map[string]string) decision {
	var r Rule
	for i := range rules {
		if rules[i].Matches(labels) {
			r = rules[i]
			break
		}
	}
	d := decision{rule: r.Name, severity: r.Severity, typ: r.Type, mode: r.Mode, resolve: r.AutoResolve}
	if d.severity == incidentbot.SevUnknown {
		d.severity = SeverityOf(labels["severity"])
	}
	if d.mode == "" {
		d.mode = ModeAttach
		if d.severity == incidentbot.SEV1 || d.severity == incidentbot.SEV2 {
			d.mode = ModeDeclare
		}
	}
	by := r.DedupeBy
	if by == nil {
		by = DefaultDedupeBy
	}
	d.key = dedupeKey(labels, by)
	return d
}

// dedupeKey is "alert:" and the chosen labels present, in a fixed order:
// independent of Alertmanager's groupKey, so a route change or a regroup
// keeps feeding the same incident.
func dedupeKey(labels map[string]string, by []string) string {
	names := slices.Clone(by)
	slices.Sort(names)
	names = slices.Compact(names)
	var b strings.Builder
	b.WriteString("alert:")
	n := 0
	for _, name := range names {
		v, ok := labels[name]
		if !ok || v == "" {
			continue
		}
		if n > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s=%q", name, v)
		n++
	}
	return b.String()
}

// ruleFile is the YAML form of the rules file.
type ruleFile struct {
	Rules []ruleYAML `yaml:"rules"`
}

type ruleYAML struct {
	Name        string            `yaml:"name"`
	Match       map[string]string `yaml:"match"`
	MatchRE     map[string]string `yaml:"match_re"`
	Severity    string            `yaml:"severity"`
	Type        string            `yaml:"type"`
	Mode        string            `yaml:"mode"`
	AutoResolve bool              `yaml:"auto_resolve"`
	DedupeBy    []string          `yaml:"dedupe_by"`
}

// LoadRules reads the rules file named by ALERT_RULES_FILE. An empty path
// gives no rules: every alert gets the defaults.
func LoadRules(path string) ([]Rule, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, i18n.Wrap(incidentbot.EINVALID, err, "alerts.rules.read", map[string]any{"Path": path})
	}
	rules, err := ParseRules(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rules, nil
}

// ParseRules parses a rules file:
//
//	rules:
//	  - name: checkout
//	    match: {service: checkout}
//	    match_re: {alertname: "Checkout.*"}
//	    severity: sev1
//	    type: checkout-failure
//	    mode: declare          # or attach
//	    auto_resolve: false
//	    dedupe_by: [alertname, service]
//
// Every problem is reported, each with its rule number.
func ParseRules(data []byte) ([]Rule, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f ruleFile
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, i18n.Wrap(incidentbot.EINVALID, err, "alerts.rules.yaml", map[string]any{"Err": err.Error()})
	}
	var problems []*i18n.Message
	rules := make([]Rule, 0, len(f.Rules))
	for i, y := range f.Rules {
		add := func(id string, data map[string]any) {
			data["N"], data["Name"] = i+1, y.Name
			problems = append(problems, i18n.M("alerts.rules.problem."+id, data))
		}
		r := Rule{Name: y.Name, Match: y.Match, Type: strings.TrimSpace(y.Type), AutoResolve: y.AutoResolve, DedupeBy: y.DedupeBy}
		if y.Severity != "" {
			s, err := incidentbot.ParseSeverity(y.Severity)
			if err != nil {
				add("severity", map[string]any{"Value": y.Severity})
			}
			r.Severity = s
		}
		switch Mode(y.Mode) {
		case "", ModeDeclare, ModeAttach:
			r.Mode = Mode(y.Mode)
		default:
			add("mode", map[string]any{"Value": y.Mode})
		}
		for _, label := range slices.Sorted(maps.Keys(y.MatchRE)) {
			pattern := y.MatchRE[label]
			re, err := regexp.Compile("^(?:" + pattern + ")$")
			if err != nil {
				add("match_re", map[string]any{"Label": label, "Err": err.Error()})
				continue
			}
			if r.MatchRE == nil {
				r.MatchRE = map[string]*regexp.Regexp{}
			}
			r.MatchRE[label] = re
		}
		if y.DedupeBy != nil && len(y.DedupeBy) == 0 {
			add("dedupe_by", map[string]any{})
		}
		rules = append(rules, r)
	}
	if len(problems) > 0 {
		return nil, i18n.Errorf(incidentbot.EINVALID, "alerts.rules.problems", map[string]any{"Problems": i18n.Joined{Sep: "\n", Items: problems}})
	}
	return rules, nil
}
