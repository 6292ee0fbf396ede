package commands

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/golden"
	"incidentbot/mock"
)

var (
	now   = time.Date(2026, 3, 14, 15, 30, 0, 0, time.UTC)
	clock = incidentbot.ClockFunc(func() time.Time { return now })
	actor = incidentbot.Actor{Platform: incidentbot.PlatformSlack, Workspace: "T1", User: incidentbot.User{ID: "U1", Name: "Alice"}, ChannelID: "C1"}
)

func ptr(t time.Time) *time.Time { return &t }

func incident() *incidentbot.Incident {
	return &incidentbot.Incident{
		ID: 42, Key: "INC-42", Title: "Checkout returns 504", Severity: incidentbot.SEV1,
		Status: incidentbot.StatusInvestigating, Type: "site-outage",
		DetectedAt: now.Add(-10 * time.Minute), DeclaredAt: now.Add(-5 * time.Minute),
		NextReminderAt: ptr(now.Add(15 * time.Minute)),
	}
}

// recorder builds a mock whose methods record their arguments.
type recorder struct {
	mu    sync.Mutex
	calls []string
}

func (r *recorder) add(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, fmt.Sprintf(format, args...))
}

func (r *recorder) service() *mock.IncidentService {
	return &mock.IncidentService{
		DeclareFn: func(_ context.Context, a incidentbot.Actor, req incidentbot.DeclareRequest) (*incidentbot.Incident, error) {
			r.add("Declare %s title=%q sev=%s type=%q drill=%t force=%t", a.User.ID, req.Title, req.Severity, req.Type, req.Drill, req.Force)
			inc := incident()
			inc.Title, inc.Drill = req.Title, req.Drill
			return inc, nil
		},
		StatusFn: func(_ context.Context, _ incidentbot.Actor, key string) (*incidentbot.IncidentStatus, error) {
			r.add("Status %q", key)
			return &incidentbot.IncidentStatus{Incident: incident()}, nil
		},
		ListFn: func(_ context.Context, _ incidentbot.Actor, q incidentbot.ListQuery) (*incidentbot.IncidentPage, error) {
			r.add("List %t %d", q.All, q.Page)
			return &incidentbot.IncidentPage{Incidents: []*incidentbot.Incident{incident()}, Page: max(q.Page, 1), PerPage: incidentbot.ListPerPage, Total: 1}, nil
		},
		AcknowledgeFn: func(_ context.Context, _ incidentbot.Actor, key string) (*incidentbot.Incident, error) {
			r.add("Acknowledge %q", key)
			return incident(), nil
		},
		PostUpdateFn: func(_ context.Context, _ incidentbot.Actor, key, text string) (*incidentbot.Incident, error) {
			r.add("PostUpdate %q %q", key, text)
			return incident(), nil
		},
		AssignRoleFn: func(_ context.Context, _ incidentbot.Actor, key, role, user string) ([]incidentbot.RoleAssignment, error) {
			r.add("AssignRole %q %q %q", key, role, user)
			return []incidentbot.RoleAssignment{
				{Role: "commander", User: incidentbot.User{ID: "U1"}},
				{Role: role, User: incidentbot.User{ID: "U2"}},
			}, nil
		},
		SetSeverityFn: func(_ context.Context, _ incidentbot.Actor, key string, sev incidentbot.Severity) (*incidentbot.Incident, error) {
			r.add("SetSeverity %q %s", key, sev)
			inc := incident()
			inc.Severity = sev
			return inc, nil
		},
		AddNoteFn: func(_ context.Context, _ incidentbot.Actor, key, text string) (*incidentbot.Incident, error) {
			r.add("AddNote %q %q", key, text)
			return incident(), nil
		},
		SetStatusFn: func(_ context.Context, _ incidentbot.Actor, key string, to incidentbot.Status, summary string) (*incidentbot.Incident, error) {
			r.add("SetStatus %q %s %q", key, to, summary)
			inc := incident()
			inc.Status = to
			return inc, nil
		},
		AdsFn: func(_ context.Context, _ incidentbot.Actor, key string, op incidentbot.AdsOp, platform string) (*incidentbot.IncidentStatus, error) {
			r.add("Ads %q %s %q", key, op, platform)
			return &incidentbot.IncidentStatus{Incident: incident(), Pauses: []incidentbot.CampaignPause{
				{Campaign: incidentbot.Campaign{Platform: incidentbot.AdsMeta, ID: "1", Name: "Spring sale"}, State: incidentbot.PausePaused},
				{Campaign: incidentbot.Campaign{Platform: incidentbot.AdsGoogle, ID: "2", Name: "Brand"}, State: incidentbot.PauseFailed, Error: "quota exceeded"},
			}}, nil
		},
		AdsPreviewFn: func(_ context.Context, _ incidentbot.Actor, key, platform string) (*incidentbot.Incident, []incidentbot.Campaign, error) {
			return incident(), []incidentbot.Campaign{{Platform: incidentbot.AdsMeta, ID: "1", Name: "Spring sale"}}, nil
		},
		VerifyFn: func(_ context.Context, _ incidentbot.Actor, key, url string) (*incidentbot.Incident, error) {
			r.add("Verify %q %q", key, url)
			return incident(), nil
		},
		CheckFn: func(_ context.Context, _ incidentbot.Actor, key string, item int, done bool) (*incidentbot.ChecklistEntry, error) {
			r.add("Check %q %d %t", key, item, done)
			return &incidentbot.ChecklistEntry{Position: item, Text: "Check recent deploys"}, nil
		},
		RemindFn: func(_ context.Context, _ incidentbot.Actor, key string, op incidentbot.RemindOp, d time.Duration) (*incidentbot.Incident, error) {
			r.add("Remind %q %s %s", key, op, d)
			return incident(), nil
		},
		PostmortemFn: func(_ context.Context, _ incidentbot.Actor, key string) (*incidentbot.Incident, error) {
			r.add("Postmortem %q", key)
			return incident(), nil
		},
		RetryFn: func(_ context.Context, _ incidentbot.Actor, key string) (*incidentbot.Incident, []incidentbot.FailedAction, error) {
			r.add("Retry %q", key)
			return incident(), []incidentbot.FailedAction{{What: "create the war room"}, {What: "pause the ads"}}, nil
		},
	}
}

