package main

import (
	"context"
	"errors"
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
	"incidentbot/i18n"
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
	DatabaseMaxConns int                `env:"DATABASE_MAX_CONNS, default=0"`
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
		return cfg, configError(cfg.Language, err)
	}
	return cfg, nil
}

// configError says the problems in BOT_LANGUAGE, or in English when it is
// not a language the bot speaks (it may be the very problem).
func configError(lang string, err error) error {
	if lang != "fr" {
		lang = i18n.Default
	}
	return errors.New(i18n.T(lang, "config.heading", nil) + "\n- " + strings.Join(i18n.Lines(lang, err), "\n- "))
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
			return cfg, append(errs, i18n.Problemf("config.type.unknown", nil))
		}
		bad[name] = true
		errs = append(errs, i18n.Problemf("config.type.bad", map[string]any{"Name": name, "Want": i18n.M(want, nil)}))
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
		return name, "config.type.duration"
	}
	switch f.Type.Kind() {
	case reflect.Float32, reflect.Float64:
		return name, "config.type.number"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return name, "config.type.int"
	case reflect.Bool:
		return name, "config.type.bool"
	}
	return name, "config.type.form"
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
	p.lines(c.trackerProblems())
	return errors.Join(p...)
}

// problems are the configuration's problems, one line each.
type problems []error

// add notes the catalog message id with data.
func (p *problems) add(id string, data map[string]any) {
	*p = append(*p, i18n.Problemf(id, data))
}

// lines adds err's problems, an adapter's Validate for one.
func (p *problems) lines(err error) {
	if err != nil {
		*p = append(*p, err)
	}
}

// checkProcess checks how the process runs: its address, log, database,
// workers and command limits.
func (c config) checkProcess(p *problems) {
	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		p.add("config.http_addr", nil)
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		p.add("config.log_level", nil)
	}
	if u := c.DatabaseURL.Reveal(); u != "" {
		if id := checkDatabaseURL(u); id != "" {
			p.add(id, nil)
		}
	}
	if c.Workers < 1 || c.Workers > 64 {
		p.add("config.workers", nil)
	}
	if c.JobLease < 5*time.Second || c.JobLease > 5*time.Minute {
		p.add("config.job_lease", nil)
	}
	if len(c.WorkerID) > 64 || strings.Trim(c.WorkerID, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.:_-") != "" {
		p.add("config.worker_id", nil)
	}
	if c.CommandTimeout < 100*time.Millisecond || c.CommandTimeout > 2700*time.Millisecond {
		p.add("config.command_timeout", nil)
	}
	if c.CommandInFlight < 1 || c.CommandInFlight > 10000 {
		p.add("config.command_max_in_flight", nil)
	}
	if c.DatabaseMaxConns != 0 && (c.DatabaseMaxConns < 2 || c.DatabaseMaxConns > 500) {
		p.add("config.database_max_conns", nil)
	}
	if c.DeclarePerMinute < 0 || c.DeclarePerMinute > 1000 {
		p.add("config.declare_max_per_user_per_minute", nil)
	}
}

// checkShop checks what the bot knows of the shop: its language, address,
// playbooks, ads admins, revenue and time zone.
func (c config) checkShop(p *problems) {
	if c.Language != "en" && c.Language != "fr" {
		p.add("config.bot_language", nil)
	}
	if c.ShopURL != "" {
		if u, err := url.Parse(c.ShopURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			p.add("config.shop_url", nil)
		}
	}
	if c.PlaybooksDir != "" {
		if st, err := os.Stat(c.PlaybooksDir); err != nil || !st.IsDir() {
			p.add("config.playbooks_dir", nil)
		}
	}
	if _, err := c.adsAdmins(); err != nil {
		p.lines(err)
	}
	if c.RevenuePerMinute < 0 {
		p.add("config.revenue_per_minute", nil)
	}
	if _, err := c.location(); err != nil {
		p.add("config.bot_timezone", nil)
	}
	if profile, err := c.revenueProfile(); err != nil {
		p.lines(err)
	} else if profile != nil && !profile.Complete() && c.RevenuePerMinute == 0 {
		p.add("config.revenue_profile.partial", nil)
	}
	if len(c.Currency) != 3 || strings.ToUpper(c.Currency) != c.Currency {
		p.add("config.currency", nil)
	}
}

