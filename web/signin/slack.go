package signin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"incidentbot"
)

// SlackIssuer is Sign in with Slack's OpenID Connect issuer.
const SlackIssuer = "https://slack.com"

// SlackConfig turns "Sign in with Slack" on.
type SlackConfig struct {
	ClientID     string
	ClientSecret incidentbot.Secret
	// Issuer is where the discovery document is; "" is SlackIssuer.
	// Tests point it at a fake.
	Issuer string
	// Teams are the workspaces whose members may sign in: the ones the
	// chat side serves.
	Teams []string
}

// slackOIDC signs people in with Slack's OpenID Connect: the ID token is
// verified (signature from Slack's keys, issuer, audience, expiry, nonce)
// and its team claim must be one of the served workspaces.
type slackOIDC struct {
	cfg      SlackConfig
	redirect string
	client   *http.Client
	clock    incidentbot.Clock

	mu       sync.Mutex
	provider *oidc.Provider // discovered on first use, so a Slack outage does not stop serve
}

func newSlack(cfg SlackConfig, redirect string, client *http.Client, clock incidentbot.Clock) (*slackOIDC, error) {
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, errors.New("signin: Slack needs a client id and a client secret")
	}
	if len(cfg.Teams) == 0 {
		return nil, errors.New("signin: Slack needs the workspaces whose members may sign in")
	}
	if cfg.Issuer == "" {
		cfg.Issuer = SlackIssuer
	}
	cfg.Teams = slices.Clone(cfg.Teams)
	return &slackOIDC{cfg: cfg, redirect: redirect, client: client, clock: clock}, nil
}

func (s *slackOIDC) label() string { return "Slack" }

func (s *slackOIDC) allows(team string) bool { return slices.Contains(s.cfg.Teams, team) }

func (s *slackOIDC) discover(ctx context.Context) (*oidc.Provider, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.provider != nil {
		return s.provider, nil
	}
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, s.client), s.cfg.Issuer)
	if err != nil {
		return nil, refuse(incidentbot.EUNAVAILABLE, "unreachable", about("Slack"), fmt.Errorf("slack openid discovery: %w", err))
	}
	s.provider = p
	return p, nil
}

func (s *slackOIDC) oauth(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     s.cfg.ClientID,
		ClientSecret: s.cfg.ClientSecret.Reveal(),
		Endpoint:     p.Endpoint(),
		RedirectURL:  s.redirect,
		Scopes:       []string{oidc.ScopeOpenID, "profile"},
	}
}

func (s *slackOIDC) authCodeURL(r *http.Request, f flow) (string, error) {
	p, err := s.discover(r.Context())
	if err != nil {
		return "", err
	}
	opts := []oauth2.AuthCodeOption{oidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier)}
	if len(s.cfg.Teams) == 1 {
		opts = append(opts, oauth2.SetAuthURLParam("team", s.cfg.Teams[0])) // skip Slack's workspace picker
	}
	return s.oauth(p).AuthCodeURL(f.State, opts...), nil
}

// slackClaims are the ID token's claims we use.
type slackClaims struct {
	Team string `json:"https://slack.com/team_id"`
	Name string `json:"name"`
}

func (s *slackOIDC) signIn(r *http.Request, code string, f flow) (session, error) {
	ctx := oidc.ClientContext(r.Context(), s.client)
	p, err := s.discover(ctx)
	if err != nil {
		return session{}, err
	}
	tok, err := s.oauth(p).Exchange(ctx, code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		return session{}, exchangeError("Slack", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return session{}, refuse(incidentbot.EUNAVAILABLE, "no_id_token", nil, nil)
	}
	id, err := p.Verifier(&oidc.Config{ClientID: s.cfg.ClientID, Now: s.clock.Now}).Verify(ctx, raw)
	if err != nil {
		return session{}, refuse(incidentbot.EUNAUTHORIZED, "unverified", nil, fmt.Errorf("verify slack id token: %w", err))
	}
	if id.Nonce != f.Nonce {
		return session{}, refuse(incidentbot.EUNAUTHORIZED, "other_signin", nil, nil)
	}
	var c slackClaims
	if err := id.Claims(&c); err != nil {
		return session{}, refuse(incidentbot.EUNAVAILABLE, "unreadable", about("Slack"), err)
	}
	if !s.allows(c.Team) {
		return session{}, refuse(incidentbot.EFORBIDDEN, "workspace", nil, nil)
	}
	return session{Platform: Slack, Workspace: c.Team, UserID: id.Subject, Name: displayName(c.Name, id.Subject)}, nil
}

// exchangeError maps a failed code exchange: a refused code (expired,
// used, or for another client) is the person's to retry; anything else is
// the provider's trouble.
func exchangeError(provider string, err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode < 500 && re.Response.StatusCode != http.StatusTooManyRequests {
		return refuse(incidentbot.EINVALID, "exchange", about(provider), fmt.Errorf("%s token exchange: %w", strings.ToLower(provider), err))
	}
	return refuse(incidentbot.EUNAVAILABLE, "unreachable", about(provider), fmt.Errorf("%s token exchange: %w", strings.ToLower(provider), err))
}

// displayName is a name to show, at most 80 characters; the user id when
// there is none.
func displayName(name, id string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		return id
	}
	if r := []rune(name); len(r) > 80 {
		return string(r[:80])
	}
	return name
}
