package bot

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"incidentbot"
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
		return nil, incidentbot.WrapError(incidentbot.EFORBIDDEN, err,
			"%s was checked from outside %d times in the last %d minutes, the most allowed; the results follow in the war room. Try again in %d s.",
			inc.Key, limit.Max, int(limit.Window/time.Minute), int((rl.Wait+time.Second-1)/time.Second))
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
		return incidentbot.VerifySiteParams{}, false, incidentbot.Errorf(incidentbot.EINVALID, "Outside-in checks are not configured yet on this bot. Check the site from another network or browser meanwhile.")
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
		return site, false, incidentbot.Errorf(incidentbot.EINVALID, "No site to check: SHOP_URL is not set and the %s playbook names none. Give one, e.g. /incident verify https://www.your-shop.com/, or set SHOP_URL.", inc.Type)
	}
	return site, trusted, nil
}
