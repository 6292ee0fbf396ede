package web

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"incidentbot"
	"incidentbot/i18n"
)

// trendPeriods are the periods the trends page offers, in months.
var trendPeriods = []int{3, 6, 12, 24, 36}

// stat is a duration's median and 90th percentile (nearest rank) over
// the incidents that reached that point.
type stat struct {
	Median, P90 time.Duration
	N           int
}

func statOf(ds []time.Duration) stat {
	if len(ds) == 0 {
		return stat{}
	}
	slices.Sort(ds)
	rank := func(q float64) time.Duration {
		i := int(q*float64(len(ds))+0.999999) - 1
		return ds[min(max(i, 0), len(ds)-1)]
	}
	return stat{Median: rank(0.5), P90: rank(0.9), N: len(ds)}
}

// trendCell adds up the incidents of one month (and one severity).
type trendCell struct {
	Count, Drills int
	TTA, TTM, TTR stat
	Downtime      time.Duration
	Revenue       float64
	Spend         map[string]float64

	tta, ttm, ttr []time.Duration
}

func (c *trendCell) add(inc *incidentbot.Incident, outage time.Duration, revenue float64, spend map[string]float64) {
	if inc.Drill {
		c.Drills++ // practice: counted apart, in no other figure
		return
	}
	c.Count++
	start := detected(inc)
	for _, m := range []struct {
		at   *time.Time
		into *[]time.Duration
	}{{inc.AcknowledgedAt, &c.tta}, {inc.MitigatedAt, &c.ttm}, {inc.ResolvedAt, &c.ttr}} {
		if m.at != nil {
			*m.into = append(*m.into, max(m.at.Sub(start), 0))
		}
	}
	c.Downtime += outage
	c.Revenue += revenue
	for cur, v := range spend {
		if c.Spend == nil {
			c.Spend = map[string]float64{}
		}
		c.Spend[cur] += v
	}
}

func (c *trendCell) finish() {
	c.TTA, c.TTM, c.TTR = statOf(c.tta), statOf(c.ttm), statOf(c.ttr)
}

// trendMonth is one month: its total and each severity's.
type trendMonth struct {
	Start time.Time
	Label string // "2026-12"
	All   trendCell
	BySev [4]trendCell // SEV1 first
}

// trendsView is trends.html's.
type trendsView struct {
	pageView
	Months       int
	Periods      []int
	Rows         []trendMonth
	Total        trendCell
	RevenueKnown bool
	Counts, TTR  chart
}

// Trends serves /trends: per month and per severity, counts, times to
// acknowledge, mitigate and resolve, downtime, revenue lost and ad spend
// avoided, with two server-drawn SVG charts.
func (s *Site) Trends() http.Handler {
	return s.private(func(w http.ResponseWriter, r *http.Request, v Viewer) {
		p := s.newPage(r, v, func(d dashText) string { return d.Trends }, "/trends")
		view := trendsView{pageView: p, Months: 12, Periods: trendPeriods, RevenueKnown: s.revenueKnown()}
		if m := r.URL.Query().Get("months"); m != "" {
			n, err := strconv.Atoi(m)
			if err != nil || !slices.Contains(trendPeriods, n) {
				view.Error = p.D.BadMonths
				s.write(w, r, http.StatusBadRequest, "trends.html", view)
				return
			}
			view.Months = n
		}
		loc := s.location()
		local := p.now.In(loc)
		first := time.Date(local.Year(), local.Month()-time.Month(view.Months-1), 1, 0, 0, 0, 0, loc)
		incs, _, err := s.src.History(r.Context(), incidentbot.HistoryFilter{Tenant: tenantOf(v), From: first})
		if err != nil {
			s.unavailable(w, r, err)
			return
		}
		spend, err := s.spendOf(r, incs, p.now)
		if err != nil {
			s.unavailable(w, r, err)
			return
		}
		view.Rows = make([]trendMonth, view.Months)
		for i := range view.Rows {
			start := first.AddDate(0, i, 0)
			view.Rows[i] = trendMonth{Start: start, Label: start.Format("2006-01")}
		}
		for _, inc := range incs {
			d := inc.DeclaredAt.In(loc)
			i := (d.Year()-first.Year())*12 + int(d.Month()) - int(first.Month())
			if i < 0 || i >= len(view.Rows) || !inc.Severity.Valid() {
				continue
			}
			loss := s.loss(inc, p.now)
			view.Rows[i].All.add(inc, loss.Outage, loss.Revenue, spend[inc.ID])
			view.Rows[i].BySev[inc.Severity-1].add(inc, loss.Outage, loss.Revenue, spend[inc.ID])
			view.Total.add(inc, loss.Outage, loss.Revenue, spend[inc.ID])
		}
		for i := range view.Rows {
			view.Rows[i].All.finish()
			for j := range view.Rows[i].BySev {
				view.Rows[i].BySev[j].finish()
			}
		}
		view.Total.finish()
		view.Counts, view.TTR = countChart(view.Rows, p), ttrChart(view.Rows, p)
		s.write(w, r, http.StatusOK, "trends.html", view)
	})
}

