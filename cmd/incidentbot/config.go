package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/sethvargo/go-envconfig"

	"incidentbot"
	"incidentbot/bot"
	"incidentbot/bot/discord"
	"incidentbot/bot/slack"
	"incidentbot/integrations/ads/googleads"
	"incidentbot/integrations/ads/meta"
	"incidentbot/integrations/ads/microsoft"
	"incidentbot/integrations/ads/tiktok"
	"incidentbot/integrations/alerts"
	"incidentbot/integrations/probe"
	"incidentbot/postmortem"
)

// config is the whole environment-variable configuration. Later adapters
// (Slack, Discord, ad platforms, alerts) add their variables here.
type config struct {
	DatabaseURL      incidentbot.Secret `env:"DATABASE_URL"`
	HTTPAddr         string             `env:"HTTP_ADDR, default=:8080"`
	LogLevel         string             `env:"LOG_LEVEL, default=info"`
	Language         string             `env:"BOT_LANGUAGE, default=en"`
	ShopURL          string             `env:"SHOP_URL"`
	StatusPageName   string             `env:"STATUS_PAGE_NAME"`
	PlaybooksDir     string             `env:"PLAYBOOKS_DIR"`
	SummarySlack     string             `env:"SUMMARY_CHANNEL_SLACK"`
	SummaryDiscord   string             `env:"SUMMARY_CHANNEL_DISCORD"`
	RevenuePerMinute float64            `env:"REVENUE_PER_MINUTE, default=0"`
	Currency         string             `env:"CURRENCY, default=EUR"`
	RevenueProfile   string             `env:"REVENUE_PROFILE_FILE"`
	Timezone         string             `env:"BOT_TIMEZONE"`
	AdsAdmins        []string           `env:"ADS_ADMINS"`
	Workers          int                `env:"WORKERS, default=4"`
	JobLease         time.Duration      `env:"JOB_LEASE, default=20s"`
	WorkerID         string             `env:"WORKER_ID"`
	DeclarePerMinute int                `env:"DECLARE_MAX_PER_USER_PER_MINUTE, default=5"`
	CommandTimeout   time.Duration      `env:"COMMAND_TIMEOUT, default=2500ms"`
	CommandInFlight  int                `env:"COMMAND_MAX_IN_FLIGHT, default=32"`
	DebugPprof       bool               `env:"DEBUG_PPROF, default=false"`

	// Sign-in to the private web pages (signin.go).
	PublicURL           string             `env:"PUBLIC_URL"`
	WebSessionKey       incidentbot.Secret `env:"WEB_SESSION_KEY"`
	WebSessionTTL       time.Duration      `env:"WEB_SESSION_TTL, default=12h"`
	SlackClientID       string             `env:"SLACK_CLIENT_ID"`
	SlackClientSecret   incidentbot.Secret `env:"SLACK_CLIENT_SECRET"`
	SlackOIDCURL        string             `env:"SLACK_OIDC_URL"`
	DiscordClientID     string             `env:"DISCORD_CLIENT_ID"`
	DiscordClientSecret incidentbot.Secret `env:"DISCORD_CLIENT_SECRET"`
	DiscordOAuthURL     string             `env:"DISCORD_OAUTH_URL"`

	SlackBotToken      incidentbot.Secret `env:"SLACK_BOT_TOKEN"`
	SlackSigningSecret incidentbot.Secret `env:"SLACK_SIGNING_SECRET"`
	SlackAppToken      incidentbot.Secret `env:"SLACK_APP_TOKEN"`
	SlackAPIURL        string             `env:"SLACK_API_URL"`
	SlackTeamIDs       []string           `env:"SLACK_TEAM_IDS"`

	DiscordBotToken  incidentbot.Secret `env:"DISCORD_BOT_TOKEN"`
	DiscordAppID     string             `env:"DISCORD_APP_ID"`
	DiscordPublicKey string             `env:"DISCORD_PUBLIC_KEY"`
	DiscordGuildID   string             `env:"DISCORD_GUILD_ID"`
	DiscordAPIURL    string             `env:"DISCORD_API_URL"`
	DiscordMode      string             `env:"DISCORD_MODE, default=http"`

	AlertWebhookToken incidentbot.Secret `env:"ALERT_WEBHOOK_TOKEN"`
	AlertGrafanaHMAC  incidentbot.Secret `env:"ALERT_GRAFANA_HMAC_SECRET"`
	AlertPlatform     string             `env:"ALERT_PLATFORM"`
	AlertWorkspace    string             `env:"ALERT_WORKSPACE"`
	AlertChannel      string             `env:"ALERT_CHANNEL"`
	AlertRulesFile    string             `env:"ALERT_RULES_FILE"`
	AlertMaxPerNotif  int                `env:"ALERT_MAX_INCIDENTS_PER_NOTIFICATION, default=10"`
	AlertMaxPerMinute int                `env:"ALERT_MAX_INCIDENTS_PER_MINUTE, default=20"`

	GoogleAdsClientID        string             `env:"GOOGLE_ADS_CLIENT_ID"`
	GoogleAdsClientSecret    incidentbot.Secret `env:"GOOGLE_ADS_CLIENT_SECRET"`
	GoogleAdsRefreshToken    incidentbot.Secret `env:"GOOGLE_ADS_REFRESH_TOKEN"`
	GoogleAdsDeveloperToken  incidentbot.Secret `env:"GOOGLE_ADS_DEVELOPER_TOKEN"`
	GoogleAdsCustomerIDs     []string           `env:"GOOGLE_ADS_CUSTOMER_IDS"`
	GoogleAdsLoginCustomerID string             `env:"GOOGLE_ADS_LOGIN_CUSTOMER_ID"`
	GoogleAdsAPIURL          string             `env:"GOOGLE_ADS_API_URL"`
	GoogleAdsTokenURL        string             `env:"GOOGLE_ADS_TOKEN_URL"`

	MetaAdsAccessToken incidentbot.Secret `env:"META_ADS_ACCESS_TOKEN"`
	MetaAdsAccountIDs  []string           `env:"META_ADS_ACCOUNT_IDS"`
	MetaAdsAPIURL      string             `env:"META_ADS_API_URL"`
	MetaAdsAPIVersion  string             `env:"META_ADS_API_VERSION"`

	MicrosoftAdsClientID       string             `env:"MICROSOFT_ADS_CLIENT_ID"`
	MicrosoftAdsClientSecret   incidentbot.Secret `env:"MICROSOFT_ADS_CLIENT_SECRET"`
	MicrosoftAdsRefreshToken   incidentbot.Secret `env:"MICROSOFT_ADS_REFRESH_TOKEN"`
	MicrosoftAdsDeveloperToken incidentbot.Secret `env:"MICROSOFT_ADS_DEVELOPER_TOKEN"`
	MicrosoftAdsCustomerID     string             `env:"MICROSOFT_ADS_CUSTOMER_ID"`
	MicrosoftAdsAccountIDs     []string           `env:"MICROSOFT_ADS_ACCOUNT_IDS"`
	MicrosoftAdsAPIURL         string             `env:"MICROSOFT_ADS_API_URL"`
	MicrosoftAdsTokenURL       string             `env:"MICROSOFT_ADS_TOKEN_URL"`

	TikTokAdsAccessToken   incidentbot.Secret `env:"TIKTOK_ADS_ACCESS_TOKEN"`
	TikTokAdsAdvertiserIDs []string           `env:"TIKTOK_ADS_ADVERTISER_IDS"`
	TikTokAdsAPIURL        string             `env:"TIKTOK_ADS_API_URL"`

	NotifyTargets       string             `env:"NOTIFY_TARGETS"`
	NotifySMTPAddr      string             `env:"NOTIFY_SMTP_ADDR"`
	NotifySMTPFrom      string             `env:"NOTIFY_SMTP_FROM"`
	NotifySMTPUsername  string             `env:"NOTIFY_SMTP_USERNAME"`
	NotifySMTPPassword  incidentbot.Secret `env:"NOTIFY_SMTP_PASSWORD"`
	NotifyWebhookToken  incidentbot.Secret `env:"NOTIFY_WEBHOOK_TOKEN"`
	StatuspageAPIKey    incidentbot.Secret `env:"STATUSPAGE_API_KEY"`
	StatuspagePageID    string             `env:"STATUSPAGE_PAGE_ID"`
	StatuspageAPIURL    string             `env:"STATUSPAGE_API_URL"`
	PagerDutyRoutingKey incidentbot.Secret `env:"PAGERDUTY_ROUTING_KEY"`
	PagerDutyAPIURL     string             `env:"PAGERDUTY_API_URL"`

	FollowUpsTarget string             `env:"FOLLOWUPS_TARGET"`
	GitHubToken     incidentbot.Secret `env:"GITHUB_TOKEN"`
	GitHubRepo      string             `env:"GITHUB_REPO"`
	GitHubLabels    []string           `env:"GITHUB_LABELS"`
	GitHubAPIURL    string             `env:"GITHUB_API_URL"`
	JiraBaseURL     string             `env:"JIRA_BASE_URL"`
	JiraEmail       string             `env:"JIRA_EMAIL"`
	JiraAPIToken    incidentbot.Secret `env:"JIRA_API_TOKEN"`
	JiraProject     string             `env:"JIRA_PROJECT"`
	JiraIssueType   string             `env:"JIRA_ISSUE_TYPE"`
	JiraLabels      []string           `env:"JIRA_LABELS"`
	JiraAPIURL      string             `env:"JIRA_API_URL"`
	LinearAPIKey    incidentbot.Secret `env:"LINEAR_API_KEY"`
	LinearTeamID    string             `env:"LINEAR_TEAM_ID"`
	LinearAPIURL    string             `env:"LINEAR_API_URL"`

	ProviderStatusPages  string        `env:"PROVIDER_STATUS_PAGES"`
	ProbeTimeout         time.Duration `env:"PROBE_TIMEOUT, default=10s"`
	ProbeConfirm         int           `env:"PROBE_CONFIRM, default=3"`
	ProbeConfirmInterval time.Duration `env:"PROBE_CONFIRM_INTERVAL, default=10s"`
	ProbeAllowPrivate    bool          `env:"PROBE_ALLOW_PRIVATE, default=false"`
}

