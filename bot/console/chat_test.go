package console_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"

	"incidentbot"
	"incidentbot/bot/console"
	"incidentbot/i18n"
)

func newChat(t *testing.T) *console.Chat {
	t.Helper()
	return console.NewChat(io.Discard, console.DefaultDirectory())
}

func mustCreate(t *testing.T, c *console.Chat, name string, opts incidentbot.ChannelOptions) incidentbot.Channel {
	t.Helper()
	ch, err := c.CreateChannel(context.Background(), name, opts)
	if err != nil {
		t.Fatalf("CreateChannel(%q): %v", name, err)
	}
	return ch
}

func mustPost(t *testing.T, c *console.Chat, channelID string, m incidentbot.Message) incidentbot.MessageRef {
	t.Helper()
	ref, err := c.Post(context.Background(), channelID, m)
	if err != nil {
		t.Fatalf("Post(%s): %v", channelID, err)
	}
	return ref
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := incidentbot.ErrorCode(err); got != code {
		t.Fatalf("got error code %q (%v), want %q", got, err, code)
	}
}

func TestPlatform(t *testing.T) {
	t.Parallel()
	if got := newChat(t).Platform(); got != "console" {
		t.Errorf("got platform %q, want console", got)
	}
}

func TestNewChatHasGeneral(t *testing.T) {
	t.Parallel()
	c := newChat(t)
	got, ok := c.Channel("C0000")
	if !ok {
		t.Fatal("got no channel C0000, want #general")
	}
	if got.Name != "general" {
		t.Errorf("got name %q, want general", got.Name)
	}
	if want := []string{"U_ALICE", "U_BOB", "U_CHLOE", "U_DAVID", "U_EMMA"}; !slices.Equal(got.Members, want) {
		t.Errorf("got members %v, want %v", got.Members, want)
	}
}

func TestCreateChannel(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 80)
	tests := []struct {
		name     string
		existing []incidentbot.ChannelOptions // created first, all named create
		create   string
		opts     incidentbot.ChannelOptions
		wantID   string
		wantName string
		wantCode string
	}{
		{name: "free name", create: "inc-1-down", wantID: "C0001", wantName: "inc-1-down"},
		{name: "taken once", existing: []incidentbot.ChannelOptions{{}}, create: "inc-1-down", wantID: "C0002", wantName: "inc-1-down-2"},
		{name: "taken twice", existing: []incidentbot.ChannelOptions{{}, {}}, create: "inc-1-down", wantID: "C0003", wantName: "inc-1-down-3"},
		{name: "general taken", create: "general", wantID: "C0001", wantName: "general-2"},
		{
			name:     "same purpose refound",
			existing: []incidentbot.ChannelOptions{{Purpose: "INC-1"}},
			create:   "inc-1-down", opts: incidentbot.ChannelOptions{Purpose: "INC-1"},
			wantID: "C0001", wantName: "inc-1-down",
		},
		{
			name:     "same purpose on suffixed channel refound",
			existing: []incidentbot.ChannelOptions{{Purpose: "INC-7"}, {Purpose: "INC-1"}},
			create:   "inc-1-down", opts: incidentbot.ChannelOptions{Purpose: "INC-1"},
			wantID: "C0002", wantName: "inc-1-down-2",
		},
		{
			name:     "other purpose gets suffix",
			existing: []incidentbot.ChannelOptions{{Purpose: "INC-7"}},
			create:   "inc-1-down", opts: incidentbot.ChannelOptions{Purpose: "INC-1"},
			wantID: "C0002", wantName: "inc-1-down-2",
		},
		{
			name:     "empty purpose never refinds",
			existing: []incidentbot.ChannelOptions{{}},
			create:   "inc-1-down", opts: incidentbot.ChannelOptions{},
			wantID: "C0002", wantName: "inc-1-down-2",
		},
		{name: "80 chars", create: long, wantID: "C0001", wantName: long},
		{name: "80 chars taken keeps limit", existing: []incidentbot.ChannelOptions{{}}, create: long, wantID: "C0002", wantName: long[:78] + "-2"},
		{
			name:     "same purpose on cut suffixed channel refound",
			existing: []incidentbot.ChannelOptions{{}, {Purpose: "INC-1"}},
			create:   long, opts: incidentbot.ChannelOptions{Purpose: "INC-1"},
			wantID: "C0002", wantName: long[:78] + "-2",
		},
		{name: "underscore and digits", create: "inc_42-x9", wantID: "C0001", wantName: "inc_42-x9"},
		{name: "81 chars", create: long + "a", wantCode: incidentbot.EINVALID},
		{name: "uppercase", create: "INC-1", wantCode: incidentbot.EINVALID},
		{name: "space", create: "inc 1", wantCode: incidentbot.EINVALID},
		{name: "hash", create: "#inc-1", wantCode: incidentbot.EINVALID},
		{name: "accent", create: "incé", wantCode: incidentbot.EINVALID},
		{name: "empty", create: "", wantCode: incidentbot.EINVALID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := newChat(t)
			for _, opts := range tc.existing {
				mustCreate(t, c, tc.create, opts)
			}
			got, err := c.CreateChannel(context.Background(), tc.create, tc.opts)
			if tc.wantCode != "" {
				wantCode(t, err, tc.wantCode)
				if n := len(c.Channels()); n != 1+len(tc.existing) {
					t.Errorf("got %d channels, want %d: a refused create must change nothing", n, 1+len(tc.existing))
				}
				return
			}
			if err != nil {
				t.Fatalf("CreateChannel: %v", err)
			}
			if want := (incidentbot.Channel{ID: tc.wantID, Name: tc.wantName}); got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
			st, ok := c.Channel(got.ID)
			if !ok || st.Name != tc.wantName {
				t.Errorf("got state %+v (found %v), want name %q", st, ok, tc.wantName)
			}
		})
	}
}

