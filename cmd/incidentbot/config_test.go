package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
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
		{name: "rate limits out of range", env: map[string]string{
			"DECLARE_MAX_PER_USER_PER_MINUTE": "-1", "ALERT_MAX_INCIDENTS_PER_NOTIFICATION": "0", "ALERT_MAX_INCIDENTS_PER_MINUTE": "100000",
		}, wantErr: []string{"DECLARE_MAX_PER_USER_PER_MINUTE must be between 0", "ALERT_MAX_INCIDENTS_PER_NOTIFICATION must be between 1", "ALERT_MAX_INCIDENTS_PER_MINUTE must be between 1"}},
		{name: "tracker unknown", env: map[string]string{"FOLLOWUPS_TARGET": "trello"}, wantErr: []string{"FOLLOWUPS_TARGET must be github, jira or linear"}},
		{name: "github half set", env: map[string]string{"FOLLOWUPS_TARGET": "github", "GITHUB_REPO": "secretpw"},
			wantErr: []string{"GITHUB_TOKEN is needed", "GITHUB_REPO must be owner/name"}},
		{name: "jira half set", env: map[string]string{"FOLLOWUPS_TARGET": "jira", "JIRA_BASE_URL": "https://acme.atlassian.net", "JIRA_API_TOKEN": "secretpw"},
			wantErr: []string{"JIRA_EMAIL must be", "JIRA_PROJECT must be a project key"}},
		{name: "linear half set", env: map[string]string{"FOLLOWUPS_TARGET": "linear", "LINEAR_API_KEY": "secretpw", "LINEAR_API_URL": "ftp://secretpw"},
			wantErr: []string{"LINEAR_TEAM_ID must be", "LINEAR_API_URL must be an http(s) URL"}},
		{name: "tracker set", env: map[string]string{"FOLLOWUPS_TARGET": "github", "GITHUB_TOKEN": "secretpw", "GITHUB_REPO": "acme/shop"}},
		{name: "revenue not a number", env: map[string]string{"REVENUE_PER_MINUTE": "lots-secretpw"}, wantErr: []string{"REVENUE_PER_MINUTE must be a number such as 12.5"}},
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
			cfg, err := loadConfig(context.Background(), "serve", func(k string) string { return tc.env[k] })
			if len(tc.wantErr) == 0 {
				if err != nil {
					t.Fatalf("got error %v, want none", err)
				}
				if cfg.HTTPAddr != ":8080" || cfg.Workers != 4 || cfg.Language != "en" ||
					cfg.declareLimit() != 5 || cfg.AlertMaxPerNotif != 10 || cfg.AlertMaxPerMinute != 20 {
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

// TestConfigErrorsJoined: every problem is reported at once, type errors
// included, each saying the expected form and never the value.
func TestConfigErrorsJoined(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"REVENUE_PER_MINUTE": "abc-secretpw", "PROBE_TIMEOUT": "10", "WORKERS": "four-secretpw",
		"PROBE_CONFIRM_INTERVAL": "soon-secretpw", "LOG_LEVEL": "loud", "BOT_LANGUAGE": "de",
	}
	_, err := loadConfig(context.Background(), "serve", func(k string) string { return env[k] })
	if err == nil {
		t.Fatal("got no error, want one per bad variable")
	}
	for _, want := range []string{
		"REVENUE_PER_MINUTE must be a number such as 12.5",
		"PROBE_TIMEOUT must be a duration such as 10s",
		"PROBE_CONFIRM_INTERVAL must be a duration such as 10s",
		"WORKERS must be a whole number such as 4",
		"LOG_LEVEL must be debug, info, warn or error",
		"BOT_LANGUAGE must be en or fr",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%s", want, err)
		}
	}
	if got := strings.Count(err.Error(), "\n- "); got != 6 {
		t.Errorf("got %d problem lines, want 6:\n%s", got, err)
	}
	if strings.Contains(err.Error(), "secretpw") || strings.Contains(err.Error(), `"10"`) {
		t.Errorf("error echoes a value: %q", err)
	}
}

