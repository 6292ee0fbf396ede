package web

import (
	"encoding/csv"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"incidentbot"
)

// csvPage is how many incidents the export reads at a time: memory stays
// flat however long the history.
const csvPage = 500

// csvHeader names the columns; impact_started_at came last, after the
// others, so spreadsheets that read columns by position keep working.
var csvHeader = []string{
	"key", "title", "severity", "status", "playbook", "platform", "workspace", "drill",
	"detected_at", "declared_at", "acknowledged_at", "mitigated_at", "resolved_at", "closed_at",
	"minutes_to_acknowledge", "minutes_to_mitigate", "minutes_to_resolve", "outage_minutes",
	"revenue_lost", "revenue_currency", "ad_spend_avoided", "impact_started_at",
}

// HistoryCSV serves /history.csv: the filtered history (every page of it)
// as RFC 4180 CSV, times in BOT_TIMEZONE, amounts with a dot. A cell that
// a spreadsheet would run as a formula is prefixed with a quote.
func (s *Site) HistoryCSV() http.Handler {
	return s.private(func(w http.ResponseWriter, r *http.Request, v Viewer) {
		d := dashTexts[s.lang(r)]
		f, _, msg := parseHistory(r, v, s.cfg.Location, d)
		if msg != "" {
			http.Error(w, msg, http.StatusBadRequest)
			return
		}
		f.Offset, f.Limit = 0, s.csvPage
		rows, _, err := s.src.History(r.Context(), f)
		if err != nil {
			s.unavailable(w, r, err)
			return
		}
		now := s.clock.Now()
		w.Header().Set("Content-Type", "text/csv; charset=utf-8; header=present")
		w.Header().Set("Content-Disposition", `attachment; filename="incidents-`+now.In(s.location()).Format("2006-01-02")+`.csv"`)
		cw := csv.NewWriter(w)
		cw.UseCRLF = true
		_ = cw.Write(csvHeader)
		for {
			if err := s.csvRows(r, cw, rows, now); err != nil {
				s.logger.WarnContext(r.Context(), "history export cut short", "err", err)
				return
			}
			if len(rows) < f.Limit {
				break
			}
			// The next page starts after this one's last row, not at an
			// offset: an incident declared meanwhile goes on top and
			// would shift every row down, repeating one.
			f.After = incidentbot.KeyOf(rows[len(rows)-1])
			if rows, _, err = s.src.History(r.Context(), f); err != nil {
				// The status line is sent: all we can do is stop short.
				s.logger.ErrorContext(r.Context(), "history export cut short", "err", err)
				return
			}
		}
		cw.Flush()
	})
}

// csvRows writes one page of incidents with their ad spend avoided.
func (s *Site) csvRows(r *http.Request, cw *csv.Writer, incs []*incidentbot.Incident, now time.Time) error {
	ids := make([]int64, len(incs))
	for i, inc := range incs {
		ids[i] = inc.ID
	}
	pauses, err := s.src.PausesOf(r.Context(), ids)
	if err != nil {
		return err
	}
	byInc := map[int64][]incidentbot.CampaignPause{}
	for _, p := range pauses {
		byInc[p.IncidentID] = append(byInc[p.IncidentID], p)
	}
	loc := s.location()
	at := func(t *time.Time) string {
		if t == nil || t.IsZero() {
			return ""
		}
		return t.In(loc).Format(time.RFC3339)
	}
	for _, inc := range incs {
		start := detected(inc)
		loss := s.loss(inc, now)
		revenue, currency := "", ""
		if s.revenueKnown() {
			revenue, currency = strconv.FormatFloat(loss.Revenue, 'f', 2, 64), s.cfg.Currency
		}
		rec := []string{
			inc.Key, inc.Title, inc.Severity.String(), string(inc.Status), inc.Type, inc.Platform, inc.Workspace, strconv.FormatBool(inc.Drill),
			at(&inc.DetectedAt), at(&inc.DeclaredAt), at(inc.AcknowledgedAt), at(inc.MitigatedAt), at(inc.ResolvedAt), at(inc.ClosedAt),
			minutes(start, inc.AcknowledgedAt), minutes(start, inc.MitigatedAt), minutes(start, inc.ResolvedAt),
			strconv.FormatInt(int64(loss.Outage/time.Minute), 10),
			revenue, currency, spendCell(incidentbot.SpendAvoided(byInc[inc.ID], now)),
			at(new(inc.ImpactStart())),
		}
		for i := range rec {
			rec[i] = safeCell(rec[i])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// safeCell defuses formula injection: a spreadsheet runs a cell that
// starts with = + - @ (or a tab or carriage return, which some strip
// first) as a formula, so such a cell gets a leading quote (OWASP's advice).
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// detected is when the incident was detected, as the post-mortem counts
// its times from: the alert's receipt, else the declaration.
func detected(inc *incidentbot.Incident) time.Time {
	if inc.DetectedAt.IsZero() {
		return inc.DeclaredAt
	}
	return inc.DetectedAt
}

// minutes is the whole minutes from start to t, "" when t has not come.
func minutes(start time.Time, t *time.Time) string {
	if t == nil {
		return ""
	}
	return strconv.FormatInt(int64(max(t.Sub(start), 0)/time.Minute), 10)
}

// spendCell is "12.50 EUR; 3.00 USD".
func spendCell(m map[string]float64) string {
	var parts []string
	for _, c := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, strings.TrimSpace(fmt.Sprintf("%.2f %s", m[c], c)))
	}
	return strings.Join(parts, "; ")
}

// location is BOT_TIMEZONE, UTC when unset.
func (s *Site) location() *time.Location {
	if s.cfg.Location == nil {
		return time.UTC
	}
	return s.cfg.Location
}