func TestCreateChannelOptions(t *testing.T) {
	t.Parallel()
	c := newChat(t)
	ch := mustCreate(t, c, "inc-1", incidentbot.ChannelOptions{Private: true, Topic: "SEV1 · INC-1", Purpose: "INC-1"})
	st, _ := c.ChannelByName("#inc-1")
	if st.ID != ch.ID || !st.Private || st.Topic != "SEV1 · INC-1" || st.Archived {
		t.Errorf("got %+v, want private channel %s with topic", st, ch.ID)
	}
	if got := c.Channels(); len(got) != 2 || got[0].Name != "general" || got[1].Name != "inc-1" {
		t.Errorf("got channels %+v, want general then inc-1", got)
	}
}

func TestInvite(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		before      []string
		invite      []string
		wantMembers []string
		wantCode    string
	}{
		{name: "new members", invite: []string{"U_ALICE", "U_BOB"}, wantMembers: []string{"U_ALICE", "U_BOB"}},
		{name: "already member", before: []string{"U_ALICE"}, invite: []string{"U_ALICE", "U_BOB"}, wantMembers: []string{"U_ALICE", "U_BOB"}},
		{name: "twice in one call", invite: []string{"U_BOB", "U_BOB"}, wantMembers: []string{"U_BOB"}},
		{name: "nobody", before: []string{"U_ALICE"}, invite: nil, wantMembers: []string{"U_ALICE"}},
		{name: "unknown user changes nothing", before: []string{"U_ALICE"}, invite: []string{"U_BOB", "U_NOBODY"}, wantMembers: []string{"U_ALICE"}, wantCode: incidentbot.ENOTFOUND},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := newChat(t)
			ch := mustCreate(t, c, "inc-1", incidentbot.ChannelOptions{})
			if err := c.Invite(context.Background(), ch.ID, tc.before); err != nil {
				t.Fatalf("Invite before: %v", err)
			}
			err := c.Invite(context.Background(), ch.ID, tc.invite)
			if tc.wantCode != "" {
				wantCode(t, err, tc.wantCode)
			} else if err != nil {
				t.Fatalf("Invite: %v", err)
			}
			st, _ := c.Channel(ch.ID)
			if !slices.Equal(st.Members, tc.wantMembers) {
				t.Errorf("got members %v, want %v", st.Members, tc.wantMembers)
			}
		})
	}
}

func TestChannelErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	msg := incidentbot.Message{Text: "hello"}
	tests := []struct {
		name string
		call func(c *console.Chat, archived string, ref incidentbot.MessageRef) error
		want string
	}{
		{"invite unknown channel", func(c *console.Chat, _ string, _ incidentbot.MessageRef) error {
			return c.Invite(ctx, "C9999", []string{"U_BOB"})
		}, incidentbot.ENOTFOUND},
		{"invite archived", func(c *console.Chat, a string, _ incidentbot.MessageRef) error {
			return c.Invite(ctx, a, []string{"U_BOB"})
		}, incidentbot.EINVALID},
		{"topic unknown channel", func(c *console.Chat, _ string, _ incidentbot.MessageRef) error {
			return c.SetTopic(ctx, "C9999", "x")
		}, incidentbot.ENOTFOUND},
		{"topic archived", func(c *console.Chat, a string, _ incidentbot.MessageRef) error {
			return c.SetTopic(ctx, a, "x")
		}, incidentbot.EINVALID},
		{"post unknown channel", func(c *console.Chat, _ string, _ incidentbot.MessageRef) error {
			_, err := c.Post(ctx, "C9999", msg)
			return err
		}, incidentbot.ENOTFOUND},
		{"post archived", func(c *console.Chat, a string, _ incidentbot.MessageRef) error {
			_, err := c.Post(ctx, a, msg)
			return err
		}, incidentbot.EINVALID},
		{"update unknown message", func(c *console.Chat, _ string, ref incidentbot.MessageRef) error {
			return c.Update(ctx, incidentbot.MessageRef{ChannelID: "C0000", ID: "M9999"}, msg)
		}, incidentbot.ENOTFOUND},
		{"update message in wrong channel", func(c *console.Chat, a string, ref incidentbot.MessageRef) error {
			return c.Update(ctx, incidentbot.MessageRef{ChannelID: a, ID: ref.ID}, msg)
		}, incidentbot.ENOTFOUND},
		{"update to ephemeral", func(c *console.Chat, _ string, ref incidentbot.MessageRef) error {
			return c.Update(ctx, ref, incidentbot.Message{Text: "x", EphemeralTo: "U_BOB"})
		}, incidentbot.EINVALID},
		{"pin unknown message", func(c *console.Chat, _ string, _ incidentbot.MessageRef) error {
			return c.Pin(ctx, incidentbot.MessageRef{ChannelID: "C0000", ID: "M9999"})
		}, incidentbot.ENOTFOUND},
		{"archive unknown channel", func(c *console.Chat, _ string, _ incidentbot.MessageRef) error {
			return c.Archive(ctx, "C9999")
		}, incidentbot.ENOTFOUND},
		{"archive twice", func(c *console.Chat, a string, _ incidentbot.MessageRef) error {
			return c.Archive(ctx, a)
		}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := newChat(t)
			ref := mustPost(t, c, console.GeneralChannelID, msg)
			archived := mustCreate(t, c, "old", incidentbot.ChannelOptions{})
			if err := c.Archive(ctx, archived.ID); err != nil {
				t.Fatalf("Archive: %v", err)
			}
			err := tc.call(c, archived.ID, ref)
			if got := incidentbot.ErrorCode(err); got != tc.want {
				t.Errorf("got code %q (%v), want %q", got, err, tc.want)
			}
			if err != nil && incidentbot.ErrorMessage(err) == "Internal error." {
				t.Errorf("got generic message for %v, want a user-facing one", err)
			}
		})
	}
}

func TestPostUpdatePin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newChat(t)
	ch := mustCreate(t, c, "inc-1", incidentbot.ChannelOptions{})
	first := mustPost(t, c, ch.ID, incidentbot.Message{Title: "one", Buttons: []incidentbot.Button{{ActionID: "ack INC-1", Label: "Acknowledge"}}})
	second := mustPost(t, c, ch.ID, incidentbot.Message{Title: "two"})
	if want := (incidentbot.MessageRef{ChannelID: ch.ID, ID: "M0001"}); first != want {
		t.Errorf("got first ref %+v, want %+v", first, want)
	}
	if second.ID != "M0002" {
		t.Errorf("got second id %q, want M0002", second.ID)
	}
	if err := c.Update(ctx, first, incidentbot.Message{Title: "one, edited"}); err != nil {
		t.Fatalf("Update: %v", err)
	}
	for range 2 {
		if err := c.Pin(ctx, second); err != nil {
			t.Fatalf("Pin: %v", err)
		}
	}
	st, _ := c.Channel(ch.ID)
	want := []console.Posted{
		{ID: "M0001", Message: incidentbot.Message{Title: "one, edited"}, Edits: 1},
		{ID: "M0002", Message: incidentbot.Message{Title: "two"}},
	}
	if len(st.Messages) != len(want) {
		t.Fatalf("got %d messages, want %d", len(st.Messages), len(want))
	}
	for i := range want {
		got := st.Messages[i]
		if got.ID != want[i].ID || got.Message.Title != want[i].Message.Title || got.Edits != want[i].Edits || len(got.Message.Buttons) != 0 {
			t.Errorf("message %d: got %+v, want %+v", i, got, want[i])
		}
	}
	if !slices.Equal(st.Pinned, []string{"M0002"}) {
		t.Errorf("got pinned %v, want [M0002]", st.Pinned)
	}
}

