// Package statuspage keeps the public status page in step with an incident
// through the Atlassian Statuspage REST API v1. It is the Notifier behind
// the playbooks' statuspage action: the first update opens a status page
// incident, later ones update it, and resolving the incident resolves it.
package statuspage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"incidentbot"
)

// Defaults for a zero Config.
const (
	DefaultAPIURL      = "https://api.statuspage.io"
	DefaultMinInterval = time.Second // Statuspage allows about one request a second per key
)

// metaKey is where the incident key is kept on a status page incident, so
// a restarted bot finds the incident it opened.
const metaKey = "incidentbot"

// Config configures a Client.
type Config struct {
	APIKey      incidentbot.Secret // STATUSPAGE_API_KEY
	PageID      string             // STATUSPAGE_PAGE_ID
	APIURL      string             // STATUSPAGE_API_URL; "" for DefaultAPIURL
	MinInterval time.Duration      // between requests; 0 for DefaultMinInterval, < 0 for none
}

// Client implements incidentbot.Notifier. Requests go one at a time, at
// most one per MinInterval.
type Client struct {
	cfg    Config
	hc     *http.Client
	logger *slog.Logger
	sem    chan struct{} // held for a whole Notify: one find-or-create at a time

	mu   sync.Mutex
	ids  map[string]string // incident key -> status page incident id
	last time.Time
}

var _ incidentbot.LinkNotifier = (*Client)(nil)