// loadConfig reads the environment through getenv and checks what cmd
// needs. Empty variables count as unset. Every problem is reported at once,
// one line each, naming the variable and the fix but never the value (it
// may be a secret).
func loadConfig(ctx context.Context, cmd string, getenv func(string) string) (config, error) {
	cfg, typeErrs := readEnv(ctx, getenv)
	if err := errors.Join(append(typeErrs, cfg.validate(cmd))...); err != nil {
		return cfg, fmt.Errorf("configuration:\n%w", err)
	}
	return cfg, nil
}

// readEnv fills a config from the environment. envconfig stops at the first
// value it cannot parse, so each bad variable is noted, treated as unset
// (its default applies) and the rest read again: one line per bad variable.
func readEnv(ctx context.Context, getenv func(string) string) (config, []error) {
	bad := map[string]bool{}
	lookup := envconfig.LookuperFunc(func(key string) (string, bool) {
		v := getenv(key)
		return v, v != "" && !bad[key]
	})
	var errs []error
	for {
		var cfg config
		err := envconfig.ProcessWith(ctx, &envconfig.Config{Target: &cfg, Lookuper: lookup})
		if err == nil {
			return cfg, errs
		}
		name, want := describeEnvError(err)
		if name == "" || bad[name] {
			return cfg, append(errs, errors.New("- a variable has a value of the wrong type: see README.md, Configuration"))
		}
		bad[name] = true
		errs = append(errs, fmt.Errorf("- %s must be %s", name, want))
	}
}