// TestConfigAdPlatformsHalfConfigured: an ad platform with some of its
// variables is an error naming the missing ones; all or none is fine.
func TestConfigAdPlatformsHalfConfigured(t *testing.T) {
	t.Parallel()
	google := map[string]string{
		"GOOGLE_ADS_CLIENT_ID": "id.apps.googleusercontent.com", "GOOGLE_ADS_CLIENT_SECRET": "secretpw",
		"GOOGLE_ADS_REFRESH_TOKEN": "secretpw", "GOOGLE_ADS_DEVELOPER_TOKEN": "secretpw", "GOOGLE_ADS_CUSTOMER_IDS": "123-456-7890",
	}
	without := func(m map[string]string, drop ...string) map[string]string {
		out := map[string]string{}
		for k, v := range m {
			if !slices.Contains(drop, k) {
				out[k] = v
			}
		}
		return out
	}
	tests := []struct {
		name        string
		env         map[string]string
		want        string   // "" means no error
		wantMissing []string // named in the error
	}{
		{"google complete", google, "", nil},
		{"google without refresh token", without(google, "GOOGLE_ADS_REFRESH_TOKEN"), "Google Ads is half configured", []string{"GOOGLE_ADS_REFRESH_TOKEN"}},
		{"google ids alone", map[string]string{"GOOGLE_ADS_CUSTOMER_IDS": "1234567890"}, "Google Ads is half configured",
			[]string{"GOOGLE_ADS_CLIENT_ID", "GOOGLE_ADS_CLIENT_SECRET", "GOOGLE_ADS_REFRESH_TOKEN", "GOOGLE_ADS_DEVELOPER_TOKEN"}},
		{"tiktok ids without token", map[string]string{"TIKTOK_ADS_ADVERTISER_IDS": "7000000000000000001"}, "TikTok Ads is half configured", []string{"TIKTOK_ADS_ACCESS_TOKEN"}},
		{"tiktok token without ids", map[string]string{"TIKTOK_ADS_ACCESS_TOKEN": "secretpw"}, "TikTok Ads is half configured", []string{"TIKTOK_ADS_ADVERTISER_IDS"}},
		{"meta ids without token", map[string]string{"META_ADS_ACCOUNT_IDS": "act_1"}, "Meta Ads is half configured", []string{"META_ADS_ACCESS_TOKEN"}},
		{"microsoft without customer", map[string]string{
			"MICROSOFT_ADS_CLIENT_ID": "x", "MICROSOFT_ADS_REFRESH_TOKEN": "secretpw", "MICROSOFT_ADS_DEVELOPER_TOKEN": "secretpw", "MICROSOFT_ADS_ACCOUNT_IDS": "1",
		}, "Microsoft Advertising is half configured", []string{"MICROSOFT_ADS_CUSTOMER_ID"}},
		{"microsoft accounts with their customers", map[string]string{
			"MICROSOFT_ADS_CLIENT_ID": "x", "MICROSOFT_ADS_REFRESH_TOKEN": "secretpw", "MICROSOFT_ADS_DEVELOPER_TOKEN": "secretpw", "MICROSOFT_ADS_ACCOUNT_IDS": "1:10,2:20",
		}, "", nil},
		{"only an API URL", map[string]string{"GOOGLE_ADS_API_URL": "http://127.0.0.1:1"}, "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := loadConfig(context.Background(), "serve", func(k string) string { return tc.env[k] })
			if tc.want == "" {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			for _, m := range tc.wantMissing {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error does not name %s: %v", m, err)
				}
			}
			if strings.Contains(err.Error(), "secretpw") {
				t.Errorf("error echoes a value: %v", err)
			}
		})
	}
}

// TestConfigDatabaseURL: DATABASE_URL is parsed at start; a bad one is named
// without its password.
func TestConfigDatabaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ url, want string }{
		{"postgres://bot:secretpw@db:5432/incidentbot?sslmode=disable", ""},
		{"postgresql:///incidentbot?host=/var/run/postgresql", ""},
		{"postgres://bot:secret%zzpw@db/incidentbot", "DATABASE_URL is not a valid URL"},
		{"postgres://bot:secretpw@/incidentbot", "DATABASE_URL must name the server"},
		{"mysql://bot:secretpw@db/incidentbot", "DATABASE_URL must be a postgres:// URL"},
	}
	for _, tc := range tests {
		_, err := loadConfig(context.Background(), "serve", func(k string) string {
			return map[string]string{"DATABASE_URL": tc.url}[k]
		})
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s: got %v, want no error", tc.want, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want %q", err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("error leaks the password: %v", err)
		}
	}
}

