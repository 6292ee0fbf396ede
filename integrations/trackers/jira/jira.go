// Package jira files follow-ups as Jira Cloud issues through the REST API
// v3: POST /rest/api/3/issue with a description in Atlassian Document
// Format, and a JQL search (POST /rest/api/3/search/jql) for the label the
// follow-up's marker becomes, before creating. Basic auth: an account's
// e-mail and an API token.
package jira

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/integrations/trackers"
)

// name is how messages call the tracker.
const name = "Jira"

// DefaultIssueType is the issue type of a follow-up unless JIRA_ISSUE_TYPE says.
const DefaultIssueType = "Task"

// Config configures a Client.
type Config struct {
	BaseURL   string             // JIRA_BASE_URL: the site, like https://acme.atlassian.net
	Email     string             // JIRA_EMAIL: the account the API token belongs to
	APIToken  incidentbot.Secret // JIRA_API_TOKEN: id.atlassian.com, Security, API tokens
	Project   string             // JIRA_PROJECT: the project key, like OPS
	IssueType string             // JIRA_ISSUE_TYPE; "" for DefaultIssueType
	Labels    []string           // JIRA_LABELS: added to every issue, beside the marker
	APIURL    string             // JIRA_API_URL: where requests go when not JIRA_BASE_URL (tests)
}

var projectKey = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,9}$`)

// Validate returns one error line per problem, naming the variable, never its value.
func (c Config) Validate() error {
	var errs []error
	if !trackers.CheckURL(c.BaseURL) {
		errs = append(errs, i18n.Problemf("config.jira.base_url", nil))
	}
	if !strings.Contains(c.Email, "@") {
		errs = append(errs, i18n.Problemf("config.jira.email", nil))
	}
	if c.APIToken == "" {
		errs = append(errs, i18n.Problemf("config.jira.api_token", nil))
	}
	if !projectKey.MatchString(c.Project) {
		errs = append(errs, i18n.Problemf("config.jira.project", nil))
	}
	if c.APIURL != "" && !trackers.CheckURL(c.APIURL) {
		errs = append(errs, i18n.Problemf("config.jira.api_url", nil))
	}
	for i, l := range c.Labels {
		if l == "" || strings.ContainsAny(l, " \t") || len(l) > 255 {
			errs = append(errs, i18n.Problemf("config.jira.label", map[string]any{"Item": i + 1}))
		}
	}
	return errors.Join(errs...)
}

// Client files issues in one project. It is safe for concurrent use.
type Client struct {
	cfg Config
	hc  *http.Client
	now func() time.Time
}

var _ incidentbot.Tracker = (*Client)(nil)

// New checks cfg and returns a Client; hc nil is http.DefaultClient.
func New(cfg Config, hc *http.Client) (*Client, error) {
	hc, err := trackers.Setup(cfg, hc)
	if err != nil {
		return nil, err
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	if cfg.APIURL == "" {
		cfg.APIURL = cfg.BaseURL
	}
	cfg.APIURL = strings.TrimSuffix(cfg.APIURL, "/")
	if cfg.IssueType == "" {
		cfg.IssueType = DefaultIssueType
	}
	return &Client{cfg: cfg, hc: hc, now: time.Now}, nil
}

// Name is "Jira".
func (c *Client) Name() string { return name }

var hints = trackers.Hints{
	Auth:      "check JIRA_EMAIL and JIRA_API_TOKEN (the token may have been revoked)",
	Forbidden: "the JIRA_EMAIL account needs the Browse projects and Create issues permissions in JIRA_PROJECT",
	NotFound:  "check JIRA_BASE_URL and JIRA_PROJECT, and that the JIRA_EMAIL account can see the project",
	Invalid:   "check JIRA_ISSUE_TYPE exists in JIRA_PROJECT and that the project asks for no other required field",
}

// FindTicket searches the project for the label the marker is. Labels are
// matched exactly, so since is not needed.
func (c *Client) FindTicket(ctx context.Context, marker string, _ time.Time) (*incidentbot.Ticket, error) {
	q := map[string]any{
		"jql":        fmt.Sprintf(`project = "%s" AND labels = "%s"`, c.cfg.Project, marker),
		"fields":     []string{"summary", "labels"},
		"maxResults": 5,
	}
	raw, err := c.call(ctx, "/rest/api/3/search/jql", q)
	if err != nil {
		return nil, err
	}
	var out struct {
		Issues []struct {
			Key    string `json:"key"`
			Fields struct {
				Labels []string `json:"labels"`
			} `json:"fields"`
		} `json:"issues"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "Jira's search answer was unreadable; the bot will retry.")
	}
	for _, is := range out.Issues {
		if slices.Contains(is.Fields.Labels, marker) {
			return &incidentbot.Ticket{Key: is.Key, URL: c.cfg.BaseURL + "/browse/" + is.Key}, nil
		}
	}
	return nil, nil
}