func TestHandle(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		in        string
		wantCalls []string
		wantText  string // Message.Text, or Title when Text is empty
		inChannel bool
	}{
		{"declare", "declare sev1 type:outage Checkout returns 504",
			[]string{`Declare U1 title="Checkout returns 504" sev=sev1 type="outage" drill=false force=false`},
			"SEV1 declared by <@U1> with the site-outage playbook. Opening the war room now.", true},
		{"drill", "drill Payment down --force",
			[]string{`Declare U1 title="Payment down" sev=sev? type="" drill=true force=true`},
			"This is a DRILL: every external action is a dry run.\nSEV1 declared by <@U1> with the site-outage playbook. Opening the war room now.", true},
		{"status", "status INC-42", []string{`Status "INC-42"`}, "INC-42 Checkout returns 504", false},
		{"update", "update DB restarted", []string{`PostUpdate "" "DB restarted"`}, "Update posted to INC-42. Next reminder in 15m.", false},
		{"update without text", "update INC-42", nil, "What changed? Type `/incident update INC-42 <what changed>`, e.g. `/incident update INC-42 DB restarted, checkout recovering`.", false},
		{"ack", "ack INC-42", []string{`Acknowledge "INC-42"`}, "You acknowledged INC-42. Post what you find with `/incident update`.", false},
		{"role", "role tech-lead <@U2>", []string{`AssignRole "" "tech-lead" "<@U2>"`}, "tech-lead: <@U2>.", false},
		{"roles", "roles", []string{`Status ""`}, "No roles yet.", false},
		{"sev", "sev INC-42 sev2", []string{`SetSeverity "INC-42" sev2`}, "INC-42 is now SEV2.", false},
		{"sev without level", "sev INC-42", nil, "Choose the new severity:", false},
		{"note", "note Deploy went out", []string{`AddNote "" "Deploy went out"`}, "Note added to the INC-42 timeline.", false},
		{"check", "check 2", []string{`Check "" 2 true`}, "Done: 2. Check recent deploys", false},
		{"uncheck", "uncheck INC-42 2", []string{`Check "INC-42" 2 false`}, "Open again: 2. Check recent deploys", false},
		{"ads pause", "ads pause INC-42 meta --confirm", []string{`Ads "INC-42" pause "meta"`}, "Pausing the serving campaigns on meta for INC-42. Results follow in the war room.", false},
		{"ads resume", "ads resume", []string{`Ads "" resume ""`}, "Resuming the campaigns INC-42 paused on every platform. Results follow in the war room.", false},
		{"ads status platform", "ads status meta", []string{`Ads "" status "meta"`}, "- meta · Spring sale: paused", false},
		{"verify", "verify https://shop.example.com/", []string{`Verify "" "https://shop.example.com/"`}, "Checking https://shop.example.com/ from outside for INC-42. The result follows in the war room.", false},
		{"remind snooze", "remind snooze 30m", []string{`Remind "" snooze 30m0s`}, "Reminders for INC-42 snoozed for 30m.", false},
		{"remind off", "remind off", []string{`Remind "" off 0s`}, "Reminders are off for INC-42. Turn them back on with `/incident remind on`.", false},
		{"remind on", "remind on", []string{`Remind "" on 0s`}, "Reminders are on for INC-42: next in 15m.", false},
		{"mitigated", "mitigated", []string{`SetStatus "" mitigated ""`}, "INC-42 is mitigated. When the fix holds: `/incident resolve <summary>`.", false},
		{"resolve", "resolve INC-42 Cache flushed", []string{`SetStatus "INC-42" resolved "Cache flushed"`}, "INC-42 is resolved. Close it with `/incident close` once the follow-up is done: that drafts the post-mortem.", false},
		{"reopen", "reopen", []string{`SetStatus "" investigating ""`}, "INC-42 is back to investigating. Say what happened with `/incident update`.", false},
		{"close", "close INC-42", []string{`SetStatus "INC-42" closed ""`}, "INC-42 is closed. The post-mortem draft follows in the war room.", false},
		{"postmortem in war room", "postmortem", []string{`Postmortem ""`}, "Drafting the post-mortem for INC-42… it follows in this channel as inc-42-postmortem.md in a moment.", false},
		{"postmortem key", "postmortem INC-42", []string{`Postmortem "INC-42"`}, "Drafting the post-mortem for INC-42… it follows in this channel as inc-42-postmortem.md in a moment.", false},
		{"retry", "retry INC-42", []string{`Retry "INC-42"`}, "Trying again for INC-42: create the war room, pause the ads. Results follow in the war room.", false},
		{"retry extra word", "retry INC-42 now", nil, "Unexpected \"now\".\nUsage: `/incident retry [INC-42]`", false},
		{"list", "list", []string{"List false 0"}, "- *INC-42* SEV1 · investigating · 10m · Checkout returns 504", false},
		{"list all page", "list --all page 2", []string{"List true 2"}, "- *INC-42* SEV1 · investigating · 10m · Checkout returns 504", false},
		{"parse error", "sev high", nil, "Unknown severity \"high\". Use sev1 (site down) to sev4 (minor).\nUsage: `/incident sev [INC-42] <sev1..sev4>`", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var rec recorder
			h := NewHandler(rec.service(), clock, slog.New(slog.DiscardHandler))
			r := h.Handle(context.Background(), actor, tc.in)
			got := r.Message.Text
			if got == "" {
				got = r.Message.Title
			}
			if got != tc.wantText {
				t.Errorf("got text\n%s\nwant\n%s", got, tc.wantText)
			}
			if strings.Join(rec.calls, "\n") != strings.Join(tc.wantCalls, "\n") {
				t.Errorf("got calls %q, want %q", rec.calls, tc.wantCalls)
			}
			if r.InChannel != tc.inChannel {
				t.Errorf("got InChannel %t, want %t", r.InChannel, tc.inChannel)
			}
			wantTo := actor.User.ID
			if tc.inChannel {
				wantTo = ""
			}
			if r.Message.EphemeralTo != wantTo {
				t.Errorf("got EphemeralTo %q, want %q", r.Message.EphemeralTo, wantTo)
			}
		})
	}
}

