package bot

import (
	"context"
	"time"

	"incidentbot"
	"incidentbot/i18n"
)

// SetImpactStart records when customers were first affected, typed in
// BOT_TIMEZONE; the post-mortem counts lost sales and the time to detect
// from it. Anyone may set it: it is written on the timeline with their name.
func (e *Engine) SetImpactStart(ctx context.Context, actor incidentbot.Actor, key string, at incidentbot.LocalTime) (*incidentbot.Incident, error) {
	return e.update(ctx, actor, key, anyone, func(inc *incidentbot.Incident, j *jobs) ([]incidentbot.TimelineEvent, error) {
		start, err := e.impactStart(at, inc)
		if err != nil {
			return nil, err
		}
		inc.ImpactStartedAt = &start
		return []incidentbot.TimelineEvent{{Kind: incidentbot.EventNote, Actor: actor.User, At: e.now(),
			Text: i18n.T(e.lang(inc), "incident.impact.start_event", map[string]any{"At": e.localTime(start)})}}, nil
	})
}

// SetRevenueShare records the share of sales the incident loses (0..1),
// overriding the playbook's.
func (e *Engine) SetRevenueShare(ctx context.Context, actor incidentbot.Actor, key string, share float64) (*incidentbot.Incident, error) {
	if share < 0 || share > 1 {
		return nil, i18n.Errorf(incidentbot.EINVALID, "incident.impact.share_range", nil)
	}
	return e.update(ctx, actor, key, anyone, func(inc *incidentbot.Incident, j *jobs) ([]incidentbot.TimelineEvent, error) {
		inc.RevenueShare = &share
		return []incidentbot.TimelineEvent{{Kind: incidentbot.EventNote, Actor: actor.User, At: e.now(),
			Text: i18n.T(e.lang(inc), "incident.impact.share_event", map[string]any{"Share": i18n.Percent(e.lang(inc), share)})}}, nil
	})
}

// impactStart resolves a typed time against the clock and BOT_TIMEZONE and
// checks it against the incident.
func (e *Engine) impactStart(at incidentbot.LocalTime, inc *incidentbot.Incident) (time.Time, error) {
	t := at.In(e.now(), e.cfg.Location)
	if err := incidentbot.CheckImpactStart(t, inc, e.cfg.Location); err != nil {
		return time.Time{}, err
	}
	return t, nil
}

// localTime writes t in BOT_TIMEZONE, naming the zone; the numeric date
// reads the same in every language.
func (e *Engine) localTime(t time.Time) string {
	return t.In(e.location()).Format("2006-01-02 15:04 MST")
}

// location is BOT_TIMEZONE, UTC when unset.
func (e *Engine) location() *time.Location {
	if e.cfg.Location == nil {
		return time.UTC
	}
	return e.cfg.Location
}
