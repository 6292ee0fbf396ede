package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/fake/fakeslack"
	"incidentbot/internal/golden"
	"incidentbot/mock"
	"incidentbot/playbooks"
)

// declares is a service stub that records declarations.
type declares struct {
	mu   sync.Mutex
	reqs []incidentbot.DeclareRequest
	acts []incidentbot.Actor
	err  error
}

func (d *declares) service() *mock.IncidentService {
	return &mock.IncidentService{
		PlaybooksFn: func() []*incidentbot.Playbook { return playbooks.Defaults().All() },
		DeclareFn: func(_ context.Context, a incidentbot.Actor, req incidentbot.DeclareRequest) (*incidentbot.Incident, error) {
			d.mu.Lock()
			defer d.mu.Unlock()
			d.reqs = append(d.reqs, req)
			d.acts = append(d.acts, a)
			if d.err != nil {
				return nil, d.err
			}
			return &incidentbot.Incident{ID: 42, Key: "INC-42", Title: req.Title, Severity: req.Severity, Type: "site-outage",
				Status: incidentbot.StatusInvestigating}, nil
		},
	}
}

func TestDeclareView(t *testing.T) {
	t.Parallel()
	// Fixed playbooks: the defaults change with their owners, not with this view.
	books := []*incidentbot.Playbook{
		{Name: "site-outage", Description: incidentbot.Texts{"en": "The shop (or checkout) is down or failing for customers."}},
		{Name: "generic"},
	}
	b, err := json.MarshalIndent(declareView("en", books, `{"origin_channel":"C01OPS4X7Z"}`), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "modal-declare"+".golden", append(b, '\n'))
}

func TestDeclareModalOpens(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text string
		trigger    func(e *env) string
		wantView   bool
		wantReply  string
	}{
		{name: "bare declare", text: "declare", trigger: func(e *env) string { return e.srv.NewTrigger() }, wantView: true},
		{name: "with the prefix", text: " /incident  DECLARE ", trigger: func(e *env) string { return e.srv.NewTrigger() }, wantView: true},
		{name: "trigger already used", text: "declare", trigger: func(e *env) string {
			tr := e.srv.NewTrigger()
			if err := e.in.openDeclare(context.Background(), "en", tr, "C1", ""); err != nil {
				t.Fatal(err)
			}
			return tr
		}, wantReply: "Could not open the declare form"},
		{name: "with a title it is a command", text: "declare sev2 Search is slow", trigger: func(e *env) string { return e.srv.NewTrigger() },
			wantReply: "ok: declare sev2 Search is slow"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newInbound(t)
			e.use((&declares{}).service())
			trigger := tc.trigger(e)
			before := len(e.srv.Views())
			form := url.Values{"team_id": {"T01SHOPX9Q"}, "channel_id": {"C01OPS4X7Z"}, "user_id": {alice.ID},
				"user_name": {"alice"}, "command": {"/incident"}, "text": {tc.text}, "trigger_id": {trigger}}
			w := serve(e.in.Commands(), signed(t, "/slack/commands", []byte(form.Encode()), vectorTime))
			if w.Code != 200 {
				t.Fatalf("got %d %s, want 200", w.Code, w.Body)
			}
			views := e.srv.Views()
			if got := len(views) - before; got != map[bool]int{true: 1}[tc.wantView] {
				t.Fatalf("got %d views opened, want wantView=%v", got, tc.wantView)
			}
			if tc.wantView {
				if w.Body.Len() != 0 {
					t.Errorf("got body %s, want an empty ack", w.Body)
				}
				v := views[len(views)-1]
				if v.CallbackID != declareCallback || !strings.Contains(string(v.JSON), `"private_metadata":"{\"origin_channel\":\"C01OPS4X7Z\"}"`) {
					t.Errorf("got view %s %s, want the declare modal remembering the channel", v.CallbackID, v.JSON)
				}
				return
			}
			if !strings.Contains(w.Body.String(), tc.wantReply) {
				t.Errorf("got %s, want %q", w.Body, tc.wantReply)
			}
		})
	}
}

func TestShortcutOpensModal(t *testing.T) {
	t.Parallel()
	e := newInbound(t)
	e.use((&declares{}).service())
	payload, _ := json.Marshal(map[string]any{"type": "shortcut", "callback_id": declareCallback, "trigger_id": e.srv.NewTrigger(),
		"team": map[string]string{"id": "T01SHOPX9Q"}, "user": map[string]string{"id": alice.ID, "username": "alice"}})
	w := serve(e.in.Interactions(), signed(t, "/slack/interactions", []byte("payload="+url.QueryEscape(string(payload))), vectorTime))
	if w.Code != 200 || len(e.srv.Views()) != 1 {
		t.Errorf("got %d and %d views, want 200 and the modal", w.Code, len(e.srv.Views()))
	}
}

