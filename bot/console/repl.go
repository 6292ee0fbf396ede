package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"incidentbot"
)

// HandleFunc runs one command line, as typed ("/incident status"), for
// actor. inChannel says the reply is for everyone in the channel; otherwise
// only the actor sees it.
type HandleFunc func(ctx context.Context, actor incidentbot.Actor, text string) (reply incidentbot.Message, inChannel bool)

// Workspace is the workspace id of every console actor.
const Workspace = "console"

// RunREPL reads lines from in until /quit, the end of in, or ctx is done.
// Lines starting with /incident go to handle as user in the current
// channel; /as, /join and /channels switch user, move and list; anything
// else is said in the current channel. Replies and console messages go to
// out, under chat's lock so they never cut into transcript lines.
//
// Reading happens in a goroutine so that ctx can end RunREPL while a read
// blocks; that goroutine ends at in's next line or end.
func RunREPL(ctx context.Context, in io.Reader, out io.Writer, chat *Chat, user incidentbot.User, channelID string, handle HandleFunc) error {
	r := &repl{chat: chat, out: out, user: user, channelID: channelID, handle: handle}
	if _, ok := chat.Channel(channelID); !ok {
		return incidentbot.Errorf(incidentbot.ENOTFOUND, "Channel %s not found. Start in %s (#general).", channelID, GeneralChannelID)
	}
	r.banner()

	lines := make(chan string)
	readErr := make(chan error, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-stop:
				return
			}
		}
		readErr <- sc.Err()
	}()

	for {
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				if err := <-readErr; err != nil {
					return fmt.Errorf("read console input: %w", err)
				}
				return nil
			}
			if r.do(ctx, strings.TrimSpace(line)) {
				return nil
			}
		}
	}
}

type repl struct {
	chat      *Chat
	out       io.Writer
	user      incidentbot.User
	channelID string
	handle    HandleFunc
}

const consoleHelp = "Type /incident help; /as <name> to switch user; /join <#channel> to move; /channels to list them; /quit to leave."

func (r *repl) banner() {
	r.printf("incidentbot console · you are %s in #%s\n%s\n", r.user.Name, r.channelName(), consoleHelp)
}

// do runs one line and reports whether the console should stop.
func (r *repl) do(ctx context.Context, line string) (quit bool) {
	word, arg, _ := strings.Cut(line, " ")
	arg = strings.TrimSpace(arg)
	switch word {
	case "":
	case "/quit", "/exit":
		r.printf("Bye.\n")
		return true
	case "/as":
		r.switchUser(arg)
	case "/join":
		r.join(arg)
	case "/channels":
		r.listChannels()
	case "/incident":
		r.command(ctx, line)
	default:
		if strings.HasPrefix(word, "/") {
			r.printf("Unknown console command %q. %s\n", word, consoleHelp)
			return false
		}
		if _, err := r.chat.Say(r.channelID, r.user, line); err != nil {
			r.printf("(only you) %s\n", incidentbot.ErrorMessage(err))
		}
	}
	return false
}

func (r *repl) switchUser(spec string) {
	names := r.userNames()
	if spec == "" {
		r.printf("Usage: /as <name>. Users: %s.\n", names)
		return
	}
	users, err := r.chat.lookup(spec)
	if err != nil || len(users) != 1 {
		r.printf("No console user %q. Users: %s.\n", spec, names)
		return
	}
	r.user = users[0]
	r.printf("You are now %s.\n", r.user.Name)
}

func (r *repl) userNames() string {
	users := r.chat.Users()
	names := make([]string, len(users))
	for i, u := range users {
		names[i] = u.Name
	}
	return strings.Join(names, ", ")
}

// join moves to a channel given as "#name", "name", an id or "<#C0001>".
func (r *repl) join(spec string) {
	if spec == "" {
		r.printf("Usage: /join <#channel>. Type /channels to list them.\n")
		return
	}
	ref := strings.TrimSuffix(strings.TrimPrefix(spec, "<#"), ">")
	ref, _, _ = strings.Cut(ref, "|")
	ch, ok := r.chat.Channel(ref)
	if !ok {
		ch, ok = r.chat.ChannelByName(ref)
	}
	if !ok {
		r.printf("No channel %q. Type /channels to list them.\n", spec)
		return
	}
	r.channelID = ch.ID
	if ch.Archived {
		r.printf("You are now in #%s. It is archived: you can read it, not write in it.\n", ch.Name)
		return
	}
	r.printf("You are now in #%s.\n", ch.Name)
}

func (r *repl) listChannels() {
	var b strings.Builder
	b.WriteString("Channels:\n")
	for _, ch := range r.chat.Channels() {
		mark := " "
		if ch.ID == r.channelID {
			mark = "*"
		}
		about := []string{members(len(ch.Members))}
		if ch.Private {
			about = append([]string{"private"}, about...)
		}
		if ch.Archived {
			about = append(about, "archived")
		}
		fmt.Fprintf(&b, "%s #%s (%s)", mark, ch.Name, strings.Join(about, ", "))
		if ch.Topic != "" {
			b.WriteString(" " + ch.Topic)
		}
		b.WriteString("\n")
	}
	r.printf("%s", b.String())
}

func (r *repl) command(ctx context.Context, line string) {
	actor := incidentbot.Actor{
		Platform:  incidentbot.PlatformConsole,
		Workspace: Workspace,
		User:      r.user,
		ChannelID: r.channelID,
	}
	reply, inChannel := r.handle(ctx, actor, line)
	if isEmpty(reply) {
		return
	}
	if inChannel && reply.EphemeralTo == "" {
		err := r.chat.reply(r.channelID, reply)
		if err == nil {
			return
		}
		r.printf("(only you) %s\n", incidentbot.ErrorMessage(err))
	}
	file, err := r.chat.keepFile(reply.File)
	if err != nil {
		file = "(only you) " + incidentbot.ErrorMessage(err) + "\n"
	}
	r.printf("%s%s", renderBlock([]string{"#" + r.channelName(), "(only you)"}, reply), file)
}

func (r *repl) channelName() string {
	ch, _ := r.chat.Channel(r.channelID)
	return ch.Name
}

func (r *repl) printf(format string, args ...any) {
	r.chat.writeTo(r.out, fmt.Sprintf(format, args...))
}

func members(n int) string {
	if n == 1 {
		return "1 member"
	}
	return fmt.Sprintf("%d members", n)
}

func isEmpty(m incidentbot.Message) bool {
	return m.Title == "" && m.Text == "" && m.Footer == "" && len(m.Fields) == 0 && len(m.Buttons) == 0
}
