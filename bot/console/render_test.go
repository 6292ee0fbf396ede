package console_test

import (
	"bytes"
	"context"
	"testing"

	"incidentbot"
	"incidentbot/bot/console"
	"incidentbot/internal/golden"
)

func TestRender(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		m    incidentbot.Message
	}{
		{name: "empty", m: incidentbot.Message{}},
		{name: "text_only", m: incidentbot.Message{Text: "Site is back.\n\nThanks everyone."}},
		{name: "severity_only", m: incidentbot.Message{Severity: incidentbot.SEV3, Text: "minor"}},
		{name: "war_room", m: incidentbot.Message{
			Title:    "INC-42 Checkout returns 504",
			Severity: incidentbot.SEV1,
			Text:     "*Status:* investigating\n- confirm from outside\n- check recent deploys",
			Fields: []incidentbot.Field{
				{Label: "Commander", Value: "<@U_ALICE>", Short: true},
				{Label: "Tech lead", Value: "<@U_BOB>", Short: true},
				{Label: "Comms", Value: "<@U_CHLOE>", Short: true},
				{Label: "Ads", Value: "12 campaigns paused\n3 left alone (changed by hand)"},
				{Label: "Next update", Value: "in 15m", Short: true},
			},
			Buttons: []incidentbot.Button{
				{ActionID: "ack INC-42", Label: "Acknowledge", Style: incidentbot.ButtonPrimary},
				{ActionID: "update INC-42", Label: "Post update"},
				{ActionID: "resolve INC-42", Label: "Resolve", Style: incidentbot.ButtonDanger},
			},
			Footer: "Declared by alice · playbook site-outage",
		}},
		{name: "trailing_spaces", m: incidentbot.Message{Title: "t", Text: "line with spaces   \n\t\n", Fields: []incidentbot.Field{{Label: "Empty", Value: ""}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			golden.Check(t, "render_"+tc.name+".golden", []byte(console.Render(tc.m)))
		})
	}
}

// TestTranscript scripts a war room's life and compares the transcript.
func TestTranscript(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var out bytes.Buffer
	c := console.NewChat(&out, console.DefaultDirectory())
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ch, err := c.CreateChannel(ctx, "inc-42-checkout-returns-504", incidentbot.ChannelOptions{
		Private: true, Purpose: "INC-42",
		Topic: "SEV1 · investigating · IC: <@U_ALICE> · INC-42 Checkout returns 504",
	})
	must(err)
	_, err = c.CreateChannel(ctx, "inc-42-checkout-returns-504", incidentbot.ChannelOptions{Private: true, Purpose: "INC-42"})
	must(err)
	must(c.Invite(ctx, ch.ID, []string{"U_ALICE", "U_BOB", "U_CHLOE"}))
	must(c.Invite(ctx, ch.ID, []string{"U_BOB"}))
	card, err := c.Post(ctx, ch.ID, incidentbot.Message{
		Title: "INC-42 Checkout returns 504", Severity: incidentbot.SEV1,
		Text:    "Roles: commander <@U_ALICE>, tech-lead <@U_BOB>, comms <@U_CHLOE>",
		Fields:  []incidentbot.Field{{Label: "Status", Value: "investigating", Short: true}, {Label: "Ads", Value: "pausing", Short: true}},
		Buttons: []incidentbot.Button{{Label: "Acknowledge"}, {Label: "Post update"}, {Label: "Resolve"}},
	})
	must(err)
	_, err = c.Post(ctx, ch.ID, incidentbot.Message{Text: "Only you can see this: you are the commander.", EphemeralTo: "U_ALICE"})
	must(err)
	_, err = c.Say(ch.ID, incidentbot.User{ID: "U_BOB", Name: "bob"}, "Rolling back the 14:02 deploy\n<@U_ALICE> ok?")
	must(err)
	must(c.Update(ctx, card, incidentbot.Message{
		Title: "INC-42 Checkout returns 504", Severity: incidentbot.SEV1,
		Fields: []incidentbot.Field{{Label: "Status", Value: "mitigated", Short: true}, {Label: "Ads", Value: "12 paused", Short: true}},
	}))
	must(c.Pin(ctx, card))
	must(c.Pin(ctx, card))
	must(c.SetTopic(ctx, ch.ID, "SEV1 · resolved · IC: <@U_ALICE> · INC-42 Checkout returns 504"))
	must(c.Archive(ctx, ch.ID))
	must(c.Archive(ctx, ch.ID))
	_, err = c.CreateChannel(ctx, "inc-42-checkout-returns-504", incidentbot.ChannelOptions{Purpose: "INC-43"})
	must(err)
	golden.Check(t, "transcript.golden", []byte(out.String()))
}
