package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"incidentbot"
	"incidentbot/internal/fake/fakediscord"
	"incidentbot/internal/golden"
	"incidentbot/views"
)

var now = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func indentJSON(t *testing.T, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const (
	alice = "1202445566778899300"
	bob   = "1202445566778899301"
	carol = "1202445566778899302"
	webOn = "1302445566778899700" // the oncall-web role
)

func incidentStatus() *incidentbot.IncidentStatus {
	a := incidentbot.User{ID: alice, Name: "Alice"}
	declared := now.Add(-5 * time.Minute)
	next := now.Add(10 * time.Minute)
	return &incidentbot.IncidentStatus{
		Incident: &incidentbot.Incident{
			ID: 42, Key: "INC-42", Title: "Checkout returns 504", Severity: incidentbot.SEV1,
			Status: incidentbot.StatusInvestigating, Type: "site-outage", DeclaredBy: a,
			DetectedAt: declared.Add(-2 * time.Minute), DeclaredAt: declared, NextReminderAt: &next,
		},
		Roles: []incidentbot.RoleAssignment{{IncidentID: 42, Role: "commander", User: a}},
		Checklist: []incidentbot.ChecklistEntry{
			{Position: 1, Text: "Confirm the outage from outside", State: incidentbot.ChecklistOpen},
			{Position: 2, Text: "Check monitoring & recent deploys", State: incidentbot.ChecklistOpen},
		},
		Playbook: &incidentbot.Playbook{Name: "site-outage", Roles: []incidentbot.Role{
			{Name: "commander", Description: incidentbot.Texts{"en": "coordinates and decides"}, Assign: incidentbot.AssignDeclarer},
		}},
	}
}

func TestRenderGolden(t *testing.T) {
	t.Parallel()
	tests := map[string]incidentbot.Message{
		"text-only": {Text: "Nothing open. <@" + alice + "> can declare with `/incident declare`."},
		"full": {
			Title: "INC-42 · SEV2 · Checkout returns 504", Text: "*Impact:* 30% of orders fail\n- payments ok\n- cart & stock",
			Severity: incidentbot.SEV2,
			Fields: []incidentbot.Field{
				{Label: "Status", Value: "investigating", Short: true},
				{Label: "Commander", Value: "<@" + alice + ">", Short: true},
				{Label: "Summary", Value: "Long text on its own row"},
			},
			Buttons: []incidentbot.Button{
				{ActionID: "ack INC-42", Label: "Acknowledge", Style: incidentbot.ButtonPrimary},
				{ActionID: "resolve INC-42", Label: "Resolve", Style: incidentbot.ButtonDanger},
				{ActionID: "status INC-42", Label: "Status"},
			},
			Footer: "Declared by <@" + alice + ">",
		},
		"views-welcome": views.Welcome(incidentStatus(), now, "en"),
		"views-status":  views.Status(incidentStatus(), now, "en"),
	}
	for name, m := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			golden.Check(t, name+".golden", indentJSON(t, render(m)))
		})
	}
}

