// Package linear files follow-ups as Linear issues through its GraphQL API:
// the issueCreate mutation in one team, and an issues query filtered on
// the team and the marker in the description before creating. A personal
// API key goes in the Authorization header as is.
package linear

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/integrations/trackers"
)

// DefaultAPIURL is Linear's GraphQL endpoint (LINEAR_API_URL overrides it).
const DefaultAPIURL = "https://api.linear.app/graphql"

// name is how messages call the tracker.
const name = "Linear"

// Config configures a Client.
type Config struct {
	APIKey incidentbot.Secret // LINEAR_API_KEY: Settings, Security & access, Personal API keys
	TeamID string             // LINEAR_TEAM_ID: the team's id (UUID)
	APIURL string             // LINEAR_API_URL; "" for DefaultAPIURL
}

// Validate returns one error line per problem, naming the variable, never its value.
func (c Config) Validate() error {
	var errs []error
	if c.APIKey == "" {
		errs = append(errs, i18n.Problemf("config.linear.api_key", nil))
	}
	if strings.TrimSpace(c.TeamID) == "" || strings.ContainsAny(c.TeamID, " \t\"\\") {
		errs = append(errs, i18n.Problemf("config.linear.team_id", nil))
	}
	if c.APIURL != "" && !trackers.CheckURL(c.APIURL) {
		errs = append(errs, i18n.Problemf("config.linear.api_url", map[string]any{"Default": DefaultAPIURL}))
	}
	return errors.Join(errs...)
}

// Client files issues in one team. It is safe for concurrent use.
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
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	return &Client{cfg: cfg, hc: hc, now: time.Now}, nil
}

// Name is "Linear".
func (c *Client) Name() string { return name }

var hints = trackers.Hints{
	Auth:      "check LINEAR_API_KEY (it may have been revoked)",
	Forbidden: "the LINEAR_API_KEY account must be a member of the LINEAR_TEAM_ID team",
	NotFound:  "check LINEAR_TEAM_ID",
	Invalid:   "check LINEAR_TEAM_ID",
}

const findQuery = `query FindFollowUp($team: ID!, $marker: String!) {
  issues(first: 10, includeArchived: true, filter: {team: {id: {eq: $team}}, description: {contains: $marker}}) {
    nodes { identifier url description }
  }
}`

const createMutation = `mutation FileFollowUp($input: IssueCreateInput!) {
  issueCreate(input: $input) { success issue { identifier url } }
}`

type issue struct {
	Identifier  string `json:"identifier"`
	URL         string `json:"url"`
	Description string `json:"description"`
}

// FindTicket asks for the team's issues whose description holds marker,
// archived ones included; since is not needed.
func (c *Client) FindTicket(ctx context.Context, marker string, _ time.Time) (*incidentbot.Ticket, error) {
	var data struct {
		Issues struct {
			Nodes []issue `json:"nodes"`
		} `json:"issues"`
	}
	if err := c.call(ctx, findQuery, map[string]any{"team": c.cfg.TeamID, "marker": marker}, &data); err != nil {
		return nil, err
	}
	for _, is := range data.Issues.Nodes {
		if trackers.HasMarker(is.Description, marker) {
			return &incidentbot.Ticket{Key: is.Identifier, URL: is.URL}, nil
		}
	}
	return nil, nil
}

// priorities maps P1..P3 to Linear's 1 urgent, 2 high, 4 low.
var priorities = map[int]int{1: 1, 2: 2, 3: 4}

// CreateTicket files the issue, the description in Markdown.
func (c *Client) CreateTicket(ctx context.Context, r incidentbot.TicketRequest) (incidentbot.Ticket, error) {
	input := map[string]any{
		"teamId":      c.cfg.TeamID,
		"title":       r.Title,
		"description": strings.Join(r.Lines, "\n\n"),
	}
	if p, ok := priorities[r.Priority]; ok {
		input["priority"] = p
	}
	if r.Due != "" {
		input["dueDate"] = r.Due
	}
	var data struct {
		IssueCreate struct {
			Success bool   `json:"success"`
			Issue   *issue `json:"issue"`
		} `json:"issueCreate"`
	}
	if err := c.call(ctx, createMutation, map[string]any{"input": input}, &data); err != nil {
		return incidentbot.Ticket{}, err
	}
	if !data.IssueCreate.Success || data.IssueCreate.Issue == nil {
		return incidentbot.Ticket{}, incidentbot.Errorf(incidentbot.EUNAVAILABLE, "Linear did not confirm the new issue; the bot will look for it and retry.")
	}
	return incidentbot.Ticket{Key: data.IssueCreate.Issue.Identifier, URL: data.IssueCreate.Issue.URL}, nil
}

type gqlError struct {
	Message    string `json:"message"`
	Extensions struct {
		Code                   string `json:"code"`
		UserPresentableMessage string `json:"userPresentableMessage"`
	} `json:"extensions"`
}

// call runs one GraphQL operation into out and maps every refusal: by HTTP
// status, then by the first error's extensions.code (Linear answers some
// refusals, rate limits among them, with HTTP 400 or 200 and a code).
func (c *Client) call(ctx context.Context, query string, vars map[string]any, out any) error {
	b, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return fmt.Errorf("encode linear request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.APIURL, bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("linear request: %w", err)
	}
	req.Header.Set("Authorization", c.cfg.APIKey.Reveal())
	req.Header.Set("Content-Type", "application/json")
	resp, body, err := trackers.Do(c.hc, name, req)
	if err != nil {
		return err
	}
	var res struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlError      `json:"errors"`
	}
	jerr := json.Unmarshal(body, &res)
	status := resp.StatusCode
	if len(res.Errors) > 0 {
		e := res.Errors[0]
		detail := e.Message
		if e.Extensions.UserPresentableMessage != "" {
			detail = e.Extensions.UserPresentableMessage
		}
		switch e.Extensions.Code {
		case "RATELIMITED":
			status = http.StatusTooManyRequests
		case "AUTHENTICATION_ERROR":
			status = http.StatusUnauthorized
		case "FORBIDDEN":
			status = http.StatusForbidden
		case "ENTITY_NOT_FOUND":
			status = http.StatusNotFound
		default:
			if status/100 == 2 {
				status = http.StatusBadRequest
			}
		}
		return trackers.Refusal(name, status, detail, c.wait(resp, status), hints)
	}
	if status/100 != 2 {
		return trackers.Refusal(name, status, "", c.wait(resp, status), hints)
	}
	if jerr != nil || len(res.Data) == 0 {
		return incidentbot.Errorf(incidentbot.EUNAVAILABLE, "Linear's answer was unreadable; the bot will retry.")
	}
	if err := json.Unmarshal(res.Data, out); err != nil {
		return incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "Linear's answer was unreadable; the bot will retry.")
	}
	return nil
}

// wait is how long a rate-limited call waits: Retry-After, else the reset
// of the request budget (X-RateLimit-Requests-Reset, Unix milliseconds),
// else a minute. 0: not a rate limit.
func (c *Client) wait(resp *http.Response, status int) time.Duration {
	if status != http.StatusTooManyRequests {
		return 0
	}
	if d := incidentbot.ParseRetryAfter(resp.Header.Get("Retry-After"), c.now()); d > 0 {
		return d
	}
	if d := trackers.ResetWait(resp.Header.Get("X-RateLimit-Requests-Reset"), time.Millisecond, c.now()); d > 0 {
		return d
	}
	return time.Minute
}
