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
	"incidentbot/server"
	"incidentbot/store"
	"incidentbot/web/signin"
)

// signInProblems checks the sign-in variables, one line per problem.
func (c config) signInProblems() []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("- "+format, args...)) }
	if (c.SlackClientID == "") != (c.SlackClientSecret == "") {
		bad("SLACK_CLIENT_ID and SLACK_CLIENT_SECRET go together, for Sign in with Slack (your Slack app, Basic Information, App Credentials)")
	}
	if c.SlackClientID != "" && len(c.slackTeams()) == 0 && c.SlackBotToken == "" {
		bad("Sign in with Slack needs the workspaces whose members may sign in: set SLACK_TEAM_IDS, or SLACK_BOT_TOKEN for the bot's own workspace")
	}
	if (c.DiscordClientID == "") != (c.DiscordClientSecret == "") {
		bad("DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET go together, for sign-in with Discord (Developer Portal, OAuth2)")
	}
	if c.DiscordClientID != "" && c.DiscordGuildID == "" {
		bad("sign-in with Discord needs DISCORD_GUILD_ID, the server whose members may sign in (right-click the server, Copy Server ID)")
	}
	if c.signInOn() {
		if c.PublicURL == "" {
			bad("PUBLIC_URL is needed for sign-in: the address people open, like https://incidents.example.com (the providers send them back there)")
		} else if err := signin.CheckPublicURL(c.PublicURL); err != nil {
			bad("PUBLIC_URL must be the address people open, like https://incidents.example.com, over https (plain http only for localhost)")
		}
	}
	if k := c.WebSessionKey.Reveal(); k != "" {
		if b, err := base64.StdEncoding.DecodeString(k); err != nil || len(b) < signin.MinKeyLen {
			bad("WEB_SESSION_KEY must be at least %d random bytes in base64, like the output of openssl rand -base64 32 (unset: a key is generated and kept in the database)", signin.MinKeyLen)
		}
	}
	if c.WebSessionTTL < 5*time.Minute || c.WebSessionTTL > 30*24*time.Hour {
		bad("WEB_SESSION_TTL must be between 5m and 720h (how long a sign-in lasts)")
	}
	for name, v := range map[string]string{"SLACK_OIDC_URL": c.SlackOIDCURL, "DISCORD_OAUTH_URL": c.DiscordOAuthURL} {
		if u, err := url.Parse(v); v != "" && (err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "") {
			bad("%s must be an http(s) URL, like https://slack.com or https://discord.com (only tests change it)", name)
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
