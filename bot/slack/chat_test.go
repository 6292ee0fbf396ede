package slack

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/fake/fakeslack"
)

var (
	alice = fakeslack.User{ID: "U02ALICE5K", Name: "alice", RealName: "Alice Martin", DisplayName: "alice", Email: "alice@shop.example"}
	bob   = fakeslack.User{ID: "U03BOB7Q2Z", Name: "bob", RealName: "Bob Stone", Email: "bob@shop.example"}
	carol = fakeslack.User{ID: "U04CAROL9X", Name: "carol", RealName: "Carol Diaz", Email: "carol@shop.example"}
	web   = fakeslack.UserGroup{ID: "S0ONCALLWEB", Handle: "oncall-web", Name: "On-call web", Users: []string{bob.ID, carol.ID}}
)

// newChat returns a fake Slack with three people and a Chat pointed at it;
// logs go to the returned buffer.
func newChat(t *testing.T, opts ...fakeslack.Option) (*fakeslack.Server, *Chat, *bytes.Buffer) {
	t.Helper()
	opts = append([]fakeslack.Option{fakeslack.WithUsers(alice, bob, carol), fakeslack.WithUserGroups(web)}, opts...)
	srv := fakeslack.New(t, opts...)
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	chat := NewChat(ChatConfig{BotToken: incidentbot.Secret(srv.Token()), APIURL: srv.URL(), Timeout: time.Second}, logger)
	return srv, chat, &logs
}

