package alerts

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"incidentbot"
	"incidentbot/i18n"
)

// maxTitle keeps titles readable in channel lists and on phones.
const maxTitle = 120

// alertTitle is the incident title: "alertname: summary", or whichever of
// them exists, in lang when it has to be made up.
func alertTitle(lang string, a alert) string {
	if a.Title != "" {
		return clip(a.Title, maxTitle)
	}
	name := strings.TrimSpace(a.Labels["alertname"])
	summary := strings.TrimSpace(a.Annotations["summary"])
	var t string
	switch {
	case name != "" && summary != "":
		t = name + ": " + summary
	case summary != "":
		t = summary
	case name != "":
		t = name
	default:
		t = i18n.T(lang, "alerts.untitled", map[string]any{"Fingerprint": a.Fingerprint})
	}
	return clip(t, maxTitle)
}

func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// describe formats what the war room should know about an alert, compactly:
// what it says, its labels, its other annotations, its links and where it
// comes from, in lang with times in loc. The engine shows it as the
// incident's impact in the welcome.
func describe(lang string, loc *time.Location, src source, a alert) string {
	var b strings.Builder
	var what []string
	for _, k := range []string{"summary", "description", "message"} {
		if v := strings.TrimSpace(a.Annotations[k]); v != "" {
			what = append(what, v)
		}
	}
	if len(what) > 0 {
		b.WriteString(strings.Join(what, " — "))
		b.WriteByte('\n')
	}
	// A generic alert's labels are made up from its title and severity.
	if len(a.Labels) > 0 && a.Key == "" {
		b.WriteString(i18n.T(lang, "alerts.describe.labels", nil) + " ")
		for i, k := range slices.Sorted(maps.Keys(a.Labels)) {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "`%s=%s`", k, a.Labels[k])
		}
		b.WriteByte('\n')
	}
	links := slices.Clone(a.Links)
	var others []string
	for _, k := range slices.Sorted(maps.Keys(a.Annotations)) {
		v := strings.TrimSpace(a.Annotations[k])
		switch {
		case k == "summary" || k == "description" || k == "message" || v == "":
		case strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "http://"):
			links = append(links, link{strings.TrimSuffix(k, "_url"), v})
		default:
			others = append(others, k+": "+v)
		}
	}
	if len(others) > 0 {
		b.WriteString(i18n.T(lang, "alerts.describe.annotations", nil) + " ")
		b.WriteString(strings.Join(others, "; "))
		b.WriteByte('\n')
	}
	if len(links) > 0 {
		b.WriteString(i18n.T(lang, "alerts.describe.links", nil))
		for _, l := range links {
			fmt.Fprintf(&b, "\n- %s: %s", l.Name, l.URL)
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "_%s._", origin(lang, loc, src, a))
	return cut(b.String(), incidentbot.MaxDescription)
}

// origin says where the alert comes from and since when: "Alertmanager
// alert 693bf903b9405dbc, firing since 24 November 2026, 11:52 UTC".
func origin(lang string, loc *time.Location, src source, a alert) string {
	s := src.actor
	if key, ok := strings.CutPrefix(a.Key, "generic:"); ok {
		s = i18n.T(lang, "alerts.describe.dedupe_key", map[string]any{"Source": s, "Key": key})
	} else if a.Fingerprint != "" {
		s = i18n.T(lang, "alerts.describe.fingerprint", map[string]any{"Source": s, "Fingerprint": a.Fingerprint})
	}
	if !a.StartsAt.IsZero() {
		s = i18n.T(lang, "alerts.describe.since", map[string]any{"Origin": s, "Since": i18n.When(lang, a.StartsAt, loc)})
	}
	return s
}

// cut keeps the first n characters of a description, lines and all: the
// engine refuses longer ones, and an alert has nobody to shorten it.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
