package slack

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"incidentbot"
	"incidentbot/commands"
)

// TestSlackAnswersWhereBotIsNotMember: a button clicked, or the declare
// modal submitted, from a channel the bot was never invited to gets its
// answer through the payload's response_url. chat.postEphemeral fails
// there (not_in_channel in a public channel, channel_not_found in a
// private one), and before the fix the answer was only logged.
func TestSlackAnswersWhereBotIsNotMember(t *testing.T) {
	t.Parallel()
	for _, private := range []bool{false, true} {
		t.Run(map[bool]string{false: "public", true: "private"}[private], func(t *testing.T) {
			t.Parallel()
			e := newInbound(t)
			e.rec.reply = func(incidentbot.Actor, string) commands.Reply {
				return commands.Reply{Message: incidentbot.Message{Text: "INC-42 is investigating", EphemeralTo: alice.ID}}
			}
			room := e.srv.AddChannelWithout("shop-team", private, alice.ID)

			// A click, answered aside (status is not redrawn).
			var p map[string]any
			raw, _ := url.ParseQuery(string(click(t, room.ID, "1795521661.000200", "status INC-42", alice.ID)))
			if err := json.Unmarshal([]byte(raw.Get("payload")), &p); err != nil {
				t.Fatal(err)
			}
			p["response_url"] = e.srv.ResponseURL(room.ID, alice.ID)
			b, _ := json.Marshal(p)
			if w := serve(e.in.Interactions(), signed(t, "/slack/interactions", []byte("payload="+url.QueryEscape(string(b))), vectorTime)); w.Code != 200 {
				t.Fatalf("click: got %d %s, want 200", w.Code, w.Body)
			}

			// The declare modal, opened by a slash command in that channel.
			d := &declares{}
			e.use(d.service())
			meta, _ := json.Marshal(modalMeta{OriginChannel: room.ID, ResponseURL: e.srv.ResponseURL(room.ID, alice.ID)})
			payload := strings.Replace(string(fixture(t, "view_submission.json")), `"{\"origin_channel\":\"C01OPS4X7Z\"}"`, strconvQuote(string(meta)), 1)
			if w := serve(e.in.Interactions(), signed(t, "/slack/interactions", []byte("payload="+url.QueryEscape(payload)), vectorTime)); w.Code != 200 {
				t.Fatalf("submit: got %d %s, want 200", w.Code, w.Body)
			}

			msgs := e.srv.Messages(room.ID)
			if len(msgs) != 2 || e.srv.Responses() != 2 {
				t.Fatalf("got %d messages (%d through response_url): %+v, want the two answers", len(msgs), e.srv.Responses(), msgs)
			}
			for i, want := range []string{"INC-42 is investigating", "INC-42 declared"} {
				all := msgs[i].Text + string(msgs[i].Blocks) + string(msgs[i].Attachments)
				if msgs[i].EphemeralTo != alice.ID || !strings.Contains(all, want) {
					t.Errorf("answer %d: got %+v, want %q for alice alone", i, msgs[i], want)
				}
			}
		})
	}
}

// TestSlackRespondRefusesOtherHosts: a response_url is followed only on
// Slack's host (the fake's in tests), never elsewhere.
func TestSlackRespondRefusesOtherHosts(t *testing.T) {
	t.Parallel()
	e := newInbound(t)
	err := e.chat.Respond(t.Context(), "https://example.com/commands/1", incidentbot.Message{Text: "hi"}, false)
	if incidentbot.ErrorCode(err) != incidentbot.EINVALID || strings.Contains(err.Error(), "example.com/commands") {
		t.Errorf("got %v, want EINVALID without the URL", err)
	}
}

func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