// TestTenancyAdsAdmins: an ads admin is a user id on one platform; bare
// ids are read by their shape, anything else is refused at start.
func TestTenancyAdsAdmins(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env     string
		want    []string
		wantErr bool
	}{
		{"", []string{}, false},
		{"slack:U0123ABCD, discord:80351110224678912", []string{"slack:U0123ABCD", "discord:80351110224678912"}, false},
		{"U0123ABCD,W0456EFGH,80351110224678912", []string{"slack:U0123ABCD", "slack:W0456EFGH", "discord:80351110224678912"}, false},
		{"console:alice", []string{"console:alice"}, false},
		{"alice", nil, true},
		{"teams:U0123ABCD", nil, true},
		{"slack:", nil, true},
	}
	for _, tc := range tests {
		cfg, err := loadConfig(context.Background(), "serve", func(k string) string {
			if k == "ADS_ADMINS" {
				return tc.env
			}
			return ""
		})
		if tc.wantErr {
			if err == nil || !strings.Contains(err.Error(), "ADS_ADMINS item 1 must be platform:user-id") {
				t.Errorf("%q: got %v, want the ADS_ADMINS form explained", tc.env, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.env, err)
			continue
		}
		got, _ := cfg.adsAdmins()
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%q: got %v, want %v", tc.env, got, tc.want)
		}
	}
}

// TestTenancySlackTeamIDs: SLACK_TEAM_IDS lists team ids, with Slack
// configured; an alert workspace outside it could never be reached.
func TestTenancySlackTeamIDs(t *testing.T) {
	t.Parallel()
	slack := map[string]string{"SLACK_BOT_TOKEN": "xoxb-1-secretpw", "SLACK_SIGNING_SECRET": "secretpw"}
	with := func(extra map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range slack {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	tests := []struct {
		name string
		env  map[string]string
		want string // "" means no error
	}{
		{"two teams", with(map[string]string{"SLACK_TEAM_IDS": "T01SHOPX9Q, T02AGENCY7"}), ""},
		{"not a team id", with(map[string]string{"SLACK_TEAM_IDS": "T01SHOPX9Q,shop"}), "SLACK_TEAM_IDS item 2 must be a Slack team id"},
		{"without Slack", map[string]string{"SLACK_TEAM_IDS": "T01SHOPX9Q"}, "SLACK_TEAM_IDS is set but Slack is not configured"},
		{"alert workspace outside", with(map[string]string{"SLACK_TEAM_IDS": "T01SHOPX9Q", "ALERT_WEBHOOK_TOKEN": "secretpw",
			"ALERT_PLATFORM": "slack", "ALERT_CHANNEL": "C1", "ALERT_WORKSPACE": "T09OTHERWS"}), "ALERT_WORKSPACE must be one of SLACK_TEAM_IDS"},
	}
	for _, tc := range tests {
		cfg, err := loadConfig(context.Background(), "serve", envFrom(tc.env))
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			} else if got := cfg.slackTeams(); len(got) != 2 || got[1] != "T02AGENCY7" {
				t.Errorf("%s: got teams %q, want both, trimmed", tc.name, got)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "secretpw") {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
}

// FuzzCheckDatabaseURL: any DATABASE_URL gets one of a few fixed answers,
// so none can quote it (it holds the password).
func FuzzCheckDatabaseURL(f *testing.F) {
	for _, s := range []string{"postgres://bot:pw@db/x", "postgres://bot:p%zz@db/x", "mysql://a:b@c/d", "postgres:///x?host=/tmp", "::", ""} {
		f.Add(s)
	}
	fixed := map[string]bool{"": true}
	for _, s := range []string{"postgres://bot:p%zz@db/x", "mysql://a:b@c/d", "postgres://bot:pw@/x"} {
		fixed[checkDatabaseURL(s)] = true
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if msg := checkDatabaseURL(raw); !fixed[msg] {
			t.Errorf("got %q, want one of the fixed answers", msg)
		}
	})
}

// TestPublicTextShopURL: SHOP_URL must be a full web address; the
// problem line does not echo it.
func TestPublicTextShopURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		value string
		ok    bool
	}{{"https://www.my-shop.fr/", true}, {"http://shop.internal:8080/", true}, {"www.my-shop.fr-secretpw", false}, {"ftp://shop.example/", false}} {
		env := map[string]string{"SHOP_URL": tc.value}
		cfg, err := loadConfig(context.Background(), "serve", func(k string) string { return env[k] })
		if tc.ok && (err != nil || cfg.ShopURL != tc.value) {
			t.Errorf("SHOP_URL=%s: got %+v, %v; want it kept", tc.value, cfg.ShopURL, err)
		}
		if !tc.ok && (err == nil || !strings.Contains(err.Error(), "SHOP_URL must be the shop's public address") || strings.Contains(err.Error(), "secretpw")) {
			t.Errorf("SHOP_URL=%s: got %v, want the problem named without the value", tc.value, err)
		}
	}
}

