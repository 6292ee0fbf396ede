package main

import (
	"context"
	"log/slog"

	"incidentbot"
	"incidentbot/integrations/ads/googleads"
	"incidentbot/integrations/ads/meta"
	"incidentbot/integrations/ads/microsoft"
	"incidentbot/integrations/ads/tiktok"
)

// adPlatforms builds a client for every ad platform that has credentials;
// the others are off, said once in the log.
func adPlatforms(ctx context.Context, cfg config, logger *slog.Logger) ([]incidentbot.AdPlatform, error) {
	platforms := []struct {
		name  string
		on    bool
		set   string // the variable that turns it on
		build func() (incidentbot.AdPlatform, error)
	}{
		{incidentbot.AdsGoogle, cfg.GoogleAdsRefreshToken != "", "GOOGLE_ADS_REFRESH_TOKEN", func() (incidentbot.AdPlatform, error) {
			return googleads.New(cfg.googleAds(), nil, logger)
		}},
		{incidentbot.AdsMeta, cfg.MetaAdsAccessToken != "", "META_ADS_ACCESS_TOKEN", func() (incidentbot.AdPlatform, error) {
			return meta.New(cfg.metaAds(), nil, logger)
		}},
		{incidentbot.AdsMicrosoft, cfg.MicrosoftAdsRefreshToken != "", "MICROSOFT_ADS_REFRESH_TOKEN", func() (incidentbot.AdPlatform, error) {
			return microsoft.New(cfg.microsoftAds(), nil, logger)
		}},
		{incidentbot.AdsTikTok, cfg.TikTokAdsAccessToken != "", "TIKTOK_ADS_ACCESS_TOKEN", func() (incidentbot.AdPlatform, error) {
			return tiktok.New(cfg.tikTokAds(), nil, logger)
		}},
	}
	var out []incidentbot.AdPlatform
	for _, p := range platforms {
		if !p.on {
			logger.InfoContext(ctx, "ad platform off: no credentials", "platform", p.name, "set", p.set)
			continue
		}
		c, err := p.build()
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}
