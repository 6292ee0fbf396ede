package playbooks

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"incidentbot"
	"incidentbot/i18n"
)

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// decoder collects every problem of one file instead of stopping at the first.
type decoder struct {
	file     string
	problems []Problem
	lang     string    // of plain-string texts
	uses     []textUse // texts people read, as read
}

// maxProblems bounds the list for one file: aliases can repeat one mistake
// many times, and nobody reads past the first screens anyway.
const maxProblems = 100

// add records the catalog's id with data as a problem at n.
func (d *decoder) add(n *yaml.Node, field, id string, data map[string]any) {
	d.said(n, field, i18n.M(id, data))
}

// said records text as a problem at n.
func (d *decoder) said(n *yaml.Node, field string, text *i18n.Message) {
	d.record(n, Problem{Field: field, Message: text.In(i18n.Default), Text: text})
}

// failed records err's message for people as a problem at n, said in the
// reader's language when err carries it in the catalog.
func (d *decoder) failed(n *yaml.Node, field string, err error) {
	text := i18n.M("playbooks.problem.error", map[string]any{"Error": i18n.ErrorText(err)})
	d.record(n, Problem{Field: field, Message: incidentbot.ErrorMessage(err), Text: text})
}

func (d *decoder) record(n *yaml.Node, p Problem) {
	if len(d.problems) > 10*maxProblems {
		return
	}
	if n != nil {
		p.Line = n.Line
	}
	p.File = d.file
	d.problems = append(d.problems, p)
}

// document returns the root node of the file's only YAML document, or nil
// after recording why there is none.
func (d *decoder) document(data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.add(nil, "", "playbooks.problem.file_empty", nil)
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
		d.add(&next, "", "playbooks.problem.second_document", nil)
	}
	if len(doc.Content) == 0 || isNull(resolve(doc.Content[0])) {
		d.add(&doc, "", "playbooks.problem.file_empty", nil)
		return nil
	}
	root := resolve(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		d.add(root, "", "playbooks.problem.root_shape", map[string]any{"Kind": kindName(root)})
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
	d.add(&yaml.Node{Line: line}, "", "playbooks.problem.yaml_invalid", map[string]any{"Reason": msg})
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
		d.add(n, path, "playbooks.problem.mapping", map[string]any{"Kind": kindName(n)})
		return nil
	}
	var out []pair
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			d.add(k, path, "playbooks.problem.key_plain", map[string]any{"Kind": kindName(k)})
			continue
		}
		if line, dup := seen[k.Value]; dup {
			d.add(k, join(path, k.Value), "playbooks.problem.key_twice", map[string]any{"Key": strconv.Quote(k.Value), "Line": line})
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
			d.add(kv.key, join(path, kv.key.Value), "playbooks.problem.field_unknown", map[string]any{"Suggest": suggest(kv.key.Value, known), "Known": strings.Join(known, ", ")})
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
		d.add(n, path, "playbooks.problem.list", map[string]any{"Kind": kindName(n)})
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
		d.add(n, path, "playbooks.problem.text", map[string]any{"Kind": kindName(n)})
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
	d.add(n, path, "playbooks.problem.bool", nil)
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

func kindName(n *yaml.Node) any {
	switch n.Kind {
	case yaml.MappingNode:
		return i18n.M("playbooks.problem.kind.mapping", nil)
	case yaml.SequenceNode:
		return i18n.M("playbooks.problem.kind.list", nil)
	case yaml.ScalarNode:
		return strconv.Quote(n.Value)
	}
	return i18n.M("playbooks.problem.kind.alias", nil)
}

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

// suggest returns ` (did you mean "x"?)` for the known word closest to s
// when it is a likely typo of it.
func suggest(s string, known []string) any {
	best, bestDist := "", 3
	for _, k := range known {
		if d := distance(s, k); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return ""
	}
	return i18n.M("playbooks.problem.did_you_mean", map[string]any{"Known": strconv.Quote(best)})
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
