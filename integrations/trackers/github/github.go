// Package github files follow-ups as GitHub issues through the REST API:
// POST /repos/{owner}/{repo}/issues to create, and the repository's issue
// list (newest first, since the follow-up was added) to find the one a
// marker names. The list reads the database, not the search index, so an
// issue created a moment ago is found.
package github

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"incidentbot"
	"incidentbot/i18n"
	"incidentbot/integrations/trackers"
)

// DefaultAPIURL is GitHub's REST API (GITHUB_API_URL overrides it, e.g.
// https://github.example.com/api/v3 for GitHub Enterprise Server).
const DefaultAPIURL = "https://api.github.com"

// name is how messages call the tracker.
const name = "GitHub"

// Config configures a Client.
type Config struct {
	Token  incidentbot.Secret // GITHUB_TOKEN: fine-grained token with Issues read and write, or a classic one with repo
	Repo   string             // GITHUB_REPO: owner/name
	Labels []string           // GITHUB_LABELS: added to every issue
	APIURL string             // GITHUB_API_URL; "" for DefaultAPIURL
}

var repoName = regexp.MustCompile(`^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$`)

// Validate returns one error line per problem, naming the variable, never its value.
func (c Config) Validate() error {
	var errs []error
	if c.Token == "" {
		errs = append(errs, i18n.Problemf("config.github.token", nil))
	}
	if !repoName.MatchString(c.Repo) {
		errs = append(errs, i18n.Problemf("config.github.repo", nil))
	}
	if c.APIURL != "" && !trackers.CheckURL(c.APIURL) {
		errs = append(errs, i18n.Problemf("config.github.api_url", map[string]any{"Default": DefaultAPIURL}))
	}
	for i, l := range c.Labels {
		if strings.TrimSpace(l) == "" || len(l) > 50 {
			errs = append(errs, i18n.Problemf("config.github.label", map[string]any{"Item": i + 1}))
		}
	}
	return errors.Join(errs...)
}

// Client files issues in one repository. It is safe for concurrent use.
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
	cfg.APIURL = strings.TrimSuffix(cfg.APIURL, "/")
	return &Client{cfg: cfg, hc: hc, now: time.Now}, nil
}

// Name is "GitHub".
func (c *Client) Name() string { return name }

var hints = trackers.Hints{
	Auth:      "check GITHUB_TOKEN (it may have expired)",
	Forbidden: "GITHUB_TOKEN needs Issues: read and write on GITHUB_REPO (classic tokens: the repo scope)",
	NotFound:  "check GITHUB_REPO, and that GITHUB_TOKEN can see that repository",
	Invalid:   "check that issues are enabled on GITHUB_REPO and GITHUB_LABELS",
}

type issue struct {
	Number      int             `json:"number"`
	HTMLURL     string          `json:"html_url"`
	Body        string          `json:"body"`
	CreatedAt   time.Time       `json:"created_at"`
	PullRequest json.RawMessage `json:"pull_request"`
}

// maxPages bounds a search: 1,000 issues filed since the follow-up was added.
const maxPages = 10

// FindTicket lists the issues created since since, newest first, and
// returns the one whose body carries marker.
func (c *Client) FindTicket(ctx context.Context, marker string, since time.Time) (*incidentbot.Ticket, error) {
	q := url.Values{"state": {"all"}, "sort": {"created"}, "direction": {"desc"}, "per_page": {"100"},
		"since": {since.UTC().Format(time.RFC3339)}}
	next := c.cfg.APIURL + "/repos/" + c.cfg.Repo + "/issues?" + q.Encode()
	for page := 0; next != "" && page < maxPages; page++ {
		resp, body, err := c.call(ctx, http.MethodGet, next, nil)
		if err != nil {
			return nil, err
		}
		var list []issue
		if err := json.Unmarshal(body, &list); err != nil {
			return nil, incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "GitHub's issue list was unreadable; the bot will retry.")
		}
		for _, is := range list {
			if is.PullRequest == nil && trackers.HasMarker(is.Body, marker) {
				return &incidentbot.Ticket{Key: "#" + strconv.Itoa(is.Number), URL: is.HTMLURL}, nil
			}
			if is.CreatedAt.Before(since) {
				return nil, nil // older than the follow-up: it cannot be ours
			}
		}
		next = nextLink(resp.Header.Get("Link"))
	}
	return nil, nil
}