// describeEnvError names the variable behind envconfig's error, which starts
// with the Go field name, and the form it expects; the rest of the error is
// dropped because it may quote the value.
func describeEnvError(err error) (name, want string) {
	field, _, _ := strings.Cut(err.Error(), ":")
	f, ok := reflect.TypeFor[config]().FieldByName(field)
	if !ok {
		return "", ""
	}
	name, _, _ = strings.Cut(f.Tag.Get("env"), ",")
	switch f.Type {
	case reflect.TypeFor[time.Duration]():
		return name, "a duration such as 10s, 500ms or 2m"
	}
	switch f.Type.Kind() {
	case reflect.Float32, reflect.Float64:
		return name, "a number such as 12.5"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return name, "a whole number such as 4"
	case reflect.Bool:
		return name, "true or false"
	}
	return name, "in the form README.md, Configuration shows"
}

// validate checks the values together: the process's own, each adapter's
// (its Config knows its rules), then how the adapters fit together. cmd is
// the subcommand: registering Discord commands needs less than serving.
func (c config) validate(cmd string) error {
	var p problems
	c.checkProcess(&p)
	c.checkShop(&p)
	for _, adapter := range []interface{ Validate() error }{
		c.slack(), c.discord(cmd), c.alerts(), c.googleAds(), c.metaAds(), c.microsoftAds(), c.tikTokAds(),
	} {
		p.lines(adapter.Validate())
	}
	c.checkWiring(&p)
	c.checkSignals(&p)
	p = append(p, c.signInProblems()...)
	for _, line := range c.trackerProblems() {
		p.add("%s", line)
	}
	return errors.Join(p...)
}

