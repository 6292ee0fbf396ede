package probe

import (
	"context"
	"net/http"
	"strings"
	"sync"

	"incidentbot"
	"incidentbot/i18n"
)

// Providers reads the status pages of the shop's providers (payment
// service, hosting, platform) at once; it implements
// incidentbot.ProviderChecker.
type Providers struct {
	Client *http.Client
	Pages  []ProviderPage
}

// ProviderPage is one provider's Statuspage-style status page.
type ProviderPage struct {
	Name string
	URL  string
}

// ParseProviderPages reads PROVIDER_STATUS_PAGES: comma-separated
// name=url pairs, such as "stripe=https://status.stripe.com,hosting=https://status.host.example".
func ParseProviderPages(spec string) ([]ProviderPage, error) {
	var out []ProviderPage
	for n, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, url, ok := strings.Cut(item, "=")
		name, url = strings.TrimSpace(name), strings.TrimSpace(url)
		if !ok || name == "" || !(strings.HasPrefix(url, "https://") || strings.HasPrefix(url, "http://")) {
			// The item itself is not quoted: configuration errors never echo values.
			return nil, i18n.Errorf(incidentbot.EINVALID, "probe.provider.pages", map[string]any{"N": n + 1})
		}
		out = append(out, ProviderPage{Name: name, URL: url})
	}
	return out, nil
}

// ProviderStatuses reads every page in parallel, in the configured order; a
// page that cannot be read says so instead of failing the others.
func (p Providers) ProviderStatuses(ctx context.Context) []incidentbot.ProviderStatus {
	out := make([]incidentbot.ProviderStatus, len(p.Pages))
	var wg sync.WaitGroup
	for i, page := range p.Pages {
		wg.Go(func() {
			st, err := ProviderStatus(ctx, p.Client, page.URL)
			out[i] = status(page.Name, st, err)
		})
	}
	wg.Wait()
	return out
}

// status is what the war room reads of one page: the provider's own words,
// its indicator when not "none" (in the catalog's words when known), or
// why the page could not be read.
func status(name string, st Provider, err error) incidentbot.ProviderStatus {
	var desc text
	switch {
	case err != nil:
		desc = i18n.ErrorText(err)
	case !st.Healthy && st.Indicator != "":
		var indicator any = st.Indicator
		if id := "probe.provider.indicator." + st.Indicator; i18n.Has(id) {
			indicator = i18n.M(id, nil)
		}
		desc = i18n.M("probe.provider.with_indicator", map[string]any{"Description": st.Description, "Indicator": indicator})
	default:
		return incidentbot.ProviderStatus{Name: name, Healthy: st.Healthy, Description: st.Description}
	}
	return incidentbot.ProviderStatus{Name: name, Healthy: st.Healthy, Description: desc.In(i18n.Default), DescriptionText: desc}
}