func TestSnapshotsAreCopies(t *testing.T) {
	t.Parallel()
	c := newChat(t)
	mustPost(t, c, console.GeneralChannelID, incidentbot.Message{Fields: []incidentbot.Field{{Label: "a", Value: "b"}}})
	st, _ := c.Channel(console.GeneralChannelID)
	st.Members[0] = "changed"
	st.Messages[0].Message.Fields[0].Value = "changed"
	again, _ := c.Channel(console.GeneralChannelID)
	if again.Members[0] != "U_ALICE" || again.Messages[0].Message.Fields[0].Value != "b" {
		t.Errorf("got %+v after changing a snapshot, want the chat unchanged", again)
	}
}

func TestEphemeral(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	c := console.NewChat(&out, console.DefaultDirectory())
	ref, err := c.Post(context.Background(), console.GeneralChannelID, incidentbot.Message{Text: "Only for bob", EphemeralTo: "U_BOB"})
	if err != nil {
		t.Fatalf("Post: %v", err)
	}
	if ref.ID != "" {
		t.Errorf("got ref id %q, want none for an ephemeral message", ref.ID)
	}
	if st, _ := c.Channel(console.GeneralChannelID); len(st.Messages) != 0 {
		t.Errorf("got %d stored messages, want 0", len(st.Messages))
	}
	if want := "┌ #general · (only you)\n│ Only for bob\n└\n"; out.String() != want {
		t.Errorf("got transcript %q, want %q", out.String(), want)
	}
}

