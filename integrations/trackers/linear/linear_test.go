package linear_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/integrations/trackers/linear"
	"incidentbot/internal/fake/fakelinear"
)

func client(t *testing.T, fake *fakelinear.Server, mod ...func(*linear.Config)) *linear.Client {
	t.Helper()
	cfg := linear.Config{APIKey: incidentbot.Secret(fake.APIKey()), TeamID: fakelinear.DefaultTeamID, APIURL: fake.URL()}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := linear.New(cfg, fake.Client())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func request(marker string) incidentbot.TicketRequest {
	return incidentbot.TicketRequest{Title: "Alert on checkout 5xx", Lines: []string{"Follow-up 1 of INC-4.", "id: " + marker},
		Marker: marker, Priority: 3, Due: "2026-12-12"}
}

func TestCreateThenFind(t *testing.T) {
	t.Parallel()
	fake := fakelinear.New(t)
	c := client(t, fake)
	ctx := context.Background()
	marker := "incidentbot-followup-INC-4-1"
	if got, err := c.FindTicket(ctx, marker, time.Time{}); err != nil || got != nil {
		t.Fatalf("find before create: got %v, %v; want nothing", got, err)
	}
	// Follow-up 12's marker holds follow-up 1's: contains finds it, the client drops it.
	if _, err := c.CreateTicket(ctx, request(marker+"2")); err != nil {
		t.Fatal(err)
	}
	tk, err := c.CreateTicket(ctx, request(marker))
	if err != nil {
		t.Fatal(err)
	}
	if tk.Key != "ENG-2" || tk.URL != "https://linear.app/acme/issue/eng-2" {
		t.Fatalf("got %+v, want ENG-2 and its URL", tk)
	}
	is := fake.Issues()[1]
	if is.Priority != 4 || is.DueDate != "2026-12-12" || is.Description != "Follow-up 1 of INC-4.\n\nid: "+marker {
		t.Fatalf("filed as %+v", is)
	}
	// Archived since: still found, so it is never filed again.
	fake.Archive("ENG-2")
	found, err := c.FindTicket(ctx, marker, time.Time{})
	if err != nil || found == nil || *found != tk {
		t.Fatalf("find after create: got %v, %v; want %v", found, err, tk)
	}
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	now := time.Now()
	cases := []struct {
		name   string
		fake   []fakelinear.Option
		cfg    func(*linear.Config)
		before func(*linear.Client)
		code   string
		msg    string
		wait   time.Duration
	}{
		{name: "bad key", cfg: func(c *linear.Config) { c.APIKey = "lin_api_wrong" }, code: incidentbot.EUNAUTHORIZED, msg: "Linear refused the credentials (HTTP 401) (Authentication required, not authenticated): check LINEAR_API_KEY"},
		{name: "unknown team", cfg: func(c *linear.Config) { c.TeamID = "nope" }, code: incidentbot.EINVALID, msg: "team not found): check LINEAR_TEAM_ID"},
		{name: "budget spent", fake: []fakelinear.Option{fakelinear.WithRateLimit(1), fakelinear.WithClock(func() time.Time { return now })},
			before: func(c *linear.Client) { _, _ = c.FindTicket(context.Background(), "x", time.Time{}) },
			code:   incidentbot.EUNAVAILABLE, msg: "Linear is rate limiting the bot", wait: time.Hour},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake := fakelinear.New(t, tc.fake...)
			var mods []func(*linear.Config)
			if tc.cfg != nil {
				mods = append(mods, tc.cfg)
			}
			c := client(t, fake, mods...)
			if tc.before != nil {
				tc.before(c)
			}
			_, err := c.CreateTicket(context.Background(), request("incidentbot-followup-INC-1-1"))
			if got := incidentbot.ErrorCode(err); got != tc.code {
				t.Fatalf("code %q, want %q (%v)", got, tc.code, err)
			}
			if msg := incidentbot.ErrorMessage(err); !strings.Contains(msg, tc.msg) {
				t.Errorf("message %q, want it to hold %q", msg, tc.msg)
			}
			if strings.Contains(err.Error(), fake.APIKey()) || strings.Contains(err.Error(), "lin_api_wrong") {
				t.Errorf("the key is in the error: %v", err)
			}
			var hint interface{ RetryAfter() time.Duration }
			if got := errors.As(err, &hint); got != (tc.wait > 0) || (got && (hint.RetryAfter() < tc.wait-2*time.Second || hint.RetryAfter() > tc.wait)) {
				t.Errorf("retry hint %v, want about %s", hint, tc.wait)
			}
		})
	}
}

// TestLostCreateFound: a create whose answer was lost is found by its
// marker, so the retry files nothing more.
func TestLostCreateFound(t *testing.T) {
	t.Parallel()
	fake := fakelinear.New(t)
	c := client(t, fake)
	ctx := context.Background()
	fake.LoseNextCreates(1)
	if _, err := c.CreateTicket(ctx, request("incidentbot-followup-INC-2-1")); incidentbot.ErrorCode(err) != incidentbot.EUNAVAILABLE {
		t.Fatalf("lost create: got %v, want EUNAVAILABLE", err)
	}
	got, err := c.FindTicket(ctx, "incidentbot-followup-INC-2-1", time.Time{})
	if err != nil || got == nil || got.Key != "ENG-1" {
		t.Fatalf("got %v, %v; want ENG-1", got, err)
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	err := linear.Config{TeamID: " ", APIURL: "api.linear.app"}.Validate()
	for _, w := range []string{"LINEAR_API_KEY is needed", "LINEAR_TEAM_ID must be", "LINEAR_API_URL must be"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("got %v, want it to say %q", err, w)
		}
	}
}
