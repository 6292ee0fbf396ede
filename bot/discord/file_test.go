package discord

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"incidentbot"
	fake "incidentbot/internal/fake/discord"
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

// TestInteractionSharesFile: a reply's file (the post-mortem draft) goes
// whole into the channel where the command was typed, as an attachment;
// the answer says so and carries no cut copy.
func TestInteractionSharesFile(t *testing.T) {
	t.Parallel()
	chat, srv := newChat(t)
	draft := "# INC-42\n\n" + strings.Repeat("A line of the timeline.\n", 3000)
	rec := &recorder{file: &incidentbot.File{Name: "inc-42-postmortem.md", Content: draft}}
	in := NewInbound(InboundDeps{
		PublicKey: testPub, Handle: rec.Handle, Deliveries: &deliveries{}, Chat: chat,
		Clock: incidentbot.ClockFunc(func() time.Time { return fixtureTime }), DeferAfter: time.Minute,
	})
	ch := srv.AddChannel(fake.Channel{Name: "inc-42-checkout"})
	b, _ := json.Marshal(map[string]any{
		"id": "30", "application_id": fake.AppID, "type": 2, "token": "token-30", "guild_id": fake.GuildID,
		"channel_id": ch.ID, "data": slash("postmortem", opt("incident", 3, "INC-42")),
		"member": map[string]any{"user": map[string]any{"id": alice, "username": "alice"}},
	})
	code, resp := post(t, in.Interactions(), b, fixtureTS, sign(fixtureTS, b))
	if code != http.StatusOK {
		t.Fatalf("got %d, want 200", code)
	}
	data, _ := resp["data"].(map[string]any)
	if content, _ := data["content"].(string); !strings.Contains(content, "inc-42-postmortem.md is shared in this channel") || flags(resp) != flagEphemeral {
		t.Errorf("answer: got %v, want a private note saying where the file is", resp)
	}
	msgs := srv.Messages(ch.ID)
	if len(msgs) != 1 || len(msgs[0].Attachments) != 1 || msgs[0].Attachments[0].Content != draft {
		t.Fatalf("channel messages: got %d, want one with the whole draft attached", len(msgs))
	}
	if msgs[0].Flags != 0 {
		t.Errorf("the shared file's message has flags %d, want a message for the channel", msgs[0].Flags)
	}
}
