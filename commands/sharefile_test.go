package commands

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"incidentbot"
	"incidentbot/mock"
)

func TestShareFile(t *testing.T) {
	t.Parallel()
	file := &incidentbot.File{Name: "inc-42-postmortem.md", Content: "# INC-42\n"}
	reply := Reply{Message: incidentbot.Message{Text: "Post-mortem draft for INC-42 attached (2 lines).", File: file}}
	tests := []struct {
		name     string
		postErr  error
		wantText string
	}{
		{"shared", nil, "inc-42-postmortem.md is shared in this channel."},
		{"refused", incidentbot.Errorf(incidentbot.EFORBIDDEN, "The bot is not in this channel."), "The file could not be shared in this channel: The bot is not in this channel."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var posted []incidentbot.Message
			chat := &mock.Chat{PostFn: func(_ context.Context, channelID string, m incidentbot.Message) (incidentbot.MessageRef, error) {
				if channelID != "C42" {
					t.Errorf("posted to %s, want the channel where the command was typed", channelID)
				}
				posted = append(posted, m)
				return incidentbot.MessageRef{ChannelID: channelID}, tc.postErr
			}}
			got := ShareFile(context.Background(), chat, "C42", reply, slog.New(slog.DiscardHandler))
			if len(posted) != 1 || posted[0].File != file || posted[0].EphemeralTo != "" || posted[0].Text != reply.Message.Text {
				t.Errorf("posted %+v, want the file with the reply's text, for the channel", posted)
			}
			if got.Message.File != nil || !strings.Contains(got.Message.Text, tc.wantText) {
				t.Errorf("reply: got %+v, want no file and %q", got.Message, tc.wantText)
			}
		})
	}
	if got := ShareFile(context.Background(), &mock.Chat{}, "C42", Reply{Message: incidentbot.Message{Text: "hi"}}, nil); got.Message.Text != "hi" {
		t.Errorf("no file: got %+v, want the reply unchanged", got)
	}
}
