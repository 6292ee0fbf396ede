package incidentbot

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// LocalTime is a time typed by a person ("14:02", "2026-12-05 14:02"), in
// the bot's time zone (BOT_TIMEZONE); without a date it means today.
type LocalTime struct {
	Year         int // 0: today (or yesterday when today's is still to come)
	Month        time.Month
	Day          int
	Hour, Minute int
}

// localTimeHelp ends every error about a typed time.
const localTimeHelp = "Write the time as 14:02 (today) or 2026-12-05 14:02."

// ParseLocalTime reads "HH:MM", "YYYY-MM-DD HH:MM" or "YYYY-MM-DDTHH:MM".
// Errors are EINVALID.
func ParseLocalTime(s string) (LocalTime, error) {
	s = strings.TrimSpace(s)
	var t LocalTime
	clock := s
	if date, rest, ok := strings.Cut(s, "T"); ok {
		clock = rest
		if err := t.parseDate(date, s); err != nil {
			return LocalTime{}, err
		}
	} else if date, rest, ok := strings.Cut(s, " "); ok {
		clock = strings.TrimSpace(rest)
		if err := t.parseDate(date, s); err != nil {
			return LocalTime{}, err
		}
	}
	c, err := time.Parse("15:04", clock)
	if err != nil || len(clock) != 5 {
		return LocalTime{}, phrasef(EINVALID, "error.root.time", map[string]any{"Text": truncateRunes(s, 40)}, "%q is not a time. %s", truncateRunes(s, 40), localTimeHelp)
	}
	t.Hour, t.Minute = c.Hour(), c.Minute()
	return t, nil
}

func (t *LocalTime) parseDate(date, whole string) error {
	d, err := time.Parse("2006-01-02", date)
	if err != nil || len(date) != 10 {
		return phrasef(EINVALID, "error.root.date", map[string]any{"Text": truncateRunes(whole, 40)}, "%q is not a date and time. %s", truncateRunes(whole, 40), localTimeHelp)
	}
	t.Year, t.Month, t.Day = d.Date()
	return nil
}

// String is the form ParseLocalTime reads back.
func (t LocalTime) String() string {
	if t.Year == 0 {
		return fmt.Sprintf("%02d:%02d", t.Hour, t.Minute)
	}
	return fmt.Sprintf("%04d-%02d-%02d %02d:%02d", t.Year, int(t.Month), t.Day, t.Hour, t.Minute)
}

// In gives the instant in loc (UTC when nil). A time of day without a date
// is today's, or yesterday's when today's has not come yet: at 00:20,
// "23:50" is last night.
func (t LocalTime) In(now time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	if t.Year != 0 {
		return time.Date(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, 0, loc).UTC()
	}
	local := now.In(loc)
	y, m, d := local.Date()
	at := time.Date(y, m, d, t.Hour, t.Minute, 0, 0, loc)
	if at.After(now) {
		at = time.Date(y, m, d-1, t.Hour, t.Minute, 0, 0, loc)
	}
	return at.UTC()
}

// MaxImpactLead is how long before the declaration an impact may have
// started: further back is almost surely a typo (a wrong date).
const MaxImpactLead = 30 * 24 * time.Hour

// CheckImpactStart refuses an impact start after the declaration (the
// outage was declared because it had started) or implausibly long before.
func CheckImpactStart(at time.Time, inc *Incident, loc *time.Location) error {
	if loc == nil {
		loc = time.UTC
	}
	const layout = "2006-01-02 15:04"
	switch {
	case at.After(inc.DeclaredAt):
		declared := inc.DeclaredAt.In(loc).Format(layout)
		return phrasef(EINVALID, "error.root.impact_after", map[string]any{"Declared": declared},
			"The impact cannot start after the declaration (%s): give the time customers were first affected, at or before it.", declared)
	case inc.DeclaredAt.Sub(at) > MaxImpactLead:
		return phrasef(EINVALID, "error.root.impact_early", map[string]any{"At": at.In(loc).Format(layout)},
			"%s is more than 30 days before the declaration: check the date. %s", at.In(loc).Format(layout), localTimeHelp)
	}
	return nil
}

// ParseRevenueShare reads the share of sales an incident loses, written as
// a percentage from 0% to 100% ("30%", "12.5%"), and returns it as 0..1.
func ParseRevenueShare(s string) (float64, error) {
	s = strings.TrimSpace(s)
	num, ok := strings.CutSuffix(s, "%")
	v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if !ok || err != nil || math.IsNaN(v) || v < 0 || v > 100 {
		return 0, phrasef(EINVALID, "error.root.share", map[string]any{"Text": truncateRunes(s, 40)}, "%q is not a share of sales. Write a percentage from 0%% to 100%%, e.g. 30%% for a slowdown, 100%% when nobody can buy.", truncateRunes(s, 40))
	}
	return math.Round(v*10) / 1000, nil
}

// FormatRevenueShare writes a share (0..1) as ParseRevenueShare reads it.
func FormatRevenueShare(share float64) string {
	return strconv.FormatFloat(math.Round(share*1000)/10, 'f', -1, 64) + "%"
}

// ImpactStart is when customers were first affected: as set by a person
// or an alert's startsAt, else when the incident was detected, else
// declared.
func (inc *Incident) ImpactStart() time.Time {
	switch {
	case inc.ImpactStartedAt != nil:
		return *inc.ImpactStartedAt
	case !inc.DetectedAt.IsZero():
		return inc.DetectedAt
	}
	return inc.DeclaredAt
}

// Share is the share of sales the incident loses (0..1): as set in the
// incident, else the playbook's.
func (inc *Incident) Share(pb *Playbook) float64 {
	if inc.RevenueShare != nil {
		return *inc.RevenueShare
	}
	return pb.Share()
}

// Share is the playbook's share of sales lost (0..1); 1 when it does not
// say, or there is no playbook.
func (pb *Playbook) Share() float64 {
	if pb == nil || pb.RevenueShare == nil {
		return 1
	}
	return *pb.RevenueShare
}

// truncateRunes keeps an echo of bad input short.
func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