// problems are the configuration's problems, one "- " line each.
type problems []error

func (p *problems) add(format string, args ...any) {
	*p = append(*p, fmt.Errorf("- "+format, args...))
}

// lines adds each line of err, an adapter's Validate.
func (p *problems) lines(err error) {
	if err == nil {
		return
	}
	for _, line := range strings.Split(err.Error(), "\n") {
		p.add("%s", line)
	}
}

// checkProcess checks how the process runs: its address, log, database,
// workers and command limits.
func (c config) checkProcess(p *problems) {
	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		p.add("HTTP_ADDR must be host:port or :port, like :8080")
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		p.add("LOG_LEVEL must be debug, info, warn or error")
	}
	if u := c.DatabaseURL.Reveal(); u != "" {
		if msg := checkDatabaseURL(u); msg != "" {
			p.add("DATABASE_URL %s; leave it unset to use the embedded SQLite file incidentbot.db", msg)
		}
	}
	if c.Workers < 1 || c.Workers > 64 {
		p.add("WORKERS must be between 1 and 64")
	}
	if c.JobLease < 5*time.Second || c.JobLease > 5*time.Minute {
		p.add("JOB_LEASE must be a duration between 5s and 5m, like 20s (how long a crashed worker's jobs wait before another takes them)")
	}
	if len(c.WorkerID) > 64 || strings.Trim(c.WorkerID, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.:_-") != "" {
		p.add("WORKER_ID must be at most 64 letters, digits and . : _ -, like the pod or host name, and differ between processes")
	}
	if c.CommandTimeout < 100*time.Millisecond || c.CommandTimeout > 2700*time.Millisecond {
		p.add("COMMAND_TIMEOUT must be between 100ms and 2700ms: Slack and Discord show a failure after 3s, and the answer needs the rest")
	}
	if c.CommandInFlight < 1 || c.CommandInFlight > 10000 {
		p.add("COMMAND_MAX_IN_FLIGHT must be between 1 and 10000 (commands handled at once; more are answered busy)")
	}
	if c.DeclarePerMinute < 0 || c.DeclarePerMinute > 1000 {
		p.add("DECLARE_MAX_PER_USER_PER_MINUTE must be between 0 (no limit) and 1000 (incidents one person may declare in a minute)")
	}
}

