package discord

import (
	"errors"

	"incidentbot"
)

// Config is the Discord application as the environment sets it
// (README.md, Discord).
type Config struct {
	BotToken  incidentbot.Secret // DISCORD_BOT_TOKEN; "" leaves Discord off
	AppID     string             // DISCORD_APP_ID
	PublicKey string             // DISCORD_PUBLIC_KEY: checks interactions over HTTP
	GuildID   string             // DISCORD_GUILD_ID: the one server served
	Mode      string             // DISCORD_MODE: http (interactions endpoint) or gateway
	// CommandsOnly is for registering the commands, which takes no
	// interactions and checks the guild itself (--global needs none).
	CommandsOnly bool
}

// Validate returns one error a problem, naming the variable and the fix,
// never the value.
func (c Config) Validate() error {
	var errs []error
	if c.BotToken != "" {
		if c.AppID == "" {
			errs = append(errs, errors.New("DISCORD_APP_ID is needed with DISCORD_BOT_TOKEN (Developer Portal, General Information, Application ID)"))
		}
		if c.GuildID == "" && !c.CommandsOnly {
			errs = append(errs, errors.New("DISCORD_GUILD_ID is needed with DISCORD_BOT_TOKEN (the server's id: right-click the server, Copy Server ID)"))
		}
		if c.Mode == "http" && c.PublicKey == "" && !c.CommandsOnly {
			errs = append(errs, errors.New("DISCORD_PUBLIC_KEY is needed to check interactions over HTTP (Developer Portal, General Information), or set DISCORD_MODE=gateway"))
		}
	}
	if c.Mode != "http" && c.Mode != "gateway" {
		errs = append(errs, errors.New("DISCORD_MODE must be http (interactions endpoint) or gateway (no public URL)"))
	}
	return errors.Join(errs...)
}
