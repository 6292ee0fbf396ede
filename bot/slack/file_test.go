package slack

import (
	"context"
	"strings"
	"testing"

	"incidentbot"
)

// TestPostFileRoundTrip: a message with a file uploads it whole through the
// external upload (URL, bytes, complete) and shares it in the channel with
// the summary beside it, in one message.
func TestPostFileRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, chat, _ := newChat(t)
	ch, err := chat.CreateChannel(ctx, "inc-1", incidentbot.ChannelOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Longer than any Slack text field, with multi-byte characters: the
	// declared length must count bytes.
	draft := "# INC-1 — post-mortem\n\n" + strings.Repeat("Résumé of the timeline, line after line.\n", 2000)
	ref, err := chat.Post(ctx, ch.ID, incidentbot.Message{
		Title: "Post-mortem draft for INC-1", Text: "The whole draft is in inc-1-postmortem.md.",
		File: &incidentbot.File{Name: "inc-1-postmortem.md", Content: draft},
	})
	if err != nil {
		t.Fatalf("Post: %v", err)
	}
	if ref.ChannelID != ch.ID {
		t.Errorf("ref: got %+v, want the channel", ref)
	}
	var shares int
	for _, m := range srv.Messages(ch.ID) {
		if len(m.Files) == 0 {
			continue
		}
		shares++
		if len(m.Files) != 1 || m.Files[0].Name != "inc-1-postmortem.md" {
			t.Fatalf("shared files: got %+v, want inc-1-postmortem.md", m.Files)
		}
		if m.Files[0].Content != draft {
			t.Errorf("uploaded content: got %d bytes, want the whole draft (%d bytes)", len(m.Files[0].Content), len(draft))
		}
		if !strings.Contains(string(m.Blocks), "The whole draft is in inc-1-postmortem.md.") {
			t.Errorf("summary beside the file: got blocks %s", m.Blocks)
		}
	}
	if shares != 1 {
		t.Errorf("got %d messages sharing a file, want 1", shares)
	}
	if n := srv.Calls("chat.postMessage"); n != 0 {
		t.Errorf("chat.postMessage called %d times, want the summary in the file's message only", n)
	}
}

func TestPostFileRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, chat, _ := newChat(t)
	file := &incidentbot.File{Name: "inc-1-postmortem.md", Content: "# INC-1\n"}
	_, err := chat.Post(ctx, "C0NOTTHERE", incidentbot.Message{Text: "draft", File: file})
	if code := incidentbot.ErrorCode(err); code != incidentbot.ENOTFOUND {
		t.Errorf("unknown channel: got %q (%v), want %q", code, err, incidentbot.ENOTFOUND)
	}
	ch, err := chat.CreateChannel(ctx, "inc-2", incidentbot.ChannelOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = chat.Post(ctx, ch.ID, incidentbot.Message{Text: "draft", File: file, EphemeralTo: "U1"})
	if code := incidentbot.ErrorCode(err); code != incidentbot.EINVALID {
		t.Errorf("ephemeral file: got %q (%v), want %q", code, err, incidentbot.EINVALID)
	}
}