func TestRenderLimits(t *testing.T) {
	t.Parallel()
	buttons := make([]incidentbot.Button, 30)
	for i := range buttons {
		buttons[i] = incidentbot.Button{ActionID: fmt.Sprintf("note %d", i), Label: strings.Repeat("L", 100)}
	}
	buttons = append(buttons, incidentbot.Button{ActionID: "declare " + strings.Repeat("x", 120), Label: "too long"})
	fields := make([]incidentbot.Field, 30)
	for i := range fields {
		fields[i] = incidentbot.Field{Label: fmt.Sprintf("F%d", i), Value: strings.Repeat("v", 300)}
	}
	tests := []struct {
		name          string
		m             incidentbot.Message
		wantRows      int
		wantOverflows int
	}{
		{"buttons", incidentbot.Message{Title: strings.Repeat("T", 300), Buttons: buttons}, 5, 0},
		{"long text in an embed", incidentbot.Message{Title: "t", Text: strings.Repeat("word ", 1500)}, 0, 2},
		{"long plain text", incidentbot.Message{Text: strings.Repeat("line\n", 900)}, 0, 2},
		{"many fields", incidentbot.Message{Title: "t", Fields: fields, Severity: incidentbot.SEV3}, 0, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := render(tc.m)
			if got := len(r.Components); got != tc.wantRows {
				t.Errorf("got %d rows, want %d", got, tc.wantRows)
			}
			if got := len(r.Overflow); got != tc.wantOverflows {
				t.Errorf("got %d overflow messages, want %d", got, tc.wantOverflows)
			}
			if n := utf8.RuneCountInString(r.Content); n > maxContent {
				t.Errorf("got content of %d characters, want at most %d", n, maxContent)
			}
			for _, o := range r.Overflow {
				if n := utf8.RuneCountInString(o); n > maxContent || n == 0 {
					t.Errorf("got an overflow message of %d characters, want 1 to %d", n, maxContent)
				}
			}
			total := 0
			for _, e := range r.Embeds {
				total += runes(e.Title) + runes(e.Description)
				if runes(e.Title) > maxTitle || runes(e.Description) > maxDescription || len(e.Fields) > maxFields {
					t.Errorf("got title %d, description %d, %d fields: over Discord's limits", runes(e.Title), runes(e.Description), len(e.Fields))
				}
				for _, f := range e.Fields {
					total += runes(f.Name) + runes(f.Value)
				}
			}
			if total > maxEmbedTotal {
				t.Errorf("got %d embed characters, want at most %d", total, maxEmbedTotal)
			}
			b, _ := json.Marshal(r.Components)
			if strings.Contains(string(b), "declare xxx") {
				t.Errorf("got a button whose command line is over 100 characters, want it left out")
			}
		})
	}
}

