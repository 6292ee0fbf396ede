package postmortem

import (
	"encoding/csv"
	"errors"
	"fmt"
	"incidentbot/i18n"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// RevenueProfile is the shop's average revenue per minute for each hour of
// the week, in BOT_TIMEZONE: a Saturday evening costs more than a Tuesday
// night. It is read from a CSV file (REVENUE_PROFILE_FILE):
//
//	weekday,hour,revenue_per_minute
//	sat,20,310.50
//
// weekday is mon..sun, hour 0..23 is the hour that starts then (20 covers
// 20:00 to 20:59), and revenue_per_minute is the average revenue per minute
// during that hour, in CURRENCY. Hours the file does not list use
// REVENUE_PER_MINUTE.
type RevenueProfile struct {
	perMinute [7][24]float64 // [time.Weekday][hour]
	set       [7][24]bool
	count     int
}

// ProfileHeader is the first line a profile must start with.
const ProfileHeader = "weekday,hour,revenue_per_minute"

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// maxProfileProblems keeps the start-up message readable.
const maxProfileProblems = 10

// ParseRevenueProfile reads a profile. Every problem is one line naming the
// line of the file; values are quoted only when they are the problem.
func ParseRevenueProfile(r io.Reader) (*RevenueProfile, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	p := &RevenueProfile{}
	var errs []error
	// Each problem is a catalog message (postmortem.profile.*), said in
	// the operator's language where it is shown; its Error is the English.
	bad := func(line int, id string, data map[string]any) {
		if len(errs) < maxProfileProblems {
			if data == nil {
				data = map[string]any{}
			}
			data["Line"] = line
			errs = append(errs, i18n.Problemf("postmortem.profile."+id, data))
		}
	}
	header := true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				bad(pe.Line, "csv", map[string]any{"Err": pe.Err.Error()})
				break
			}
			return nil, fmt.Errorf("read revenue profile: %w", err)
		}
		line, _ := cr.FieldPos(0) // only valid after a successful read
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		if header {
			header = false
			if strings.ToLower(strings.Join(rec, ",")) != ProfileHeader {
				bad(line, "header", map[string]any{"Header": ProfileHeader})
				break
			}
			continue
		}
		if len(rec) != 3 {
			bad(line, "fields", map[string]any{"N": len(rec)})
			continue
		}
		day, ok := weekdays[strings.ToLower(rec[0])]
		if !ok {
			bad(line, "weekday", map[string]any{"Value": truncate(rec[0], 20)})
			continue
		}
		hour, err := strconv.Atoi(rec[1])
		if err != nil || hour < 0 || hour > 23 {
			bad(line, "hour", map[string]any{"Value": truncate(rec[1], 20)})
			continue
		}
		v, err := strconv.ParseFloat(rec[2], 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			bad(line, "rate", map[string]any{"Value": truncate(rec[2], 20)})
			continue
		}
		if p.set[day][hour] {
			bad(line, "twice", map[string]any{"Day": rec[0], "Hour": hour})
			continue
		}
		p.perMinute[day][hour], p.set[day][hour] = v, true
		p.count++
	}
	if header && len(errs) == 0 {
		bad(1, "empty", map[string]any{"Header": ProfileHeader})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return p, nil
}

// Complete reports whether every hour of the week is listed.
func (p *RevenueProfile) Complete() bool { return p.count == 7*24 }

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// segment is a stretch of the outage at one revenue rate.
type segment struct {
	from    time.Time // in the profile's zone
	minutes int64
	rate    float64
}

// loss is the sales lost between two times: whole minutes only, so the
// minutes shown and the amount agree.
type loss struct {
	minutes  int64
	amount   float64 // before the share
	segments []segment
}

// lostSales counts the whole minutes from start to end (both truncated to
// the minute) at the flat rate, or hour by hour at the profile's rate in
// loc, falling back to flat for hours the profile does not list.
func lostSales(start, end time.Time, flat float64, p *RevenueProfile, loc *time.Location) loss {
	if loc == nil {
		loc = time.UTC
	}
	from, to := start.Truncate(time.Minute), end.Truncate(time.Minute)
	var l loss
	if !to.After(from) {
		return l
	}
	if p == nil {
		l.minutes = int64(to.Sub(from) / time.Minute)
		l.amount = flat * float64(l.minutes)
		l.segments = []segment{{from: from.In(loc), minutes: l.minutes, rate: flat}}
		return l
	}
	for t := from.In(loc); t.Before(to); {
		y, m, d := t.Date()
		next := time.Date(y, m, d, t.Hour()+1, 0, 0, 0, loc)
		if next.After(to) {
			next = to.In(loc)
		}
		rate := flat
		if day, h := t.Weekday(), t.Hour(); p.set[day][h] {
			rate = p.perMinute[day][h]
		}
		n := int64(next.Sub(t) / time.Minute)
		l.minutes += n
		l.amount += rate * float64(n)
		if k := len(l.segments); k > 0 && l.segments[k-1].rate == rate {
			l.segments[k-1].minutes += n
		} else {
			l.segments = append(l.segments, segment{from: t, minutes: n, rate: rate})
		}
		t = next
	}
	return l
}