func TestHandleButtons(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"severity choice keeps key", "sev INC-42", "sev INC-42 sev1|sev INC-42 sev2|sev INC-42 sev3|sev INC-42 sev4"},
		{"severity choice in war room", "sev", "sev sev1|sev sev2|sev sev3|sev sev4"},
		{"declare offers status", "declare Site down", "status INC-42"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var rec recorder
			r := NewHandler(rec.service(), clock, slog.New(slog.DiscardHandler)).Handle(context.Background(), actor, tc.in)
			var ids []string
			for _, b := range r.Message.Buttons {
				if _, err := Parse(b.ActionID); err != nil {
					t.Errorf("button %q does not parse: %v", b.ActionID, err)
				}
				ids = append(ids, b.ActionID)
			}
			if got := strings.Join(ids, "|"); got != tc.want {
				t.Errorf("got buttons %q, want %q", got, tc.want)
			}
		})
	}
}

func TestHandleDuplicate(t *testing.T) {
	t.Parallel()
	existing := incident()
	existing.Key = "INC-12"
	svc := &mock.IncidentService{
		DeclareFn: func(context.Context, incidentbot.Actor, incidentbot.DeclareRequest) (*incidentbot.Incident, error) {
			// The store reports duplicates wrapped in ECONFLICT.
			return nil, incidentbot.WrapError(incidentbot.ECONFLICT, &incidentbot.DuplicateError{Existing: existing}, "Already open.")
		},
	}
	r := NewHandler(svc, clock, slog.New(slog.DiscardHandler)).Handle(context.Background(), actor, "declare sev2 type:outage Checkout returns 504")
	want := []incidentbot.Button{
		{ActionID: "status INC-12", Label: "Join INC-12", Style: incidentbot.ButtonPrimary},
		{ActionID: "declare sev2 type:outage Checkout returns 504 --force", Label: "Declare anyway"},
	}
	if len(r.Message.Buttons) != len(want) {
		t.Fatalf("got buttons %+v, want %+v", r.Message.Buttons, want)
	}
	for i := range want {
		if r.Message.Buttons[i] != want[i] {
			t.Errorf("button %d: got %+v, want %+v", i, r.Message.Buttons[i], want[i])
		}
	}
	wantText := `INC-12 "Checkout returns 504": SEV1, investigating, declared 5m ago. Join it, or declare a new incident anyway?`
	if r.Message.Text != wantText {
		t.Errorf("got text %q, want %q", r.Message.Text, wantText)
	}
	if r.InChannel || r.Message.EphemeralTo != "U1" {
		t.Errorf("got InChannel %t EphemeralTo %q, want a private reply to U1", r.InChannel, r.Message.EphemeralTo)
	}
}