func TestCreateChannel(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 80)
	tests := []struct {
		name     string
		seed     func(s *fakeslack.Server)
		in       string
		opts     incidentbot.ChannelOptions
		want     string
		creates  int
		reused   bool
		wantCode string
	}{
		{name: "fresh", in: "INC-42 Checkout down", opts: incidentbot.ChannelOptions{Purpose: "INC-42", Topic: "SEV1"},
			want: "inc-42-checkout-down", creates: 1},
		{name: "taken by someone else", in: "inc-42",
			seed: func(s *fakeslack.Server) { s.AddChannel("inc-42", "lunch plans", false) },
			opts: incidentbot.ChannelOptions{Purpose: "INC-42"},
			want: "inc-42-2", creates: 2},
		{name: "taken twice", in: "inc-42",
			seed: func(s *fakeslack.Server) {
				s.AddChannelWithout("inc-42", false) // made by a person: no purpose
				s.AddChannel("inc-42-2", "lunch plans", false)
			},
			opts: incidentbot.ChannelOptions{Purpose: "INC-42"}, want: "inc-42-3", creates: 2},
		{name: "retry reuses its own channel", in: "inc-42",
			seed: func(s *fakeslack.Server) { s.AddChannel("inc-42", "INC-42", false) },
			opts: incidentbot.ChannelOptions{Purpose: "INC-42", Topic: "SEV1"},
			want: "inc-42", creates: 1, reused: true},
		{name: "retry reuses its suffixed channel", in: "inc-42",
			seed: func(s *fakeslack.Server) {
				s.AddChannelWithout("inc-42", false)
				s.AddChannel("inc-42-2", "INC-42", false)
			},
			opts: incidentbot.ChannelOptions{Purpose: "INC-42"}, want: "inc-42-2", creates: 1, reused: true},
		{name: "retry reuses the channel it made before its purpose was set", in: "inc-42",
			seed: func(s *fakeslack.Server) { s.AddChannel("inc-42", "", false) },
			opts: incidentbot.ChannelOptions{Purpose: "INC-42", Topic: "SEV1"},
			want: "inc-42", creates: 1, reused: true},
		{name: "a purposeless channel without the key is not reused", in: "checkout-down",
			seed: func(s *fakeslack.Server) { s.AddChannel("checkout-down", "", false) },
			opts: incidentbot.ChannelOptions{Purpose: "INC-4"}, want: "checkout-down-2", creates: 2},
		{name: "archived namesake is not reused", in: "inc-42",
			seed: func(s *fakeslack.Server) {
				c := s.AddChannel("inc-42", "INC-42", false)
				ctx := context.Background()
				_ = NewChat(ChatConfig{BotToken: incidentbot.Secret(s.Token()), APIURL: s.URL()}, slog.New(slog.DiscardHandler)).Archive(ctx, c.ID)
			},
			opts: incidentbot.ChannelOptions{Purpose: "INC-42"}, want: "inc-42-2", creates: 2},
		{name: "long name keeps the suffix within 80", in: long,
			seed: func(s *fakeslack.Server) { s.AddChannel(long, "", false) },
			want: strings.Repeat("x", 78) + "-2", creates: 2},
		{name: "no usable characters", in: "!!!", wantCode: incidentbot.EINVALID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, chat, _ := newChat(t)
			if tc.seed != nil {
				tc.seed(srv)
			}
			before := len(srv.Channels())
			ch, err := chat.CreateChannel(context.Background(), tc.in, tc.opts)
			if tc.wantCode != "" {
				if got := incidentbot.ErrorCode(err); got != tc.wantCode {
					t.Fatalf("got code %q (%v), want %q", got, err, tc.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ch.Name != tc.want {
				t.Errorf("got name %q, want %q", ch.Name, tc.want)
			}
			got, ok := srv.ChannelByName(tc.want)
			if !ok || got.ID != ch.ID {
				t.Fatalf("got channel %+v %v in the fake, want id %s", got, ok, ch.ID)
			}
			if got.Purpose != tc.opts.Purpose || got.Topic != tc.opts.Topic {
				t.Errorf("got purpose %q topic %q, want %q %q", got.Purpose, got.Topic, tc.opts.Purpose, tc.opts.Topic)
			}
			if n := srv.Calls("conversations.create"); n != tc.creates {
				t.Errorf("got %d creates, want %d", n, tc.creates)
			}
			made := len(srv.Channels()) - before
			if tc.reused && made != 0 || !tc.reused && made != 1 {
				t.Errorf("got %d new channels, want reused=%v", made, tc.reused)
			}
		})
	}
}

func TestInvite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, chat, _ := newChat(t)
	ch, err := chat.CreateChannel(ctx, "inc-1", incidentbot.ChannelOptions{})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name    string
		ids     []string
		want    string
		code    string
		invites int
	}{
		{"two", []string{alice.ID, bob.ID, alice.ID, ""}, "U05INCBOT1,U02ALICE5K,U03BOB7Q2Z", "", 1},
		{"one already there", []string{bob.ID, carol.ID}, "U05INCBOT1,U02ALICE5K,U03BOB7Q2Z,U04CAROL9X", "", 2},
		{"all there", []string{alice.ID}, "U05INCBOT1,U02ALICE5K,U03BOB7Q2Z,U04CAROL9X", "", 1},
		{"the bot itself", []string{fakeslack.BotUserID}, "U05INCBOT1,U02ALICE5K,U03BOB7Q2Z,U04CAROL9X", "", 1},
		{"unknown", []string{"U0NOBODY"}, "U05INCBOT1,U02ALICE5K,U03BOB7Q2Z,U04CAROL9X", incidentbot.ENOTFOUND, 1},
		{"none", nil, "U05INCBOT1,U02ALICE5K,U03BOB7Q2Z,U04CAROL9X", "", 0},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			before := srv.Calls("conversations.invite")
			err := chat.Invite(ctx, ch.ID, st.ids)
			if got := incidentbot.ErrorCode(err); got != st.code {
				t.Errorf("got code %q (%v), want %q", got, err, st.code)
			}
			if got := strings.Join(srv.Members(ch.ID), ","); got != st.want {
				t.Errorf("got members %s, want %s", got, st.want)
			}
			if got := srv.Calls("conversations.invite") - before; got != st.invites {
				t.Errorf("got %d invite calls, want %d", got, st.invites)
			}
		})
	}
}