func TestResolveUsers(t *testing.T) {
	t.Parallel()
	bob := incidentbot.User{ID: "U_BOB", Name: "bob"}
	alice := incidentbot.User{ID: "U_ALICE", Name: "alice"}
	tests := []struct {
		spec     string
		want     []incidentbot.User
		wantCode string
	}{
		{spec: "<@U_BOB>", want: []incidentbot.User{bob}},
		{spec: "<@U_BOB|bob>", want: []incidentbot.User{bob}},
		{spec: "@oncall-web", want: []incidentbot.User{bob, alice}},
		{spec: "@bob", want: []incidentbot.User{bob}},
		{spec: "bob@shop.example", want: []incidentbot.User{bob}},
		{spec: "Bob@Shop.Example", want: []incidentbot.User{bob}},
		{spec: "bob", want: []incidentbot.User{bob}},
		{spec: " alice ", want: []incidentbot.User{alice}},
		{spec: "U_BOB", want: []incidentbot.User{bob}},
		{spec: "@x", wantCode: incidentbot.ENOTFOUND},
		{spec: "<@U_NOBODY>", wantCode: incidentbot.ENOTFOUND},
		{spec: "zoe@shop.example", wantCode: incidentbot.ENOTFOUND},
		{spec: "zoe", wantCode: incidentbot.ENOTFOUND},
		{spec: "", wantCode: incidentbot.EINVALID},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			t.Parallel()
			got, err := newChat(t).ResolveUsers(context.Background(), tc.spec)
			if tc.wantCode != "" {
				wantCode(t, err, tc.wantCode)
				return
			}
			if err != nil {
				t.Fatalf("ResolveUsers: %v", err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestResolveUsersMessage(t *testing.T) {
	t.Parallel()
	_, err := newChat(t).ResolveUsers(context.Background(), "@x")
	if got, want := incidentbot.ErrorMessage(err), `No user or group matches "@x".`; got != want {
		t.Errorf("got message %q, want %q", got, want)
	}
	if got, want := i18n.ErrorMessage("fr", err), "Aucun utilisateur ni groupe ne correspond à «\u00a0@x\u00a0»."; got != want {
		t.Errorf("for a French reader: got %q, want %q", got, want)
	}
}

// TestChatErrorsInFrench: the console's own errors, which the engine
// quotes in war-room notes, are said in the reader's language.
func TestChatErrorsInFrench(t *testing.T) {
	t.Parallel()
	c := newChat(t)
	ctx := t.Context()
	ch, err := c.CreateChannel(ctx, "inc-1", incidentbot.ChannelOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, badName := c.CreateChannel(ctx, "INC 1", incidentbot.ChannelOptions{})
	for _, tc := range []struct {
		err      error
		code, fr string
	}{
		{c.Invite(ctx, ch.ID, []string{"U_NOBODY"}), incidentbot.ENOTFOUND,
			"Aucun utilisateur d'identifiant «\u00a0U_NOBODY\u00a0» dans l'espace de la console. Vérifiez la liste d'invités du playbook."},
		{c.Invite(ctx, "C_NONE", nil), incidentbot.ENOTFOUND, "Salon C_NONE introuvable. Tapez /channels pour les lister."},
		{badName, incidentbot.EINVALID, "Le nom de salon «\u00a0INC 1\u00a0» n'est pas permis"},
	} {
		if got := i18n.ErrorMessage("fr", tc.err); incidentbot.ErrorCode(tc.err) != tc.code || !strings.HasPrefix(got, tc.fr) {
			t.Errorf("got %s %q, want %s %q", incidentbot.ErrorCode(tc.err), got, tc.code, tc.fr)
		}
	}
}

func TestFailNextAndCalls(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newChat(t)
	boom := errors.New("boom")
	c.FailNext("CreateChannel", 2, nil)
	c.FailNext("Post", 1, boom)
	for i := range 2 {
		_, err := c.CreateChannel(ctx, "inc-1", incidentbot.ChannelOptions{})
		wantCode(t, err, incidentbot.EUNAVAILABLE)
		if n := len(c.Channels()); n != 1 {
			t.Fatalf("attempt %d: got %d channels, want 1: a failed call must change nothing", i, n)
		}
	}
	mustCreate(t, c, "inc-1", incidentbot.ChannelOptions{})
	if _, err := c.Post(ctx, console.GeneralChannelID, incidentbot.Message{Text: "x"}); !errors.Is(err, boom) {
		t.Errorf("got %v, want the injected error", err)
	}
	mustPost(t, c, console.GeneralChannelID, incidentbot.Message{Text: "x"})
	got := c.Calls()
	if got["CreateChannel"] != 3 || got["Post"] != 2 || got["Invite"] != 0 {
		t.Errorf("got calls %v, want CreateChannel 3, Post 2, Invite 0", got)
	}
}

func TestCanceledContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := newChat(t).Post(ctx, console.GeneralChannelID, incidentbot.Message{Text: "x"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var out bytes.Buffer
	c := console.NewChat(&out, console.DefaultDirectory())
	const workers = 8
	var wg sync.WaitGroup
	ids := make([]string, workers)
	for w := range workers {
		wg.Go(func() {
			ch, err := c.CreateChannel(ctx, "inc-1", incidentbot.ChannelOptions{Purpose: "INC-1"})
			if err != nil {
				t.Errorf("CreateChannel: %v", err)
				return
			}
			ids[w] = ch.ID
			if err := c.Invite(ctx, ch.ID, []string{"U_BOB", "U_ALICE"}); err != nil {
				t.Errorf("Invite: %v", err)
			}
			ref, err := c.Post(ctx, ch.ID, incidentbot.Message{Text: fmt.Sprintf("from %d", w)})
			if err != nil {
				t.Errorf("Post: %v", err)
				return
			}
			if err := c.Pin(ctx, ref); err != nil {
				t.Errorf("Pin: %v", err)
			}
			c.Channels()
			c.Calls()
		})
	}
	wg.Wait()
	for _, id := range ids {
		if id != "C0001" {
			t.Fatalf("got channel ids %v, want every worker to find C0001", ids)
		}
	}
	st, _ := c.Channel("C0001")
	if len(st.Members) != 2 || len(st.Messages) != workers || len(st.Pinned) != workers {
		t.Errorf("got %d members, %d messages, %d pins; want 2, %d, %d", len(st.Members), len(st.Messages), len(st.Pinned), workers, workers)
	}
}

// TestChatSpeaksFrench: with SpeakIn("fr") the console's own words
// (joined, topic, only you, pinned, archived) are French.
func TestChatSpeaksFrench(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	c := console.NewChat(&out, console.DefaultDirectory())
	c.SpeakIn("fr")
	ctx := t.Context()
	ch, err := c.CreateChannel(ctx, "inc-1", incidentbot.ChannelOptions{Topic: "SEV1"})
	if err != nil {
		t.Fatal(err)
	}
	users := console.DefaultDirectory().Users
	if err := c.Invite(ctx, ch.ID, []string{users[0].ID}); err != nil {
		t.Fatal(err)
	}
	ref, err := c.Post(ctx, ch.ID, incidentbot.Message{Title: "Bienvenue"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Pin(ctx, ref); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Post(ctx, ch.ID, incidentbot.Message{Text: "privé", EphemeralTo: users[0].ID}); err != nil {
		t.Fatal(err)
	}
	if err := c.Archive(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	_, err = c.Post(ctx, ch.ID, incidentbot.Message{Text: "trop tard"})
	for _, want := range []string{"créé par incidentbot", "sujet\u00a0: SEV1", users[0].Name + " a rejoint le salon",
		"📌 épinglé " + ref.ID + "\u00a0: Bienvenue", "(vous seul)", "#inc-1 · archivé"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("transcript lacks %q:\n%s", want, out.String())
		}
	}
	if got := i18n.ErrorMessage("fr", err); !strings.Contains(got, "est archivé") {
		t.Errorf("posting to an archived channel: got %q, want the French refusal", got)
	}
}