func TestHandleErrors(t *testing.T) {
	t.Parallel()
	forbidden := incidentbot.Errorf(incidentbot.EFORBIDDEN, "Only the incident commander (<@U9>) can resolve INC-42.")
	tests := []struct {
		name      string
		svc       *mock.IncidentService
		in        string
		want      string
		wantLevel string
	}{
		{"forbidden passed through", &mock.IncidentService{
			SetStatusFn: func(context.Context, incidentbot.Actor, string, incidentbot.Status, string) (*incidentbot.Incident, error) {
				return nil, forbidden
			},
		}, "resolve", forbidden.Message, "level=INFO"},
		{"internal hidden", &mock.IncidentService{
			StatusFn: func(context.Context, incidentbot.Actor, string) (*incidentbot.IncidentStatus, error) {
				return nil, fmt.Errorf("load incident: %w", errors.New("connection refused to db password=hunter2"))
			},
		}, "status", "Internal error.", "level=ERROR"},
		{"panic recovered", &mock.IncidentService{}, "ack",
			"Something went wrong on our side. Try again; if it keeps failing, tell the bot's operator.", "level=ERROR"},
		{"parse error at debug", &mock.IncidentService{}, "fly", "Unknown command \"fly\".\n" + commandList{}.In("en"), "level=DEBUG"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			r := NewHandler(tc.svc, clock, logger).Handle(context.Background(), actor, tc.in)
			if r.Message.Text != tc.want {
				t.Errorf("got text %q, want %q", r.Message.Text, tc.want)
			}
			if r.InChannel || r.Message.EphemeralTo != actor.User.ID {
				t.Errorf("got InChannel %t EphemeralTo %q, want a private reply", r.InChannel, r.Message.EphemeralTo)
			}
			if n := strings.Count(logs.String(), "\n"); n != 1 {
				t.Errorf("got %d log lines, want 1:\n%s", n, logs.String())
			}
			if !strings.Contains(logs.String(), tc.wantLevel) {
				t.Errorf("got log %q, want %s", logs.String(), tc.wantLevel)
			}
		})
	}
}

