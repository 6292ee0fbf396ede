package playbooks

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"incidentbot"
	"incidentbot/i18n"
)

// This file reads the texts people read (descriptions, checklist items,
// templates) in one language or several, and says which playbooks will
// show a war room words in another language than its own (Warnings).

// plainLanguage is the language of plain-string texts in a playbook that
// declares none: playbooks were written in English before texts had
// languages.
const plainLanguage = "en"

// textUse is where one text was written and in which languages, for the
// warnings that compare a playbook's texts.
type textUse struct {
	field string
	line  int
	langs []string // sorted
}

// language reads language: en|fr, the language of the playbook's
// incidents and of its plain-string texts.
func (d *decoder) language(n *yaml.Node) string {
	l := d.text(n, "language")
	if l != "" && !slices.Contains(i18n.Supported, l) {
		d.add(n, "language", "playbooks.problem.language_unknown", map[string]any{"Language": strconv.Quote(l), "Known": strings.Join(i18n.Supported, " or ")})
		return ""
	}
	return l
}

// localized reads a text people read: a plain string, in the playbook's
// language, or one per language ({en: ..., fr: ...}). Null or empty gives
// nil, for the caller to judge.
func (d *decoder) localized(n *yaml.Node, path string) incidentbot.Texts {
	t := d.perLanguage(n, path, d.lang, nil)
	if len(t) > 0 {
		d.used(n, path, t)
	}
	return t
}

func (d *decoder) used(n *yaml.Node, path string, t incidentbot.Texts) {
	d.uses = append(d.uses, textUse{field: path, line: n.Line, langs: t.Languages()})
}

