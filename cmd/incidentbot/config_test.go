package main

import (
	"context"
	"strings"
	"testing"
)

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     map[string]string
		wantErr []string // each must appear; empty: no error
	}{
		{name: "defaults", env: nil},
		{name: "postgres", env: map[string]string{"DATABASE_URL": "postgres://u:secretpw@db/x"}},
		{name: "revenue not a number", env: map[string]string{"REVENUE_PER_MINUTE": "lots-secretpw"}, wantErr: []string{"REVENUE_PER_MINUTE has a value of the wrong type"}},
		{name: "every problem at once", env: map[string]string{
			"HTTP_ADDR": "8080", "LOG_LEVEL": "loud", "BOT_LANGUAGE": "de", "PLAYBOOKS_DIR": "/does/not/exist",
			"REVENUE_PER_MINUTE": "-3", "CURRENCY": "euro", "WORKERS": "0", "DATABASE_URL": "mysql://secretpw",
			"PROBE_CONFIRM": "0", "PROVIDER_STATUS_PAGES": "stripe", "SLACK_BOT_TOKEN": "secretpw", "SLACK_API_URL": "http://x", "META_ADS_ACCESS_TOKEN": "secretpw",
		}, wantErr: []string{"HTTP_ADDR", "LOG_LEVEL", "BOT_LANGUAGE", "PLAYBOOKS_DIR", "REVENUE_PER_MINUTE", "CURRENCY", "WORKERS", "DATABASE_URL",
			"PROBE_CONFIRM", "PROVIDER_STATUS_PAGES takes name=", "SLACK_SIGNING_SECRET is needed", "SLACK_BOT_TOKEN must be a bot token", "SLACK_API_URL must end with a slash", "META_ADS_ACCOUNT_IDS"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := loadConfig(context.Background(), func(k string) string { return tc.env[k] })
			if len(tc.wantErr) == 0 {
				if err != nil {
					t.Fatalf("got error %v, want none", err)
				}
				if cfg.HTTPAddr != ":8080" || cfg.Workers != 4 || cfg.Language != "en" {
					t.Errorf("defaults not applied: %+v", cfg)
				}
				return
			}
			if err == nil {
				t.Fatalf("got no error, want one naming %v", tc.wantErr)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %s", err, w)
				}
			}
			if strings.Contains(err.Error(), "secretpw") {
				t.Errorf("error leaks a value: %q", err)
			}
		})
	}
}