// CreateTicket opens an issue with the marker in its body.
func (c *Client) CreateTicket(ctx context.Context, r incidentbot.TicketRequest) (incidentbot.Ticket, error) {
	body := strings.Join(r.Lines, "\n\n")
	payload := map[string]any{"title": r.Title, "body": body}
	if len(c.cfg.Labels) > 0 {
		payload["labels"] = c.cfg.Labels
	}
	_, raw, err := c.call(ctx, http.MethodPost, c.cfg.APIURL+"/repos/"+c.cfg.Repo+"/issues", payload)
	if err != nil {
		return incidentbot.Ticket{}, err
	}
	var is issue
	if err := json.Unmarshal(raw, &is); err != nil || is.HTMLURL == "" {
		return incidentbot.Ticket{}, incidentbot.Errorf(incidentbot.EUNAVAILABLE, "GitHub's answer to the new issue was unreadable; the bot will look for it and retry.")
	}
	return incidentbot.Ticket{Key: "#" + strconv.Itoa(is.Number), URL: is.HTMLURL}, nil
}

// call sends one request with the token and maps every refusal.
func (c *Client) call(ctx context.Context, method, u string, payload any) (*http.Response, []byte, error) {
	var rd io.Reader
	if payload != nil {
		b, err := json.Marshal(payload)
		if err != nil {
			return nil, nil, fmt.Errorf("encode github request: %w", err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, nil, fmt.Errorf("github request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.cfg.Token.Reveal())
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, body, err := trackers.Do(c.hc, name, req)
	if err != nil {
		return nil, nil, err
	}
	if resp.StatusCode/100 == 2 {
		return resp, body, nil
	}
	var e struct {
		Message string `json:"message"`
		Errors  []struct {
			Field   string `json:"field"`
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	_ = json.Unmarshal(body, &e) // a proxy's error page is not JSON; the status decides
	detail := e.Message
	for _, fe := range e.Errors {
		detail += "; " + strings.TrimSpace(fe.Field+" "+fe.Code+" "+fe.Message)
	}
	return nil, nil, trackers.Refusal(name, resp.StatusCode, detail, c.rateLimitWait(resp), hints)
}

// rateLimitWait reads GitHub's rate-limit answers: a secondary limit (403
// or 429 with Retry-After) or the primary one spent (X-RateLimit-Remaining
// 0, X-RateLimit-Reset in Unix seconds). 0: not a rate limit.
func (c *Client) rateLimitWait(resp *http.Response) time.Duration {
	if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusTooManyRequests {
		return 0
	}
	if d := incidentbot.ParseRetryAfter(resp.Header.Get("Retry-After"), c.now()); d > 0 {
		return d
	}
	if resp.Header.Get("X-RateLimit-Remaining") == "0" {
		if d := trackers.ResetWait(resp.Header.Get("X-RateLimit-Reset"), time.Second, c.now()); d > 0 {
			return d
		}
		return time.Minute
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return time.Minute // GitHub: wait at least a minute when no header says
	}
	return 0
}

// nextLink returns the rel="next" URL of a Link header, or "".
func nextLink(h string) string {
	for _, part := range strings.Split(h, ",") {
		u, params, ok := strings.Cut(part, ";")
		u = strings.TrimSpace(u)
		if ok && strings.Contains(params, `rel="next"`) && strings.HasPrefix(u, "<") && strings.HasSuffix(u, ">") {
			if u = u[1 : len(u)-1]; !strings.ContainsAny(u, "<>") {
				return u
			}
		}
	}
	return ""
}
