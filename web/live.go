package web

import (
	"bytes"
	"cmp"
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"incidentbot"
)

// liveIncident is one open incident as the dashboard shows it; what
// changes with the clock alone (duration, ages, cost so far) is worked
// out when a page or an event is rendered.
type liveIncident struct {
	Inc        *incidentbot.Incident
	Commander  string // the holders' names, "" when unassigned
	LastUpdate *incidentbot.TimelineEvent
	Pauses     []incidentbot.CampaignPause
}

// openIncidents reads every open incident with its commander, last status
// update and ad pauses: four queries, whatever the history's length.
func (s *Site) openIncidents(ctx context.Context) ([]liveIncident, error) {
	incs, _, err := s.src.History(ctx, incidentbot.HistoryFilter{OpenOnly: true})
	if err != nil {
		return nil, err
	}
	if len(incs) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(incs))
	byID := make(map[int64]*liveIncident, len(incs))
	out := make([]liveIncident, len(incs))
	for i, inc := range incs {
		ids[i] = inc.ID
		out[i].Inc = inc
		byID[inc.ID] = &out[i]
	}
	roles, err := s.src.RolesOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, r := range roles {
		if l := byID[r.IncidentID]; r.Role == incidentbot.RoleCommander && l != nil {
			l.Commander = strings.TrimPrefix(l.Commander+", "+r.User.Name, ", ")
		}
	}
	updates, err := s.src.LatestEvents(ctx, ids, incidentbot.EventStatusUpdate)
	if err != nil {
		return nil, err
	}
	for i := range updates {
		if l := byID[updates[i].IncidentID]; l != nil {
			l.LastUpdate = &updates[i]
		}
	}
	pauses, err := s.src.PausesOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, p := range pauses {
		if l := byID[p.IncidentID]; l != nil {
			l.Pauses = append(l.Pauses, p)
		}
	}
	return out, nil
}

// openRow is one open incident at the time of rendering.
type openRow struct {
	liveIncident
	Duration     time.Duration
	Paused       int
	Revenue      float64
	Spend        map[string]float64
	UpdateAt     time.Time // zero: no update yet
	UpdateText   string
	RevenueKnown bool
}

// dashboardView is dashboard.html's.
type dashboardView struct {
	pageView
	Open []openRow
}

// openRows are the open incidents v sees, worst first, then oldest.
func (s *Site) openRows(open []liveIncident, v Viewer, now time.Time) []openRow {
	var rows []openRow
	for _, l := range open {
		inc := l.Inc
		if !v.Sees(inc.Platform, inc.Workspace) {
			continue
		}
		row := openRow{liveIncident: l, Duration: inc.Duration(now), Spend: incidentbot.SpendAvoided(l.Pauses, now), RevenueKnown: s.revenueKnown()}
		row.Revenue = s.loss(inc, now).Revenue
		for _, p := range l.Pauses {
			if p.State == incidentbot.PausePaused || p.State == incidentbot.PausePausing {
				row.Paused++
			}
		}
		if l.LastUpdate != nil {
			row.UpdateAt, row.UpdateText = l.LastUpdate.At, l.LastUpdate.Text
		}
		rows = append(rows, row)
	}
	// History gives newest first; people read the worst first, then the oldest.
	slices.SortStableFunc(rows, func(a, b openRow) int {
		return cmp.Or(cmp.Compare(a.Inc.Severity, b.Inc.Severity), a.Inc.DeclaredAt.Compare(b.Inc.DeclaredAt))
	})
	return rows
}

// dashboard serves / to a viewer: the open incidents, live.
func (s *Site) dashboard(w http.ResponseWriter, r *http.Request, v Viewer) {
	snap, err := s.current(r.Context())
	if err != nil {
		s.unavailable(w, r, err)
		return
	}
	p := s.newPage(r, v, func(d dashText) string { return d.Dashboard }, "/")
	s.write(w, r, http.StatusOK, "dashboard.html", dashboardView{pageView: p, Open: s.openRows(snap.open, v, p.now)})
}

