package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/bot/slack"
	"incidentbot/internal/fake/fakeslack"
)

// Slack end to end through the strict harness: requests signed (or not) as
// Slack signs them reach serve's routes and middleware, and every post the
// bot makes is one the scenario declares.

// People beyond the harness's two, in the groups the default playbooks invite.
var (
	slackCarol = fakeslack.User{ID: "U04CAROL9X", Name: "carol", RealName: "Carol Diaz"}
	slackDan   = fakeslack.User{ID: "U05DAN3MKT", Name: "dan", RealName: "Dan Roy"}
)

// slackWorkspace is newFakeSlack with carol and dan, the user groups the
// default playbooks invite, and everyone but dan in #general.
func slackWorkspace(t *testing.T, opts ...fakeslack.Option) *slackChat {
	sc := newFakeSlack(t, append([]fakeslack.Option{
		fakeslack.WithUsers(slackCarol, slackDan),
		fakeslack.WithUserGroups(
			fakeslack.UserGroup{ID: "S01ONCALL", Handle: "oncall-web", Users: []string{"U03BOB7Q2M", slackCarol.ID}},
			fakeslack.UserGroup{ID: "S02SUPPORT", Handle: "support-leads", Users: []string{slackCarol.ID}},
			fakeslack.UserGroup{ID: "S03MARKET", Handle: "marketing", Users: []string{slackDan.ID}},
		),
	}, opts...)...)
	chat := slack.NewChat(slack.ChatConfig{BotToken: incidentbot.Secret(sc.api.Token()), APIURL: sc.api.URL()}, nil)
	if err := chat.Invite(t.Context(), sc.channelID(general), []string{sc.users[alice].ID, sc.users[bob].ID, slackCarol.ID}); err != nil {
		t.Fatal(err)
	}
	return sc
}

// slackSigning is how a request to serve is signed.
type slackSigning int

const (
	signedNow slackSigning = iota
	unsigned
	badSignature
	sixMinutesOld
)

