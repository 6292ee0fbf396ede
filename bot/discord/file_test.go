package discord

import (
	"context"
	"strings"
	"testing"

	"incidentbot"
)

// TestPostFileRoundTrip: a message with a file sends it whole as an
// attachment (multipart payload_json and files[0]) with the summary in the
// same message.
func TestPostFileRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	chat, srv := newChat(t)
	ch, err := chat.CreateChannel(ctx, "inc-1-checkout", incidentbot.ChannelOptions{})
	if err != nil {
		t.Fatal(err)
	}
	draft := "# INC-1 — post-mortem\n\n" + strings.Repeat("Résumé of the timeline, line after line.\n", 2000)
	ref, err := chat.Post(ctx, ch.ID, incidentbot.Message{
		Title: "Post-mortem draft for INC-1", Text: "The whole draft is in inc-1-postmortem.md.",
		File: &incidentbot.File{Name: "inc-1-postmortem.md", Content: draft},
	})
	if err != nil {
		t.Fatalf("Post: %v", err)
	}
	msgs := srv.Messages(ch.ID)
	if len(msgs) != 1 || msgs[0].ID != ref.ID {
		t.Fatalf("got %d messages (ref %+v), want the one with the file", len(msgs), ref)
	}
	m := msgs[0]
	if len(m.Attachments) != 1 || m.Attachments[0].Filename != "inc-1-postmortem.md" {
		t.Fatalf("attachments: got %+v, want inc-1-postmortem.md", m.Attachments)
	}
	if m.Attachments[0].Content != draft || m.Attachments[0].Size != len(draft) {
		t.Errorf("attachment: got %d bytes, want the whole draft (%d bytes)", len(m.Attachments[0].Content), len(draft))
	}
	if len(m.Embeds) == 0 || !strings.Contains(m.Embeds[0].Description, "The whole draft is in inc-1-postmortem.md.") {
		t.Errorf("summary beside the file: got %+v", m.Embeds)
	}
}
