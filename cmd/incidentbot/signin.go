package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/server"
	"incidentbot/store"
	"incidentbot/web/signin"
)

// signInProblems checks the sign-in variables, one line per problem.
func (c config) signInProblems() []error {
	var errs []error
	bad := func(id string, data map[string]any) { errs = append(errs, i18n.Problemf(id, data)) }
	if (c.SlackClientID == "") != (c.SlackClientSecret == "") {
		bad("config.signin.slack_pair", nil)
	}
	if c.SlackClientID != "" && len(c.slackTeams()) == 0 && c.SlackBotToken == "" {
		bad("config.signin.slack_teams", nil)
	}
	if (c.DiscordClientID == "") != (c.DiscordClientSecret == "") {
		bad("config.signin.discord_pair", nil)
	}
	if c.DiscordClientID != "" && c.DiscordGuildID == "" {
		bad("config.signin.discord_guild", nil)
	}
	// The status page's feed and JSON link to PUBLIC_URL too, so it is
	// checked whenever it is set.
	if c.PublicURL == "" && c.signInOn() {
		bad("config.signin.public_url_missing", nil)
	} else if c.PublicURL != "" && signin.CheckPublicURL(c.PublicURL) != nil {
		bad("config.signin.public_url", nil)
	}
	if k := c.WebSessionKey.Reveal(); k != "" {
		if b, err := base64.StdEncoding.DecodeString(k); err != nil || len(b) < signin.MinKeyLen {
			bad("config.signin.session_key", map[string]any{"Bytes": signin.MinKeyLen})
		}
	}
	if c.WebSessionTTL < 5*time.Minute || c.WebSessionTTL > 30*24*time.Hour {
		bad("config.signin.session_ttl", nil)
	}
	for name, v := range map[string]string{"SLACK_OIDC_URL": c.SlackOIDCURL, "DISCORD_OAUTH_URL": c.DiscordOAuthURL} {
		if u, err := url.Parse(v); v != "" && (err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "") {
			bad("config.signin.provider_url", map[string]any{"Name": name})
		}
	}
	return errs
}

// signInOn says some sign-in is configured.
func (c config) signInOn() bool { return c.SlackClientID != "" || c.DiscordClientID != "" }

// sessionKeyName names the generated key in the store.
const sessionKeyName = "web-session"

// newAuth builds the sign-in from the configuration and puts its pages and
// guards in deps. slackTeam is the bot token's workspace, "" without one.
func newAuth(ctx context.Context, cfg config, db *store.DB, slackTeam string, clock incidentbot.Clock, logger *slog.Logger, deps *server.Deps) error {
	sc := signin.Config{PublicURL: cfg.PublicURL, SessionTTL: cfg.WebSessionTTL, Language: cfg.Language}
	if cfg.SlackClientID != "" {
		teams := cfg.slackTeams()
		if len(teams) == 0 {
			teams = []string{slackTeam}
		}
		sc.Slack = &signin.SlackConfig{ClientID: cfg.SlackClientID, ClientSecret: cfg.SlackClientSecret, Issuer: cfg.SlackOIDCURL, Teams: teams}
	}
	if cfg.DiscordClientID != "" {
		sc.Discord = &signin.DiscordConfig{ClientID: cfg.DiscordClientID, ClientSecret: cfg.DiscordClientSecret, URL: cfg.DiscordOAuthURL, GuildID: cfg.DiscordGuildID}
	}
	if cfg.signInOn() {
		key, err := sessionKey(ctx, cfg, db)
		if err != nil {
			return err
		}
		sc.Key = key
	}
	auth, err := signin.New(sc, clock, logger)
	if err != nil {
		return err
	}
	if auth.Enabled() {
		logger.InfoContext(ctx, "sign-in on", "slack", sc.Slack != nil, "discord", sc.Discord != nil, "public_url", cfg.PublicURL)
	} else {
		logger.InfoContext(ctx, signInOffLine)
	}
	deps.SignIn, deps.SignInStart, deps.SignInCallback, deps.SignOut = auth.Page(), auth.Start(), auth.Callback(), auth.SignOut()
	deps.Guard, deps.Identify = auth.Guard, auth.Identify
	return nil
}

// signInOffLine is serve's log line when no sign-in is configured.
const signInOffLine = "sign-in is off: the dashboard answers only browsers on this machine; to open it from elsewhere set PUBLIC_URL and SLACK_CLIENT_ID/SLACK_CLIENT_SECRET or DISCORD_CLIENT_ID/DISCORD_CLIENT_SECRET (README.md, Sign-in)"

// sessionKey is WEB_SESSION_KEY, else the key kept in the store, made by
// the first process that needed one.
func sessionKey(ctx context.Context, cfg config, db *store.DB) ([]byte, error) {
	if k := cfg.WebSessionKey.Reveal(); k != "" {
		return base64.StdEncoding.DecodeString(k) // checked by validate
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	key, err := db.SigningKey(ctx, sessionKeyName, fresh)
	if err != nil {
		return nil, fmt.Errorf("session signing key: %w", err)
	}
	if len(key) < signin.MinKeyLen {
		return nil, errors.New("the session signing key kept in the database is too short: delete the web-session row of web_keys, or set WEB_SESSION_KEY")
	}
	return key, nil
}
