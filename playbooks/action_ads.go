package playbooks

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"incidentbot"
	"incidentbot/i18n"
)

var adPlatforms = []string{incidentbot.AdsGoogle, incidentbot.AdsMeta, incidentbot.AdsMicrosoft, incidentbot.AdsTikTok}

func checkGlob(s string) *i18n.Message {
	if _, err := path.Match(s, ""); err != nil {
		return i18n.M("playbooks.problem.glob", map[string]any{"Value": strconv.Quote(s)})
	}
	return nil
}

// checkLabel rejects what would never equal a label: labels match whole,
// so a glob character means the author expected a pattern.
func checkLabel(s string) *i18n.Message {
	if strings.ContainsAny(s, "*?[") {
		return i18n.M("playbooks.problem.label", map[string]any{"Value": strconv.Quote(s)})
	}
	return nil
}

func decodePauseAds(d *decoder, in actionInput) incidentbot.PauseAdsParams {
	var p incidentbot.PauseAdsParams
	p.Platforms = d.platforms(in)
	p.Accounts = d.texts(in, "accounts", nil)
	p.Include = d.texts(in, "include", checkGlob)
	p.Exclude = d.texts(in, "exclude", checkGlob)
	p.IncludeLabels = d.texts(in, "include_labels", checkLabel)
	p.ExcludeLabels = d.texts(in, "exclude_labels", checkLabel)
	return p
}

func decodeResumeAds(d *decoder, in actionInput) incidentbot.ResumeAdsParams {
	return incidentbot.ResumeAdsParams{Platforms: d.platforms(in)}
}

// platforms reads the ad platforms an action covers; none means all.
func (d *decoder) platforms(in actionInput) []string {
	n, ok := in.fields["platforms"]
	if !ok {
		return nil
	}
	var out []string
	for j, item := range d.list(n, in.path+".platforms") {
		field := fmt.Sprintf("%s.platforms[%d]", in.path, j)
		p := d.text(item, field)
		if !slices.Contains(adPlatforms, p) {
			d.add(item, field, "playbooks.problem.ad_platform", map[string]any{"Platform": strconv.Quote(p), "Known": strings.Join(adPlatforms, ", ")})
			continue
		}
		out = append(out, p)
	}
	return out
}