// spendOf is each incident's ad spend avoided, per currency.
func (s *Site) spendOf(r *http.Request, incs []*incidentbot.Incident, now time.Time) (map[int64]map[string]float64, error) {
	ids := make([]int64, len(incs))
	for i, inc := range incs {
		ids[i] = inc.ID
	}
	pauses, err := s.src.PausesOf(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	byInc := map[int64][]incidentbot.CampaignPause{}
	for _, p := range pauses {
		byInc[p.IncidentID] = append(byInc[p.IncidentID], p)
	}
	out := make(map[int64]map[string]float64, len(byInc))
	for id, ps := range byInc {
		out[id] = incidentbot.SpendAvoided(ps, now)
	}
	return out, nil
}

// chart is a bar chart drawn on the server: SVG in a 600×260 box that
// scales to the screen's width.
type chart struct {
	ID, Title string
	Bars      []bar
	Ticks     []tick // month labels
	Max       string // the top of the scale, in words
	Legend    []legend
}

type bar struct {
	X, Y, W, H float64
	Class      string
	Label      string // read out and shown on hover
}

type tick struct {
	X     float64
	Label string
}

type legend struct{ Class, Label string }

// The chart's drawing area inside its box.
const (
	chartLeft, chartTop, chartW, chartH = 8.0, 20.0, 584.0, 200.0
)

// columns spreads n columns over the drawing area: each column's left x
// and width.
func columns(n int) (func(i int) float64, float64) {
	step := chartW / float64(max(n, 1))
	return func(i int) float64 { return chartLeft + float64(i)*step }, step
}

// ticksOf labels the months, every third when there are many.
func ticksOf(rows []trendMonth) []tick {
	x, w := columns(len(rows))
	every := 1 + len(rows)/13
	var out []tick
	for i, r := range rows {
		if i%every == 0 {
			out = append(out, tick{X: x(i) + w/2, Label: r.Label})
		}
	}
	return out
}

// countChart stacks each month's incidents by severity.
func countChart(rows []trendMonth, p pageView) chart {
	c := chart{ID: "chart-counts", Title: p.D.PerMonth, Ticks: ticksOf(rows)}
	top := 1
	for _, r := range rows {
		top = max(top, r.All.Count)
	}
	c.Max = strconv.Itoa(top)
	x, w := columns(len(rows))
	for i, r := range rows {
		y := chartTop + chartH
		for j := range r.BySev {
			n := r.BySev[j].Count
			if n == 0 {
				continue
			}
			h := chartH * float64(n) / float64(top)
			y -= h
			sev := incidentbot.Severities[j]
			c.Bars = append(c.Bars, bar{X: x(i) + w*0.15, Y: y, W: w * 0.7, H: h, Class: sev.String(),
				Label: p.D.Bar(r.Label, sev.Label(), i18n.Int(p.Lang, n))})
		}
	}
	for _, sev := range incidentbot.Severities {
		c.Legend = append(c.Legend, legend{Class: sev.String(), Label: sev.Label()})
	}
	return c
}

// ttrChart sets each month's median time to resolve beside its p90.
func ttrChart(rows []trendMonth, p pageView) chart {
	c := chart{ID: "chart-ttr", Title: p.D.TTRChart, Ticks: ticksOf(rows)}
	top := time.Minute
	for _, r := range rows {
		top = max(top, r.All.TTR.P90)
	}
	c.Max = p.Dur(top)
	x, w := columns(len(rows))
	for i, r := range rows {
		if r.All.TTR.N == 0 {
			continue
		}
		for k, v := range []struct {
			d     time.Duration
			class string
			word  string
		}{{r.All.TTR.Median, "median", p.D.Median}, {r.All.TTR.P90, "p90", p.D.P90}} {
			h := chartH * float64(v.d) / float64(top)
			c.Bars = append(c.Bars, bar{X: x(i) + w*0.1 + float64(k)*w*0.4, Y: chartTop + chartH - h, W: w * 0.4, H: h, Class: v.class,
				Label: p.D.Bar(r.Label, v.word, p.Dur(v.d))})
		}
	}
	c.Legend = []legend{{"median", p.D.Median}, {"p90", p.D.P90}}
	return c
}

// SevRows are the severities of a month that had incidents or drills.
func (m trendMonth) SevRows() []sevRow {
	var out []sevRow
	for i, c := range m.BySev {
		if c.Count > 0 || c.Drills > 0 {
			out = append(out, sevRow{Severity: incidentbot.Severities[i], Cell: c})
		}
	}
	return out
}

type sevRow struct {
	Severity incidentbot.Severity
	Cell     trendCell
}
