package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"incidentbot"
	"incidentbot/i18n"
)

// Provider is what a third party (payment, platform, CDN) says about itself
// on its Statuspage-style status API.
type Provider struct {
	Name        string // the page's name, "" when the API gives none
	Indicator   string // none, minor, major, critical (maintenance on some pages)
	Description string // "All Systems Operational", "Partial System Outage" ...
	Healthy     bool   // indicator none
}

// statusPath is where Statuspage-hosted pages publish their summary.
const statusPath = "/api/v2/status.json"

// ProviderStatus reads a provider's status from url: a status page
// ("https://status.stripe.com") or its /api/v2/status.json itself.
func ProviderStatus(ctx context.Context, hc *http.Client, rawURL string) (Provider, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Provider{}, i18n.Errorf(incidentbot.EINVALID, "probe.provider.bad_url", map[string]any{"URL": rawURL})
	}
	if !strings.HasSuffix(u.Path, ".json") {
		u.Path = strings.TrimSuffix(u.Path, "/") + statusPath
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return Provider{}, fmt.Errorf("provider status request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	page := map[string]any{"Host": u.Host}
	resp, err := hc.Do(req)
	if err != nil {
		return Provider{}, i18n.Wrap(incidentbot.EUNAVAILABLE, err, "probe.provider.no_answer", page)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return Provider{}, i18n.Wrap(incidentbot.EUNAVAILABLE, err, "probe.provider.partial", page)
	}
	page["Code"] = resp.StatusCode
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return Provider{}, i18n.Errorf(incidentbot.EUNAVAILABLE, "probe.provider.unavailable", page)
	case resp.StatusCode != http.StatusOK:
		return Provider{}, i18n.Errorf(incidentbot.EINVALID, "probe.provider.http", page)
	}
	return ParseProviderStatus(body)
}

// ParseProviderStatus reads a Statuspage /api/v2/status.json body.
func ParseProviderStatus(body []byte) (Provider, error) {
	var doc struct {
		Page struct {
			Name string `json:"name"`
		} `json:"page"`
		Status *struct {
			Indicator   string `json:"indicator"`
			Description string `json:"description"`
		} `json:"status"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return Provider{}, i18n.Wrap(incidentbot.EINVALID, err, "probe.provider.format", nil)
	}
	if doc.Status == nil || doc.Status.Indicator == "" {
		return Provider{}, i18n.Errorf(incidentbot.EINVALID, "probe.provider.no_indicator", nil)
	}
	return Provider{
		Name:        doc.Page.Name,
		Indicator:   doc.Status.Indicator,
		Description: doc.Status.Description,
		Healthy:     doc.Status.Indicator == "none",
	}, nil
}