// New checks cfg: every problem is one line of the returned error.
func New(cfg Config, hc *http.Client, logger *slog.Logger) (*Client, error) {
	var problems []error
	if cfg.APIKey == "" {
		problems = append(problems, incidentbot.Errorf(incidentbot.EINVALID, "STATUSPAGE_API_KEY is not set: create an API key in Statuspage under your avatar > API info."))
	}
	if cfg.PageID == "" {
		problems = append(problems, incidentbot.Errorf(incidentbot.EINVALID, "STATUSPAGE_PAGE_ID is not set: copy the page id from Statuspage > API info."))
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if u, err := url.Parse(cfg.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		problems = append(problems, incidentbot.Errorf(incidentbot.EINVALID, "STATUSPAGE_API_URL is not an http(s) URL: unset it to use %s.", DefaultAPIURL))
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	cfg.APIURL = strings.TrimSuffix(cfg.APIURL, "/")
	if cfg.MinInterval == 0 {
		cfg.MinInterval = DefaultMinInterval
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Client{cfg: cfg, hc: hc, logger: logger, sem: make(chan struct{}, 1), ids: map[string]string{}}, nil
}

// pageStatus maps playbook and incident statuses to the page's.
var pageStatus = map[string]string{
	"investigating": "investigating",
	"identified":    "identified",
	"monitoring":    "monitoring",
	"mitigated":     "monitoring",
	"resolved":      "resolved",
	"closed":        "resolved",
}

var impact = map[incidentbot.Severity]string{incidentbot.SEV1: "critical", incidentbot.SEV2: "major", incidentbot.SEV3: "minor", incidentbot.SEV4: "none"}

// Notify opens or updates the status page incident of the notice's
// incident; its Body is what customers read.
func (c *Client) Notify(ctx context.Context, target string, n incidentbot.Notice) error {
	_, err := c.NotifyLink(ctx, target, n)
	return err
}

// NotifyLink is Notify, returning the status page incident's public
// address (its shortlink) as Statuspage gave it, "" when it did not.
func (c *Client) NotifyLink(ctx context.Context, target string, n incidentbot.Notice) (string, error) {
	if n.Key == "" {
		return "", incidentbot.Errorf(incidentbot.EINVALID, "The status page update names no incident: updates come from incident actions only.")
	}
	key, title, body := n.Key, n.Title, n.Body
	status, ok := pageStatus[n.Status]
	if !ok {
		return "", incidentbot.Errorf(incidentbot.EINVALID, "Status %q has no status page equivalent: use investigating, identified, monitoring or resolved in the playbook's statuspage action.", n.Status)
	}
	if body == "" {
		body = title // no template: customers get the title, not our internal key and severity
	}
	select {
	case c.sem <- struct{}{}:
		defer func() { <-c.sem }()
	case <-ctx.Done():
		return "", incidentbot.WrapError(incidentbot.EUNAVAILABLE, ctx.Err(), "The status page update waited too long for the previous one; the bot will retry.")
	}
	id, err := c.find(ctx, key, title)
	if err != nil {
		return "", err
	}
	if id != "" {
		inc, err := c.patch(ctx, id, status, body)
		if incidentbot.ErrorCode(err) != incidentbot.ENOTFOUND {
			if err == nil {
				c.remember(key, id, status)
				c.logger.InfoContext(ctx, "status page incident updated", "incident", key, "statuspage_id", id, "status", status)
			}
			return incidentbot.WebLink(inc.Shortlink), err
		}
		c.remember(key, "", "resolved") // deleted on the page: open a new one below
	}
	if status == "resolved" {
		return "", incidentbot.Errorf(incidentbot.ENOTFOUND, "No open status page incident for %s (never opened, or already resolved on the page): nothing to resolve.", key)
	}
	inc, err := c.create(ctx, key, title, status, body, impact[n.Severity])
	if err != nil {
		return "", err
	}
	c.remember(key, inc.ID, status)
	c.logger.InfoContext(ctx, "status page incident opened", "incident", key, "statuspage_id", inc.ID, "status", status)
	return incidentbot.WebLink(inc.Shortlink), nil
}

func (c *Client) remember(key, id, status string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if id == "" || status == "resolved" {
		delete(c.ids, key)
		return
	}
	c.ids[key] = id
}

// incident is the part of a status page incident we read.
type incident struct {
	ID       string                    `json:"id"`
	Name     string                    `json:"name"`
	Status   string                    `json:"status"`
	Metadata map[string]map[string]any `json:"metadata"`
	// Shortlink is the incident's public address ("https://stspg.io/…").
	Shortlink string `json:"shortlink"`
}

// find returns the id of the unresolved status page incident for key: from
// memory, else from the page (after a restart), by metadata first, then by
// a single incident with the same name and no metadata of ours.
func (c *Client) find(ctx context.Context, key, title string) (string, error) {
	c.mu.Lock()
	id := c.ids[key]
	c.mu.Unlock()
	if id != "" {
		return id, nil
	}
	var open []incident
	if err := c.do(ctx, http.MethodGet, "/incidents/unresolved", nil, &open); err != nil {
		return "", err
	}
	var byName []string
	for _, inc := range open {
		if k, _ := inc.Metadata[metaKey]["incident_key"].(string); k == key {
			return inc.ID, nil
		}
		if inc.Metadata[metaKey] == nil && inc.Name == title {
			byName = append(byName, inc.ID)
		}
	}
	if len(byName) == 1 {
		return byName[0], nil
	}
	return "", nil
}

type incidentFields struct {
	Name           string                    `json:"name,omitempty"`
	Status         string                    `json:"status"`
	Body           string                    `json:"body,omitempty"`
	ImpactOverride string                    `json:"impact_override,omitempty"`
	Metadata       map[string]map[string]any `json:"metadata,omitempty"`
}

type incidentRequest struct {
	Incident incidentFields `json:"incident"`
}

func (c *Client) create(ctx context.Context, key, title, status, body, impact string) (incident, error) {
	var out incident
	err := c.do(ctx, http.MethodPost, "/incidents", incidentRequest{incidentFields{
		Name: title, Status: status, Body: body, ImpactOverride: impact,
		Metadata: map[string]map[string]any{metaKey: {"incident_key": key}},
	}}, &out)
	if err != nil {
		return incident{}, err
	}
	if out.ID == "" {
		return incident{}, incidentbot.Errorf(incidentbot.EUNAVAILABLE, "Statuspage answered without an incident id; the bot will retry.")
	}
	return out, nil
}

// patch updates the incident and returns it as the page now has it.
func (c *Client) patch(ctx context.Context, id, status, body string) (incident, error) {
	var out incident
	err := c.do(ctx, http.MethodPatch, "/incidents/"+url.PathEscape(id), incidentRequest{incidentFields{Status: status, Body: body}}, &out)
	return out, err
}

// wait keeps requests MinInterval apart.
func (c *Client) wait(ctx context.Context) error {
	c.mu.Lock()
	next := c.last.Add(c.cfg.MinInterval)
	c.mu.Unlock()
	if d := time.Until(next); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return incidentbot.WrapError(incidentbot.EUNAVAILABLE, ctx.Err(), "The status page update ran out of time; the bot will retry.")
		case <-t.C:
		}
	}
	c.mu.Lock()
	c.last = time.Now()
	c.mu.Unlock()
	return nil
}

// do sends one request under the page and decodes a 2xx answer into out.
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	if err := c.wait(ctx); err != nil {
		return err
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("encode statuspage request: %w", err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.cfg.APIURL+"/v1/pages/"+url.PathEscape(c.cfg.PageID)+path, body)
	if err != nil {
		return fmt.Errorf("statuspage request: %w", err)
	}
	req.Header.Set("Authorization", "OAuth "+c.cfg.APIKey.Reveal())
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "Statuspage did not answer; the bot will retry.")
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "Statuspage did not answer in full; the bot will retry.")
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if out == nil || len(bytes.TrimSpace(raw)) == 0 { // 204: nothing to read
			return nil
		}
		if err := json.Unmarshal(raw, out); err != nil {
			return incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "Statuspage answered something unexpected; the bot will retry.")
		}
		return nil
	}
	return statusError(method, path, resp, raw)
}

