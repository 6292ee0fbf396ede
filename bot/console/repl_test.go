package console_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"incidentbot"
	"incidentbot/bot/console"
	"incidentbot/internal/golden"
)

type handled struct {
	actor incidentbot.Actor
	text  string
}

// stubHandler declares by creating a war room and answers status privately.
type stubHandler struct {
	chat  *console.Chat
	mu    sync.Mutex
	calls []handled
}

func (h *stubHandler) handle(ctx context.Context, actor incidentbot.Actor, text string) (incidentbot.Message, bool) {
	h.mu.Lock()
	h.calls = append(h.calls, handled{actor, text})
	h.mu.Unlock()
	switch {
	case strings.HasPrefix(text, "/incident declare"):
		ch, err := h.chat.CreateChannel(ctx, "inc-1-checkout-down", incidentbot.ChannelOptions{Purpose: "INC-1"})
		if err != nil {
			return incidentbot.Message{Text: incidentbot.ErrorMessage(err)}, false
		}
		if err := h.chat.Invite(ctx, ch.ID, []string{actor.User.ID}); err != nil {
			return incidentbot.Message{Text: incidentbot.ErrorMessage(err)}, false
		}
		return incidentbot.Message{Text: "<@" + actor.User.ID + "> declared INC-1. War room: #inc-1-checkout-down"}, true
	case text == "/incident status":
		return incidentbot.Message{Title: "INC-1 Checkout down", Severity: incidentbot.SEV1, Text: "investigating"}, false
	case text == "/incident resolve":
		return incidentbot.Message{Text: "INC-1 resolved"}, true
	}
	return incidentbot.Message{}, false
}

func TestRunREPL(t *testing.T) {
	t.Parallel()
	script := strings.Join([]string{
		"hello everyone",
		"",
		"/as bob",
		"/incident declare sev1 Checkout down",
		"/channels",
		"/join #inc-1-checkout-down",
		"/incident status",
		"/incident noop",
		"rolling back",
		"/as zoe",
		"/as @oncall-web",
		"/as",
		"/join #nope",
		"/join",
		"/frobnicate",
		"/join <#C0001|inc-1-checkout-down>",
		"/quit",
		"said after quit",
	}, "\n")
	var out bytes.Buffer
	chat := console.NewChat(&out, console.DefaultDirectory())
	h := &stubHandler{chat: chat}
	alice := incidentbot.User{ID: "U_ALICE", Name: "alice"}
	if err := console.RunREPL(context.Background(), strings.NewReader(script), &out, chat, alice, console.GeneralChannelID, h.handle); err != nil {
		t.Fatalf("RunREPL: %v", err)
	}
	golden.Check(t, "repl.golden", []byte(out.String()))

	bob := incidentbot.User{ID: "U_BOB", Name: "bob"}
	want := []handled{
		{incidentbot.Actor{Platform: "console", Workspace: "console", User: bob, ChannelID: "C0000"}, "/incident declare sev1 Checkout down"},
		{incidentbot.Actor{Platform: "console", Workspace: "console", User: bob, ChannelID: "C0001"}, "/incident status"},
		{incidentbot.Actor{Platform: "console", Workspace: "console", User: bob, ChannelID: "C0001"}, "/incident noop"},
	}
	if len(h.calls) != len(want) {
		t.Fatalf("got %d handled lines %+v, want %d", len(h.calls), h.calls, len(want))
	}
	for i := range want {
		if h.calls[i] != want[i] {
			t.Errorf("call %d: got %+v, want %+v", i, h.calls[i], want[i])
		}
	}

	general, _ := chat.Channel(console.GeneralChannelID)
	room, _ := chat.Channel("C0001")
	if len(general.Messages) != 2 || general.Messages[0].From != "U_ALICE" || general.Messages[1].From != "" {
		t.Errorf("got #general messages %+v, want alice's line then the bot's declare reply", general.Messages)
	}
	if len(room.Messages) != 1 || room.Messages[0].From != "U_BOB" || room.Messages[0].Message.Text != "rolling back" {
		t.Errorf("got war-room messages %+v, want bob's line only (status was private)", room.Messages)
	}
	if got := chat.Calls()["Post"]; got != 0 {
		t.Errorf("got %d Post calls, want 0: console replies are not engine posts", got)
	}
	if strings.Contains(out.String(), "said after quit") {
		t.Error("got a line after /quit handled, want the console stopped")
	}
}

