package bot

import (
	"context"
	"slices"
	"strings"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/integrations/ads"
)

// Ads pauses or resumes campaigns by hand (as a job: the result follows in
// the war room) or reports where the pause stands.
func (e *Engine) Ads(ctx context.Context, actor incidentbot.Actor, key string, op incidentbot.AdsOp, platform string) (*incidentbot.IncidentStatus, error) {
	inc, err := e.incident(ctx, actor, key)
	if err != nil {
		return nil, err
	}
	if op == incidentbot.AdsStatus {
		return e.status(ctx, inc)
	}
	may, err := adsRule(op)
	if err != nil {
		return nil, err
	}
	inc, err = e.locked(ctx, actor, inc.ID, may, func(inc *incidentbot.Incident, _ []incidentbot.RoleAssignment, j *jobs) (incidentbot.Change, error) {
		a, err := e.adsAction(op, platform)
		if err != nil {
			return incidentbot.Change{}, err
		}
		j.add(kindAction, "ads/"+string(op)+"/"+e.seq(), actionPayload{Phase: "manual", Action: a, By: actor.User})
		return incidentbot.Change{}, nil
	})
	if err != nil {
		return nil, err
	}
	return e.status(ctx, inc)
}

// AdsPreview lists the serving campaigns a manual "ads pause" on platform
// ("" for all) would pause now, with the same checks as Ads, so the person
// confirms knowing how many. It changes nothing; campaigns another open
// incident already paused are not in the list.
func (e *Engine) AdsPreview(ctx context.Context, actor incidentbot.Actor, key, platform string) (*incidentbot.Incident, []incidentbot.Campaign, error) {
	inc, err := e.incident(ctx, actor, key)
	if err != nil {
		return nil, nil, err
	}
	may, err := adsRule(incidentbot.AdsPause)
	if err != nil {
		return nil, nil, err
	}
	if err := e.permit(ctx, actor, inc, may); err != nil {
		return nil, nil, err
	}
	a, err := e.adsAction(incidentbot.AdsPause, platform)
	if err != nil {
		return nil, nil, err
	}
	pause, _ := a.Params.(incidentbot.PauseAdsParams)
	rep, err := e.ads.Preview(ctx, inc, ads.SelectionFrom(pause))
	if err != nil {
		return nil, nil, err
	}
	out := make([]incidentbot.Campaign, len(rep.Paused))
	for i, p := range rep.Paused {
		out[i] = p.Campaign
	}
	return inc, out, nil
}

// adsRule is who may run op (pause or resume) by hand: the commander, the
// comms lead or an ads admin; a resume also after the close, to end a
// pause the close left behind.
func adsRule(op incidentbot.AdsOp) (rule, error) {
	may := rule{right: rightAds, verb: string(op), closed: op == incidentbot.AdsResume} // incident.verb.pause, .resume
	if op != incidentbot.AdsPause && op != incidentbot.AdsResume {
		return may, i18n.Errorf(incidentbot.EINVALID, "incident.ads.unknown", map[string]any{"Op": string(op)})
	}
	return may, nil
}

// adsAction is the action op runs on platform ("" for all), once that is
// known to be configured.
func (e *Engine) adsAction(op incidentbot.AdsOp, platform string) (incidentbot.Action, error) {
	var a incidentbot.Action
	if e.ads == nil {
		return a, i18n.Errorf(incidentbot.EINVALID, "incident.ads.none_configured", nil)
	}
	var platforms []string // none: all configured
	if platform != "" {
		known := e.ads.Platforms()
		if !slices.Contains(known, platform) {
			return a, i18n.Errorf(incidentbot.EINVALID, "incident.ads.not_configured", map[string]any{"Platform": platform, "Known": strings.Join(known, ", ")})
		}
		platforms = []string{platform}
	}
	if op == incidentbot.AdsPause {
		a.Params = incidentbot.PauseAdsParams{Platforms: platforms}
	} else {
		a.Params = incidentbot.ResumeAdsParams{Platforms: platforms}
	}
	return a, nil
}
