package ads

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"incidentbot"
	"incidentbot/i18n"
)

// Report says what one Pause or Resume run did, per outcome.
type Report struct {
	Paused, Resumed, Failed, LeftPaused, Shared []incidentbot.CampaignPause
	Skipped                                     []string // platforms not configured that the selection named
	// Errors are platform-wide failures ("meta: <reason>"), safe to show,
	// kept as catalog text: i18n.Stored says one in a language.
	Errors []string
	DryRun bool

	kind string // kindPause or kindResume: what "nothing to do" means
}

const (
	kindPause  = "pause"
	kindResume = "resume"
)

// maxNamed caps how many campaigns a summary names per outcome.
const maxNamed = 5

// add files r under its outcome.
func (r *Report) add(p incidentbot.CampaignPause) {
	switch p.State {
	case incidentbot.PausePaused:
		if p.Shared {
			r.Shared = append(r.Shared, p)
		} else {
			r.Paused = append(r.Paused, p)
		}
	case incidentbot.PauseResumed:
		r.Resumed = append(r.Resumed, p)
	case incidentbot.PauseLeftPaused:
		r.LeftPaused = append(r.LeftPaused, p)
	default:
		r.Failed = append(r.Failed, p)
	}
}

// Summary is one line for people in lang (the workspace's: it goes to the
// war room), e.g. "Paused 212 campaigns on googleads (3 accounts) and 38
// on meta; 2 failed: Spring sale (No access.), ...". Dry runs say
// "Would pause ...". Platform errors and campaign reasons are said in
// lang too, but a platform's own words (its error message) stay as it
// gave them.
func (r Report) Summary(lang string) string {
	var parts []string
	if len(r.Paused) > 0 {
		parts = append(parts, r.say(lang, "paused", map[string]any{"List": perPlatform(lang, r.Paused)}))
	}
	if len(r.Resumed) > 0 {
		parts = append(parts, r.say(lang, "resumed", map[string]any{"List": perPlatform(lang, r.Resumed)}))
	}
	if n := len(r.Shared); n > 0 {
		parts = append(parts, r.sayN(lang, "shared", n, nil))
	}
	if n := len(r.LeftPaused); n > 0 {
		parts = append(parts, r.sayN(lang, "left_paused", n, map[string]any{"Names": named(lang, r.LeftPaused)}))
	}
	if n := len(r.Failed); n > 0 {
		parts = append(parts, r.sayN(lang, "failed", n, map[string]any{"Names": named(lang, r.Failed)}))
	}
	if len(parts) == 0 {
		parts = append(parts, r.nothing(lang))
	}
	if n := len(r.Skipped); n > 0 {
		parts = append(parts, i18n.N(lang, "ads.summary.skipped", n, map[string]any{"Platforms": strings.Join(r.Skipped, ", ")}))
	}
	for _, e := range r.Errors {
		parts = append(parts, i18n.Stored(lang, e))
	}
	return capitalize(strings.TrimSuffix(strings.Join(parts, i18n.T(lang, "ads.summary.sep", nil)), ".")) + "."
}

// say is message ads.summary.<id>, or its _dry form in a dry run.
func (r Report) say(lang, id string, data map[string]any) string {
	return i18n.T(lang, "ads.summary."+r.dry(id), data)
}

// sayN is say with plural forms for n campaigns.
func (r Report) sayN(lang, id string, n int, data map[string]any) string {
	if data == nil {
		data = map[string]any{}
	}
	data["N"] = i18n.Int(lang, n)
	return i18n.N(lang, "ads.summary."+r.dry(id), n, data)
}

func (r Report) dry(id string) string {
	if r.DryRun {
		return id + "_dry"
	}
	return id
}

func (r Report) nothing(lang string) string {
	switch r.kind {
	case kindPause:
		return r.say(lang, "nothing_pause", nil)
	case kindResume:
		return r.say(lang, "nothing_resume", nil)
	}
	return i18n.T(lang, "ads.summary.nothing", nil)
}

// perPlatform says "212 campaigns on googleads (3 accounts) and 38 on meta".
func perPlatform(lang string, ps []incidentbot.CampaignPause) string {
	type tally struct {
		n        int
		accounts map[string]bool
	}
	byPlatform := map[string]*tally{}
	for _, p := range ps {
		t := byPlatform[p.Campaign.Platform]
		if t == nil {
			t = &tally{accounts: map[string]bool{}}
			byPlatform[p.Campaign.Platform] = t
		}
		t.n++
		t.accounts[p.Campaign.Account] = true
	}
	names := make([]string, 0, len(byPlatform))
	for name := range byPlatform {
		names = append(names, name)
	}
	slices.Sort(names)
	items := make([]string, len(names))
	for i, name := range names {
		t := byPlatform[name]
		id := "ads.summary.on_more"
		if i == 0 {
			id = "ads.summary.on_first"
		}
		items[i] = i18n.N(lang, id, t.n, map[string]any{"N": i18n.Int(lang, t.n), "Platform": name})
		if a := len(t.accounts); a > 1 {
			items[i] += i18n.N(lang, "ads.summary.accounts", a, map[string]any{"N": i18n.Int(lang, a)})
		}
	}
	return joinAnd(lang, items)
}

// named lists campaigns with their reasons: "Brand FR (still held by INC-43), ...".
func named(lang string, ps []incidentbot.CampaignPause) string {
	var items []string
	for i, p := range ps {
		if i == maxNamed {
			n := len(ps) - maxNamed
			items = append(items, i18n.N(lang, "ads.summary.more", n, map[string]any{"N": i18n.Int(lang, n)}))
			break
		}
		name := p.Campaign.Name
		if name == "" {
			name = p.Campaign.Key().String()
		}
		reason := strings.TrimSuffix(i18n.Stored(lang, p.Error), ".")
		if reason == "" {
			reason = i18n.T(lang, "ads.state."+string(p.State), nil)
		}
		items = append(items, i18n.T(lang, "ads.summary.named", map[string]any{"Name": name, "Reason": reason}))
	}
	return strings.Join(items, ", ")
}

func joinAnd(lang string, items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return i18n.T(lang, "format.and", map[string]any{"Head": strings.Join(items[:len(items)-1], ", "), "Last": items[len(items)-1]})
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