// TestHandlePanicFrench: a crashed command says so in the reader's language.
func TestHandlePanicFrench(t *testing.T) {
	t.Parallel()
	fr := actor
	fr.Locale = "fr-FR" // her chat app's language
	r := NewHandler(&mock.IncidentService{}, clock, slog.New(slog.DiscardHandler)).Handle(context.Background(), fr, "ack")
	if want := "Une erreur s'est produite de notre côté. Réessayez\u00a0; si cela continue, prévenez l'exploitant du bot."; r.Message.Text != want {
		t.Errorf("got %q, want %q", r.Message.Text, want)
	}
}

func TestHelpGolden(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"help", "help declare", "help ads", "help acknowledge", "bogus"} {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			r := NewHandler(&mock.IncidentService{}, clock, slog.New(slog.DiscardHandler)).Handle(context.Background(), actor, in)
			golden.Check(t, strings.ReplaceAll(in, " ", "-")+".golden", []byte(render(r.Message)))
		})
	}
	// A French-speaking person gets help in French, with the French words;
	// the French words run the same commands.
	french := actor
	french.Locale = "fr-FR"
	for _, in := range []string{"aide", "aide declarer", "help resoudre", "declare --since"} {
		t.Run(in+" (fr)", func(t *testing.T) {
			t.Parallel()
			r := NewHandler(&mock.IncidentService{}, clock, slog.New(slog.DiscardHandler)).Handle(context.Background(), french, in)
			golden.Check(t, "fr-"+strings.ReplaceAll(in, " ", "-")+".golden", []byte(render(r.Message)))
		})
	}
}

// render prints a message as plain text for golden files.
func render(m incidentbot.Message) string {
	var b strings.Builder
	fmt.Fprintf(&b, "title: %s\n", m.Title)
	if m.Text != "" {
		b.WriteString("text:\n")
		for _, line := range strings.Split(m.Text, "\n") {
			fmt.Fprintf(&b, "  | %s\n", line)
		}
	}
	for _, btn := range m.Buttons {
		fmt.Fprintf(&b, "button: [%s] %q\n", btn.Label, btn.ActionID)
	}
	if m.Footer != "" {
		fmt.Fprintf(&b, "footer: %s\n", m.Footer)
	}
	fmt.Fprintf(&b, "ephemeral to: %s\n", m.EphemeralTo)
	return b.String()
}

// TestRun: a form's command reaches the service with what a typed line
// cannot carry, and failures come back as errors, unlogged, for the form
// to show.
func TestRun(t *testing.T) {
	t.Parallel()
	var got incidentbot.DeclareRequest
	svc := &mock.IncidentService{DeclareFn: func(_ context.Context, _ incidentbot.Actor, req incidentbot.DeclareRequest) (*incidentbot.Incident, error) {
		got = req
		if req.Title == "refused" {
			return nil, incidentbot.Errorf(incidentbot.EINVALID, "Titles need a letter.")
		}
		return incident(), nil
	}}
	var logs bytes.Buffer
	h := NewHandler(svc, clock, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	r, err := h.Run(context.Background(), actor, Command{Name: "declare", Title: "Checkout returns 504", Severity: incidentbot.SEV1,
		Description: "Stripe 502s", PauseAds: true})
	if err != nil || !r.InChannel || r.Message.Title != "INC-42 declared: Checkout returns 504" {
		t.Fatalf("got %+v, %v, want the declaration for the channel", r, err)
	}
	if got.Description != "Stripe 502s" || got.PauseAds == nil || !*got.PauseAds {
		t.Errorf("got request %+v, want the details and the ads paused", got)
	}
	if _, err := h.Run(context.Background(), actor, Command{Name: "declare", Title: "Search is slow"}); err != nil || got.PauseAds != nil {
		t.Errorf("got %v and PauseAds %v, want the playbook's choice (nil)", err, got.PauseAds)
	}
	for _, c := range []Command{{Name: "declare", Title: "refused"}, {Name: "fly"}} {
		if _, err := h.Run(context.Background(), actor, c); incidentbot.ErrorCode(err) != incidentbot.EINVALID {
			t.Errorf("%s: got %v, want EINVALID", c.Name, err)
		}
	}
	if _, err := h.Run(context.Background(), actor, Command{Name: "ack"}); incidentbot.ErrorCode(err) != incidentbot.EINTERNAL {
		t.Errorf("ack on a service that panics: got %v, want EINTERNAL", err)
	}
	if logs.Len() != 0 {
		t.Errorf("got logs %q, want none: the caller reports", logs.String())
	}
}
