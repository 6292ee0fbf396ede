package slack

import (
	"errors"
	"fmt"
	"strings"

	"incidentbot"
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
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	for i, id := range c.TeamIDs {
		if len(id) < 2 || (id[0] != 'T' && id[0] != 'E') || strings.Trim(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" {
			bad("SLACK_TEAM_IDS item %d must be a Slack team id, like T01ABCDE2F (Slack: workspace settings, or the team_id of a request)", i+1)
		}
	}
	if c.BotToken != "" && c.SigningSecret == "" && c.AppToken == "" {
		bad("SLACK_SIGNING_SECRET is needed with SLACK_BOT_TOKEN to check requests from Slack (Basic Information page of your Slack app)")
	}
	if c.BotToken == "" && (c.SigningSecret != "" || c.AppToken != "") {
		bad("SLACK_BOT_TOKEN is needed when SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set (OAuth & Permissions page, starts with xoxb-)")
	}
	if t := c.BotToken.Reveal(); t != "" && !strings.HasPrefix(t, "xoxb-") {
		bad("SLACK_BOT_TOKEN must be a bot token starting with xoxb-")
	}
	if t := c.AppToken.Reveal(); t != "" && !strings.HasPrefix(t, "xapp-") {
		bad("SLACK_APP_TOKEN must be an app-level token starting with xapp-")
	}
	if c.APIURL != "" && !strings.HasSuffix(c.APIURL, "/") {
		bad("SLACK_API_URL must end with a slash, like https://slack.com/api/")
	}
	return errors.Join(errs...)
}
