package github_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/integrations/trackers/github"
	"incidentbot/internal/fake/fakegithub"
)

func client(t *testing.T, fake *fakegithub.Server, mod ...func(*github.Config)) *github.Client {
	t.Helper()
	cfg := github.Config{Token: incidentbot.Secret(fake.Token()), Repo: fake.Repo(), APIURL: fake.URL(), Labels: []string{"incident-followup"}}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := github.New(cfg, fake.Client())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func request(marker string) incidentbot.TicketRequest {
	return incidentbot.TicketRequest{Title: "Alert on checkout 5xx", Lines: []string{"Follow-up 1 of INC-4.", "id: " + marker}, Marker: marker, Priority: 1}
}

func TestCreateThenFind(t *testing.T) {
	t.Parallel()
	fake := fakegithub.New(t)
	c := client(t, fake)
	ctx := context.Background()
	since := time.Now().Add(-time.Minute)
	// Someone else's issue and a pull request quoting the marker are not ours.
	fake.AddIssue("PR", "fixes incidentbot-followup-INC-4-1", true)
	fake.AddIssue("other", "incidentbot-followup-INC-4-12", false)
	got, err := c.FindTicket(ctx, "incidentbot-followup-INC-4-1", since)
	if err != nil || got != nil {
		t.Fatalf("find before create: got %v, %v; want nothing", got, err)
	}
	tk, err := c.CreateTicket(ctx, request("incidentbot-followup-INC-4-1"))
	if err != nil {
		t.Fatal(err)
	}
	if tk.Key != "#3" || tk.URL != "https://github.com/acme/shop/issues/3" {
		t.Fatalf("got %+v, want #3 and its URL", tk)
	}
	is := fake.Issues()[2]
	if is.Title != "Alert on checkout 5xx" || !strings.Contains(is.Body, "Follow-up 1 of INC-4.\n\nid: incidentbot-followup-INC-4-1") ||
		len(is.Labels) != 1 || is.Labels[0] != "incident-followup" {
		t.Fatalf("issue filed as %+v", is)
	}
	found, err := c.FindTicket(ctx, "incidentbot-followup-INC-4-1", since)
	if err != nil || found == nil || *found != tk {
		t.Fatalf("find after create: got %v, %v; want %v", found, err, tk)
	}
}

// TestFindPages: the marker is found past the first page of 100, and the
// search stops at issues older than since.
func TestFindPages(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	clock := now
	fake := fakegithub.New(t, fakegithub.WithClock(func() time.Time { return clock }))
	c := client(t, fake)
	fake.AddIssue("old", "incidentbot-followup-INC-9-1", false) // before since: not looked at
	clock = now.Add(time.Hour)
	fake.AddIssue("ours", "incidentbot-followup-INC-9-2", false)
	for range 150 {
		clock = clock.Add(time.Second)
		fake.AddIssue("noise", "", false)
	}
	got, err := c.FindTicket(context.Background(), "incidentbot-followup-INC-9-2", now.Add(30*time.Minute))
	if err != nil || got == nil || got.Key != "#2" {
		t.Fatalf("got %v, %v; want #2", got, err)
	}
	if n := fake.Calls("list"); n != 2 {
		t.Errorf("listed %d pages, want 2", n)
	}
	if got, err := c.FindTicket(context.Background(), "incidentbot-followup-INC-9-1", now.Add(30*time.Minute)); err != nil || got != nil {
		t.Errorf("an issue older than since: got %v, %v; want nothing", got, err)
	}
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cases := []struct {
		name   string
		fake   []fakegithub.Option
		cfg    func(*github.Config)
		before func(*fakegithub.Server)
		code   string
		msg    string
		wait   time.Duration
	}{
		{name: "bad token", cfg: func(c *github.Config) { c.Token = "github_pat_wrong" }, code: incidentbot.EUNAUTHORIZED, msg: "GitHub refused the credentials (HTTP 401) (Bad credentials): check GITHUB_TOKEN"},
		{name: "read-only token", fake: []fakegithub.Option{fakegithub.ReadOnly()}, code: incidentbot.EFORBIDDEN, msg: "GITHUB_TOKEN needs Issues: read and write"},
		{name: "unknown repository", cfg: func(c *github.Config) { c.Repo = "acme/nope" }, code: incidentbot.ENOTFOUND, msg: "check GITHUB_REPO"},
		{name: "title too long", code: incidentbot.EINVALID, msg: "(Validation Failed; title custom title is too long (maximum is 256 characters)): check that issues"},
		{name: "server error", before: func(f *fakegithub.Server) { f.FailWith(502) }, code: incidentbot.EUNAVAILABLE, msg: "GitHub answered HTTP 502"},
		{name: "secondary limit", before: func(f *fakegithub.Server) { f.SecondaryLimit(42) }, code: incidentbot.EUNAVAILABLE, msg: "rate limiting", wait: 42 * time.Second},
		{name: "primary limit spent", fake: []fakegithub.Option{fakegithub.WithRateLimit(1)},
			before: func(f *fakegithub.Server) { f.AddIssue("x", "", false) }, code: incidentbot.EUNAVAILABLE, msg: "rate limiting", wait: time.Hour},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake := fakegithub.New(t, tc.fake...)
			mods := []func(*github.Config){}
			if tc.cfg != nil {
				mods = append(mods, tc.cfg)
			}
			c := client(t, fake, mods...)
			if tc.name == "primary limit spent" {
				if _, err := c.FindTicket(ctx, "m", time.Now().Add(-time.Minute)); err != nil {
					t.Fatal(err)
				}
			}
			if tc.before != nil {
				tc.before(fake)
			}
			r := request("incidentbot-followup-INC-1-1")
			if tc.name == "title too long" {
				r.Title = strings.Repeat("x", 257)
			}
			_, err := c.CreateTicket(ctx, r)
			if got := incidentbot.ErrorCode(err); got != tc.code {
				t.Fatalf("code %q, want %q (%v)", got, tc.code, err)
			}
			if msg := incidentbot.ErrorMessage(err); !strings.Contains(msg, tc.msg) {
				t.Errorf("message %q, want it to hold %q", msg, tc.msg)
			}
			if strings.Contains(err.Error(), fake.Token()) || strings.Contains(err.Error(), "github_pat_wrong") {
				t.Errorf("the token is in the error: %v", err)
			}
			var hint interface{ RetryAfter() time.Duration }
			switch {
			case tc.wait == 0 && errors.As(err, &hint):
				t.Errorf("a retry hint of %s on a refusal that is no rate limit", hint.RetryAfter())
			case tc.wait > 0 && (!errors.As(err, &hint) || hint.RetryAfter() < tc.wait-2*time.Second || hint.RetryAfter() > tc.wait):
				t.Errorf("retry hint %v, want about %s", hint, tc.wait)
			}
		})
	}
}