func TestInviteChunks(t *testing.T) {
	t.Parallel()
	users := make([]fakeslack.User, 1500)
	ids := make([]string, len(users))
	for i := range users {
		users[i] = fakeslack.User{ID: fmt.Sprintf("U%08d", i), Name: fmt.Sprint("u", i)}
		ids[i] = users[i].ID
	}
	srv, chat, _ := newChat(t, fakeslack.WithUsers(users...))
	ch, err := chat.CreateChannel(context.Background(), "big", incidentbot.ChannelOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := chat.Invite(context.Background(), ch.ID, ids); err != nil {
		t.Fatal(err)
	}
	if got, want := len(srv.Members(ch.ID)), 1501; got != want {
		t.Errorf("got %d members, want %d", got, want)
	}
	if got := srv.Calls("conversations.invite"); got != 2 {
		t.Errorf("got %d invite calls, want 2 chunks", got)
	}

	// Again, with two people there already and two new ones, in the first chunk.
	srv.AddUser(fakeslack.User{ID: "U0NEW00001"})
	srv.AddUser(fakeslack.User{ID: "U0NEW00002"})
	again := append([]string{"U0NEW00001"}, ids[:998]...)
	again = append(again, "U0NEW00002")
	if err := chat.Invite(context.Background(), ch.ID, again); err != nil {
		t.Fatal(err)
	}
	if got, want := len(srv.Members(ch.ID)), 1503; got != want {
		t.Errorf("got %d members, want %d", got, want)
	}
	if got := srv.Calls("conversations.invite"); got != 4 {
		t.Errorf("got %d invite calls, want 4 (refused chunk, then its new members)", got)
	}
	if got := srv.Calls("conversations.members"); got != 1 {
		t.Errorf("got %d member lists, want 1", got)
	}
}

func TestMessages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, chat, _ := newChat(t)
	ch, err := chat.CreateChannel(ctx, "inc-7", incidentbot.ChannelOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := chat.Invite(ctx, ch.ID, []string{alice.ID}); err != nil {
		t.Fatal(err)
	}

	topic := strings.Repeat("é", 300)
	if err := chat.SetTopic(ctx, ch.ID, topic); err != nil {
		t.Fatal(err)
	}
	if got := []rune(srv.Topic(ch.ID)); len(got) != 250 || got[249] != '…' {
		t.Errorf("got a topic of %d characters ending %q, want 250 ending with …", len(got), got[len(got)-1])
	}

	ref, err := chat.Post(ctx, ch.ID, incidentbot.Message{Title: "INC-7", Text: "a & b", Severity: incidentbot.SEV1})
	if err != nil {
		t.Fatal(err)
	}
	if ref.ChannelID != ch.ID || ref.ID == "" {
		t.Fatalf("got ref %+v, want one in %s", ref, ch.ID)
	}
	if err := chat.Update(ctx, ref, incidentbot.Message{Title: "INC-7 resolved", Buttons: []incidentbot.Button{{ActionID: "close INC-7", Label: "Close"}}}); err != nil {
		t.Fatal(err)
	}
	eph, err := chat.Post(ctx, ch.ID, incidentbot.Message{Text: "only you", EphemeralTo: alice.ID})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := chat.Pin(ctx, ref); err != nil {
			t.Errorf("pin: got %v, want nil (already_pinned is fine)", err)
		}
	}

	msgs := srv.Messages(ch.ID)
	if len(msgs) != 2 {
		t.Fatalf("got %d messages, want 2", len(msgs))
	}
	m := msgs[0]
	if m.TS != ref.ID || m.Text != "INC-7 resolved" || m.Edits != 1 || m.Attachments != nil {
		t.Errorf("got %+v, want the update without a colour bar", m)
	}
	if !strings.Contains(string(m.Blocks), `"action_id":"close INC-7"`) {
		t.Errorf("got blocks %s, want the close button", m.Blocks)
	}
	if msgs[1].EphemeralTo != alice.ID || msgs[1].TS != eph.ID {
		t.Errorf("got %+v, want an ephemeral for alice", msgs[1])
	}
	if got := srv.Pinned(ch.ID); len(got) != 1 || got[0] != ref.ID {
		t.Errorf("got pins %v, want [%s]", got, ref.ID)
	}

	for range 2 {
		if err := chat.Archive(ctx, ch.ID); err != nil {
			t.Errorf("archive: got %v, want nil (already_archived is fine)", err)
		}
	}
	if got, _ := srv.ChannelByName("inc-7"); !got.Archived {
		t.Error("got an open channel, want it archived")
	}
}

