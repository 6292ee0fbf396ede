package views

import (
	"math"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"incidentbot"
	"incidentbot/i18n"
)

// title is the incident's headline; drills say so first so nobody mistakes
// a practice run for an outage.
func title(lang string, inc *incidentbot.Incident) string {
	return drill(lang, inc, inc.Key+" "+inc.Title)
}

// drill marks a practice incident's title.
func drill(lang string, inc *incidentbot.Incident, t string) string {
	if inc.Drill {
		return i18n.T(lang, "view.drill_title", map[string]any{"Title": t})
	}
	return t
}

// since returns how long the incident has lasted, falling back to the
// declaration time when the detection time is unknown.
func since(inc *incidentbot.Incident, now time.Time) time.Duration {
	if inc.DetectedAt.IsZero() {
		c := *inc
		c.DetectedAt = inc.DeclaredAt
		return c.Duration(now)
	}
	return inc.Duration(now)
}

// Duration formats a duration compactly for phones: "45s", "12m", "1h 5m", "2d 3h".
func Duration(d time.Duration) string { return duration(i18n.Default, d) }

// duration is Duration in lang.
func duration(lang string, d time.Duration) string {
	if d < 0 {
		d = -d
	}
	t := func(id string, data map[string]any) string { return i18n.T(lang, id, data) }
	switch {
	case d < time.Minute:
		return t("view.duration.seconds", map[string]any{"S": int(d / time.Second)})
	case d < time.Hour:
		return t("view.duration.minutes", map[string]any{"M": int(d / time.Minute)})
	case d < 24*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return t("view.duration.hours", map[string]any{"H": h})
		}
		return t("view.duration.hours_minutes", map[string]any{"H": h, "M": m})
	default:
		days, h := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
		if h == 0 {
			return t("view.duration.days", map[string]any{"D": days})
		}
		return t("view.duration.days_hours", map[string]any{"D": days, "H": h})
	}
}

// ago says how long before now t was.
func ago(lang string, t, now time.Time) string {
	if now.Sub(t) < time.Minute {
		return i18n.T(lang, "view.just_now", nil)
	}
	return i18n.T(lang, "view.ago", map[string]any{"Duration": duration(lang, now.Sub(t))})
}

// clock writes a time of day in loc (BOT_TIMEZONE; nil is UTC), naming
// the zone: "14:02 CET".
func clock(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("15:04 MST")
}

// truncate shortens s to at most n runes, ending with "…" when cut.
func truncate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// statusLine is the status, with a warning while nobody has acknowledged.
func statusLine(lang string, inc *incidentbot.Incident) string {
	s := status(lang, inc.Status)
	if inc.AcknowledgedAt == nil && inc.Status.Open() {
		s = i18n.T(lang, "view.not_acknowledged", map[string]any{"Status": s})
	}
	return s
}

// status names an incident status in lang.
func status(lang string, s incidentbot.Status) string { return i18n.T(lang, "status."+string(s), nil) }

// adsCount sums up what an incident did to ad campaigns.
type adsCount struct {
	paused, resumed, failed, leftPaused int
}

func countAds(pauses []incidentbot.CampaignPause) adsCount {
	var c adsCount
	for _, p := range pauses {
		switch p.State {
		case incidentbot.PausePausing, incidentbot.PausePaused, incidentbot.PauseResuming:
			c.paused++
		case incidentbot.PauseResumed:
			c.resumed++
		case incidentbot.PauseFailed:
			c.failed++
		case incidentbot.PauseLeftPaused:
			c.leftPaused++
		}
	}
	return c
}

func (c adsCount) total() int { return c.paused + c.resumed + c.failed + c.leftPaused }

// String is "3 paused · 1 resumed · 1 failed", leaving out zero counts.
func (c adsCount) in(lang string) string {
	if c.total() == 0 {
		return i18n.T(lang, "view.ads_count.none", nil)
	}
	var parts []string
	add := func(n int, what string) {
		if n > 0 {
			parts = append(parts, i18n.T(lang, "view.ads_count."+what, map[string]any{"N": n}))
		}
	}
	add(c.paused, "paused")
	add(c.resumed, "resumed")
	add(c.failed, "failed")
	add(c.leftPaused, "left_paused")
	return strings.Join(parts, " · ")
}

// money formats the spend avoided per currency, rounded to whole units
// ("€120 + $35"); "" when nothing was avoided.
func money(lang string, byCurrency map[string]float64) string {
	codes := make([]string, 0, len(byCurrency))
	for c, v := range byCurrency {
		if math.Round(v) > 0 {
			codes = append(codes, c)
		}
	}
	sort.Strings(codes)
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = i18n.MoneyIn(lang, byCurrency[c], c, 0)
	}
	return strings.Join(parts, " + ")
}

// holders maps each role to the mentions of the people holding it.
func holders(roles []incidentbot.RoleAssignment) map[string][]string {
	out := map[string][]string{}
	for _, r := range roles {
		out[r.Role] = append(out[r.Role], r.User.Mention())
	}
	return out
}

// roleNames lists the playbook's roles in its order, then any other role
// someone was given by hand.
func roleNames(pb *incidentbot.Playbook, roles []incidentbot.RoleAssignment) []string {
	seen := map[string]bool{}
	var names []string
	if pb != nil {
		for _, r := range pb.Roles {
			if !seen[r.Name] {
				seen[r.Name] = true
				names = append(names, r.Name)
			}
		}
	}
	for _, r := range roles {
		if !seen[r.Role] {
			seen[r.Role] = true
			names = append(names, r.Role)
		}
	}
	return names
}

func openItems(items []incidentbot.ChecklistEntry) int {
	n := 0
	for _, it := range items {
		if it.State == incidentbot.ChecklistOpen {
			n++
		}
	}
	return n
}
