package slack

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/slack-go/slack/socketmode"

	"incidentbot/i18n"
)

// TestTenancySlackSocket: Socket Mode refuses other teams as HTTP does:
// the slash command's ack is the refusal, and nothing runs.
func TestTenancySlackSocket(t *testing.T) {
	t.Parallel()
	e := newInbound(t)
	e.use((&declares{}).service())
	s := newSocket(e)
	a := &acks{}
	for _, r := range []socketmode.Request{
		{Type: "slash_commands", EnvelopeID: "s1", Payload: json.RawMessage(`{"team_id":"T09OTHERWS","channel_id":"C01OPS4X7Z","user_id":"U02ALICE5K","user_name":"alice","command":"/incident","text":"resolve INC-42"}`)},
		{Type: "interactive", EnvelopeID: "s2", Payload: json.RawMessage(`{"type":"block_actions","team":{"id":"T09OTHERWS"},"user":{"id":"U02ALICE5K","username":"alice"},"actions":[{"action_id":"resolve INC-42"}]}`)},
		{Type: "events_api", EnvelopeID: "s3", Payload: json.RawMessage(`{"type":"event_callback","team_id":"T09OTHERWS","event_id":"Ev9","event":{"type":"app_mention","user":"U02ALICE5K","channel":"C1"}}`)},
		{Type: "slash_commands", EnvelopeID: "s4", Payload: json.RawMessage(`{"channel_id":"C01OPS4X7Z","user_id":"U02ALICE5K","user_name":"alice","command":"/incident","text":"status INC-42"}`)},
	} {
		s.envelope(context.Background(), r, a.ack(r.EnvelopeID))
	}
	for _, id := range []string{"s1", "s4"} {
		if got := a.of(id); len(got) != 1 || !strings.Contains(got[0], i18n.T("en", "slack.refused_team", nil)) || !strings.Contains(got[0], `"ephemeral"`) {
			t.Errorf("envelope %s: got acks %q, want the private refusal", id, got)
		}
	}
	for _, id := range []string{"s2", "s3"} {
		if got := a.of(id); len(got) != 1 || got[0] != "null" {
			t.Errorf("envelope %s: got acks %q, want one empty ack", id, got)
		}
	}
	if runs := e.rec.got(); len(runs) != 0 {
		t.Errorf("got runs %q, want none", runs)
	}
}