func TestRunREPLArchivedChannel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var out bytes.Buffer
	chat := console.NewChat(&out, console.DefaultDirectory())
	ch, err := chat.CreateChannel(ctx, "inc-1", incidentbot.ChannelOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := chat.Archive(ctx, ch.ID); err != nil {
		t.Fatal(err)
	}
	h := &stubHandler{chat: chat}
	out.Reset()
	err = console.RunREPL(ctx, strings.NewReader("hello\n/incident resolve\n"), &out, chat,
		incidentbot.User{ID: "U_ALICE", Name: "alice"}, ch.ID, h.handle)
	if err != nil {
		t.Fatalf("RunREPL: %v", err)
	}
	want := strings.Join([]string{
		"incidentbot console · you are alice in #inc-1",
		"Type /incident help; /as <name> to switch user; /join <#channel> to move; /channels to list them; /quit to leave.",
		"(only you) #inc-1 is archived: nothing can be posted or changed there. Use another channel.",
		"(only you) #inc-1 is archived: nothing can be posted or changed there. Use another channel.",
		"┌ #inc-1 · (only you)",
		"│ INC-1 resolved",
		"└",
		"",
	}, "\n")
	if out.String() != want {
		t.Errorf("got output\n%s\nwant\n%s", out.String(), want)
	}
}

func TestRunREPLEnds(t *testing.T) {
	t.Parallel()
	alice := incidentbot.User{ID: "U_ALICE", Name: "alice"}
	never := func(context.Context, incidentbot.Actor, string) (incidentbot.Message, bool) {
		panic("no command expected")
	}
	readFailure := errors.New("disk on fire")
	tests := []struct {
		name     string
		in       io.Reader
		channel  string
		wantErr  error
		wantCode string
	}{
		{name: "end of input", in: strings.NewReader("hello"), channel: console.GeneralChannelID},
		{name: "empty input", in: strings.NewReader(""), channel: console.GeneralChannelID},
		{name: "read error", in: iotest.ErrReader(readFailure), channel: console.GeneralChannelID, wantErr: readFailure},
		{name: "unknown start channel", in: strings.NewReader(""), channel: "C9999", wantCode: incidentbot.ENOTFOUND},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			chat := console.NewChat(io.Discard, console.DefaultDirectory())
			err := console.RunREPL(context.Background(), tc.in, io.Discard, chat, alice, tc.channel, never)
			switch {
			case tc.wantCode != "":
				wantCode(t, err, tc.wantCode)
			case tc.wantErr != nil:
				if !errors.Is(err, tc.wantErr) {
					t.Errorf("got %v, want %v", err, tc.wantErr)
				}
			case err != nil:
				t.Errorf("got %v, want nil", err)
			}
		})
	}
}

func TestRunREPLStopsWithContext(t *testing.T) {
	t.Parallel()
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	chat := console.NewChat(io.Discard, console.DefaultDirectory())
	var out bytes.Buffer
	handled := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- console.RunREPL(ctx, pr, &out, chat, incidentbot.User{ID: "U_ALICE", Name: "alice"}, console.GeneralChannelID,
			func(_ context.Context, _ incidentbot.Actor, text string) (incidentbot.Message, bool) {
				handled <- text
				return incidentbot.Message{}, false
			})
	}()
	if _, err := io.WriteString(pw, "/incident list\n"); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-handled:
		if got != "/incident list" {
			t.Errorf("got %q, want /incident list", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("got no command handled within 10s")
	}
	cancel() // the reader now blocks on the pipe: only ctx can end RunREPL
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("got %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("RunREPL still running 10s after ctx was cancelled")
	}
}
