package commands

import (
	"context"
	"log/slog"

	"incidentbot"
)

// ShareFile delivers a reply's file (the post-mortem draft) whole: posted
// through chat, with the reply's text beside it, in the channel where the
// command was typed, since a command's answer cannot carry a file. The
// reply returned says where the file went, or why it did not (logged).
func ShareFile(ctx context.Context, chat incidentbot.Chat, channelID string, reply Reply, logger *slog.Logger) Reply {
	f := reply.Message.File
	if f == nil {
		return reply
	}
	reply.Message.File = nil
	if _, err := chat.Post(ctx, channelID, incidentbot.Message{Title: reply.Message.Title, Text: reply.Message.Text, File: f}); err != nil {
		logger.WarnContext(ctx, "file not shared", "file", f.Name, "channel", channelID, "code", incidentbot.ErrorCode(err), "err", err)
		reply.Message.Text += "\nThe file could not be shared in this channel: " + incidentbot.ErrorMessage(err)
		return reply
	}
	reply.Message = incidentbot.Message{Text: f.Name + " is shared in this channel."}
	return reply
}
