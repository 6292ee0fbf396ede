package discord

import (
	"context"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/fake/fakediscord"
)

// TestDedupeMarkedPost: a post with a Marker carries it as an enforced
// nonce. Sent again (a job re-run whose first post went out), Discord
// returns the first message instead of creating one; past the nonce's few
// minutes, FindPost still finds it among the channel's recent messages
// before the engine posts. Another marker, or none, finds nothing.
func TestDedupeMarkedPost(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	clock := incidentbot.NewManualClock(now)
	chat, srv := newChat(t, fakediscord.WithClock(clock.Now))
	room := srv.AddChannel(fakediscord.Channel{Name: "inc-1-search-is-slow"})
	ctx := context.Background()
	marker := "ib-0123456789abcdef012345" // 25 characters, Discord's longest nonce
	m := incidentbot.Message{Title: "INC-1 Search is slow", Text: "Welcome.", Marker: marker}
	first, err := chat.Post(ctx, room.ID, m)
	if err != nil {
		t.Fatal(err)
	}
	again, err := chat.Post(ctx, room.ID, m)
	if err != nil {
		t.Fatal(err)
	}
	if again != first || len(srv.Messages(room.ID)) != 1 {
		t.Fatalf("posted again: got %+v then %+v, %d messages; want the first returned, 1 message", first, again, len(srv.Messages(room.ID)))
	}
	if _, err := chat.Post(ctx, room.ID, incidentbot.Message{Text: "someone else's post"}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	got, err := chat.FindPost(ctx, room.ID, marker)
	if err != nil || got != first {
		t.Fatalf("FindPost: got %+v, %v; want %+v", got, err, first)
	}
	for _, other := range []string{"ib-other", ""} {
		if _, err := chat.FindPost(ctx, room.ID, other); incidentbot.ErrorCode(err) != incidentbot.ENOTFOUND {
			t.Errorf("FindPost(%q): got %v, want ENOTFOUND", other, err)
		}
	}
	// A marker too long for a nonce is refused, not cut: two markers must
	// never collide.
	_, err = chat.Post(ctx, room.ID, incidentbot.Message{Text: "x", Marker: strings.Repeat("n", 26)})
	if err == nil {
		t.Errorf("26-character nonce accepted, want Discord's invalid form body")
	}
}