// checkShop checks what the bot knows of the shop: its language, address,
// playbooks, ads admins, revenue and time zone.
func (c config) checkShop(p *problems) {
	if c.Language != "en" && c.Language != "fr" {
		p.add("BOT_LANGUAGE must be en or fr")
	}
	if c.ShopURL != "" {
		if u, err := url.Parse(c.ShopURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			p.add("SHOP_URL must be the shop's public address, like https://www.your-shop.com/")
		}
	}
	if c.PlaybooksDir != "" {
		if st, err := os.Stat(c.PlaybooksDir); err != nil || !st.IsDir() {
			p.add("PLAYBOOKS_DIR must be an existing folder of playbook YAML files")
		}
	}
	if _, err := c.adsAdmins(); err != nil {
		p.add("%v", err)
	}
	if c.RevenuePerMinute < 0 {
		p.add("REVENUE_PER_MINUTE must be zero or more (the shop's average revenue per minute)")
	}
	if _, err := c.location(); err != nil {
		p.add("BOT_TIMEZONE must be a time zone name, like Europe/Paris (empty: UTC)")
	}
	if profile, err := c.revenueProfile(); err != nil {
		p.add("%v", err)
	} else if profile != nil && !profile.Complete() && c.RevenuePerMinute == 0 {
		p.add("REVENUE_PROFILE_FILE leaves hours of the week out: list all 168 (7 weekdays × 24 hours) or set REVENUE_PER_MINUTE for the others")
	}
	if len(c.Currency) != 3 || strings.ToUpper(c.Currency) != c.Currency {
		p.add("CURRENCY must be a three-letter ISO code in capitals, like EUR")
	}
}

// checkWiring checks what spans adapters: the workspaces listed belong to a
// configured Slack, and alert incidents land on a chat the bot serves, in a
// workspace people can reach.
func (c config) checkWiring(p *problems) {
	if len(c.SlackTeamIDs) > 0 && c.SlackBotToken == "" && c.SlackClientID == "" {
		p.add("SLACK_TEAM_IDS is set but Slack is not configured (SLACK_BOT_TOKEN, or SLACK_CLIENT_ID for sign-in only)")
	}
	if c.AlertWebhookToken == "" && c.AlertGrafanaHMAC == "" {
		return
	}
	switch {
	case c.AlertPlatform == incidentbot.PlatformSlack && c.SlackBotToken == "":
		p.add("ALERT_PLATFORM is slack but Slack is not configured (SLACK_BOT_TOKEN)")
	case c.AlertPlatform == incidentbot.PlatformDiscord && c.DiscordBotToken == "":
		p.add("ALERT_PLATFORM is discord but Discord is not configured (DISCORD_BOT_TOKEN)")
	}
	if c.AlertWorkspace != "" && c.AlertPlatform == incidentbot.PlatformDiscord && c.AlertWorkspace != c.DiscordGuildID {
		p.add("ALERT_WORKSPACE must be DISCORD_GUILD_ID (or unset): the bot answers no other server, so nobody could reach those incidents")
	}
	if c.AlertWorkspace != "" && c.AlertPlatform == incidentbot.PlatformSlack && len(c.slackTeams()) > 0 && !slices.Contains(c.slackTeams(), c.AlertWorkspace) {
		p.add("ALERT_WORKSPACE must be one of SLACK_TEAM_IDS (or unset): the bot answers no other workspace, so nobody could reach those incidents")
	}
}

// checkSignals checks what feeds incidents: alert limits and rules, provider
// status pages and the shop probe.
func (c config) checkSignals(p *problems) {
	if c.AlertMaxPerNotif < 1 || c.AlertMaxPerNotif > 10000 {
		p.add("ALERT_MAX_INCIDENTS_PER_NOTIFICATION must be between 1 and 10000 (beyond it, alerts join one alert-storm incident)")
	}
	if c.AlertMaxPerMinute < 1 || c.AlertMaxPerMinute > 10000 {
		p.add("ALERT_MAX_INCIDENTS_PER_MINUTE must be between 1 and 10000 (beyond it, alerts join one alert-storm incident)")
	}
	if c.AlertRulesFile != "" {
		if _, err := os.Stat(c.AlertRulesFile); err != nil {
			p.add("ALERT_RULES_FILE must be an existing YAML file of alert rules")
		}
	}
	if _, err := probe.ParseProviderPages(c.ProviderStatusPages); err != nil {
		p.add("%s", incidentbot.ErrorMessage(err))
	}
	if c.ProbeTimeout < time.Second || c.ProbeTimeout > 2*time.Minute {
		p.add("PROBE_TIMEOUT must be between 1s and 2m")
	}
	if c.ProbeConfirm < 1 || c.ProbeConfirm > 10 {
		p.add("PROBE_CONFIRM must be between 1 and 10 (checks in a row before the site counts as down)")
	}
	if c.ProbeConfirmInterval < 0 || c.ProbeConfirmInterval > 5*time.Minute {
		p.add("PROBE_CONFIRM_INTERVAL must be between 0s and 5m")
	}
}

