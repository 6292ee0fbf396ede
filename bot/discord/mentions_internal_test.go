package discord

import (
	"context"
	"strings"
	"testing"

	"incidentbot"
)

// TestMentionsDiscordSplitPosts: a text too long for one message goes out
// in several posts, and none of them pings, @everyone in the last one
// included.
func TestMentionsDiscordSplitPosts(t *testing.T) {
	t.Parallel()
	c, srv := newChat(t)
	ch, err := c.CreateChannel(context.Background(), "inc-1-x", incidentbot.ChannelOptions{})
	if err != nil {
		t.Fatal(err)
	}
	text := "@here first " + strings.Repeat("word ", 900) + " <@&" + webOn + "> <@" + bob + "> @everyone last"
	if _, err := c.Post(context.Background(), ch.ID, incidentbot.Message{Text: text}); err != nil {
		t.Fatal(err)
	}
	writes := srv.Writes()
	if len(writes) < 3 {
		t.Fatalf("got %d writes, want the text split in at least 3 posts", len(writes))
	}
	for i, w := range writes {
		if w.AllowedMentions == nil || len(w.Pinged) > 0 {
			t.Errorf("post %d: got allowed_mentions %+v pinging %v, want set and pinging nobody", i, w.AllowedMentions, w.Pinged)
		}
	}
}
