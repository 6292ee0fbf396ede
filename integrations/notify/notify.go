// Package notify sends the engine's notify, statuspage and page actions to
// their named targets: e-mail over SMTP and JSON webhooks for the hosting
// provider and the web agency, and the Statuspage and PagerDuty clients for
// the targets routed to them. The engine keeps one Notifier.
package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"

	"incidentbot"
)

// SMTP is the mail relay every e-mail target goes through.
type SMTP struct {
	Addr      string // host:port (NOTIFY_SMTP_ADDR); port 465 is not supported, use 587 or 25
	From      string // sender address (NOTIFY_SMTP_FROM)
	Username  string // optional (NOTIFY_SMTP_USERNAME); sent only after STARTTLS
	Password  incidentbot.Secret
	TLSConfig *tls.Config // nil: system roots; tests and private relays set RootCAs
}

// Config says where each target's messages go.
type Config struct {
	Targets      map[string]Target               // from ParseTargets(NOTIFY_TARGETS)
	SMTP         SMTP                            // needed when a target has e-mail
	WebhookToken incidentbot.Secret              // sent as a bearer token to every webhook (NOTIFY_WEBHOOK_TOKEN); New refuses it with an http:// webhook
	Services     map[string]incidentbot.Notifier // ViaStatuspage, ViaPagerDuty; nil when not configured
	Clock        incidentbot.Clock
}

// Notifier implements incidentbot.Notifier. It is safe for concurrent use.
type Notifier struct {
	cfg    Config
	hc     *http.Client
	logger *slog.Logger
}

var _ incidentbot.LinkNotifier = (*Notifier)(nil)

// serviceVars says what to set for each service, for messages.
var serviceVars = map[string]string{
	ViaStatuspage: "STATUSPAGE_API_KEY and STATUSPAGE_PAGE_ID",
	ViaPagerDuty:  "PAGERDUTY_ROUTING_KEY",
}

// builtin targets work without a NOTIFY_TARGETS entry: the playbooks'
// statuspage and page actions name them.
var builtin = map[string]string{
	"statuspage": ViaStatuspage,
	"page":       ViaPagerDuty,
	"pagerduty":  ViaPagerDuty,
}

// New checks cfg: every problem is one line of the returned error.
func New(cfg Config, hc *http.Client, logger *slog.Logger) (*Notifier, error) {
	if hc == nil {
		hc = http.DefaultClient
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Clock == nil {
		cfg.Clock = incidentbot.SystemClock{}
	}
	names := make([]string, 0, len(cfg.Targets))
	for name := range cfg.Targets {
		names = append(names, name)
	}
	sort.Strings(names)
	var problems []error
	mail := ""
	for _, name := range names {
		t := cfg.Targets[name]
		if len(t.Email) > 0 && mail == "" {
			mail = name
		}
		if cfg.WebhookToken != "" && t.Webhook != "" && !strings.HasPrefix(strings.ToLower(t.Webhook), "https://") {
			problems = append(problems, incidentbot.Errorf(incidentbot.EINVALID,
				"NOTIFY_TARGETS gives %s an http:// webhook: NOTIFY_WEBHOOK_TOKEN is sent over https:// only; use an https:// URL or unset the token.", name))
		}
		if t.Via != "" && cfg.Services[t.Via] == nil {
			problems = append(problems, incidentbot.Errorf(incidentbot.EINVALID,
				"NOTIFY_TARGETS sends %s to %s: set %s.", name, t.Via, serviceVars[t.Via]))
		}
	}
	if mail != "" && cfg.SMTP.Addr == "" {
		problems = append(problems, incidentbot.Errorf(incidentbot.EINVALID,
			"NOTIFY_SMTP_ADDR is not set: target %s sends e-mail; set it to the mail relay's host:port.", mail))
	}
	if mail != "" && cfg.SMTP.From == "" {
		problems = append(problems, incidentbot.Errorf(incidentbot.EINVALID,
			"NOTIFY_SMTP_FROM is not set: target %s sends e-mail; set it to the sender address.", mail))
	}
	if cfg.SMTP.Password != "" && cfg.SMTP.Username == "" {
		problems = append(problems, incidentbot.Errorf(incidentbot.EINVALID,
			"NOTIFY_SMTP_PASSWORD is set without NOTIFY_SMTP_USERNAME: set both or neither."))
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	return &Notifier{cfg: cfg, hc: hc, logger: logger}, nil
}

// Notify sends the notice to target: to the service behind it, or its
// Subject and Text by e-mail and webhook. Unknown targets give ENOTFOUND
// saying what to configure; failures worth retrying give EUNAVAILABLE.
func (n *Notifier) Notify(ctx context.Context, target string, notice incidentbot.Notice) error {
	_, err := n.NotifyLink(ctx, target, notice)
	return err
}

// NotifyLink is Notify, returning the public address the service behind
// target gave (the status page incident's shortlink), "" for the others.
func (n *Notifier) NotifyLink(ctx context.Context, target string, notice incidentbot.Notice) (string, error) {
	t, ok := n.cfg.Targets[target]
	if !ok {
		via, ok := builtin[target]
		if !ok {
			return "", incidentbot.Errorf(incidentbot.ENOTFOUND,
				"No notify target %q: add %s=mailto:address or %s=https://webhook to NOTIFY_TARGETS.", target, target, target)
		}
		t = Target{Via: via}
	}
	if t.Via != "" {
		svc := n.cfg.Services[t.Via]
		if svc == nil {
			return "", incidentbot.Errorf(incidentbot.ENOTFOUND, "Target %q goes to %s, which is not configured: set %s.", target, t.Via, serviceVars[t.Via])
		}
		if ln, ok := svc.(incidentbot.LinkNotifier); ok {
			return ln.NotifyLink(ctx, target, notice)
		}
		return "", svc.Notify(ctx, target, notice)
	}
	subject, body := notice.Subject(), notice.Text()
	var errs []error
	if len(t.Email) > 0 {
		if err := n.email(ctx, target, t.Email, subject, body); err != nil {
			errs = append(errs, fmt.Errorf("e-mail to %s: %w", target, err))
		} else {
			n.logger.InfoContext(ctx, "notified by e-mail", "target", target, "recipients", len(t.Email))
		}
	}
	if t.Webhook != "" {
		if err := n.webhook(ctx, target, t.Webhook, subject, body); err != nil {
			errs = append(errs, fmt.Errorf("webhook of %s: %w", target, err))
		} else {
			n.logger.InfoContext(ctx, "notified by webhook", "target", target)
		}
	}
	return "", errors.Join(errs...)
}
