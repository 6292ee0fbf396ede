package main

import (
	"context"
	"log/slog"

	"incidentbot"
	"incidentbot/integrations/ads/googleads"
	"incidentbot/integrations/ads/meta"
)

// adPlatforms builds a client for every ad platform that has credentials;
// the others are off, said once in the log.
func adPlatforms(ctx context.Context, cfg config, logger *slog.Logger) ([]incidentbot.AdPlatform, error) {
	var out []incidentbot.AdPlatform
	if cfg.GoogleAdsRefreshToken != "" {
		c, err := googleads.New(googleads.Config{
			ClientID:        cfg.GoogleAdsClientID,
			ClientSecret:    cfg.GoogleAdsClientSecret,
			RefreshToken:    cfg.GoogleAdsRefreshToken,
			DeveloperToken:  cfg.GoogleAdsDeveloperToken,
			CustomerIDs:     cfg.GoogleAdsCustomerIDs,
			LoginCustomerID: cfg.GoogleAdsLoginCustomerID,
			APIURL:          cfg.GoogleAdsAPIURL,
			TokenURL:        cfg.GoogleAdsTokenURL,
		}, nil, logger)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	} else {
		logger.InfoContext(ctx, "ad platform off: no credentials", "platform", incidentbot.AdsGoogle, "set", "GOOGLE_ADS_REFRESH_TOKEN")
	}
	if cfg.MetaAdsAccessToken != "" {
		c, err := meta.New(meta.Config{
			AccessToken: cfg.MetaAdsAccessToken,
			AccountIDs:  cfg.MetaAdsAccountIDs,
			APIURL:      cfg.MetaAdsAPIURL,
			APIVersion:  cfg.MetaAdsAPIVersion,
		}, nil, logger)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	} else {
		logger.InfoContext(ctx, "ad platform off: no credentials", "platform", incidentbot.AdsMeta, "set", "META_ADS_ACCESS_TOKEN")
	}
	return out, nil
}
