package views

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"incidentbot"
)

// title is the incident's headline; drills say so first so nobody mistakes
// a practice run for an outage.
func title(inc *incidentbot.Incident) string {
	t := inc.Key + " " + inc.Title
	if inc.Drill {
		t = "DRILL · " + t
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
func Duration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 24*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return fmt.Sprintf("%dh", h)
		}
		return fmt.Sprintf("%dh %dm", h, m)
	default:
		days, h := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
		if h == 0 {
			return fmt.Sprintf("%dd", days)
		}
		return fmt.Sprintf("%dd %dh", days, h)
	}
}

// ago says how long before now t was.
func ago(t, now time.Time) string {
	if now.Sub(t) < time.Minute {
		return "just now"
	}
	return Duration(now.Sub(t)) + " ago"
}

// clock formats a time of day in UTC, the zone every log and timeline uses.
func clock(t time.Time) string { return t.UTC().Format("15:04 UTC") }

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
func statusLine(inc *incidentbot.Incident) string {
	s := string(inc.Status)
	if inc.AcknowledgedAt == nil && inc.Status.Open() {
		s += ", not acknowledged"
	}
	return s
}

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
func (c adsCount) String() string {
	if c.total() == 0 {
		return "none paused"
	}
	var parts []string
	add := func(n int, what string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, what))
		}
	}
	add(c.paused, "paused")
	add(c.resumed, "resumed")
	add(c.failed, "failed")
	add(c.leftPaused, "left paused")
	return strings.Join(parts, " · ")
}

var currencySymbols = map[string]string{"EUR": "€", "USD": "$", "GBP": "£"}

// money formats the spend avoided per currency, rounded to whole units
// ("€120 + $35"); "" when nothing was avoided.
func money(byCurrency map[string]float64) string {
	codes := make([]string, 0, len(byCurrency))
	for c, v := range byCurrency {
		if math.Round(v) > 0 {
			codes = append(codes, c)
		}
	}
	sort.Strings(codes)
	parts := make([]string, len(codes))
	for i, c := range codes {
		n := fmt.Sprintf("%.0f", byCurrency[c])
		switch sym, ok := currencySymbols[strings.ToUpper(c)]; {
		case ok:
			parts[i] = sym + n
		case c == "":
			parts[i] = n
		default:
			parts[i] = n + " " + c
		}
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
