package bot

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/i18n"
)

// Verify runs the outside-in probe now, as a job.
func (e *Engine) Verify(ctx context.Context, actor incidentbot.Actor, key, url string) (*incidentbot.Incident, error) {
	inc, err := e.incident(ctx, actor, key)
	if err != nil {
		return nil, err
	}
	// Each check may wait for a site that never answers: a cap per incident
	// keeps one chat from filling the probe workers (and from using the bot
	// to hammer a host).
	limit := incidentbot.RateLimit{Scope: "verify/" + strconv.FormatInt(inc.ID, 10), Max: e.cfg.VerifyLimit, Window: e.cfg.VerifyWindow}
	out, err := e.locked(ctx, actor, inc.ID, anyone, func(inc *incidentbot.Incident, _ []incidentbot.RoleAssignment, j *jobs) (incidentbot.Change, error) {
		site, trusted, err := e.verifySite(inc, url)
		if err != nil {
			return incidentbot.Change{}, err
		}
		j.add(kindProbe, "verify/"+e.seq(), actionPayload{Phase: "manual", Action: incidentbot.Action{Params: site}, By: actor.User, Trusted: trusted})
		if e.cfg.VerifyLimit > 0 {
			return incidentbot.Change{Limits: []incidentbot.RateLimit{limit}}, nil
		}
		return incidentbot.Change{}, nil
	})
	var rl *incidentbot.RateLimitError
	if errors.As(err, &rl) && rl.Limit == limit {
		return nil, i18n.Wrap(incidentbot.EFORBIDDEN, err, "probe.verify.limited", map[string]any{
			"Key": inc.Key, "Max": limit.Max, "Minutes": int(limit.Window / time.Minute), "Seconds": int((rl.Wait + time.Second - 1) / time.Second)})
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// verifySite is the check /incident verify [url] runs on inc: the URL
// typed, or else the playbook's, or else SHOP_URL; trusted unless typed in chat.
func (e *Engine) verifySite(inc *incidentbot.Incident, url string) (incidentbot.VerifySiteParams, bool, error) {
	if e.prober == nil {
		return incidentbot.VerifySiteParams{}, false, i18n.Errorf(incidentbot.EINVALID, "probe.verify.off", nil)
	}
	site := incidentbot.VerifySiteParams{URL: strings.TrimSpace(url)}
	trusted := site.URL == ""
	if trusted {
		pb, err := e.playbook(inc)
		if err != nil {
			return site, false, err
		}
		for _, v := range pb.OnDeclare {
			if p, ok := v.Params.(incidentbot.VerifySiteParams); ok {
				site = p
				break
			}
		}
	}
	if site.URL == "" {
		site.URL = e.cfg.ShopURL
	}
	if site.URL == "" {
		return site, false, i18n.Errorf(incidentbot.EINVALID, "probe.verify.no_site", map[string]any{"Playbook": inc.Type})
	}
	return site, trusted, nil
}
