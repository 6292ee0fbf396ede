package discord

import (
	"errors"

	"incidentbot"
	"incidentbot/i18n"
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
			errs = append(errs, i18n.Problemf("config.discord.app_id", nil))
		}
		if c.GuildID == "" && !c.CommandsOnly {
			errs = append(errs, i18n.Problemf("config.discord.guild_id", nil))
		}
		if c.Mode == "http" && c.PublicKey == "" && !c.CommandsOnly {
			errs = append(errs, i18n.Problemf("config.discord.public_key", nil))
		}
	}
	if c.Mode != "http" && c.Mode != "gateway" {
		errs = append(errs, i18n.Problemf("config.discord.mode", nil))
	}
	return errors.Join(errs...)
}
