package probe

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"incidentbot"
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
			return nil, incidentbot.Errorf(incidentbot.EINVALID, "PROVIDER_STATUS_PAGES takes name=https://status-page pairs separated by commas; item %d is not one.", n+1)
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
			switch {
			case err != nil:
				out[i] = incidentbot.ProviderStatus{Name: page.Name, Description: incidentbot.ErrorMessage(err)}
			default:
				desc := st.Description
				if !st.Healthy && st.Indicator != "" {
					desc = fmt.Sprintf("%s (%s)", desc, st.Indicator)
				}
				out[i] = incidentbot.ProviderStatus{Name: page.Name, Healthy: st.Healthy, Description: desc}
			}
		})
	}
	wg.Wait()
	return out
}