func TestResolveUsers(t *testing.T) {
	t.Parallel()
	_, chat, _ := newChat(t)
	tests := []struct {
		spec string
		want string
		code string
	}{
		{"<@U02ALICE5K>", "U02ALICE5K:alice", ""},
		{"<@U03BOB7Q2Z|bob>", "U03BOB7Q2Z:Bob Stone", ""},
		{"U02ALICE5K", "U02ALICE5K:alice", ""},
		{"<!subteam^S0ONCALLWEB|@oncall-web>", "U03BOB7Q2Z:,U04CAROL9X:", ""},
		{"@oncall-web", "U03BOB7Q2Z:,U04CAROL9X:", ""},
		{"@OnCall-Web, <@U03BOB7Q2Z>", "U03BOB7Q2Z:,U04CAROL9X:", ""},
		{"carol@shop.example", "U04CAROL9X:Carol Diaz", ""},
		{"<mailto:alice@shop.example|alice@shop.example>", "U02ALICE5K:alice", ""},
		{"<@U02ALICE5K> @oncall-web", "U02ALICE5K:alice,U03BOB7Q2Z:,U04CAROL9X:", ""},
		{"<@U0NOBODY1>", "", incidentbot.ENOTFOUND},
		{"@nobody", "", incidentbot.ENOTFOUND},
		{"<!subteam^S0GONE>", "", incidentbot.ENOTFOUND},
		{"nobody@shop.example", "", incidentbot.ENOTFOUND},
		{"alice", "", incidentbot.EINVALID},
		{"  ", "", incidentbot.EINVALID},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			t.Parallel()
			users, err := chat.ResolveUsers(context.Background(), tc.spec)
			if got := incidentbot.ErrorCode(err); got != tc.code {
				t.Fatalf("got code %q (%v), want %q", got, err, tc.code)
			}
			var parts []string
			for _, u := range users {
				parts = append(parts, u.ID+":"+u.Name)
			}
			if got := strings.Join(parts, ","); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		inject func(s *fakeslack.Server)
		code   string
		retry  time.Duration
	}{
		{"invalid auth", func(s *fakeslack.Server) { s.FailNext("conversations.setTopic", "invalid_auth", 1) }, incidentbot.EUNAUTHORIZED, 0},
		{"not authed", func(s *fakeslack.Server) { s.FailNext("conversations.setTopic", "not_authed", 1) }, incidentbot.EUNAUTHORIZED, 0},
		{"missing scope", func(s *fakeslack.Server) { s.FailNext("conversations.setTopic", "missing_scope", 1) }, incidentbot.EFORBIDDEN, 0},
		{"restricted", func(s *fakeslack.Server) { s.FailNext("conversations.setTopic", "restricted_action", 1) }, incidentbot.EFORBIDDEN, 0},
		{"not found", func(s *fakeslack.Server) { s.FailNext("conversations.setTopic", "channel_not_found", 1) }, incidentbot.ENOTFOUND, 0},
		{"archived", func(s *fakeslack.Server) { s.FailNext("conversations.setTopic", "is_archived", 1) }, incidentbot.ECONFLICT, 0},
		{"rate limited", func(s *fakeslack.Server) { s.RateLimitNext("conversations.setTopic", 7*time.Second, 1) }, incidentbot.EUNAVAILABLE, 7 * time.Second},
		{"server error", func(s *fakeslack.Server) { s.FailStatusNext("conversations.setTopic", http.StatusBadGateway, 1) }, incidentbot.EUNAVAILABLE, 0},
		{"timeout", func(s *fakeslack.Server) { s.SetLatency("conversations.setTopic", time.Hour) }, incidentbot.EUNAVAILABLE, 0},
		{"unknown", func(s *fakeslack.Server) { s.FailNext("conversations.setTopic", "something_new", 1) }, incidentbot.EINTERNAL, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, chat, logs := newChat(t)
			ch := srv.AddChannel("inc-9", "", false)
			tc.inject(srv)
			err := chat.SetTopic(context.Background(), ch.ID, "SEV2")
			if got := incidentbot.ErrorCode(err); got != tc.code {
				t.Fatalf("got code %q (%v), want %q", got, err, tc.code)
			}
			if got := incidentbot.RetryAfter(err); got != tc.retry {
				t.Errorf("got retry hint %v (%v), want %v", got, err, tc.retry)
			}
			for _, s := range []string{err.Error(), incidentbot.ErrorMessage(err), logs.String()} {
				if strings.Contains(s, srv.Token()) {
					t.Errorf("got the token in %q", s)
				}
			}
		})
	}
}

func TestBadToken(t *testing.T) {
	t.Parallel()
	srv := fakeslack.New(t)
	const token = "xoxb-very-secret-wrong"
	chat := NewChat(ChatConfig{BotToken: token, APIURL: srv.URL()}, slog.New(slog.DiscardHandler))
	_, err := chat.CreateChannel(context.Background(), "inc-1", incidentbot.ChannelOptions{})
	if got := incidentbot.ErrorCode(err); got != incidentbot.EUNAUTHORIZED {
		t.Fatalf("got %q (%v), want %q", got, err, incidentbot.EUNAUTHORIZED)
	}
	if strings.Contains(err.Error(), token) || strings.Contains(fmt.Sprintf("%#v", chat), token) {
		t.Error("got the token in an error or the Chat's printed form")
	}
}
