package ads

import (
	"path"
	"slices"
	"strings"

	"incidentbot"
	"incidentbot/i18n"
)

// Selection says which serving campaigns a pause covers.
type Selection struct {
	Platforms []string // empty: all configured
	Accounts  []string // empty: all
	Include   []string // campaign-name globs (path.Match, case-insensitive) to pause; empty: all serving
	Exclude   []string // globs to keep serving (brand campaigns)
	// IncludeLabels pauses only campaigns carrying one of these labels;
	// ExcludeLabels keeps campaigns carrying one serving. Labels match
	// whole, case-insensitively; a campaign without labels (or on a
	// platform whose client reads none) matches no label.
	IncludeLabels []string
	ExcludeLabels []string
}

// SelectionFrom takes the selection of a pause_ads playbook action.
func SelectionFrom(a incidentbot.PauseAdsParams) Selection {
	return Selection{
		Platforms: slices.Clone(a.Platforms),
		Accounts:  slices.Clone(a.Accounts),
		Include:   slices.Clone(a.Include),
		Exclude:   slices.Clone(a.Exclude),

		IncludeLabels: slices.Clone(a.IncludeLabels),
		ExcludeLabels: slices.Clone(a.ExcludeLabels),
	}
}

// validate rejects malformed globs and labels before anything is paused.
func (s Selection) validate() error {
	for _, g := range slices.Concat(s.Include, s.Exclude) {
		if _, err := path.Match(foldName(g), ""); err != nil {
			return i18n.Errorf(incidentbot.EINVALID, "ads.selection.pattern", map[string]any{"Pattern": g})
		}
	}
	for _, l := range slices.Concat(s.IncludeLabels, s.ExcludeLabels) {
		if strings.TrimSpace(l) == "" || strings.ContainsAny(l, "*?[") {
			return i18n.Errorf(incidentbot.EINVALID, "ads.selection.label", map[string]any{"Label": l})
		}
	}
	return nil
}

// matches reports whether c is covered by the selection's accounts, name
// globs and labels; the platform is chosen beforehand. A campaign must pass
// both includes (names and labels); either exclude keeps it serving.
func (s Selection) matches(c incidentbot.Campaign) bool {
	if len(s.Accounts) > 0 && !slices.ContainsFunc(s.Accounts, func(a string) bool { return foldAccount(a) == foldAccount(c.Account) }) {
		return false
	}
	name := foldName(c.Name)
	if len(s.Include) > 0 && !slices.ContainsFunc(s.Include, func(g string) bool { return globMatch(g, name) }) {
		return false
	}
	if len(s.IncludeLabels) > 0 && !hasLabel(c, s.IncludeLabels) {
		return false
	}
	return !slices.ContainsFunc(s.Exclude, func(g string) bool { return globMatch(g, name) }) && !hasLabel(c, s.ExcludeLabels)
}

// hasLabel reports whether c carries one of labels, in any case.
func hasLabel(c incidentbot.Campaign, labels []string) bool {
	return slices.ContainsFunc(c.Labels, func(l string) bool {
		return slices.ContainsFunc(labels, func(want string) bool { return strings.EqualFold(strings.TrimSpace(l), strings.TrimSpace(want)) })
	})
}

func globMatch(glob, foldedName string) bool {
	ok, _ := path.Match(foldName(glob), foldedName) // validated beforehand
	return ok
}

// slashStandIn replaces "/" in names and globs: path.Match never lets * or ?
// match a slash, yet campaign names such as "FR / Brand" are common.
const slashStandIn = "\uFFFF"

func foldName(s string) string {
	return strings.ReplaceAll(strings.ToLower(s), "/", slashStandIn)
}

// foldAccount lets "123-456-7890" (how Google Ads shows customer ids) name
// account "1234567890".
func foldAccount(s string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), "-", ""))
}