// checkWiring checks what spans adapters: the workspaces listed belong to a
// configured Slack, and alert incidents land on a chat the bot serves, in a
// workspace people can reach.
func (c config) checkWiring(p *problems) {
	if len(c.SlackTeamIDs) > 0 && c.SlackBotToken == "" && c.SlackClientID == "" {
		p.add("config.slack_team_ids", nil)
	}
	if c.AlertWebhookToken == "" && c.AlertGrafanaHMAC == "" {
		return
	}
	switch {
	case c.AlertPlatform == incidentbot.PlatformSlack && c.SlackBotToken == "":
		p.add("config.alert_platform.slack", nil)
	case c.AlertPlatform == incidentbot.PlatformDiscord && c.DiscordBotToken == "":
		p.add("config.alert_platform.discord", nil)
	}
	if c.AlertWorkspace != "" && c.AlertPlatform == incidentbot.PlatformDiscord && c.AlertWorkspace != c.DiscordGuildID {
		p.add("config.alert_workspace.discord", nil)
	}
	if c.AlertWorkspace != "" && c.AlertPlatform == incidentbot.PlatformSlack && len(c.slackTeams()) > 0 && !slices.Contains(c.slackTeams(), c.AlertWorkspace) {
		p.add("config.alert_workspace.slack", nil)
	}
}

// checkSignals checks what feeds incidents: alert limits and rules, provider
// status pages and the shop probe.
func (c config) checkSignals(p *problems) {
	if c.AlertMaxPerNotif < 1 || c.AlertMaxPerNotif > 10000 {
		p.add("config.alert_max_incidents_per_notification", nil)
	}
	if c.AlertMaxPerMinute < 1 || c.AlertMaxPerMinute > 10000 {
		p.add("config.alert_max_incidents_per_minute", nil)
	}
	if c.AlertRulesFile != "" {
		if _, err := os.Stat(c.AlertRulesFile); err != nil {
			p.add("config.alert_rules_file", nil)
		}
	}
	if _, err := probe.ParseProviderPages(c.ProviderStatusPages); err != nil {
		p.lines(err)
	}
	if c.ProbeTimeout < time.Second || c.ProbeTimeout > 2*time.Minute {
		p.add("config.probe_timeout", nil)
	}
	if c.ProbeConfirm < 1 || c.ProbeConfirm > 10 {
		p.add("config.probe_confirm", nil)
	}
	if c.ProbeConfirmInterval < 0 || c.ProbeConfirmInterval > 5*time.Minute {
		p.add("config.probe_confirm_interval", nil)
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
		return "config.database_url.invalid"
	case u.Scheme != "postgres" && u.Scheme != "postgresql":
		return "config.database_url.scheme"
	case u.Host == "" && u.Query().Get("host") == "":
		return "config.database_url.host"
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
			return nil, i18n.Problemf("config.ads_admins", map[string]any{"Item": i + 1})
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

// unjoin is err's parts when errors.Join made it, else err alone.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// revenueProfile reads REVENUE_PROFILE_FILE; nil when unset. Its problems
// come one a line, each naming the variable and the line of the file.
func (c config) revenueProfile() (*postmortem.RevenueProfile, error) {
	if c.RevenueProfile == "" {
		return nil, nil
	}
	f, err := os.Open(c.RevenueProfile)
	if err != nil {
		return nil, i18n.Problemf("config.revenue_profile.file", map[string]any{"Header": postmortem.ProfileHeader})
	}
	defer f.Close()
	p, err := postmortem.ParseRevenueProfile(f)
	if err != nil {
		var named []error
		for _, part := range unjoin(err) {
			named = append(named, i18n.Problemf("config.revenue_profile.problem", map[string]any{"Problem": i18n.LinesText(part)}))
		}
		return nil, errors.Join(named...)
	}
	return p, nil
}