// A French-locale person in an English workspace gets the form in French,
// the playbooks' descriptions included, from the shortcut and the command.
func TestDeclareModalInTheirLanguage(t *testing.T) {
	t.Parallel()
	e := newInbound(t)
	e.use((&declares{}).service())
	fr := fakeslack.User{ID: "U06ELOISE", Name: "eloise", Locale: "fr-FR"}
	e.srv.AddUser(fr)
	// Her locale is fetched once and cached; the form then need not wait for it.
	deadline := time.Now().Add(10 * time.Second)
	for e.chat.Locale(t.Context(), fr.ID) != "fr-FR" {
		if time.Now().After(deadline) {
			t.Fatal("her Slack locale never came")
		}
		time.Sleep(10 * time.Millisecond) // polling interval, not a wait for work
	}
	shortcut, _ := json.Marshal(map[string]any{"type": "shortcut", "callback_id": declareCallback, "trigger_id": e.srv.NewTrigger(),
		"team": map[string]string{"id": "T01SHOPX9Q"}, "user": map[string]string{"id": fr.ID, "username": fr.Name}})
	serve(e.in.Interactions(), signed(t, "/slack/interactions", []byte("payload="+url.QueryEscape(string(shortcut))), vectorTime))
	form := url.Values{"team_id": {"T01SHOPX9Q"}, "channel_id": {"C01OPS4X7Z"}, "user_id": {fr.ID},
		"user_name": {fr.Name}, "command": {"/incident"}, "text": {"declare"}, "trigger_id": {e.srv.NewTrigger()}}
	serve(e.in.Commands(), signed(t, "/slack/commands", []byte(form.Encode()), vectorTime))
	views := e.srv.Views()
	if len(views) != 2 {
		t.Fatalf("got %d views, want the shortcut's and the command's", len(views))
	}
	for _, v := range views {
		for _, want := range []string{"Déclarer un incident", "Tel que les clients le voient.", "La boutique est inaccessible ou affiche des erreurs aux clients."} {
			if !strings.Contains(string(v.JSON), want) {
				t.Errorf("form for a fr-FR user lacks %q:\n%s", want, v.JSON)
			}
		}
	}
}