// TestLeaseConfig: JOB_LEASE stays short but sane, WORKER_ID is a plain
// name, and the worker name defaults to the host and the HTTP port, which
// no two processes on one host share.
func TestLeaseConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
		wantID  string
	}{
		{name: "defaults", wantID: "shop-web-1:8080"},
		{name: "named", env: map[string]string{"WORKER_ID": "incidentbot-0", "JOB_LEASE": "15s"}, wantID: "incidentbot-0"},
		{name: "port chosen at start", env: map[string]string{"HTTP_ADDR": "127.0.0.1:0"}, wantID: ""},
		{name: "lease too short", env: map[string]string{"JOB_LEASE": "1s"}, wantErr: "JOB_LEASE must be a duration between 5s and 5m"},
		{name: "lease too long", env: map[string]string{"JOB_LEASE": "1h"}, wantErr: "JOB_LEASE must be a duration between 5s and 5m"},
		{name: "lease not a duration", env: map[string]string{"JOB_LEASE": "20"}, wantErr: "JOB_LEASE must be a duration such as 10s"},
		{name: "worker id with spaces", env: map[string]string{"WORKER_ID": "bot one"}, wantErr: "WORKER_ID must be at most 64 letters"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := loadConfig(context.Background(), "serve", func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got error %v, want one saying %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if got := cfg.workerID(func() (string, error) { return "shop-web-1", nil }); got != tc.wantID {
				t.Errorf("worker id: got %q, want %q", got, tc.wantID)
			}
			if want := map[string]string{"": "20s", "15s": "15s"}[tc.env["JOB_LEASE"]]; cfg.JobLease.String() != want {
				t.Errorf("lease: got %s, want %s", cfg.JobLease, want)
			}
		})
	}
}

// TestDeadlineConfig: COMMAND_TIMEOUT stays inside the platforms' 3 s and
// COMMAND_MAX_IN_FLIGHT and DATABASE_MAX_CONNS are sane counts;
// DEBUG_PPROF is off unless set.
func TestDeadlineConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		env      map[string]string
		wantErr  string
		timeout  time.Duration
		inFlight int
		pprof    bool
	}{
		{name: "defaults", timeout: 2500 * time.Millisecond, inFlight: 32},
		{name: "set", env: map[string]string{"COMMAND_TIMEOUT": "1s", "COMMAND_MAX_IN_FLIGHT": "8", "DEBUG_PPROF": "true"},
			timeout: time.Second, inFlight: 8, pprof: true},
		{name: "timeout past the platforms' 3 s", env: map[string]string{"COMMAND_TIMEOUT": "3s"}, wantErr: "COMMAND_TIMEOUT must be between 100ms and 2700ms"},
		{name: "timeout too short", env: map[string]string{"COMMAND_TIMEOUT": "10ms"}, wantErr: "COMMAND_TIMEOUT must be between 100ms and 2700ms"},
		{name: "timeout not a duration", env: map[string]string{"COMMAND_TIMEOUT": "2500"}, wantErr: "COMMAND_TIMEOUT must be a duration such as 10s"},
		{name: "no commands at all", env: map[string]string{"COMMAND_MAX_IN_FLIGHT": "0"}, wantErr: "COMMAND_MAX_IN_FLIGHT must be between 1 and 10000"},
		{name: "one database connection", env: map[string]string{"DATABASE_MAX_CONNS": "1"}, wantErr: "DATABASE_MAX_CONNS must be 0 (three a core of this machine, 4 to 20) or between 2 and 500"},
		{name: "database connections not a number", env: map[string]string{"DATABASE_MAX_CONNS": "many"}, wantErr: "DATABASE_MAX_CONNS"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := loadConfig(context.Background(), "serve", func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got error %v, want one saying %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if cfg.CommandTimeout != tc.timeout || cfg.CommandInFlight != tc.inFlight || cfg.DebugPprof != tc.pprof {
				t.Errorf("got %v, %d, %v; want %v, %d, %v", cfg.CommandTimeout, cfg.CommandInFlight, cfg.DebugPprof, tc.timeout, tc.inFlight, tc.pprof)
			}
		})
	}
}
