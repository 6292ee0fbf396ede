package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/views"
)

var adPlatforms = []string{incidentbot.AdsGoogle, incidentbot.AdsMeta, incidentbot.AdsMicrosoft, incidentbot.AdsTikTok}

// confirmFlag ends an "ads pause" that goes ahead: without it the bot
// first says what would be paused and offers a button that adds it.
const confirmFlag = "--confirm"

// previewTimeout bounds the campaign listing behind that answer: chat
// platforms drop a command not answered within 3 seconds.
const previewTimeout = 2 * time.Second

// adsCmd takes the key before or after the operation: buttons send
// "ads pause INC-42 --confirm", people type either.
var adsCmd = &spec{
	name:    "ads",
	example: "ads pause meta",
	key:     true,
	parse:   parseAds,
	format: func(c Command) string {
		confirm := ""
		if c.Force {
			confirm = confirmFlag
		}
		return join(c.Name, string(c.AdsOp), c.Key, c.Platform, confirm)
	},
	handle: handleAds,
}

// parseAds takes --confirm anywhere after "ads", as people type flags
// where they think of them ("ads pause --confirm meta").
func parseAds(s *spec, c *Command, args string) error {
	var kept []string
	for _, tok := range strings.Fields(args) {
		switch {
		case strings.EqualFold(tok, confirmFlag):
			c.Force = true
		case strings.HasPrefix(tok, "--"):
			return s.invalid("parse.ads.option", map[string]any{"Token": strconv.Quote(truncate(tok, 40)), "Flag": confirmFlag})
		default:
			kept = append(kept, tok)
		}
	}
	args = strings.Join(kept, " ")
	// The flag may have stood before the key ("ads --confirm INC-42 pause").
	if tok, rest := next(args); c.Key == "" && looksLikeKey(tok) {
		key, err := parseKey(s, tok)
		if err != nil {
			return err
		}
		c.Key, args = key, rest
	}
	if err := parseAdsArgs(s, c, args); err != nil {
		return err
	}
	if c.Force && c.AdsOp != incidentbot.AdsPause {
		return s.invalid("parse.ads.confirm", map[string]any{"Flag": confirmFlag, "Op": c.AdsOp})
	}
	return nil
}

func parseAdsArgs(s *spec, c *Command, args string) error {
	op, rest := next(args)
	switch o := incidentbot.AdsOp(strings.ToLower(op)); o {
	case "":
		c.AdsOp = incidentbot.AdsStatus
	case incidentbot.AdsPause, incidentbot.AdsResume, incidentbot.AdsStatus:
		c.AdsOp = o
	default:
		return s.invalid("parse.ads.action", map[string]any{"Token": strconv.Quote(truncate(op, 40))})
	}
	tok, after := next(rest)
	if looksLikeKey(tok) {
		if c.Key != "" {
			return s.invalid("parse.key_once", nil)
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
	return s.invalid("parse.ads.platform", map[string]any{"Token": strconv.Quote(truncate(tok, 40)), "Platforms": strings.Join(adPlatforms, ", ")})
}

func handleAds(ctx context.Context, h *Handler, actor incidentbot.Actor, c Command) (Reply, error) {
	if c.AdsOp == incidentbot.AdsPause {
		if r, answered, err := previewPause(ctx, h, actor, c); answered || err != nil {
			return r, err
		}
	}
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

// previewPause looks at what an "ads pause" would pause. Unconfirmed, it
// answers with that and a button that runs the command with confirmFlag:
// only the confirmed command pauses, as a stray pause stops every sale the
// ads bring. Confirmed, it answers only when nothing is serving, so no job
// is queued for nothing; when the listing fails, the confirmed pause goes
// ahead (answered is false).
func previewPause(ctx context.Context, h *Handler, actor incidentbot.Actor, c Command) (r Reply, answered bool, err error) {
	confirmed := c.Force
	c.Force = true
	where := "any platform"
	if c.Platform != "" {
		where = c.Platform
	}
	pctx, cancel := context.WithTimeout(ctx, previewTimeout)
	defer cancel()
	inc, campaigns, err := h.svc.AdsPreview(pctx, actor, c.Key, c.Platform)
	switch {
	case err != nil && pctx.Err() != nil && ctx.Err() == nil:
		h.logger.InfoContext(ctx, "ads preview too slow", "key", c.Key, "err", err)
		if confirmed {
			return Reply{}, false, nil
		}
		return pauseQuestion(c, fmt.Sprintf("Could not list the campaigns in time; pause anyway with `%s %s`.", prefix, c), "Pause anyway"), true, nil
	case incidentbot.ErrorCode(err) == incidentbot.EUNAVAILABLE:
		if confirmed {
			return Reply{}, false, nil
		}
		return pauseQuestion(c, fmt.Sprintf("Could not list the campaigns: %s Pause anyway with `%s %s`.", incidentbot.ErrorMessage(err), prefix, c), "Pause anyway"), true, nil
	case err != nil:
		return Reply{}, true, err
	}
	c.Key = inc.Key
	if len(campaigns) == 0 {
		return text("%s has no serving campaign to pause on %s: nothing to do.", inc.Key, where), true, nil
	}
	if confirmed {
		return Reply{}, false, nil
	}
	count := map[string]int{}
	for _, cp := range campaigns {
		count[cp.Platform]++
	}
	var parts []string
	for _, name := range adPlatforms {
		if n := count[name]; n > 0 {
			if len(parts) == 0 {
				word := "campaigns"
				if n == 1 {
					word = "campaign"
				}
				parts = append(parts, fmt.Sprintf("%d serving %s on %s", n, word, name))
			} else {
				parts = append(parts, fmt.Sprintf("%d on %s", n, name))
			}
		}
	}
	label := "Pause them"
	if len(campaigns) == 1 {
		label = "Pause it"
	}
	r = pauseQuestion(c, "This pauses "+andList(parts)+".", label)
	r.Message.Title = "Pause the ads of " + inc.Key + "?"
	return r, true, nil
}

// pauseQuestion is the confirmation reply: msg and a button running c.
func pauseQuestion(c Command, msg, label string) Reply {
	r := text("%s", msg)
	r.Message.Buttons = []incidentbot.Button{{ActionID: c.String(), Label: label, Style: incidentbot.ButtonDanger}}
	return r
}

// andList joins "a", "b" and "c" as "a, b and c".
func andList(parts []string) string {
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}