// send posts body to serve's path as Slack would, signed as how says, and
// returns the status and body.
func (c *slackChat) send(t *testing.T, h *harness, path, contentType string, body []byte, how slackSigning) (int, string) {
	t.Helper()
	at := time.Now()
	if how == sixMinutesOld {
		at = at.Add(-6 * time.Minute)
	}
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(c.secret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	sig := "v0=" + hex.EncodeToString(mac.Sum(nil))
	if how == badSignature {
		sig = "v0=" + strings.Repeat("0", 64)
	}
	req, err := http.NewRequest(http.MethodPost, h.url(path), strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if how != unsigned {
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", sig)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// slash runs /incident text as user from channel, signed as how says.
func (c *slackChat) slash(t *testing.T, h *harness, user, channel, text, trigger string, how slackSigning) (int, string) {
	t.Helper()
	u := c.users[user]
	form := url.Values{"team_id": {fakeslack.TeamID}, "channel_id": {c.channelID(channel)}, "channel_name": {channel},
		"user_id": {u.ID}, "user_name": {u.Name}, "command": {"/incident"}, "text": {text}, "trigger_id": {trigger}}
	return c.send(t, h, "/slack/commands", "application/x-www-form-urlencoded", []byte(form.Encode()), how)
}

// interact sends an interactivity payload, signed.
func (c *slackChat) interact(t *testing.T, h *harness, payload any) (int, string) {
	t.Helper()
	b, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	return c.send(t, h, "/slack/interactions", "application/x-www-form-urlencoded", []byte("payload="+url.QueryEscape(string(b))), signedNow)
}

// incidents lists what the scenario's database holds, newest first.
func (h *harness) incidents() []*incidentbot.Incident {
	h.t.Helper()
	incs, err := h.db.FindIncidents(context.Background(), incidentbot.IncidentFilter{})
	if err != nil {
		h.t.Fatal(err)
	}
	return incs
}

// noShopURL is the probe's note in a checkout war room when SHOP_URL is unset.
const noShopURL = `Nothing was checked from outside: SHOP_URL is empty`

// TestE2ESlackRequests: refused requests change nothing; a repeated
// declaration offers to join; the war room gets its people, topic, pinned
// welcome and one summary; buttons check rights and redraw the welcome
// once; a :pushpin: goes on the timeline at its message's time; the
// declare modal checks its form and declares.
func TestE2ESlackRequests(t *testing.T) {
	sc := slackWorkspace(t)
	h := newHarness(t, sc, e2eDB(t))
	const room = "inc-1-checkout-returns-504"

	for _, how := range []slackSigning{unsigned, badSignature, sixMinutesOld} {
		if code, body := sc.slash(t, h, alice, general, "declare sev1 Checkout returns 504", "", how); code != http.StatusUnauthorized {
			t.Errorf("request %d: got %d %s, want 401", how, code, body)
		}
	}
	if n := len(h.incidents()); n != 0 {
		t.Fatalf("got %d incidents after refused requests, want none", n)
	}

	// Declared three times: one incident, "join or declare anyway" for the repeats.
	code, body := sc.slash(t, h, alice, general, "declare sev1 Checkout returns 504", "", signedNow)
	if code != http.StatusOK || !strings.Contains(body, `"response_type":"in_channel"`) || !strings.Contains(body, "INC-1 declared: Checkout returns 504") {
		t.Fatalf("got %d %s, want the declaration in the channel", code, body)
	}
	for _, trigger := range []string{"13345224609.1", "13345224609.2"} { // each typing its own, as Slack sends
		_, got := sc.slash(t, h, alice, general, "declare sev1 Checkout returns 504", trigger, signedNow)
		if !strings.Contains(got, "INC-1 is already open here") || !strings.Contains(got, "declare sev1 Checkout returns 504 --force") {
			t.Errorf("got %s, want the offer to join INC-1 or declare anyway", got)
		}
	}
	if n := len(h.incidents()); n != 1 {
		t.Fatalf("got %d incidents, want 1", n)
	}
	h.expect(room, `(?s)INC-1 Checkout returns 504.*What happened`)
	h.expect(room, noShopURL)
	h.expect(managers, `INC-1 Checkout returns 504`)
	h.settle()

	roomCh, _ := sc.api.ChannelByName(room)
	for _, u := range []string{sc.users[alice].ID, sc.users[bob].ID, slackCarol.ID, slackDan.ID} {
		if !strings.Contains(strings.Join(roomCh.Members, ","), u) {
			t.Errorf("got members %v, want %s among them", roomCh.Members, u)
		}
	}
	if topic := sc.api.Topic(roomCh.ID); !strings.Contains(topic, "SEV1") {
		t.Errorf("got topic %q, want the severity in it", topic)
	}
	pinned := sc.api.Pinned(roomCh.ID)
	if len(pinned) != 1 {
		t.Fatalf("got %d pinned messages, want the welcome", len(pinned))
	}
	welcome := pinned[0]

	// Buttons: bob is not the commander, alice is.
	click := func(user, action string) {
		t.Helper()
		code, _ := sc.interact(t, h, map[string]any{
			"type": "block_actions", "team": map[string]string{"id": fakeslack.TeamID},
			"user":      map[string]string{"id": sc.users[user].ID, "username": user},
			"container": map[string]any{"type": "message", "message_ts": welcome, "channel_id": roomCh.ID},
			"channel":   map[string]string{"id": roomCh.ID},
			"actions":   []map[string]string{{"action_id": action, "type": "button"}},
		})
		if code != http.StatusOK {
			t.Fatalf("click %s: got %d, want 200", action, code)
		}
	}
	click(bob, "resolve INC-1")
	h.expectOnly(room, bob, `commander`)
	h.settle()
	if inc := h.incidents()[0]; inc.Status != incidentbot.StatusInvestigating {
		t.Errorf("got status %s after bob's click, want investigating", inc.Status)
	}

	// The engine redraws the welcome and the summary after a change, typed
	// or clicked; the adapter only runs the command.
	edits := func(channel, ts string) (int, string) {
		for _, m := range sc.api.Messages(channel) {
			if m.TS == ts {
				return m.Edits, m.Text + string(m.Blocks) + string(m.Attachments)
			}
		}
		return -1, ""
	}
	var summary string
	for _, p := range sc.posts() {
		if p.Channel == managers {
			_, summary, _ = strings.Cut(p.ID, "/")
		}
	}
	managersID := sc.channelID(managers)
	base, _ := edits(managersID, summary)
	drawn := func(welcomeEdits, summaryEdits int) string {
		t.Helper()
		h.until("the redraws", func() bool {
			w, _ := edits(roomCh.ID, welcome)
			s, _ := edits(managersID, summary)
			return w >= welcomeEdits && s >= summaryEdits
		})
		h.settle()
		w, text := edits(roomCh.ID, welcome)
		if s, _ := edits(managersID, summary); w != welcomeEdits || s != summaryEdits {
			t.Errorf("got the welcome edited %d times and the summary %d, want %d and %d", w, s, welcomeEdits, summaryEdits)
		}
		return text
	}
	if got := h.command(alice, room, "ack INC-1"); !strings.Contains(got, "acknowledged") {
		t.Fatalf("typed ack answered %q", got)
	}
	if text := drawn(1, base+1); strings.Contains(text, `"action_id":"ack INC-1"`) {
		t.Errorf("got welcome %s, want it redrawn without the Acknowledge button", text)
	}
	if inc := h.incidents()[0]; inc.AcknowledgedAt == nil {
		t.Error("got no acknowledgement after alice's ack")
	}
	click(alice, "mitigated INC-1")
	click(alice, "mitigated INC-1") // a double tap
	h.expectOnly(room, alice, `INC-1 is mitigated`)
	h.settle()
	if inc := h.incidents()[0]; inc.Status != incidentbot.StatusMitigated {
		t.Errorf("got status %s after alice's click, want mitigated", inc.Status)
	}
	if text := drawn(2, base+2); !strings.Contains(text, `"action_id":"ads resume INC-1"`) {
		t.Errorf("got welcome %s, want it redrawn with the Resume ads button", text)
	}

	// A :pushpin: on a message puts it on the timeline at its own time.
	ts, _ := sc.api.AddMessage(roomCh.ID, sc.users[bob].ID, "Rolled back the 11:50 deploy")
	ev, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": fakeslack.TeamID, "event_id": "Ev0PIN1",
		"event": map[string]any{"type": "reaction_added", "user": slackCarol.ID, "reaction": "pushpin",
			"item": map[string]any{"type": "message", "channel": roomCh.ID, "ts": ts}},
		"authorizations": []map[string]any{{"user_id": fakeslack.BotUserID}}})
	if code, body := sc.send(t, h, "/slack/events", "application/json", ev, signedNow); code != http.StatusOK {
		t.Fatalf("event: got %d %s, want 200", code, body)
	}
	var pins []incidentbot.TimelineEvent
	h.until("the pinned message on the timeline", func() bool {
		timeline, err := h.db.Timeline(context.Background(), h.incidents()[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		pins = nil
		for _, e := range timeline {
			if e.Kind == incidentbot.EventPinned {
				pins = append(pins, e)
			}
		}
		return len(pins) > 0
	})
	sec, _, _ := strings.Cut(ts, ".")
	if len(pins) != 1 || pins[0].Text != "Rolled back the 11:50 deploy" || strconv.FormatInt(pins[0].At.Unix(), 10) != sec {
		t.Errorf("got pinned events %+v, want bob's message at its own time", pins)
	}

	// The declare modal.
	trigger := sc.api.NewTrigger()
	if code, body := sc.slash(t, h, alice, general, "declare", trigger, signedNow); code != http.StatusOK || body != "" {
		t.Fatalf("got %d %q, want an empty ack", code, body)
	}
	views := sc.api.Views()
	if len(views) != 1 || views[0].TriggerID != trigger {
		t.Fatalf("got views %+v, want the declare modal", views)
	}
	submit := func(title string) (int, string) {
		return sc.interact(t, h, map[string]any{
			"type": "view_submission", "team": map[string]string{"id": fakeslack.TeamID},
			"user": map[string]string{"id": sc.users[alice].ID, "username": alice},
			"view": map[string]any{"id": views[0].ID, "callback_id": views[0].CallbackID,
				"private_metadata": `{"origin_channel":"` + sc.channelID(general) + `"}`,
				"state": map[string]any{"values": map[string]any{
					"title":    map[string]any{"title_input": map[string]any{"type": "plain_text_input", "value": title}},
					"severity": map[string]any{"severity_select": map[string]any{"type": "static_select", "selected_option": map[string]string{"value": "sev2"}}},
					"type":     map[string]any{"type_select": map[string]any{"type": "static_select", "selected_option": map[string]string{"value": "checkout-failure"}}},
				}}},
		})
	}
	if code, body := submit(""); code != http.StatusOK || !strings.Contains(body, `"response_action":"errors"`) || !strings.Contains(body, `"title"`) {
		t.Errorf("got %d %s, want an inline error on the title", code, body)
	}
	if code, body := submit("Payments fail at Stripe"); code != http.StatusOK || body != "" {
		t.Errorf("got %d %q, want an empty ack closing the modal", code, body)
	}
	incs := h.incidents()
	if len(incs) != 2 || incs[0].Title != "Payments fail at Stripe" || incs[0].Severity != incidentbot.SEV2 || incs[0].Type != "checkout-failure" {
		t.Fatalf("got incidents %+v, want the modal's SEV2 checkout-failure", incs[0])
	}
	h.expectOnly(general, alice, `INC-2 declared`)
	h.expect("inc-2-payments-fail-at-stripe", `(?s)INC-2 Payments fail at Stripe.*What happened`)
	h.expect("inc-2-payments-fail-at-stripe", noShopURL)
	h.expect(managers, `INC-2 Payments fail at Stripe`)
	h.settle()
	h.finish()
}

// TestE2ESlackRateLimitStorm: Slack answers 429 to a run of posts; the
// engine retries after Retry-After and every message lands exactly once.
func TestE2ESlackRateLimitStorm(t *testing.T) {
	sc := slackWorkspace(t)
	h := newHarness(t, sc, e2eDB(t))
	sc.api.RateLimitNext("chat.postMessage", time.Second, 6)
	if got := h.command(alice, general, "declare sev1 Checkout returns 504"); !strings.Contains(got, "INC-1 declared") {
		t.Fatalf("declare answered %q, want INC-1 declared", got)
	}
	h.expect("inc-1-checkout-returns-504", `(?s)INC-1 Checkout returns 504.*What happened`)
	h.expect("inc-1-checkout-returns-504", noShopURL)
	h.expect(managers, `INC-1 Checkout returns 504`)
	h.settle()
	posted := 0
	for _, ch := range sc.api.Channels() {
		for _, m := range sc.api.Messages(ch.ID) {
			if m.EphemeralTo == "" && m.User == fakeslack.BotUserID {
				posted++
			}
		}
	}
	if calls := sc.api.Calls("chat.postMessage"); calls != posted+6 {
		t.Errorf("got %d chat.postMessage calls for %d messages, want the 6 refused ones retried and none posted twice", calls, posted)
	}
	h.finish()
}
