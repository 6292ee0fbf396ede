package main

import (
	"context"
	"log/slog"
	"net"
	"testing"

	"incidentbot"
	"incidentbot/bot/slack"
)

// TestTransientNetErrorsEveryAdapter points every outbound client at an
// address nobody listens on: each failure is EUNAVAILABLE, which the job
// runner retries with backoff, never EINTERNAL, which it gives up on.
func TestTransientNetErrorsEveryAdapter(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // connection refused from now on
	down := "http://" + addr + "/"
	env := map[string]string{
		"DISCORD_BOT_TOKEN": "discord-token-1234", "DISCORD_APP_ID": "1302445566778899001",
		"DISCORD_GUILD_ID": "1302445566778899100", "DISCORD_PUBLIC_KEY": "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
		"DISCORD_API_URL":      down,
		"GOOGLE_ADS_CLIENT_ID": "client", "GOOGLE_ADS_CLIENT_SECRET": "secret", "GOOGLE_ADS_REFRESH_TOKEN": "refresh",
		"GOOGLE_ADS_DEVELOPER_TOKEN": "dev", "GOOGLE_ADS_CUSTOMER_IDS": "123-456-7890",
		"GOOGLE_ADS_API_URL": down, "GOOGLE_ADS_TOKEN_URL": down + "token",
		"META_ADS_ACCESS_TOKEN": "meta-token", "META_ADS_ACCOUNT_IDS": "act_1", "META_ADS_API_URL": down,
		"MICROSOFT_ADS_CLIENT_ID": "client", "MICROSOFT_ADS_REFRESH_TOKEN": "refresh", "MICROSOFT_ADS_DEVELOPER_TOKEN": "dev",
		"MICROSOFT_ADS_CUSTOMER_ID": "251234567", "MICROSOFT_ADS_ACCOUNT_IDS": "149876543",
		"MICROSOFT_ADS_API_URL": down, "MICROSOFT_ADS_TOKEN_URL": down + "token",
		"TIKTOK_ADS_ACCESS_TOKEN": "tiktok-token", "TIKTOK_ADS_ADVERTISER_IDS": "7001", "TIKTOK_ADS_API_URL": down,
		"NOTIFY_TARGETS":   "hosting=" + down + "hook,mail=mailto:noc@example.com,status=statuspage,oncall=pagerduty",
		"NOTIFY_SMTP_ADDR": addr, "NOTIFY_SMTP_FROM": "bot@example.com",
		"STATUSPAGE_API_KEY": "sp-key", "STATUSPAGE_PAGE_ID": "page1", "STATUSPAGE_API_URL": down,
		"PAGERDUTY_ROUTING_KEY": "pd-key", "PAGERDUTY_API_URL": down,
	}
	ctx := context.Background()
	cfg, err := loadConfig(ctx, "serve", envFrom(env))
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	logger := slog.New(slog.DiscardHandler)
	calls := map[string]func() error{}
	platforms, err := adPlatforms(ctx, cfg, logger)
	if err != nil || len(platforms) != 4 {
		t.Fatalf("ad platforms: got %d, %v; want all four", len(platforms), err)
	}
	for _, p := range platforms {
		calls[p.Name()] = func() error { _, err := p.Campaigns(ctx); return err }
	}
	n, err := notifier(cfg, logger)
	if err != nil {
		t.Fatalf("notifier: %v", err)
	}
	notice := incidentbot.Notice{Severity: incidentbot.SEV1, Key: "INC-1", Status: "investigating", Title: "Checkout down", Body: "It is down."}
	for _, target := range []string{"hosting", "mail", "status", "oncall"} {
		calls["notify "+target] = func() error { return n.Notify(ctx, target, notice) }
	}
	sl := slack.NewChat(slack.ChatConfig{BotToken: "xoxb-1234", APIURL: down}, logger)
	calls["slack"] = func() error { _, err := sl.Post(ctx, "C1", incidentbot.Message{Text: "hello"}); return err }
	dc, err := newDiscordChat(cfg, logger)
	if err != nil {
		t.Fatalf("discord: %v", err)
	}
	calls["discord"] = func() error { _, err := dc.Post(ctx, "1", incidentbot.Message{Text: "hello"}); return err }

	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := call()
			if incidentbot.ErrorCode(err) != incidentbot.EUNAVAILABLE || !incidentbot.IsTransientNetError(err) {
				t.Errorf("got %s (%v), want %s around the network error", incidentbot.ErrorCode(err), err, incidentbot.EUNAVAILABLE)
			}
		})
	}
}
