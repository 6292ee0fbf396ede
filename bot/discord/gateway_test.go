package discord

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"incidentbot"
	"incidentbot/internal/fake/fakediscord"
)

func TestGatewayInteraction(t *testing.T) {
	t.Parallel()
	chat, srv := newChat(t)
	ch := srv.AddChannel(fakediscord.Channel{Name: "ops"})
	rec := &recorder{}
	in := NewInbound(InboundDeps{PublicKey: testPub, Handle: rec.Handle, Deliveries: &deliveries{}, Chat: chat,
		Clock: incidentbot.ClockFunc(func() time.Time { return fixtureTime })})
	g := NewGateway(chat, in, nil)

	var i discordgo.Interaction
	if err := json.Unmarshal(interaction("30", 2, slash("status", opt("incident", 3, "INC-42")), nil), &i); err != nil {
		t.Fatal(err)
	}
	i.ChannelID = ch.ID
	srv.AddInteraction(fakediscord.Interaction{ID: "30", Token: "token-30", ChannelID: ch.ID})
	for range 2 { // a repeat is answered, and runs nothing
		g.interaction(context.Background(), &i)
	}
	if got := rec.Lines(); len(got) != 1 || got[0] != "status INC-42" {
		t.Errorf("got lines %q, want [status INC-42]", got)
	}
	cbs := srv.Callbacks("30")
	if len(cbs) != 1 || cbs[0].Type != fakediscord.CallbackMessage {
		t.Fatalf("got callbacks %+v, want one message answer", cbs)
	}
	answers := srv.Answers("30")
	if len(answers) != 1 || answers[0].Content != "ran status INC-42" || answers[0].Flags != fakediscord.FlagEphemeral {
		t.Errorf("got answers %+v, want the private reply", answers)
	}
}