// The adapters' configurations, as the environment sets them.

func (c config) slack() slack.Config {
	return slack.Config{BotToken: c.SlackBotToken, SigningSecret: c.SlackSigningSecret, AppToken: c.SlackAppToken,
		APIURL: c.SlackAPIURL, TeamIDs: c.slackTeams()}
}

func (c config) discord(cmd string) discord.Config {
	return discord.Config{BotToken: c.DiscordBotToken, AppID: c.DiscordAppID, PublicKey: c.DiscordPublicKey,
		GuildID: c.DiscordGuildID, Mode: c.DiscordMode, CommandsOnly: cmd == cmdRegisterDiscord}
}

func (c config) alerts() alerts.Config {
	return alerts.Config{Token: c.AlertWebhookToken, GrafanaSecret: c.AlertGrafanaHMAC, Platform: c.AlertPlatform, Channel: c.AlertChannel}
}

func (c config) googleAds() googleads.Config {
	return googleads.Config{
		ClientID: c.GoogleAdsClientID, ClientSecret: c.GoogleAdsClientSecret,
		RefreshToken: c.GoogleAdsRefreshToken, DeveloperToken: c.GoogleAdsDeveloperToken,
		CustomerIDs: c.GoogleAdsCustomerIDs, LoginCustomerID: c.GoogleAdsLoginCustomerID,
		APIURL: c.GoogleAdsAPIURL, TokenURL: c.GoogleAdsTokenURL,
	}
}

func (c config) metaAds() meta.Config {
	return meta.Config{AccessToken: c.MetaAdsAccessToken, AccountIDs: c.MetaAdsAccountIDs, APIURL: c.MetaAdsAPIURL, APIVersion: c.MetaAdsAPIVersion}
}

func (c config) microsoftAds() microsoft.Config {
	return microsoft.Config{
		ClientID: c.MicrosoftAdsClientID, ClientSecret: c.MicrosoftAdsClientSecret,
		RefreshToken: c.MicrosoftAdsRefreshToken, DeveloperToken: c.MicrosoftAdsDeveloperToken,
		CustomerID: c.MicrosoftAdsCustomerID, AccountIDs: c.MicrosoftAdsAccountIDs,
		APIURL: c.MicrosoftAdsAPIURL, TokenURL: c.MicrosoftAdsTokenURL,
	}
}

func (c config) tikTokAds() tiktok.Config {
	return tiktok.Config{AccessToken: c.TikTokAdsAccessToken, AdvertiserIDs: c.TikTokAdsAdvertiserIDs, APIURL: c.TikTokAdsAPIURL}
}

// checkDatabaseURL says what is wrong with a Postgres URL, or "". It never
// quotes the URL: it holds the password.
func checkDatabaseURL(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "is not a valid URL (percent-encode special characters in the user name and password)"
	case u.Scheme != "postgres" && u.Scheme != "postgresql":
		return "must be a postgres:// URL"
	case u.Host == "" && u.Query().Get("host") == "":
		return "must name the server, like postgres://user:password@db.example.com:5432/incidentbot"
	}
	return ""
}

// dsn is the store to open: Postgres when DATABASE_URL is set, else the SQLite file.
func (c config) dsn(sqlitePath string) string {
	if u := c.DatabaseURL.Reveal(); u != "" {
		return u
	}
	return "sqlite:" + sqlitePath
}