func TestMarkdown(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"*What happened:* x", "**What happened:** x"},
		{"- *commander* (coordinates)", "- **commander** (coordinates)"},
		{"2 * 3 * 4", "2 * 3 * 4"},
		{"_italic_ and `code`", "_italic_ and `code`"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			if got := markdown(tc.in); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// newChat returns a Chat on a fake Discord with three members and a role.
func newChat(t *testing.T, opts ...fakediscord.Option) (*Chat, *fakediscord.Server) {
	t.Helper()
	opts = append([]fakediscord.Option{
		fakediscord.WithMembers(
			fakediscord.Member{User: fakediscord.User{ID: alice, Username: "alice", GlobalName: "Alice"}, Roles: []string{webOn}},
			fakediscord.Member{User: fakediscord.User{ID: bob, Username: "bob"}, Nick: "Bobby", Roles: []string{webOn}},
			fakediscord.Member{User: fakediscord.User{ID: carol, Username: "carol"}},
		),
		fakediscord.WithRoles(fakediscord.Role{ID: webOn, Name: "oncall-web"}),
	}, opts...)
	srv := fakediscord.New(t, opts...)
	c, err := NewChat(ChatConfig{
		BotToken: incidentbot.Secret(srv.Token()), GuildID: fakediscord.GuildID, AppID: fakediscord.AppID, APIURL: srv.URL(),
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

func TestNewChatConfig(t *testing.T) {
	t.Parallel()
	_, err := NewChat(ChatConfig{APIURL: "not a url"}, nil)
	for _, want := range []string{"DISCORD_BOT_TOKEN", "DISCORD_GUILD_ID", "DISCORD_APP_ID", "DISCORD_API_URL"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want it to name %s", err, want)
		}
	}
}

func TestCreateChannel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, srv := newChat(t)
	opts := incidentbot.ChannelOptions{Topic: "SEV1 · investigating · IC: unassigned · INC-42 Checkout down", Purpose: "INC-42"}
	ch, err := c.CreateChannel(ctx, "inc-42-Checkout DOWN!", opts)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Name != "inc-42-checkout-down" {
		t.Errorf("got name %q, want inc-42-checkout-down", ch.Name)
	}
	got, _ := srv.Channel(ch.ID)
	cats := srv.Channels()
	if cats[0].Type != fakediscord.ChannelCategory || cats[0].Name != "Incidents" || got.ParentID != cats[0].ID {
		t.Errorf("got parent %q and first channel %+v, want the channel in a new Incidents category", got.ParentID, cats[0])
	}
	if got.Topic != opts.Topic {
		t.Errorf("got topic %q, want %q", got.Topic, opts.Topic)
	}
	if srv.CanView(ch.ID, carol) || !srv.CanView(ch.ID, fakediscord.BotUserID) || !srv.CanSend(ch.ID, fakediscord.BotUserID) {
		t.Errorf("got carol sees %v, bot sees %v: want a private channel the bot can write in",
			srv.CanView(ch.ID, carol), srv.CanView(ch.ID, fakediscord.BotUserID))
	}

	again, err := c.CreateChannel(ctx, "inc-42-checkout-down", opts)
	if err != nil || again != ch {
		t.Errorf("retried create: got %+v, %v, want the same channel %+v", again, err, ch)
	}
	other, err := c.CreateChannel(ctx, "inc-42-checkout-down", incidentbot.ChannelOptions{Topic: "other", Purpose: "INC-4"})
	if err != nil || other.Name != "inc-42-checkout-down-2" {
		t.Errorf("taken name: got %+v, %v, want inc-42-checkout-down-2", other, err)
	}
	if got, _ := srv.Channel(other.ID); !strings.HasSuffix(got.Topic, "· INC-4") {
		t.Errorf("got topic %q, want the purpose added", got.Topic)
	}
	if _, err := c.CreateChannel(ctx, "!!!", opts); incidentbot.ErrorCode(err) != incidentbot.EINVALID {
		t.Errorf("empty name: got %v, want EINVALID", err)
	}
}

func TestCreateChannelFullCategory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, srv := newChat(t)
	cat := srv.AddChannel(fakediscord.Channel{Name: "Incidents", Type: fakediscord.ChannelCategory})
	for i := range 50 {
		srv.AddChannel(fakediscord.Channel{Name: fmt.Sprintf("old-%d", i), ParentID: cat.ID})
	}
	ch, err := c.CreateChannel(ctx, "inc-51", incidentbot.ChannelOptions{Purpose: "INC-51"})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := srv.Channel(ch.ID)
	parent, _ := srv.Channel(got.ParentID)
	if parent.Name != "Incidents 2" || parent.Type != fakediscord.ChannelCategory {
		t.Errorf("got parent %+v, want a new category Incidents 2", parent)
	}
}

func TestInviteTopicArchive(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, srv := newChat(t)
	ch, err := c.CreateChannel(ctx, "inc-7", incidentbot.ChannelOptions{Purpose: "INC-7"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Invite(ctx, ch.ID, []string{alice, bob, alice}); err != nil {
		t.Fatal(err)
	}
	if err := c.Invite(ctx, ch.ID, []string{alice}); err != nil {
		t.Errorf("invite again: got %v, want success", err)
	}
	if !srv.CanSend(ch.ID, alice) || !srv.CanSend(ch.ID, bob) || srv.CanView(ch.ID, carol) {
		t.Errorf("got alice %v, bob %v, carol %v: want alice and bob in, carol out",
			srv.CanSend(ch.ID, alice), srv.CanSend(ch.ID, bob), srv.CanView(ch.ID, carol))
	}
	if err := c.Invite(ctx, ch.ID, []string{"999999999"}); incidentbot.ErrorCode(err) != incidentbot.ENOTFOUND {
		t.Errorf("invite a stranger: got %v, want ENOTFOUND", err)
	}
	if err := c.SetTopic(ctx, ch.ID, strings.Repeat("t", 2000)); err != nil {
		t.Fatal(err)
	}
	if got, _ := srv.Channel(ch.ID); utf8.RuneCountInString(got.Topic) != maxTopic {
		t.Errorf("got a topic of %d characters, want %d", utf8.RuneCountInString(got.Topic), maxTopic)
	}
	for range 2 {
		if err := c.Archive(ctx, ch.ID); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := srv.Channel(ch.ID)
	parent, _ := srv.Channel(got.ParentID)
	if parent.Name != "Incidents archive" {
		t.Errorf("got parent %q, want Incidents archive", parent.Name)
	}
	if srv.CanSend(ch.ID, alice) || !srv.CanView(ch.ID, alice) || !srv.CanSend(ch.ID, fakediscord.BotUserID) {
		t.Errorf("got alice sends %v, views %v: want the war room readable and locked", srv.CanSend(ch.ID, alice), srv.CanView(ch.ID, alice))
	}
	if n := len(srv.Channels()); n != 3 {
		t.Errorf("got %d channels after archiving twice, want 3 (two categories, one war room)", n)
	}
}

func TestPostUpdatePin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, srv := newChat(t)
	ch, err := c.CreateChannel(ctx, "inc-8", incidentbot.ChannelOptions{Purpose: "INC-8"})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := c.Post(ctx, ch.ID, views.Welcome(incidentStatus(), now, "en"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Pin(ctx, ref); err != nil {
		t.Fatal(err)
	}
	if err := c.Pin(ctx, ref); err != nil {
		t.Errorf("pin again: got %v, want success", err)
	}
	if err := c.Update(ctx, ref, incidentbot.Message{Text: "replaced"}); err != nil {
		t.Fatal(err)
	}
	pins := srv.Pins(ch.ID)
	if len(pins) != 1 || pins[0].Content != "replaced" || len(pins[0].Embeds) != 0 || len(pins[0].Components) != 0 {
		t.Errorf("got pins %+v, want the one message, replaced entirely", pins)
	}
	if _, err := c.Post(ctx, ch.ID, incidentbot.Message{Text: strings.Repeat("long line\n", 450)}); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Messages(ch.ID)); n != 4 {
		t.Errorf("got %d messages, want 4 (welcome and a text split in three)", n)
	}
	if _, err := c.Post(ctx, ch.ID, incidentbot.Message{Text: "secret", EphemeralTo: alice}); incidentbot.ErrorCode(err) != incidentbot.EINVALID {
		t.Errorf("ephemeral post: got %v, want EINVALID", err)
	}
}

func TestResolveUsers(t *testing.T) {
	t.Parallel()
	c, _ := newChat(t)
	tests := []struct {
		spec     string
		wantIDs  []string
		wantName string
		wantCode string
	}{
		{spec: "<@" + alice + ">", wantIDs: []string{alice}, wantName: "Alice"},
		{spec: "<@!" + bob + ">", wantIDs: []string{bob}, wantName: "Bobby"},
		{spec: "<@&" + webOn + ">", wantIDs: []string{alice, bob}},
		{spec: "@oncall-web, <@" + carol + ">", wantIDs: []string{alice, bob, carol}},
		{spec: "carol @bobby " + alice, wantIDs: []string{carol, bob, alice}},
		{spec: "alice@shop.example", wantCode: incidentbot.EINVALID},
		{spec: "<@U0MARKETING>", wantCode: incidentbot.EINVALID},
		{spec: "<@123456789012>", wantCode: incidentbot.ENOTFOUND},
		{spec: "@nobody", wantCode: incidentbot.ENOTFOUND},
		{spec: " ", wantCode: incidentbot.EINVALID},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			t.Parallel()
			users, err := c.ResolveUsers(context.Background(), tc.spec)
			if got := incidentbot.ErrorCode(err); got != tc.wantCode {
				t.Fatalf("got code %q (%v), want %q", got, err, tc.wantCode)
			}
			var ids []string
			for _, u := range users {
				ids = append(ids, u.ID)
			}
			if fmt.Sprint(ids) != fmt.Sprint(tc.wantIDs) {
				t.Errorf("got %v, want %v", ids, tc.wantIDs)
			}
			if tc.wantName != "" && users[0].Name != tc.wantName {
				t.Errorf("got name %q, want %q", users[0].Name, tc.wantName)
			}
		})
	}
}

func TestErrorMapping(t *testing.T) {
	t.Parallel()
	const route = "POST /channels/{channel}/messages"
	tests := []struct {
		name      string
		inject    func(srv *fakediscord.Server)
		token     string
		wantCode  string
		wantRetry time.Duration
	}{
		{name: "bad token", token: "wrong-token-value", wantCode: incidentbot.EUNAUTHORIZED},
		{name: "403", inject: func(s *fakediscord.Server) { s.FailNext(route, 403, 50013, "Missing Permissions", 1) }, wantCode: incidentbot.EFORBIDDEN},
		{name: "404", inject: func(s *fakediscord.Server) { s.FailNext(route, 404, 10003, "Unknown Channel", 1) }, wantCode: incidentbot.ENOTFOUND},
		{name: "429", inject: func(s *fakediscord.Server) { s.RateLimitNext(route, 1500*time.Millisecond, false, 1) }, wantCode: incidentbot.EUNAVAILABLE, wantRetry: 1500 * time.Millisecond},
		{name: "global 429", inject: func(s *fakediscord.Server) { s.RateLimitNext(route, 2*time.Second, true, 1) }, wantCode: incidentbot.EUNAVAILABLE, wantRetry: 2 * time.Second},
		{name: "502", inject: func(s *fakediscord.Server) { s.FailNext(route, 502, 0, "Bad Gateway", 1) }, wantCode: incidentbot.EUNAVAILABLE},
		{name: "500", inject: func(s *fakediscord.Server) { s.FailNext(route, 500, 0, "Internal Server Error", 1) }, wantCode: incidentbot.EUNAVAILABLE},
		{name: "400", inject: func(s *fakediscord.Server) { s.FailNext(route, 400, 50035, "Invalid Form Body", 1) }, wantCode: incidentbot.EINVALID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, srv := newChat(t)
			ch := srv.AddChannel(fakediscord.Channel{Name: "ops"})
			if tc.token != "" {
				var err error
				c, err = NewChat(ChatConfig{BotToken: incidentbot.Secret(tc.token), GuildID: fakediscord.GuildID, AppID: fakediscord.AppID, APIURL: srv.URL()}, nil)
				if err != nil {
					t.Fatal(err)
				}
			}
			if tc.inject != nil {
				tc.inject(srv)
			}
			_, err := c.Post(context.Background(), ch.ID, incidentbot.Message{Text: "hello"})
			if got := incidentbot.ErrorCode(err); got != tc.wantCode {
				t.Fatalf("got %q (%v), want %q", got, err, tc.wantCode)
			}
			if got := incidentbot.RetryAfter(err); got != tc.wantRetry {
				t.Errorf("got retry hint %v (%v), want %v", got, err, tc.wantRetry)
			}
			for _, secret := range []string{srv.Token(), tc.token} {
				if secret != "" && (strings.Contains(err.Error(), secret) || strings.Contains(incidentbot.ErrorMessage(err), secret)) {
					t.Errorf("got the token in %q", err)
				}
			}
		})
	}
}

// TestDiscordBotUserIDNotAppID: the fake's bot user id differs from the
// application id, as for older applications. The war room's overwrite
// names the bot user read from GET /users/@me, so the bot can still post
// there, and pins use the current route (the fake has no deprecated one).
func TestDiscordBotUserIDNotAppID(t *testing.T) {
	t.Parallel()
	c, srv := newChat(t)
	ctx := t.Context()
	ch, err := c.CreateChannel(ctx, "inc-7-checkout", incidentbot.ChannelOptions{Topic: "INC-7"})
	if err != nil {
		t.Fatalf("CreateChannel: %v", err)
	}
	room, _ := srv.Channel(ch.ID)
	for _, o := range room.Overwrites {
		if o.ID == fakediscord.AppID {
			t.Errorf("got an overwrite for the application id %s, want the bot user's %s", fakediscord.AppID, fakediscord.BotUserID)
		}
	}
	ref, err := c.Post(ctx, ch.ID, incidentbot.Message{Text: "War room open"})
	if err != nil {
		t.Fatalf("Post in the war room: %v", err)
	}
	if err := c.Pin(ctx, ref); err != nil {
		t.Fatalf("Pin: %v", err)
	}
	if pins := srv.Pins(ch.ID); len(pins) != 1 || pins[0].ID != ref.ID {
		t.Errorf("got pins %+v, want message %s", pins, ref.ID)
	}
	if err := c.Invite(ctx, ch.ID, []string{fakediscord.BotUserID}); err != nil || !srv.CanSend(ch.ID, fakediscord.BotUserID) {
		t.Errorf("Invite the bot: got %v, bot can send %v; want nil, true", err, srv.CanSend(ch.ID, fakediscord.BotUserID))
	}
}