// apiError reads Statuspage's {"error": "..."} or {"error": ["...", ...]}.
func apiError(raw []byte) string {
	var e struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(raw, &e) != nil || len(e.Error) == 0 {
		return ""
	}
	var one string
	if json.Unmarshal(e.Error, &one) == nil {
		return one
	}
	var many []string
	if json.Unmarshal(e.Error, &many) == nil {
		return strings.Join(many, "; ")
	}
	return ""
}

func statusError(method, path string, resp *http.Response, raw []byte) error {
	code := resp.StatusCode
	detail := apiError(raw)
	cause := fmt.Errorf("statuspage %s %s: HTTP %d: %s", method, path, code, detail)
	switch {
	case code == 420 || code == http.StatusTooManyRequests:
		return incidentbot.WrapError(incidentbot.EUNAVAILABLE, &RateLimitError{Wait: retryAfter(resp.Header)},
			"Statuspage is rate limiting the bot; it will retry.")
	case code == http.StatusUnauthorized:
		return incidentbot.WrapError(incidentbot.EUNAUTHORIZED, cause, "Statuspage refused the API key: check STATUSPAGE_API_KEY.")
	case code == http.StatusForbidden:
		return incidentbot.WrapError(incidentbot.EFORBIDDEN, cause, "Statuspage does not let this API key change the page: check STATUSPAGE_PAGE_ID and the key's owner.")
	case code == http.StatusNotFound && strings.HasPrefix(path, "/incidents/") && method == http.MethodPatch:
		return incidentbot.WrapError(incidentbot.ENOTFOUND, cause, "The status page incident no longer exists.")
	case code == http.StatusNotFound:
		return incidentbot.WrapError(incidentbot.ENOTFOUND, cause, "Statuspage has no such page: check STATUSPAGE_PAGE_ID (and STATUSPAGE_API_URL).")
	case code >= 500:
		return incidentbot.WrapError(incidentbot.EUNAVAILABLE, cause, "Statuspage answered HTTP %d; the bot will retry.", code)
	}
	return incidentbot.WrapError(incidentbot.EINVALID, cause, "Statuspage rejected the update (HTTP %d: %s).", code, detail)
}

// RateLimitError is Statuspage's 420 or 429; the job runner waits
// RetryAfter before retrying.
type RateLimitError struct{ Wait time.Duration }

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("statuspage rate limited, retry after %s", e.Wait)
}

// RetryAfter is how long to wait before sending again.
func (e *RateLimitError) RetryAfter() time.Duration { return e.Wait }

var _ incidentbot.Retrier = (*RateLimitError)(nil)

func retryAfter(h http.Header) time.Duration {
	if d := incidentbot.ParseRetryAfter(h.Get("Retry-After"), time.Now()); d > 0 {
		return d
	}
	return DefaultMinInterval
}
