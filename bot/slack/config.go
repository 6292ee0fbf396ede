package slack

import (
	"errors"
	"strings"

	"incidentbot"
	"incidentbot/i18n"
)

// Config is the Slack app as the environment sets it (README.md, Slack).
type Config struct {
	BotToken      incidentbot.Secret // SLACK_BOT_TOKEN, xoxb-…; "" leaves Slack off
	SigningSecret incidentbot.Secret // SLACK_SIGNING_SECRET: checks requests over HTTP
	AppToken      incidentbot.Secret // SLACK_APP_TOKEN, xapp-…: Socket Mode
	APIURL        string             // SLACK_API_URL; "" for Slack's
	TeamIDs       []string           // SLACK_TEAM_IDS: the only workspaces served (or signed in to); none: the bot token's
}

// Validate returns one error a problem, naming the variable and the fix,
// never the value.
func (c Config) Validate() error {
	var errs []error
	bad := func(id string, data map[string]any) { errs = append(errs, i18n.Problemf(id, data)) }
	for i, id := range c.TeamIDs {
		if len(id) < 2 || (id[0] != 'T' && id[0] != 'E') || strings.Trim(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" {
			bad("config.slack.team_id", map[string]any{"Item": i + 1})
		}
	}
	if c.BotToken != "" && c.SigningSecret == "" && c.AppToken == "" {
		bad("config.slack.signing_secret", nil)
	}
	if c.BotToken == "" && (c.SigningSecret != "" || c.AppToken != "") {
		bad("config.slack.bot_token_missing", nil)
	}
	if t := c.BotToken.Reveal(); t != "" && !strings.HasPrefix(t, "xoxb-") {
		bad("config.slack.bot_token", nil)
	}
	if t := c.AppToken.Reveal(); t != "" && !strings.HasPrefix(t, "xapp-") {
		bad("config.slack.app_token", nil)
	}
	if c.APIURL != "" && !strings.HasSuffix(c.APIURL, "/") {
		bad("config.slack.api_url", nil)
	}
	return errors.Join(errs...)
}
