package playbooks

import (
	"net/url"
	"strconv"

	"incidentbot"
)

// decodeVerifySite reads a check from outside. Without url the shop's own
// address is checked (SHOP_URL).
func decodeVerifySite(d *decoder, in actionInput) incidentbot.VerifySiteParams {
	var p incidentbot.VerifySiteParams
	p.URL = d.optional(in, "url")
	if p.URL != "" {
		if u, err := url.Parse(p.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			d.add(in.fields["url"], in.path+".url", "playbooks.problem.site_url", map[string]any{"URL": strconv.Quote(p.URL)})
		}
	}
	p.Expect = d.optional(in, "expect")
	return p
}

// decodeCheckProviders has nothing to read: the pages come from
// PROVIDER_STATUS_PAGES, they are the shop's, not the playbook's.
func decodeCheckProviders(*decoder, actionInput) incidentbot.CheckProvidersParams {
	return incidentbot.CheckProvidersParams{}
}
