package jira_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/integrations/trackers/jira"
	"incidentbot/internal/fake/fakejira"
)

func client(t *testing.T, fake *fakejira.Server, mod ...func(*jira.Config)) *jira.Client {
	t.Helper()
	cfg := jira.Config{BaseURL: fake.URL(), Email: fake.Email(), APIToken: incidentbot.Secret(fake.Token()), Project: fakejira.DefaultProject, Labels: []string{"incident-followup"}}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := jira.New(cfg, fake.Client())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func request(marker string) incidentbot.TicketRequest {
	return incidentbot.TicketRequest{Title: "Alert on checkout 5xx", Lines: []string{"Follow-up 1 of INC-4.", "", "id: " + marker}, Marker: marker}
}

func TestCreateThenFind(t *testing.T) {
	t.Parallel()
	fake := fakejira.New(t)
	c := client(t, fake)
	ctx := context.Background()
	marker := "incidentbot-followup-INC-4-1"
	if got, err := c.FindTicket(ctx, marker, time.Time{}); err != nil || got != nil {
		t.Fatalf("find before create: got %v, %v; want nothing", got, err)
	}
	tk, err := c.CreateTicket(ctx, request(marker))
	if err != nil {
		t.Fatal(err)
	}
	if tk.Key != "OPS-1" || tk.URL != fake.URL()+"/browse/OPS-1" {
		t.Fatalf("got %+v, want OPS-1 and its browse link", tk)
	}
	is := fake.Issues()[0]
	if is.IssueType != "Task" || !slices.Equal(is.Labels, []string{"incident-followup", marker}) {
		t.Fatalf("filed as %+v", is)
	}
	// The blank line is dropped: ADF refuses an empty text node.
	if content, _ := is.Description["content"].([]any); len(content) != 2 {
		t.Errorf("description has %d paragraphs, want 2: %v", len(content), is.Description)
	}
	// Follow-up 12's label is not follow-up 1's.
	if _, err := c.CreateTicket(ctx, request(marker+"2")); err != nil {
		t.Fatal(err)
	}
	found, err := c.FindTicket(ctx, marker, time.Time{})
	if err != nil || found == nil || *found != tk {
		t.Fatalf("find after create: got %v, %v; want %v", found, err, tk)
	}
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		cfg    func(*jira.Config)
		before func(*fakejira.Server)
		code   string
		msg    string
		wait   time.Duration
	}{
		{name: "bad token", cfg: func(c *jira.Config) { c.APIToken = "wrong-token" }, code: incidentbot.EUNAUTHORIZED, msg: "Jira refused the credentials (HTTP 401) (Client must be authenticated to access this resource.): check JIRA_EMAIL and JIRA_API_TOKEN"},
		{name: "unknown project", cfg: func(c *jira.Config) { c.Project = "NOPE" }, code: incidentbot.EINVALID, msg: "(project: valid project is required)"},
		{name: "unknown issue type", cfg: func(c *jira.Config) { c.IssueType = "Story" }, code: incidentbot.EINVALID, msg: "(issuetype: Specify a valid issue type): check JIRA_ISSUE_TYPE"},
		{name: "throttled", before: func(f *fakejira.Server) { f.Throttle(7) }, code: incidentbot.EUNAVAILABLE, msg: "Jira is rate limiting the bot (HTTP 429)", wait: 7 * time.Second},
		{name: "unavailable", before: func(f *fakejira.Server) { f.FailWith(503) }, code: incidentbot.EUNAVAILABLE, msg: "Jira answered HTTP 503", wait: 15 * time.Second}, // the issue may exist: time for the index
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake := fakejira.New(t)
			var mods []func(*jira.Config)
			if tc.cfg != nil {
				mods = append(mods, tc.cfg)
			}
			c := client(t, fake, mods...)
			if tc.before != nil {
				tc.before(fake)
			}
			_, err := c.CreateTicket(context.Background(), request("incidentbot-followup-INC-1-1"))
			if got := incidentbot.ErrorCode(err); got != tc.code {
				t.Fatalf("code %q, want %q (%v)", got, tc.code, err)
			}
			if msg := incidentbot.ErrorMessage(err); !strings.Contains(msg, tc.msg) {
				t.Errorf("message %q, want it to hold %q", msg, tc.msg)
			}
			if strings.Contains(err.Error(), fake.Token()) || strings.Contains(err.Error(), "wrong-token") {
				t.Errorf("the token is in the error: %v", err)
			}
			var hint interface{ RetryAfter() time.Duration }
			if got := errors.As(err, &hint); got != (tc.wait > 0) || (got && hint.RetryAfter() != tc.wait) {
				t.Errorf("retry hint %v, want %s", hint, tc.wait)
			}
		})
	}
}

// TestLostCreateFound: a create whose answer was lost is retried after
// the search index caught up, and found by its label, so the retry files
// nothing more.
func TestLostCreateFound(t *testing.T) {
	t.Parallel()
	fake := fakejira.New(t)
	c := client(t, fake)
	ctx := context.Background()
	fake.LoseNextCreates(1)
	_, err := c.CreateTicket(ctx, request("incidentbot-followup-INC-2-1"))
	if incidentbot.ErrorCode(err) != incidentbot.EUNAVAILABLE || incidentbot.RetryAfter(err) < 10*time.Second {
		t.Fatalf("lost create: got %v (retry after %s), want EUNAVAILABLE and time for the search index", err, incidentbot.RetryAfter(err))
	}
	got, err := c.FindTicket(ctx, "incidentbot-followup-INC-2-1", time.Time{})
	if err != nil || got == nil || got.Key != "OPS-1" {
		t.Fatalf("got %v, %v; want OPS-1", got, err)
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	err := jira.Config{BaseURL: "acme.atlassian.net", Email: "bot", APIToken: "s3cr3t", Project: "ops", Labels: []string{"a b"}}.Validate()
	for _, w := range []string{"JIRA_BASE_URL must be", "JIRA_EMAIL must be", "JIRA_PROJECT must be a project key", "JIRA_LABELS item 1"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("got %v, want it to say %q", err, w)
		}
	}
	if err != nil && strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("the token is in %v", err)
	}
}