// TestLostCreateFound: a create whose answer was lost is found by its
// marker, so the retry files nothing more.
func TestLostCreateFound(t *testing.T) {
	t.Parallel()
	fake := fakegithub.New(t)
	c := client(t, fake)
	ctx := context.Background()
	fake.LoseNextCreates(1)
	if _, err := c.CreateTicket(ctx, request("incidentbot-followup-INC-2-1")); incidentbot.ErrorCode(err) != incidentbot.EUNAVAILABLE {
		t.Fatalf("lost create: got %v, want EUNAVAILABLE", err)
	}
	got, err := c.FindTicket(ctx, "incidentbot-followup-INC-2-1", time.Now().Add(-time.Minute))
	if err != nil || got == nil || got.Key != "#1" {
		t.Fatalf("got %v, %v; want #1", got, err)
	}
	if n := len(fake.Issues()); n != 1 {
		t.Errorf("%d issues, want 1", n)
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	err := github.Config{Token: "s3cr3t-value", Repo: "not a repo", APIURL: "ftp://x", Labels: []string{""}}.Validate()
	want := []string{"GITHUB_REPO must be owner/name", "GITHUB_API_URL must be an http(s) URL", "GITHUB_LABELS item 1"}
	for _, w := range want {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("got %v, want it to say %q", err, w)
		}
	}
	if err != nil && strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("the token is in %v", err)
	}
	if err := (github.Config{Repo: "acme/shop"}).Validate(); err == nil || !strings.Contains(err.Error(), "GITHUB_TOKEN is needed") {
		t.Errorf("no token: got %v", err)
	}
}
