package probe

import (
	"maps"
	"slices"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/i18n"
)

// The probe says what it found through the catalog (probe.* ids), so the
// war room reads it in the incident's language; the English goes in the
// result's Summary and Detail too, for logs and callers that read them.

// text is a sentence or a part of one, said in any language.
type text interface{ In(lang string) string }

// said is sentences said one after the other.
type said []text

func (s said) In(lang string) string {
	parts := make([]string, len(s))
	for i, t := range s {
		parts[i] = t.In(lang)
	}
	return strings.Join(parts, " ")
}

// plural is a message whose form follows Count (CLDR rules).
type plural struct {
	id    string
	count int
	data  map[string]any
}

func (p plural) In(lang string) string { return i18n.N(lang, p.id, p.count, maps.Clone(p.data)) }

// finding is a result class with what was found (one sentence) and what
// it means and what to check (detail).
type finding struct {
	class   string
	summary text
	detail  said
}

// find is a finding whose sentences are ids summary and detail, on data
// both.
func find(class, summary, detail string, data map[string]any) finding {
	return finding{class: class, summary: i18n.M(summary, data), detail: said{i18n.M(detail, data)}}
}

// set writes f on res.
func (f finding) set(res *incidentbot.ProbeResult) {
	res.Class = f.class
	res.SummaryText, res.DetailText = f.summary, f.detail
	res.Summary, res.Detail = f.summary.In(i18n.Default), f.detail.In(i18n.Default)
}

// note adds a sentence to res's detail.
func note(res *incidentbot.ProbeResult, t text) {
	d, _ := res.DetailText.(said)
	d = append(slices.Clip(d), t)
	res.DetailText, res.Detail = d, d.In(i18n.Default)
}

// span is a duration as Go writes it in English ("180ms", "1.26s",
// "1m30s"), with each language's units and decimal separator.
type span time.Duration

func (d span) In(lang string) string {
	v := time.Duration(d).Round(time.Millisecond)
	switch {
	case v < time.Second:
		return i18n.T(lang, "probe.duration.ms", map[string]any{"MS": v.Milliseconds()})
	case v < time.Minute:
		return i18n.T(lang, "probe.duration.seconds", map[string]any{"S": seconds(lang, v)})
	case v < time.Hour && v%time.Minute == 0:
		return i18n.T(lang, "probe.duration.minutes", map[string]any{"M": int(v / time.Minute)})
	case v < time.Hour:
		return i18n.T(lang, "probe.duration.minutes_seconds", map[string]any{"M": int(v / time.Minute), "S": seconds(lang, v%time.Minute)})
	}
	return i18n.Duration(lang, v)
}

// seconds writes v (whole milliseconds) in seconds with as many decimals
// as it needs: "10", "1.26", "1,5".
func seconds(lang string, v time.Duration) string {
	decimals := 3
	for ms := v.Milliseconds(); decimals > 0 && ms%10 == 0; ms /= 10 {
		decimals--
	}
	return i18n.Number(lang, v.Seconds(), decimals)
}
