package ads

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"incidentbot"
)

// Report says what one Pause or Resume run did, per outcome.
type Report struct {
	Paused, Resumed, Failed, LeftPaused, Shared []incidentbot.CampaignPause
	Skipped                                     []string // platforms not configured that the selection named
	// Errors are platform-wide failures ("meta: <reason>"), safe to show.
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

// Summary is one line for people, e.g. "Paused 212 campaigns on googleads
// (3 accounts) and 38 on meta; 2 failed: Spring sale (No access.), ...".
// Dry runs say "Would pause ...".
func (r Report) Summary() string {
	var parts []string
	if len(r.Paused) > 0 {
		parts = append(parts, r.verb("Paused", "Would pause")+" "+perPlatform(r.Paused))
	}
	if len(r.Resumed) > 0 {
		parts = append(parts, r.verb("Resumed", "Would resume")+" "+perPlatform(r.Resumed))
	}
	if n := len(r.Shared); n > 0 {
		parts = append(parts, fmt.Sprintf("%s already paused by another incident, %s", count(n, "campaign"),
			r.verb("now held by this one too", "would be held by this one too")))
	}
	if n := len(r.LeftPaused); n > 0 {
		parts = append(parts, fmt.Sprintf("%s %d paused: %s", r.verb("left", "would leave"), n, named(r.LeftPaused)))
	}
	if n := len(r.Failed); n > 0 {
		parts = append(parts, fmt.Sprintf("%d %s: %s", n, r.verb("failed", "would fail"), named(r.Failed)))
	}
	if len(parts) == 0 {
		parts = append(parts, r.nothing())
	}
	if len(r.Skipped) > 0 {
		parts = append(parts, "skipped "+strings.Join(r.Skipped, ", ")+" (not configured)")
	}
	parts = append(parts, r.Errors...)
	return capitalize(strings.TrimSuffix(strings.Join(parts, "; "), ".")) + "."
}

func (r Report) verb(done, dry string) string {
	if r.DryRun {
		return dry
	}
	return done
}

func (r Report) nothing() string {
	switch r.kind {
	case kindPause:
		return r.verb("nothing to pause", "would pause nothing") + ": no matching campaign is serving"
	case kindResume:
		return r.verb("nothing to resume", "would resume nothing") + ": this incident holds no paused campaign"
	}
	return "nothing to do"
}

// perPlatform says "212 campaigns on googleads (3 accounts) and 38 on meta".
func perPlatform(ps []incidentbot.CampaignPause) string {
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
		s := fmt.Sprint(t.n)
		if i == 0 {
			s = count(t.n, "campaign")
		}
		s += " on " + name
		if len(t.accounts) > 1 {
			s += fmt.Sprintf(" (%d accounts)", len(t.accounts))
		}
		items[i] = s
	}
	return joinAnd(items)
}

// named lists campaigns with their reasons: "Brand FR (still held by INC-43), ...".
func named(ps []incidentbot.CampaignPause) string {
	var items []string
	for i, p := range ps {
		if i == maxNamed {
			items = append(items, fmt.Sprintf("and %d more", len(ps)-maxNamed))
			break
		}
		name := p.Campaign.Name
		if name == "" {
			name = p.Campaign.Key().String()
		}
		reason := strings.TrimSuffix(p.Error, ".")
		if reason == "" {
			reason = string(p.State)
		}
		items = append(items, fmt.Sprintf("%s (%s)", name, reason))
	}
	return strings.Join(items, ", ")
}

func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func joinAnd(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