// perLanguage reads a localized text, a plain string being in lang; check, when
// set, may refuse each language's text with a problem.
func (d *decoder) perLanguage(n *yaml.Node, path, lang string, check func(string) *i18n.Message) incidentbot.Texts {
	n = resolve(n)
	switch {
	case isNull(n):
		return nil
	case n.Kind == yaml.ScalarNode:
		s := d.text(n, path)
		if s == "" {
			return nil
		}
		d.check(n, path, s, check)
		return incidentbot.Texts{lang: s}
	case n.Kind != yaml.MappingNode:
		d.add(n, path, "playbooks.problem.text_shape", map[string]any{"Kind": kindName(n)})
		return nil
	}
	out := incidentbot.Texts{}
	for _, kv := range d.pairs(n, path) {
		l, field := kv.key.Value, path+"."+kv.key.Value
		if !slices.Contains(i18n.Supported, l) {
			d.add(kv.key, field, "playbooks.problem.text_language", map[string]any{"Known": strings.Join(i18n.Supported, ", ")})
			continue
		}
		if s := d.text(kv.val, field); s != "" {
			d.check(kv.val, field, s, check)
			out[l] = s
		} else {
			d.add(kv.val, field, "playbooks.problem.text_empty", map[string]any{"Language": languageName(l)})
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func (d *decoder) check(n *yaml.Node, path, s string, check func(string) *i18n.Message) {
	if check != nil {
		if msg := check(s); msg != nil {
			d.said(n, path, msg)
		}
	}
}

// templates reads the templates: map. A name ending in a language
// ("customer-fr", the form before texts had languages) is that
// language's text of the template without the suffix, so actions may
// name either.
func (d *decoder) templates(n *yaml.Node) map[string]incidentbot.Texts {
	out := map[string]incidentbot.Texts{}
	given := map[string]int{}        // "customer fr": line
	first := map[string]*yaml.Node{} // where each template is first written
	var order []string
	for _, kv := range d.pairs(n, "templates") {
		name := kv.key.Value
		field := "templates." + name
		if !targetRE.MatchString(name) {
			d.add(kv.key, field, "playbooks.problem.template_name", map[string]any{"Name": strconv.Quote(name)})
		}
		base, lang := name, d.lang
		if i := strings.LastIndexByte(name, '-'); i > 0 && slices.Contains(i18n.Supported, name[i+1:]) && resolve(kv.val).Kind == yaml.ScalarNode {
			base, lang = name[:i], name[i+1:]
		}
		texts := d.perLanguage(kv.val, field, lang, func(text string) *i18n.Message {
			if _, err := incidentbot.ParseTemplate(name, text); err != nil {
				return i18n.M("playbooks.problem.parse", map[string]any{"Reason": err.Error()})
			}
			return nil
		})
		if len(texts) == 0 {
			d.add(kv.val, field, "playbooks.problem.template_empty", nil)
			continue
		}
		if out[base] == nil {
			out[base], first[base] = incidentbot.Texts{}, kv.val
			order = append(order, base)
		}
		for _, l := range texts.Languages() {
			if line, dup := given[base+" "+l]; dup {
				d.add(kv.key, field, "playbooks.problem.template_text_twice", map[string]any{"Language": languageName(l), "Name": base, "Line": line})
				continue
			}
			given[base+" "+l] = kv.key.Line
			out[base][l] = texts[l]
		}
	}
	for _, base := range order {
		d.used(first[base], "templates."+base, out[base])
	}
	return out
}

// Warnings returns what `playbooks check` points out without refusing the
// playbooks: a playbook whose texts are in different languages, or miss the
// one its incidents speak (its language:, else botLanguage, BOT_LANGUAGE).
// People would read a war room in two languages.
func (s *Set) Warnings(botLanguage string) []Problem {
	var out []Problem
	for _, e := range s.entries {
		if p, ok := e.mixed(); ok {
			out = append(out, p)
		}
		if p, ok := e.missing(cmp.Or(e.pb.Language, botLanguage)); ok {
			out = append(out, p)
		}
	}
	return newLoadError(out).Problems
}

// mixed reports a playbook with a text in one language only and another
// in another language only.
func (e entry) mixed() (Problem, bool) {
	first := map[string]textUse{} // by its only language
	for _, u := range e.texts {
		if len(u.langs) == 1 {
			if _, ok := first[u.langs[0]]; !ok {
				first[u.langs[0]] = u
			}
		}
	}
	if len(first) < 2 {
		return Problem{}, false
	}
	var parts []*i18n.Message
	var at textUse
	for _, l := range i18n.Supported {
		if u, ok := first[l]; ok {
			if at.line == 0 || u.line < at.line {
				at = u
			}
			parts = append(parts, i18n.M("config.check.mixed_part", map[string]any{"Field": u.field, "Language": languageName(l), "Line": u.line}))
		}
	}
	return warning(e.file, at, i18n.M("config.check.mixed", map[string]any{"Parts": i18n.Joined{Sep: ", ", Items: parts}})), true
}

// warning is a Problem at u saying text, its Message the English.
func warning(file string, u textUse, text *i18n.Message) Problem {
	return Problem{File: file, Line: u.line, Field: u.field, Message: text.In(i18n.Default), Text: text}
}

// languageName is the name of language l, said in the reader's language.
func languageName(l string) *i18n.Message { return i18n.M("config.check.language."+l, nil) }

// missing reports the texts a war room in lang would show in another language.
func (e entry) missing(lang string) (Problem, bool) {
	var lacking []textUse
	for _, u := range e.texts {
		if !slices.Contains(u.langs, lang) {
			lacking = append(lacking, u)
		}
	}
	if len(lacking) == 0 {
		return Problem{}, false
	}
	const shown = 4
	var names []*i18n.Message
	for _, u := range lacking[:min(len(lacking), shown)] {
		names = append(names, i18n.M("config.check.at", map[string]any{"Field": u.field, "Line": u.line}))
	}
	if more := len(lacking) - shown; more > 0 {
		names = append(names, i18n.M("config.check.more", map[string]any{"Count": more}))
	}
	why := i18n.M("config.check.why_bot", map[string]any{"Lang": lang})
	if e.pb.Language != "" {
		why = i18n.M("config.check.why_own", map[string]any{"Lang": lang})
	}
	fix := i18n.M("config.check.fix_add", map[string]any{"Lang": lang})
	if other, ok := e.onlyIn(); ok && e.pb.Language == "" {
		fix = i18n.M("config.check.fix_set", map[string]any{"Lang": lang, "Other": other, "Language": languageName(other)})
	}
	return warning(e.file, lacking[0], i18n.M("config.check.missing", map[string]any{
		"Count": len(lacking), "Language": languageName(lang), "Why": why, "Names": i18n.Joined{Sep: ", ", Items: names}, "Fix": fix})), true
}

// onlyIn returns the language of a playbook whose texts are all in it,
// some of them in that language only.
func (e entry) onlyIn() (string, bool) {
	only := ""
	for _, u := range e.texts {
		switch {
		case !slices.Contains(u.langs, cmp.Or(only, u.langs[0])):
			return "", false
		case len(u.langs) == 1:
			if only != "" && only != u.langs[0] {
				return "", false
			}
			only = u.langs[0]
		}
	}
	return only, only != ""
}
