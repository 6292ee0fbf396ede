package tiktok

import (
	"context"

	"incidentbot"
	"incidentbot/i18n"
)

// kind says which endpoint, if any, changes a campaign's status.
type kind int

const (
	kindManual    kind = iota // campaign/status/update/
	kindUpgraded              // Upgraded Smart+: smart_plus/campaign/status/update/
	kindSmartPlus             // legacy Smart+: its endpoints stopped on 2026-06-30
	kindTopView               // reservation TopView: read-only through the API
)

// kindOf reads campaign_automation_type; topView is the listing's buying type.
func kindOf(automation string, topView bool) kind {
	switch {
	case topView:
		return kindTopView
	case automation == "UPGRADED_SMART_PLUS":
		return kindUpgraded
	case automation == "SMART_PLUS":
		return kindSmartPlus
	}
	return kindManual
}

// refusal is why the bot leaves a campaign of kind k alone, nil when an
// endpoint can change it. TikTok documents TopView as retrievable only
// (docs id=1804258360285186) and legacy Smart+ status updates as working
// until 2026-06-30 (Upgraded Smart+ guide, docs id=1853452461203458).
func (k kind) refusal(id string) error {
	switch k {
	case kindTopView:
		return i18n.Errorf(incidentbot.EFORBIDDEN, "ads.tiktok.topview", map[string]any{"ID": id})
	case kindSmartPlus:
		return i18n.Errorf(incidentbot.EFORBIDDEN, "ads.tiktok.smartplus", map[string]any{"ID": id})
	}
	return nil
}

func kindKey(advertiser, id string) string { return advertiser + "/" + id }

// remember records the kinds of one advertiser's campaigns, as listed.
func (c *Client) remember(advertiser string, kinds map[string]kind) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, k := range kinds {
		c.kinds[kindKey(advertiser, id)] = k
	}
}

// kindsOf returns the kind of each campaign at idx, listing the advertiser
// again when one was never seen (a restart between pause and resume). A
// campaign still unknown, or when the listing fails, is taken as manual:
// its update answer tells.
func (c *Client) kindsOf(ctx context.Context, advertiser string, campaigns []incidentbot.Campaign, idx []int) map[int]kind {
	lookup := func() (map[int]kind, bool) {
		c.mu.Lock()
		defer c.mu.Unlock()
		out, all := make(map[int]kind, len(idx)), true
		for _, i := range idx {
			k, ok := c.kinds[kindKey(advertiser, campaigns[i].ID)]
			out[i], all = k, all && ok
		}
		return out, all
	}
	if out, all := lookup(); all {
		return out
	}
	if _, err := c.list(ctx, advertiser, ""); err != nil {
		c.logger.InfoContext(ctx, "tiktok campaign kinds unknown, updating as manual campaigns",
			"advertiser", advertiser, "code", incidentbot.ErrorCode(err), "err", err)
	}
	out, _ := lookup()
	return out
}
