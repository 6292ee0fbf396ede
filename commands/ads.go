package commands

import (
	"cmp"
	"context"
	"strconv"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/i18n"
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
	name:  "ads",
	brief: "Pause or resume the ad campaigns, or see what was paused",
	args: []Arg{
		{Name: "action", Help: "pause, resume or status", Kind: ArgText, Required: true, Choices: []string{"pause", "resume", "status"}},
		{Name: "platform", Help: "One ad platform (default: all)", Kind: ArgText,
			Choices: []string{incidentbot.AdsGoogle, incidentbot.AdsMeta, incidentbot.AdsMicrosoft, incidentbot.AdsTikTok}},
	},
	key:   true,
	parse: parseAds,
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
	where := cmp.Or(c.Platform, i18n.T(actor.Language, "reply.ads.every_platform", nil))
	switch c.AdsOp {
	case incidentbot.AdsPause:
		return say(actor.Language, "reply.ads.pausing", map[string]any{"Where": where, "Key": st.Incident.Key}), nil
	case incidentbot.AdsResume:
		return say(actor.Language, "reply.ads.resuming", map[string]any{"Where": where, "Key": st.Incident.Key}), nil
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
	r := Reply{Message: views.Ads(st, h.clock.Now(), actor.Language)}
	if c.Platform != "" {
		r.Message.Footer = i18n.T(actor.Language, "reply.ads.only", map[string]any{"Platform": c.Platform})
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
	lang := actor.Language
	where := cmp.Or(c.Platform, i18n.T(lang, "reply.ads.any_platform", nil))
	anyway := i18n.T(lang, "reply.ads.pause_anyway", nil)
	pctx, cancel := context.WithTimeout(ctx, previewTimeout)
	defer cancel()
	inc, campaigns, err := h.svc.AdsPreview(pctx, actor, c.Key, c.Platform)
	switch {
	case err != nil && pctx.Err() != nil && ctx.Err() == nil:
		h.logger.InfoContext(ctx, "ads preview too slow", "key", c.Key, "err", err)
		if confirmed {
			return Reply{}, false, nil
		}
		return pauseQuestion(c, i18n.T(lang, "reply.ads.list_slow", map[string]any{"Line": prefix + " " + c.String()}), anyway), true, nil
	case incidentbot.ErrorCode(err) == incidentbot.EUNAVAILABLE:
		if confirmed {
			return Reply{}, false, nil
		}
		return pauseQuestion(c, i18n.T(lang, "reply.ads.list_failed", map[string]any{"Error": i18n.ErrorMessage(lang, err), "Line": prefix + " " + c.String()}), anyway), true, nil
	case err != nil:
		return Reply{}, true, err
	}
	c.Key = inc.Key
	if len(campaigns) == 0 {
		return say(lang, "reply.ads.nothing", map[string]any{"Key": inc.Key, "Where": where}), true, nil
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
			id := "reply.ads.count_more"
			if len(parts) == 0 {
				id = "reply.ads.count_first"
			}
			parts = append(parts, i18n.N(lang, id, n, map[string]any{"Platform": name}))
		}
	}
	r = pauseQuestion(c, i18n.T(lang, "reply.ads.this_pauses", map[string]any{"What": andList(lang, parts)}), i18n.N(lang, "reply.ads.pause_button", len(campaigns), nil))
	r.Message.Title = i18n.T(lang, "reply.ads.question", map[string]any{"Key": inc.Key})
	return r, true, nil
}

// pauseQuestion is the confirmation reply: msg and a button running c.
func pauseQuestion(c Command, msg, label string) Reply {
	r := Reply{Message: incidentbot.Message{Text: msg}}
	r.Message.Buttons = []incidentbot.Button{{ActionID: c.String(), Label: label, Style: incidentbot.ButtonDanger}}
	return r
}

// andList joins "a", "b" and "c" as "a, b and c".
func andList(lang string, parts []string) string {
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return i18n.T(lang, "format.and", map[string]any{"Head": strings.Join(parts[:len(parts)-1], ", "), "Last": parts[len(parts)-1]})
}
