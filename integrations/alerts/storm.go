package alerts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"incidentbot"
	"incidentbot/i18n"
)

// One notification of thousands of distinct alerts must not open thousands
// of incidents. Past Config.MaxPerNotification incidents in a notification,
// or MaxPerMinute in a minute (counted in the store under minuteScope, so
// across replicas), a firing alert joins the one open "alert storm"
// incident instead: nothing is lost, every alert is its own incident or
// listed on the storm's timeline.
const (
	minuteScope = "alerts/incidents" // rate-limit scope of incidents opened by alerts
	stormKey    = "incidentbot/alert-storm"
	stormSource = "alert-storm" // delivery source: occurrences the storm holds
	stormShown  = 5             // alert titles named in the war-room message
)

// stormedAlert is what the storm's timeline keeps of one alert, and where
// the alert stands in the notification.
type stormedAlert struct {
	Key         string `json:"dedupe_key"`
	Fingerprint string `json:"fingerprint,omitempty"`
	Title       string `json:"title"`
	index       int    // in the notification and its results
	marker      string // its storm marker
	marked      bool   // the marker is taken already
}

// stormMarker names an occurrence held by the storm incident.
func stormMarker(storm *incidentbot.Incident, d decision, a alert) string {
	return strconv.FormatInt(storm.ID, 10) + "/" + occurrence("fired", d.key, a)
}

// joinStorm attaches the i-th alert to the storm incident, declaring it
// first when none is open. Its marker is taken with the others' and the
// war room hears of them once, in announceStorm.
func (r *Receiver) joinStorm(ctx context.Context, n *notification, i int, a alert, d decision, marked bool) (result, error) {
	storm, err := r.stormIncident(ctx, n, a, d)
	if err != nil {
		return result{}, err
	}
	n.stormed = append(n.stormed, stormedAlert{Key: d.key, Fingerprint: a.Fingerprint, Title: alertTitle(r.cfg.Language, a),
		index: i, marker: stormMarker(storm, d, a), marked: marked})
	return result{Action: actAttached, Incident: storm.Key, Reason: r.say("alerts.reason.storm", map[string]any{"Key": storm.Key})}, nil
}

// stormIncident returns the open storm incident, declaring it when none
// is: the store's one-open-incident-per-dedupe-key rule makes concurrent
// notifications share it.
func (r *Receiver) stormIncident(ctx context.Context, n *notification, a alert, d decision) (*incidentbot.Incident, error) {
	if n.storm != nil {
		return n.storm, nil
	}
	storm, err := r.openIncident(ctx, n, stormKey)
	if err != nil || storm != nil {
		n.storm = storm
		return storm, err
	}
	storm, err = r.svc.Declare(ctx, n.actor, incidentbot.DeclareRequest{
		Title:           r.say("alerts.storm.title", nil),
		Severity:        d.severity,
		Description:     r.say("alerts.storm.impact", r.caps()),
		Force:           true,
		DedupeKey:       stormKey,
		ImpactStartedAt: a.StartsAt,
	})
	var dup *incidentbot.DuplicateError
	switch {
	case err == nil:
		r.logger.WarnContext(ctx, "alert storm: incident caps reached, alerts gathered in one incident", "source", n.src.name, "incident", storm.Key,
			"per_notification", r.cfg.MaxPerNotification, "per_minute", r.cfg.MaxPerMinute)
	case errors.As(err, &dup):
		storm = dup.Existing
	default:
		return nil, err
	}
	n.open[stormKey] = storm
	n.storm = storm
	return storm, nil
}

// announceStorm takes the storm markers of the alerts this notification
// gathered in the storm (one a concurrent delivery took first is a
// duplicate in out, not listed twice), then records them: one timeline
// event listing every one, and one war-room message.
func (r *Receiver) announceStorm(ctx context.Context, n *notification, out []result) error {
	var ids []string
	var pos []int
	for j, s := range n.stormed {
		if !s.marked {
			ids, pos = append(ids, s.marker), append(pos, j)
		}
	}
	if len(ids) > 0 {
		free, err := r.deliveries.ClaimDeliveries(ctx, stormSource, ids, r.clock.Now())
		if err != nil {
			return err
		}
		for k, j := range pos {
			if !free[k] {
				s := &n.stormed[j]
				out[s.index] = result{Fingerprint: s.Fingerprint, Action: actDuplicate, Incident: n.storm.Key}
				s.marker = "" // not listed: its first delivery lists it
			}
		}
		n.stormed = slices.DeleteFunc(n.stormed, func(s stormedAlert) bool { return s.marker == "" })
	}
	if len(n.stormed) == 0 {
		return nil
	}
	data, err := json.Marshal(struct {
		Source             string         `json:"source"`
		MaxPerNotification int            `json:"max_per_notification"`
		MaxPerMinute       int            `json:"max_per_minute"`
		Alerts             []stormedAlert `json:"alerts"`
	}{n.src.name, r.cfg.MaxPerNotification, r.cfg.MaxPerMinute, n.stormed})
	if err != nil {
		return fmt.Errorf("alert storm data: %w", err)
	}
	titles := make([]string, 0, stormShown)
	for _, s := range n.stormed[:min(stormShown, len(n.stormed))] {
		titles = append(titles, s.Title)
	}
	lang := r.cfg.Language
	named := strings.Join(titles, ", ")
	if more := len(n.stormed) - len(titles); more > 0 {
		named = i18n.N(lang, "alerts.storm.and_more", more, map[string]any{"Titles": named})
	}
	ev := incidentbot.TimelineEvent{
		Kind: incidentbot.EventAlertFired,
		At:   r.clock.Now(),
		Text: i18n.N(lang, "alerts.storm.timeline", len(n.stormed), map[string]any{"Source": n.src.actor, "Titles": named}),
		Data: data,
	}
	caps := r.caps()
	caps["Titles"] = named
	msg := &incidentbot.Message{
		Title:    i18n.N(lang, "alerts.storm.joined", len(n.stormed), map[string]any{"Key": n.storm.Key}),
		Text:     i18n.T(lang, "alerts.storm.text", caps),
		Severity: n.storm.Severity,
	}
	if _, err := r.svc.Record(ctx, n.actor, n.storm.Key, ev, msg); err != nil {
		if storeFault(err) {
			return err
		}
		r.logger.WarnContext(ctx, "alert storm not recorded on its incident", "incident", n.storm.Key, "alerts", len(n.stormed),
			"code", incidentbot.ErrorCode(err), "err", err)
	}
	return nil
}

// caps are the incident caps, for the storm's messages.
func (r *Receiver) caps() map[string]any {
	return map[string]any{"PerNotification": r.cfg.MaxPerNotification, "PerMinute": r.cfg.MaxPerMinute}
}
