package playbooks

import (
	"fmt"
	"strings"

	"incidentbot"
	"incidentbot/i18n"
)

// Problem is one thing wrong in a playbook file, located precisely enough
// for an operator to fix it without guessing.
type Problem struct {
	File    string // path of the file, relative to the folder loaded
	Line    int    // 1-based; 0 when the problem is not tied to a line
	Field   string // path of the field: "roles[1].assign"; "" for the whole file
	Message string
	// Text, when set, is Message in the catalog, said in the reader's
	// language by In; Message is its English.
	Text *i18n.Message
}

// String returns "site-outage.yaml:12: roles[1].assign: message".
func (p Problem) String() string { return p.at(p.Message) }

// In is String in lang: the message in lang when the catalog has it.
func (p Problem) In(lang string) string {
	if p.Text != nil {
		return p.at(p.Text.In(lang))
	}
	return p.String()
}

// at is msg after the problem's file, line and field.
func (p Problem) at(msg string) string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	b.WriteString(": ")
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(msg)
	return b.String()
}

// at is a Problem at file's line and field saying text.
func at(file string, line int, field string, text *i18n.Message) Problem {
	return Problem{File: file, Line: line, Field: field, Message: text.In(i18n.Default), Text: text}
}

// said is a Problem of a whole file saying the catalog's id.
func said(file, id string, data map[string]any) Problem {
	text := i18n.M(id, data)
	return Problem{File: file, Message: text.In(i18n.Default), Text: text}
}

// LoadError holds every problem found while loading playbooks, so one run
// of `incidentbot playbooks check` shows them all.
type LoadError struct {
	Problems []Problem
}

func (e *LoadError) Error() string { return e.In(i18n.Default) }

// In is the summary and the problems in lang.
func (e *LoadError) In(lang string) string {
	return i18n.N(lang, "config.check.summary", len(e.Problems), map[string]any{"Count": len(e.Problems)}) + "\n" + e.list(lang)
}

// Unwrap gives the EINVALID error whose message operators see: the list of
// problems and what to do about them.
func (e *LoadError) Unwrap() error {
	return &incidentbot.Error{Code: incidentbot.EINVALID, Message: e.fixIn(i18n.Default), Text: fixText{e}}
}

// fixIn is In with what to do about the problems.
func (e *LoadError) fixIn(lang string) string {
	return e.In(lang) + "\n" + i18n.T(lang, "config.check.fix", nil)
}

type fixText struct{ e *LoadError }

func (t fixText) In(lang string) string { return t.e.fixIn(lang) }

func (e *LoadError) list(lang string) string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.In(lang)
	}
	return strings.Join(lines, "\n")
}