func TestDeclareModalSubmit(t *testing.T) {
	t.Parallel()
	yes := true
	tests := []struct {
		name       string
		edit       func(s string) string
		declareErr error
		wantReq    *incidentbot.DeclareRequest
		wantErrors map[string]string
		wantPost   string // in the origin channel, ephemeral to alice
	}{
		{name: "fixture", wantReq: &incidentbot.DeclareRequest{Title: "Checkout returns 504", Severity: incidentbot.SEV1, PauseAds: &yes},
			wantPost: "INC-42 declared: Checkout returns 504"},
		{name: "type and details, ads left to the playbook", edit: func(s string) string {
			s = strings.Replace(s, `{"type": "static_select", "selected_option": null}`, `{"type": "static_select", "selected_option": {"value": "checkout-failure"}}`, 1)
			s = strings.Replace(s, `{"type": "plain_text_input", "value": null}`, `{"type": "plain_text_input", "value": "  Stripe 502s  "}`, 1)
			return strings.Replace(s, `"selected_options": [
              {"text": {"type": "plain_text", "text": "Pause ads now", "emoji": true}, "value": "pause_ads"}
            ]`, `"selected_options": []`, 1)
		}, wantReq: &incidentbot.DeclareRequest{Title: "Checkout returns 504", Severity: incidentbot.SEV1, Type: "checkout-failure", Description: "Stripe 502s"},
			wantPost: "INC-42 declared"},
		{name: "missing title", edit: func(s string) string {
			return strings.Replace(s, `"value": "Checkout returns 504"`, `"value": "   "`, 1)
		}, wantErrors: map[string]string{"title": "Say what is broken, as customers see it."}},
		{name: "missing title and severity", edit: func(s string) string {
			s = strings.Replace(s, `"value": "Checkout returns 504"`, `"value": null`, 1)
			return strings.Replace(s, `"value": "sev1"
            }`, `"value": "sev9"
            }`, 1)
		}, wantErrors: map[string]string{"title": "Say what is broken, as customers see it.", "severity": "Pick a severity: SEV1 if customers cannot buy."}},
		{name: "title too long", edit: func(s string) string {
			return strings.Replace(s, `"value": "Checkout returns 504"`, `"value": "`+strings.Repeat("x", 151)+`"`, 1)
		}, wantErrors: map[string]string{"title": "Keep it under 150 characters; put details below."}},
		{name: "refused by the service", declareErr: incidentbot.Errorf(incidentbot.EINVALID, "Titles need a letter."),
			wantReq: &incidentbot.DeclareRequest{Title: "Checkout returns 504", Severity: incidentbot.SEV1, PauseAds: &yes}, wantErrors: map[string]string{"title": "Titles need a letter."}},
		{name: "ads box refused by the service", declareErr: incidentbot.Errorf(incidentbot.EFORBIDDEN, "Only the incident commander can pause the ads."),
			wantReq: &incidentbot.DeclareRequest{Title: "Checkout returns 504", Severity: incidentbot.SEV1, PauseAds: &yes}, wantErrors: map[string]string{"ads": "Only the incident commander can pause the ads."}},
		{name: "details too long", edit: func(s string) string {
			return strings.Replace(s, `{"type": "plain_text_input", "value": null}`, `{"type": "plain_text_input", "value": "`+strings.Repeat("d", incidentbot.MaxDescription+1)+`"}`, 1)
		}, wantErrors: map[string]string{"description": "Keep it under 2,000 characters (now 2,001); post the rest as updates."}},
		{name: "duplicate", declareErr: &incidentbot.Error{Code: incidentbot.ECONFLICT, Message: "open", Err: &incidentbot.DuplicateError{
			Existing: &incidentbot.Incident{Key: "INC-12", Title: "Checkout returns 504", Severity: incidentbot.SEV1, Status: incidentbot.StatusInvestigating}}},
			wantReq:  &incidentbot.DeclareRequest{Title: "Checkout returns 504", Severity: incidentbot.SEV1, PauseAds: &yes},
			wantPost: `"action_id":"declare sev1 Checkout returns 504 --force"`},
		{name: "the same submission again posts nothing", declareErr: &incidentbot.DuplicateError{Repeat: true,
			Existing: &incidentbot.Incident{Key: "INC-42", Title: "Checkout returns 504", Severity: incidentbot.SEV1, Status: incidentbot.StatusInvestigating}},
			wantReq: &incidentbot.DeclareRequest{Title: "Checkout returns 504", Severity: incidentbot.SEV1, PauseAds: &yes}},
		{name: "store down", declareErr: incidentbot.Errorf(incidentbot.EUNAVAILABLE, "The database is not answering."),
			wantReq:  &incidentbot.DeclareRequest{Title: "Checkout returns 504", Severity: incidentbot.SEV1, PauseAds: &yes},
			wantPost: "The database is not answering. Try again"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newInbound(t)
			d := &declares{err: tc.declareErr}
			e.use(d.service())
			ops := e.srv.AddChannel("ops", "", false)
			if err := e.chat.Invite(context.Background(), ops.ID, []string{alice.ID}); err != nil {
				t.Fatal(err)
			}
			payload := strings.ReplaceAll(string(fixture(t, "view_submission.json")), "C01OPS4X7Z", ops.ID)
			if tc.edit != nil {
				payload = tc.edit(payload)
			}
			w := serve(e.in.Interactions(), signed(t, "/slack/interactions", []byte("payload="+url.QueryEscape(payload)), vectorTime))
			if w.Code != 200 {
				t.Fatalf("got %d %s, want 200", w.Code, w.Body)
			}
			if tc.wantErrors != nil {
				var got modalErrors
				if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || got.ResponseAction != "errors" || len(got.Errors) != len(tc.wantErrors) {
					t.Fatalf("got %s, want errors %v", w.Body, tc.wantErrors)
				}
				for k, v := range tc.wantErrors {
					if got.Errors[k] != v {
						t.Errorf("got error %q on %s, want %q", got.Errors[k], k, v)
					}
				}
			} else if w.Body.Len() != 0 {
				t.Errorf("got body %s, want an empty ack closing the modal", w.Body)
			}
			if tc.wantReq == nil {
				if len(d.reqs) != 0 {
					t.Errorf("got declarations %+v, want none", d.reqs)
				}
			} else {
				if len(d.reqs) != 1 {
					t.Fatalf("got %d declarations, want 1", len(d.reqs))
				}
				got, want := d.reqs[0], *tc.wantReq
				if got.Title != want.Title || got.Severity != want.Severity || got.Type != want.Type || got.Description != want.Description ||
					(got.PauseAds == nil) != (want.PauseAds == nil) || got.PauseAds != nil && *got.PauseAds != *want.PauseAds {
					t.Errorf("got request %+v, want %+v", got, want)
				}
				if a := d.acts[0]; a.ChannelID != ops.ID || a.User.ID != alice.ID || a.Workspace != "T01SHOPX9Q" {
					t.Errorf("got actor %+v, want alice in %s", a, ops.ID)
				}
			}
			msgs := e.srv.Messages(ops.ID)
			if tc.wantPost == "" {
				if len(msgs) != 0 {
					t.Errorf("got messages %+v, want none", msgs)
				}
				return
			}
			if len(msgs) != 1 || msgs[0].EphemeralTo != alice.ID {
				t.Fatalf("got messages %+v, want one for alice", msgs)
			}
			all := msgs[0].Text + string(msgs[0].Blocks) + string(msgs[0].Attachments)
			if !strings.Contains(all, tc.wantPost) && !bytes.Contains(msgs[0].Attachments, []byte(tc.wantPost)) {
				t.Errorf("got %s, want %q", all, tc.wantPost)
			}
		})
	}
}
