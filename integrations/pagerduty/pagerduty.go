// Package pagerduty pages people through the PagerDuty Events API v2: the
// playbooks' page action triggers an alert whose dedup key is the incident
// key, and resolving the incident resolves it.
package pagerduty

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"incidentbot"
)

// DefaultAPIURL is the Events API host (PAGERDUTY_API_URL overrides it).
const DefaultAPIURL = "https://events.pagerduty.com"

// Event actions.
const (
	Trigger     = "trigger"
	Acknowledge = "acknowledge"
	Resolve     = "resolve"
)

// Config configures a Client.
type Config struct {
	RoutingKey incidentbot.Secret // PAGERDUTY_ROUTING_KEY: the integration key of an Events API v2 service
	APIURL     string             // PAGERDUTY_API_URL; "" for DefaultAPIURL
	Source     string             // payload.source; "" for "incidentbot"
}

// Client sends events. It implements incidentbot.Notifier and is safe for
// concurrent use.
type Client struct {
	cfg    Config
	hc     *http.Client
	logger *slog.Logger
}

var _ incidentbot.Notifier = (*Client)(nil)

// New checks cfg and returns a Client.
func New(cfg Config, hc *http.Client, logger *slog.Logger) (*Client, error) {
	if cfg.RoutingKey == "" {
		return nil, incidentbot.Errorf(incidentbot.EINVALID, "PAGERDUTY_ROUTING_KEY is not set: give the integration key of an Events API v2 service.")
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if u, err := url.Parse(cfg.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, incidentbot.Errorf(incidentbot.EINVALID, "PAGERDUTY_API_URL is not an http(s) URL: unset it to use %s.", DefaultAPIURL)
	}
	cfg.APIURL = strings.TrimSuffix(cfg.APIURL, "/")
	if cfg.Source == "" {
		cfg.Source = "incidentbot"
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Client{cfg: cfg, hc: hc, logger: logger}, nil
}

// Event is one Events API v2 event.
type Event struct {
	Action   string // Trigger, Acknowledge or Resolve
	DedupKey string
	Summary  string // trigger only; cut to 1,024 characters
	Severity string // critical, error, warning or info; trigger only
	Details  map[string]string
}

// maxSummary is the Events API's limit on payload.summary.
const maxSummary = 1024

// Notify triggers (or, for a resolved or closed incident, resolves) the
// alert of the notice's incident.
func (c *Client) Notify(ctx context.Context, target string, n incidentbot.Notice) error {
	if n.Key == "" || n.Status == "" {
		return incidentbot.Errorf(incidentbot.EINVALID, "The page names no incident or status: pages come from incident actions only.")
	}
	ev := Event{Action: Trigger, DedupKey: n.Key, Summary: n.Subject(), Severity: severity(n.Severity), Details: map[string]string{"target": target, "status": n.Status, "text": n.Text()}}
	if n.Status == string(incidentbot.StatusResolved) || n.Status == string(incidentbot.StatusClosed) {
		ev.Action = Resolve
	}
	_, err := c.Send(ctx, ev)
	return err
}

func severity(s incidentbot.Severity) string {
	switch s {
	case incidentbot.SEV1:
		return "critical"
	case incidentbot.SEV3:
		return "warning"
	case incidentbot.SEV4:
		return "info"
	}
	return "error"
}

type payload struct {
	Summary       string            `json:"summary"`
	Source        string            `json:"source"`
	Severity      string            `json:"severity"`
	CustomDetails map[string]string `json:"custom_details,omitempty"`
}

type request struct {
	RoutingKey  string   `json:"routing_key"`
	EventAction string   `json:"event_action"`
	DedupKey    string   `json:"dedup_key,omitempty"`
	Payload     *payload `json:"payload,omitempty"`
	Client      string   `json:"client,omitempty"`
}

type response struct {
	Status   string   `json:"status"`
	Message  string   `json:"message"`
	DedupKey string   `json:"dedup_key"`
	Errors   []string `json:"errors"`
}

// Send enqueues ev and returns the dedup key PagerDuty filed it under.
func (c *Client) Send(ctx context.Context, ev Event) (string, error) {
	r := request{RoutingKey: c.cfg.RoutingKey.Reveal(), EventAction: ev.Action, DedupKey: ev.DedupKey, Client: "incidentbot"}
	if ev.Action == Trigger {
		summary := ev.Summary
		if r := []rune(summary); len(r) > maxSummary {
			summary = string(r[:maxSummary-1]) + "…"
		}
		r.Payload = &payload{Summary: summary, Source: c.cfg.Source, Severity: ev.Severity, CustomDetails: ev.Details}
	}
	b, err := json.Marshal(r)
	if err != nil {
		return "", fmt.Errorf("encode pagerduty event: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.APIURL+"/v2/enqueue", bytes.NewReader(b))
	if err != nil {
		return "", fmt.Errorf("pagerduty request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return "", incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "PagerDuty did not answer; the bot will retry.")
	}
	defer resp.Body.Close()
	var out response
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_ = json.Unmarshal(raw, &out) // error bodies may not be JSON; the status decides
	cause := fmt.Errorf("pagerduty %s: HTTP %d: %s %s", ev.Action, resp.StatusCode, out.Message, strings.Join(out.Errors, "; "))
	switch code := resp.StatusCode; {
	case code == http.StatusAccepted || code == http.StatusOK:
		c.logger.InfoContext(ctx, "pagerduty event sent", "action", ev.Action, "dedup_key", out.DedupKey)
		return out.DedupKey, nil
	case code == http.StatusTooManyRequests:
		return "", incidentbot.WrapError(incidentbot.EUNAVAILABLE, &RateLimitError{Wait: retryAfter(resp.Header)},
			"PagerDuty is rate limiting the bot; it will retry.")
	case code == http.StatusBadRequest:
		return "", incidentbot.WrapError(incidentbot.EINVALID, cause,
			"PagerDuty rejected the event (%s): check that PAGERDUTY_ROUTING_KEY is an Events API v2 integration key.", strings.Join(out.Errors, "; "))
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return "", incidentbot.WrapError(incidentbot.EUNAUTHORIZED, cause, "PagerDuty refused the routing key: check PAGERDUTY_ROUTING_KEY.")
	case code == http.StatusNotFound:
		return "", incidentbot.WrapError(incidentbot.ENOTFOUND, cause, "PagerDuty has no Events API at this address: check PAGERDUTY_API_URL.")
	case code >= 500:
		return "", incidentbot.WrapError(incidentbot.EUNAVAILABLE, cause, "PagerDuty answered HTTP %d; the bot will retry.", code)
	}
	return "", incidentbot.WrapError(incidentbot.EINVALID, cause, "PagerDuty answered HTTP %d to the event.", resp.StatusCode)
}

// RateLimitError is a 429 from the Events API; the job runner waits
// RetryAfter before retrying.
type RateLimitError struct{ Wait time.Duration }

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("pagerduty rate limited, retry after %s", e.Wait)
}

// RetryAfter is how long to wait before sending again.
func (e *RateLimitError) RetryAfter() time.Duration { return e.Wait }

var _ incidentbot.Retrier = (*RateLimitError)(nil)

// defaultWait is used when a 429 carries no Retry-After: PagerDuty
// documents no header, only that the limit is per minute.
const defaultWait = 30 * time.Second

func retryAfter(h http.Header) time.Duration {
	if d := incidentbot.ParseRetryAfter(h.Get("Retry-After"), time.Now()); d > 0 {
		return d
	}
	return defaultWait
}