// The live stream: Run's one poller rebuilds the snapshot when the
// store's change mark moves and then wakes every stream, which renders
// its viewer's list and sends it if it changed. A slow client delays
// only itself.

// streams are the open event streams, bounded.
type streams struct {
	mu      sync.Mutex
	changed chan struct{} // closed and replaced at each new snapshot
	slots   chan struct{}
	stopped chan struct{} // closed when Run returns: streams end
	stop    sync.Once
}

func newStreams(limit int) *streams {
	return &streams{changed: make(chan struct{}), slots: make(chan struct{}, limit), stopped: make(chan struct{})}
}

// wait returns a channel closed at the next publish.
func (st *streams) wait() <-chan struct{} {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.changed
}

// publish wakes every stream.
func (st *streams) publish() {
	st.mu.Lock()
	defer st.mu.Unlock()
	close(st.changed)
	st.changed = make(chan struct{})
}

// DefaultMaxStreams bounds the live dashboards open at once: each holds a
// connection and a goroutine.
const DefaultMaxStreams = 200

// DefaultHeartbeat is how often a quiet stream sends a comment, so
// proxies keep it open and the client notices a dead server.
const DefaultHeartbeat = 15 * time.Second

// Events serves /events, the dashboard's Server-Sent Events: an
// "incidents" event carrying the open-incidents list as HTML whenever it
// changes (and when ages move on), heartbeats in between.
func (s *Site) Events() http.Handler {
	return s.private(func(w http.ResponseWriter, r *http.Request, v Viewer) {
		select {
		case s.streams.slots <- struct{}{}:
			defer func() { <-s.streams.slots }()
		default:
			w.Header().Set("Retry-After", "10")
			http.Error(w, dashTexts[s.lang(r)].TooManyStreams, http.StatusServiceUnavailable)
			return
		}
		rc := http.NewResponseController(w)
		h := w.Header()
		h.Set("Content-Type", "text/event-stream")
		h.Set("X-Accel-Buffering", "no") // nginx would hold the events back
		w.WriteHeader(http.StatusOK)
		if _, err := w.Write([]byte("retry: 2000\n\n")); err != nil {
			return
		}
		beat := time.NewTicker(s.cfg.Heartbeat)
		defer beat.Stop()
		var last []byte
		for {
			changed := s.streams.wait()
			if frag, ok := s.fragment(r, v); ok && !bytes.Equal(frag, last) {
				if _, err := w.Write(event("incidents", frag)); err != nil {
					return
				}
				last = frag
			}
			if rc.Flush() != nil {
				return
			}
			select {
			case <-r.Context().Done():
				return
			case <-s.streams.stopped:
				return
			case <-changed:
			case <-beat.C:
				if _, err := w.Write([]byte(": heartbeat\n\n")); err != nil {
					return
				}
			}
		}
	})
}

// fragment renders v's open incidents as the dashboard's list.
func (s *Site) fragment(r *http.Request, v Viewer) ([]byte, bool) {
	snap, err := s.current(r.Context())
	if err != nil {
		return nil, false
	}
	p := s.newPage(r, v, func(d dashText) string { return d.Dashboard }, "/")
	b, err := render("open", dashboardView{pageView: p, Open: s.openRows(snap.open, v, p.now)})
	if err != nil {
		s.logger.ErrorContext(r.Context(), "live list did not render", "err", err)
		return nil, false
	}
	return b, true
}

// event frames data as one Server-Sent Event: each line its own data field.
func event(name string, data []byte) []byte {
	var b bytes.Buffer
	b.WriteString("event: " + name + "\n")
	for line := range bytes.SplitSeq(bytes.TrimRight(data, "\n"), []byte("\n")) {
		b.WriteString("data: ")
		b.Write(bytes.TrimSuffix(line, []byte("\r")))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	return b.Bytes()
}
