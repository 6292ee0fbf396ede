package main

import (
	"log/slog"
	"net/http"
	"time"

	"incidentbot"
	"incidentbot/integrations/notify"
	"incidentbot/integrations/pagerduty"
	"incidentbot/integrations/probe"
	"incidentbot/integrations/statuspage"
)

// notifier routes the playbooks' notify, statuspage and page actions to
// e-mail, webhooks, Statuspage and PagerDuty, as configured. With nothing
// configured it is nil and the engine records those actions as skipped.
func notifier(cfg config, logger *slog.Logger) (incidentbot.Notifier, error) {
	if cfg.NotifyTargets == "" && cfg.StatuspageAPIKey == "" && cfg.StatuspagePageID == "" && cfg.PagerDutyRoutingKey == "" {
		return nil, nil
	}
	hc := &http.Client{Timeout: 15 * time.Second}
	services := map[string]incidentbot.Notifier{}
	if cfg.StatuspageAPIKey != "" || cfg.StatuspagePageID != "" {
		sp, err := statuspage.New(statuspage.Config{APIKey: cfg.StatuspageAPIKey, PageID: cfg.StatuspagePageID, APIURL: cfg.StatuspageAPIURL}, hc, logger)
		if err != nil {
			return nil, err
		}
		services[notify.ViaStatuspage] = sp
	}
	if cfg.PagerDutyRoutingKey != "" {
		pd, err := pagerduty.New(pagerduty.Config{RoutingKey: cfg.PagerDutyRoutingKey, APIURL: cfg.PagerDutyAPIURL}, hc, logger)
		if err != nil {
			return nil, err
		}
		services[notify.ViaPagerDuty] = pd
	}
	targets, err := notify.ParseTargets(cfg.NotifyTargets)
	if err != nil {
		return nil, err
	}
	return notify.New(notify.Config{
		Targets: targets,
		SMTP: notify.SMTP{Addr: cfg.NotifySMTPAddr, From: cfg.NotifySMTPFrom,
			Username: cfg.NotifySMTPUsername, Password: cfg.NotifySMTPPassword},
		WebhookToken: cfg.NotifyWebhookToken,
		Services:     services,
	}, hc, logger)
}

// prober checks the shop from outside, re-checking a failure before it
// counts as down: the first reflex is to rule out the reporter's network.
func prober(cfg config) incidentbot.Prober {
	return probe.Confirming{
		Prober:   probe.New(probe.Config{Timeout: cfg.ProbeTimeout, AllowPrivate: cfg.ProbeAllowPrivate}),
		N:        cfg.ProbeConfirm,
		Interval: cfg.ProbeConfirmInterval,
	}
}

// providers reads the status pages in PROVIDER_STATUS_PAGES (checked at
// start); nil when there are none.
func providers(cfg config) incidentbot.ProviderChecker {
	pages, _ := probe.ParseProviderPages(cfg.ProviderStatusPages)
	if len(pages) == 0 {
		return nil
	}
	return probe.Providers{Client: &http.Client{Timeout: cfg.ProbeTimeout}, Pages: pages}
}
