package commands

import (
	"context"
	"strings"

	"incidentbot"
	"incidentbot/views"
)

var adPlatforms = []string{incidentbot.AdsGoogle, incidentbot.AdsMeta, incidentbot.AdsMicrosoft, incidentbot.AdsTikTok}

// adsCmd takes the key before or after the operation: buttons send
// "ads pause INC-42", people type either.
var adsCmd = &spec{
	name:    "ads",
	usage:   "pause|resume|status [INC-42] [googleads|meta|microsoft|tiktok]",
	summary: "Pause or resume the ad campaigns by hand, or see what was paused. Without an action: status.",
	example: "ads pause meta",
	key:     true,
	parse:   parseAds,
	format: func(c Command) string {
		return join(c.Name, string(c.AdsOp), c.Key, c.Platform)
	},
	handle: handleAds,
}

func parseAds(s *spec, c *Command, args string) error {
	op, rest := next(args)
	switch o := incidentbot.AdsOp(strings.ToLower(op)); o {
	case "":
		c.AdsOp = incidentbot.AdsStatus
	case incidentbot.AdsPause, incidentbot.AdsResume, incidentbot.AdsStatus:
		c.AdsOp = o
	default:
		return s.invalid("Unknown ads action %q. Use pause, resume or status.", truncate(op, 40))
	}
	tok, after := next(rest)
	if looksLikeKey(tok) {
		if c.Key != "" {
			return s.invalid("Give the incident key once.")
		}
		key, err := parseKey(s, tok)
		if err != nil {
			return err
		}
		c.Key, rest = key, after
	}
	tok, rest = next(rest)
	if tok == "" {
		return nil
	}
	p := strings.ToLower(tok)
	for _, known := range adPlatforms {
		if p == known {
			c.Platform = p
			return noMore(s, rest)
		}
	}
	return s.invalid("Unknown ad platform %q. Use %s.", truncate(tok, 40), strings.Join(adPlatforms, ", "))
}

func handleAds(ctx context.Context, h *Handler, actor incidentbot.Actor, c Command) (Reply, error) {
	st, err := h.svc.Ads(ctx, actor, c.Key, c.AdsOp, c.Platform)
	if err != nil {
		return Reply{}, err
	}
	where := "every platform"
	if c.Platform != "" {
		where = c.Platform
	}
	switch c.AdsOp {
	case incidentbot.AdsPause:
		return text("Pausing the serving campaigns on %s for %s. Results follow in the war room.", where, st.Incident.Key), nil
	case incidentbot.AdsResume:
		return text("Resuming the campaigns %s paused on %s. Results follow in the war room.", st.Incident.Key, where), nil
	}
	if c.Platform != "" {
		only := *st
		only.Pauses = nil
		for _, p := range st.Pauses {
			if p.Campaign.Platform == c.Platform {
				only.Pauses = append(only.Pauses, p)
			}
		}
		st = &only
	}
	r := Reply{Message: views.Ads(st, h.clock.Now())}
	if c.Platform != "" {
		r.Message.Footer = "Only " + c.Platform + "."
	}
	return r, nil
}
