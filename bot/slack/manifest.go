package slack

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	"go.yaml.in/yaml/v3"

	"incidentbot"
)

// botScopes are what the adapter calls need, by Web API method:
// commands (the slash command), chat:write (postMessage, postEphemeral,
// update), channels:manage and groups:write (create, invite, setTopic,
// setPurpose, archive), channels:read and groups:read (list, info),
// pins:write and pins:read, reactions:read, channels:history and
// groups:history (the text of a message pinned or reacted to), users:read,
// users:read.email (lookupByEmail), usergroups:read, app_mentions:read and
// files:write (getUploadURLExternal, completeUploadExternal: the
// post-mortem draft as a file).
var botScopes = []string{
	"app_mentions:read", "channels:history", "channels:manage", "channels:read", "chat:write", "commands",
	"files:write", "groups:history", "groups:read", "groups:write", "pins:read", "pins:write", "reactions:read",
	"usergroups:read", "users:read", "users:read.email",
}

// signInScopes are the user scopes of Sign in with Slack (OpenID Connect),
// which the web dashboard asks for (web/signin).
var signInScopes = []string{"openid", "profile"}

// manifest mirrors Slack's app manifest; field order is the order Slack's
// own examples use.
type manifest struct {
	DisplayInformation struct {
		Name            string `yaml:"name"`
		Description     string `yaml:"description"`
		BackgroundColor string `yaml:"background_color"`
	} `yaml:"display_information"`
	Features struct {
		BotUser struct {
			DisplayName  string `yaml:"display_name"`
			AlwaysOnline bool   `yaml:"always_online"`
		} `yaml:"bot_user"`
		Shortcuts     []shortcut     `yaml:"shortcuts"`
		SlashCommands []slashCommand `yaml:"slash_commands"`
	} `yaml:"features"`
	OAuthConfig struct {
		RedirectURLs []string `yaml:"redirect_urls,omitempty"`
		Scopes       struct {
			Bot  []string `yaml:"bot"`
			User []string `yaml:"user,omitempty"`
		} `yaml:"scopes"`
	} `yaml:"oauth_config"`
	Settings struct {
		EventSubscriptions struct {
			RequestURL string   `yaml:"request_url,omitempty"`
			BotEvents  []string `yaml:"bot_events"`
		} `yaml:"event_subscriptions"`
		Interactivity struct {
			IsEnabled  bool   `yaml:"is_enabled"`
			RequestURL string `yaml:"request_url,omitempty"`
		} `yaml:"interactivity"`
		OrgDeployEnabled     bool `yaml:"org_deploy_enabled"`
		SocketModeEnabled    bool `yaml:"socket_mode_enabled"`
		TokenRotationEnabled bool `yaml:"token_rotation_enabled"`
	} `yaml:"settings"`
}

type shortcut struct {
	Name        string `yaml:"name"`
	Type        string `yaml:"type"`
	CallbackID  string `yaml:"callback_id"`
	Description string `yaml:"description"`
}

type slashCommand struct {
	Command      string `yaml:"command"`
	URL          string `yaml:"url,omitempty"`
	Description  string `yaml:"description"`
	UsageHint    string `yaml:"usage_hint"`
	ShouldEscape bool   `yaml:"should_escape"`
}

// Manifest returns the app manifest (YAML) to create the Slack app from.
// Over HTTP every request URL is under base (https://bot.example.com);
// with Socket Mode there are none and base may be empty. With a base, the
// dashboard's Sign in with Slack is set up too: its redirect URL (base's
// /signin/slack/callback, PUBLIC_URL's on the web side) and user scopes.
func Manifest(base string, socketMode bool) ([]byte, error) {
	base = strings.TrimRight(base, "/")
	if !socketMode {
		u, err := url.Parse(base)
		if err != nil || u.Scheme != "https" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return nil, incidentbot.Errorf(incidentbot.EINVALID,
				"Slack needs a public https URL such as https://bot.example.com, got %q. Use Socket Mode when the bot has no public URL.", base)
		}
	}
	at := func(path string) string {
		if socketMode {
			return ""
		}
		return base + path
	}

	var m manifest
	m.DisplayInformation.Name = "incidentbot"
	m.DisplayInformation.Description = "Declare and run incidents: war rooms, roles, ad pauses, post-mortems."
	m.DisplayInformation.BackgroundColor = "#1d1c1d"
	m.Features.BotUser.DisplayName = "incidentbot"
	m.Features.BotUser.AlwaysOnline = true
	m.Features.Shortcuts = []shortcut{{
		Name: "Declare an incident", Type: "global", CallbackID: declareCallback,
		Description: "Open the declare form from anywhere",
	}}
	m.Features.SlashCommands = []slashCommand{{
		Command:     "/incident",
		URL:         at("/slack/commands"),
		Description: "Declare and run incidents",
		UsageHint:   "declare sev1 Checkout returns 504 | status | help",
		// Mentions then arrive as <@U123>, which role and invite commands read.
		ShouldEscape: true,
	}}
	m.OAuthConfig.Scopes.Bot = botScopes
	if base != "" {
		m.OAuthConfig.RedirectURLs = []string{base + "/signin/slack/callback"}
		m.OAuthConfig.Scopes.User = signInScopes
	}
	m.Settings.EventSubscriptions.RequestURL = at("/slack/events")
	m.Settings.EventSubscriptions.BotEvents = []string{"app_mention", "pin_added", "reaction_added"}
	m.Settings.Interactivity.IsEnabled = true
	m.Settings.Interactivity.RequestURL = at("/slack/interactions")
	m.Settings.SocketModeEnabled = socketMode

	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(m); err != nil {
		return nil, fmt.Errorf("encode slack manifest: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode slack manifest: %w", err)
	}
	return b.Bytes(), nil
}