// CreateTicket creates the issue, its marker as a label.
func (c *Client) CreateTicket(ctx context.Context, r incidentbot.TicketRequest) (incidentbot.Ticket, error) {
	labels := append(slices.Clone(c.cfg.Labels), r.Marker)
	fields := map[string]any{
		"project":     map[string]string{"key": c.cfg.Project},
		"issuetype":   map[string]string{"name": c.cfg.IssueType},
		"summary":     r.Title,
		"description": ADF(r.Lines),
		"labels":      labels,
	}
	raw, err := c.call(ctx, "/rest/api/3/issue", map[string]any{"fields": fields})
	if err != nil {
		if incidentbot.ErrorCode(err) == incidentbot.EUNAVAILABLE && incidentbot.RetryAfter(err) == 0 {
			// The issue may exist, its answer lost: the retry looks for it
			// once Jira's search index has had time to show it.
			return incidentbot.Ticket{}, &lostCreate{err: err}
		}
		return incidentbot.Ticket{}, err
	}
	var out struct {
		Key string `json:"key"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || out.Key == "" {
		return incidentbot.Ticket{}, incidentbot.Errorf(incidentbot.EUNAVAILABLE, "Jira's answer to the new issue was unreadable; the bot will look for it and retry.")
	}
	return incidentbot.Ticket{Key: out.Key, URL: c.cfg.BaseURL + "/browse/" + out.Key}, nil
}

// indexLag is how long a retry waits after a create that may have
// succeeded: Jira Cloud's search is eventually consistent, and the retry
// finds the issue by a search.
const indexLag = 15 * time.Second

// lostCreate is a create whose outcome is unknown; the job runner waits
// indexLag before the retry searches.
type lostCreate struct{ err error }

func (e *lostCreate) Error() string             { return e.err.Error() }
func (e *lostCreate) Unwrap() error             { return e.err }
func (e *lostCreate) RetryAfter() time.Duration { return indexLag }

var _ incidentbot.Retrier = (*lostCreate)(nil)

// ADF is lines as an Atlassian Document Format document, a paragraph each
// (ADF refuses an empty text node, so blank lines are dropped).
func ADF(lines []string) map[string]any {
	content := []any{}
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		content = append(content, map[string]any{"type": "paragraph", "content": []any{map[string]any{"type": "text", "text": l}}})
	}
	return map[string]any{"type": "doc", "version": 1, "content": content}
}

// call POSTs payload to path with basic auth and maps every refusal.
func (c *Client) call(ctx context.Context, path string, payload any) ([]byte, error) {
	b, err := json.Marshal(payload)
	if err != nil {
		return nil, fmt.Errorf("encode jira request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.APIURL+path, bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("jira request: %w", err)
	}
	req.SetBasicAuth(c.cfg.Email, c.cfg.APIToken.Reveal())
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	resp, body, err := trackers.Do(c.hc, name, req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 == 2 {
		return body, nil
	}
	return nil, trackers.Refusal(name, resp.StatusCode, detail(body), c.wait(resp), hints)
}

// detail joins Jira's errorMessages and field errors, fields sorted.
func detail(body []byte) string {
	var e struct {
		ErrorMessages []string          `json:"errorMessages"`
		Errors        map[string]string `json:"errors"`
	}
	_ = json.NewDecoder(io.LimitReader(bytes.NewReader(body), 64<<10)).Decode(&e) // a proxy's page is not JSON
	parts := slices.Clone(e.ErrorMessages)
	keys := make([]string, 0, len(e.Errors))
	for k := range e.Errors {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		parts = append(parts, k+": "+e.Errors[k])
	}
	return strings.Join(parts, "; ")
}

// wait reads Jira Cloud's rate limiting: 429 (or a 503 under load) with
// Retry-After in seconds. 0: not a rate limit.
func (c *Client) wait(resp *http.Response) time.Duration {
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
		return 0
	}
	if d := incidentbot.ParseRetryAfter(resp.Header.Get("Retry-After"), c.now()); d > 0 {
		return d
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return 30 * time.Second
	}
	return 0
}