func (c config) summaryChannels() map[string]string {
	m := map[string]string{}
	if c.SummarySlack != "" {
		m[incidentbot.PlatformSlack] = c.SummarySlack
	}
	if c.SummaryDiscord != "" {
		m[incidentbot.PlatformDiscord] = c.SummaryDiscord
	}
	return m
}

// slackTeams is SLACK_TEAM_IDS without blanks: the only Slack workspaces
// served; empty means the team of the bot token.
func (c config) slackTeams() []string {
	var out []string
	for _, id := range c.SlackTeamIDs {
		if id = strings.TrimSpace(id); id != "" {
			out = append(out, id)
		}
	}
	return out
}

// adsAdmins returns ADS_ADMINS as the engine compares them: a role, or
// an admin, is held by a user id on one platform. Entries are
// platform:user-id; a bare id is read by its shape, which is unambiguous
// (Slack ids are U or W and capitals, Discord ids are digits).
func (c config) adsAdmins() ([]string, error) {
	out := make([]string, 0, len(c.AdsAdmins))
	for i, a := range c.AdsAdmins {
		a = strings.TrimSpace(a)
		platform, id, ok := strings.Cut(a, ":")
		if !ok {
			platform, id = bareUserPlatform(a), a
		}
		if (platform != incidentbot.PlatformSlack && platform != incidentbot.PlatformDiscord && platform != incidentbot.PlatformConsole) || id == "" {
			return nil, fmt.Errorf("ADS_ADMINS item %d must be platform:user-id, like slack:U0123ABCD or discord:80351110224678912", i+1)
		}
		out = append(out, bot.AdsAdmin(platform, id))
	}
	return out, nil
}

func bareUserPlatform(id string) string {
	switch {
	case id == "":
		return ""
	case strings.Trim(id, "0123456789") == "":
		return incidentbot.PlatformDiscord
	case (id[0] == 'U' || id[0] == 'W') && strings.Trim(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == "":
		return incidentbot.PlatformSlack
	}
	return ""
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	err := l.UnmarshalText([]byte(s))
	return l, err
}

// declareLimit is DECLARE_MAX_PER_USER_PER_MINUTE as the engine takes it:
// there 0 means the default and a negative number no limit.
func (c config) declareLimit() int {
	if c.DeclarePerMinute == 0 {
		return -1
	}
	return c.DeclarePerMinute
}

// workerID names serve's job workers across restarts: WORKER_ID, else the
// host name and the HTTP port (two processes on one host cannot share a
// port, and a container keeps both across restarts), else "" for a random
// name when the port is chosen at start or the host name is unknown.
func (c config) workerID(hostname func() (string, error)) string {
	if c.WorkerID != "" {
		return c.WorkerID
	}
	_, port, err := net.SplitHostPort(c.HTTPAddr)
	if err != nil || port == "" || port == "0" {
		return ""
	}
	host, err := hostname()
	if err != nil || host == "" {
		return ""
	}
	return host + ":" + port
}

// location is BOT_TIMEZONE; UTC when unset.
func (c config) location() (*time.Location, error) {
	if c.Timezone == "" {
		return time.UTC, nil
	}
	return time.LoadLocation(c.Timezone)
}

// revenueProfile reads REVENUE_PROFILE_FILE; nil when unset. Its problems
// come one a line, each naming the variable and the line of the file.
func (c config) revenueProfile() (*postmortem.RevenueProfile, error) {
	if c.RevenueProfile == "" {
		return nil, nil
	}
	f, err := os.Open(c.RevenueProfile)
	if err != nil {
		return nil, errors.New("REVENUE_PROFILE_FILE must be a readable CSV file (" + postmortem.ProfileHeader + ")")
	}
	defer f.Close()
	p, err := postmortem.ParseRevenueProfile(f)
	if err != nil {
		lines := strings.Split(err.Error(), "\n")
		for i, l := range lines {
			lines[i] = "REVENUE_PROFILE_FILE " + l
		}
		return nil, errors.New(strings.Join(lines, "\n- "))
	}
	return p, nil
}
