package signin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"

	"incidentbot"
)

// DiscordURL is where Discord's OAuth2 and API live.
const DiscordURL = "https://discord.com"

// DiscordConfig turns sign-in with Discord on.
type DiscordConfig struct {
	ClientID     string
	ClientSecret incidentbot.Secret
	// URL is Discord's address; "" is DiscordURL. Tests point it at a fake.
	URL string
	// GuildID is the server whose members may sign in: the one the chat
	// side serves.
	GuildID string
}

// discordOAuth signs people in with Discord OAuth2 (identify and
// guilds.members.read): who they are from /users/@me, and that they are a
// member of the guild from /users/@me/guilds/{guild}/member.
type discordOAuth struct {
	cfg      DiscordConfig
	api      *url.URL
	oauth    *oauth2.Config
	client   *http.Client
	redirect string
}

func newDiscord(cfg DiscordConfig, redirect string, client *http.Client) (*discordOAuth, error) {
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, errors.New("signin: Discord needs a client id and a client secret")
	}
	if cfg.GuildID == "" {
		return nil, errors.New("signin: Discord needs the guild whose members may sign in")
	}
	if cfg.URL == "" {
		cfg.URL = DiscordURL
	}
	base, err := url.Parse(strings.TrimSuffix(cfg.URL, "/"))
	if err != nil || base.Host == "" {
		return nil, errors.New("signin: the Discord URL must be like https://discord.com")
	}
	return &discordOAuth{
		cfg:    cfg,
		api:    base.JoinPath("api", "v10"),
		client: client,
		oauth: &oauth2.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret.Reveal(),
			Endpoint: oauth2.Endpoint{
				AuthURL:   base.JoinPath("oauth2", "authorize").String(),
				TokenURL:  base.JoinPath("api", "oauth2", "token").String(),
				AuthStyle: oauth2.AuthStyleInHeader,
			},
			RedirectURL: redirect,
			Scopes:      []string{"identify", "guilds.members.read"},
		},
	}, nil
}

func (d *discordOAuth) label() string { return "Discord" }

func (d *discordOAuth) allows(guild string) bool { return guild == d.cfg.GuildID }

func (d *discordOAuth) authCodeURL(_ *http.Request, f flow) (string, error) {
	return d.oauth.AuthCodeURL(f.State, oauth2.S256ChallengeOption(f.Verifier)), nil
}

// discordUser is the part of Discord's user object we use.
type discordUser struct {
	ID         string `json:"id"`
	Username   string `json:"username"`
	GlobalName string `json:"global_name"`
}

// discordMember is the part of Discord's guild member object we use.
type discordMember struct {
	Nick string `json:"nick"`
}

func (d *discordOAuth) signIn(r *http.Request, code string, f flow) (session, error) {
	ctx := context.WithValue(r.Context(), oauth2.HTTPClient, d.client)
	tok, err := d.oauth.Exchange(ctx, code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		return session{}, exchangeError("Discord", err)
	}
	client := d.oauth.Client(ctx, tok)
	var u discordUser
	if status, err := d.get(r, client, "users/@me", &u); err != nil {
		return session{}, err
	} else if status != http.StatusOK || u.ID == "" {
		return session{}, refuse(incidentbot.EUNAVAILABLE, "no_user", map[string]any{"Status": status}, nil)
	}
	var m discordMember
	status, err := d.get(r, client, "users/@me/guilds/"+url.PathEscape(d.cfg.GuildID)+"/member", &m)
	switch {
	case err != nil:
		return session{}, err
	case status == http.StatusNotFound:
		return session{}, refuse(incidentbot.EFORBIDDEN, "not_member", nil, nil)
	case status != http.StatusOK:
		return session{}, refuse(incidentbot.EUNAVAILABLE, "no_membership", map[string]any{"Status": status}, nil)
	}
	name := m.Nick
	if name == "" {
		name = u.GlobalName
	}
	if name == "" {
		name = u.Username
	}
	return session{Platform: Discord, Workspace: d.cfg.GuildID, UserID: u.ID, Name: displayName(name, u.ID)}, nil
}

// get reads one API resource into v when it answers 200, and gives the status.
func (d *discordOAuth) get(r *http.Request, client *http.Client, path string, v any) (int, error) {
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, d.api.String()+"/"+path, nil)
	if err != nil {
		return 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, refuse(incidentbot.EUNAVAILABLE, "unreachable", about("Discord"), fmt.Errorf("discord %s: %w", path, err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		return resp.StatusCode, nil
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(v); err != nil {
		return 0, refuse(incidentbot.EUNAVAILABLE, "unreadable", about("Discord"), fmt.Errorf("discord %s: %w", path, err))
	}
	return resp.StatusCode, nil
}
