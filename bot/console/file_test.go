package console_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"incidentbot"
	"incidentbot/bot/console"
)

// TestPostFileSaved: with a folder, a message's file is written there whole
// and the transcript gives its path, not its content; without one (the
// demo) the transcript shows the content.
func TestPostFileSaved(t *testing.T) {
	t.Parallel()
	draft := "# INC-1 post-mortem\n\n" + strings.Repeat("A line of the timeline.\n", 500)
	msg := incidentbot.Message{Title: "Post-mortem draft for INC-1", Text: "The whole draft is in inc-1-postmortem.md.",
		File: &incidentbot.File{Name: "inc-1-postmortem.md", Content: draft}}

	var out bytes.Buffer
	chat := console.NewChat(&out, console.DefaultDirectory())
	dir := t.TempDir()
	chat.SaveFilesIn(dir)
	if _, err := chat.Post(context.Background(), console.GeneralChannelID, msg); err != nil {
		t.Fatalf("Post: %v", err)
	}
	path := filepath.Join(dir, "inc-1-postmortem.md")
	got, err := os.ReadFile(path)
	if err != nil || string(got) != draft {
		t.Fatalf("file: got %d bytes, %v, want the whole draft (%d bytes)", len(got), err, len(draft))
	}
	if !strings.Contains(out.String(), "inc-1-postmortem.md saved to "+path) || strings.Contains(out.String(), "A line of the timeline") {
		t.Errorf("transcript: got %q, want the path and no content", out.String())
	}

	out.Reset()
	demo := console.NewChat(&out, console.DefaultDirectory())
	if _, err := demo.Post(context.Background(), console.GeneralChannelID, msg); err != nil {
		t.Fatalf("Post: %v", err)
	}
	if !strings.Contains(out.String(), strings.TrimRight(draft, "\n")) {
		t.Errorf("demo transcript lacks the draft: %q", out.String())
	}

	bad := msg
	bad.File = &incidentbot.File{Name: "../escape.md", Content: draft}
	if _, err := chat.Post(context.Background(), console.GeneralChannelID, bad); incidentbot.ErrorCode(err) != incidentbot.EINVALID {
		t.Errorf("a path for a file name: got %v, want EINVALID", err)
	}
}
