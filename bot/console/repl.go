package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"incidentbot"
	"incidentbot/i18n"
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
		return i18n.Errorf(incidentbot.ENOTFOUND, "reader.console.no_start_channel", map[string]any{"Channel": channelID, "General": GeneralChannelID})
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

// say prints message id in the console's language, on a line of its own.
func (r *repl) say(id string, data map[string]any) {
	r.printf("%s\n", r.chat.t(id, data))
}

func (r *repl) banner() {
	r.say("console.banner", map[string]any{"User": r.user.Name, "Channel": r.channelName()})
	r.say("console.help", nil)
}

// do runs one line and reports whether the console should stop.
func (r *repl) do(ctx context.Context, line string) (quit bool) {
	word, arg, _ := strings.Cut(line, " ")
	arg = strings.TrimSpace(arg)
	switch word {
	case "":
	case "/quit", "/exit":
		r.say("console.bye", nil)
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
			r.say("console.unknown", map[string]any{"Word": word, "Help": r.chat.t("console.help", nil)})
			return false
		}
		if _, err := r.chat.Say(r.channelID, r.user, line); err != nil {
			r.onlyYou(err)
		}
	}
	return false
}

func (r *repl) switchUser(spec string) {
	names := r.userNames()
	if spec == "" {
		r.say("console.as_usage", map[string]any{"Users": names})
		return
	}
	users, err := r.chat.lookup(spec)
	if err != nil || len(users) != 1 {
		r.say("console.no_user", map[string]any{"Name": spec, "Users": names})
		return
	}
	r.user = users[0]
	r.say("console.now_user", map[string]any{"User": r.user.Name})
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
		r.say("console.join_usage", nil)
		return
	}
	ref := strings.TrimSuffix(strings.TrimPrefix(spec, "<#"), ">")
	ref, _, _ = strings.Cut(ref, "|")
	ch, ok := r.chat.Channel(ref)
	if !ok {
		ch, ok = r.chat.ChannelByName(ref)
	}
	if !ok {
		r.say("console.no_channel", map[string]any{"Channel": spec})
		return
	}
	r.channelID = ch.ID
	if ch.Archived {
		r.say("console.now_in_archived", map[string]any{"Channel": ch.Name})
		return
	}
	r.say("console.now_in", map[string]any{"Channel": ch.Name})
}

func (r *repl) listChannels() {
	var b strings.Builder
	b.WriteString(r.chat.t("console.channels", nil) + "\n")
	for _, ch := range r.chat.Channels() {
		mark := " "
		if ch.ID == r.channelID {
			mark = "*"
		}
		about := []string{i18n.N(r.chat.language(), "console.members", len(ch.Members), nil)}
		if ch.Private {
			about = append([]string{r.chat.t("console.private", nil)}, about...)
		}
		if ch.Archived {
			about = append(about, r.chat.t("console.archived", nil))
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
		r.onlyYou(err)
	}
	file, err := r.chat.keepFile(reply.File)
	if err != nil {
		file = r.chat.t("console.only_you", nil) + " " + i18n.ErrorMessage(r.chat.language(), err) + "\n"
	}
	r.printf("%s%s", renderBlock([]string{"#" + r.channelName(), r.chat.t("console.only_you", nil)}, reply), file)
}

func (r *repl) channelName() string {
	ch, _ := r.chat.Channel(r.channelID)
	return ch.Name
}

func (r *repl) printf(format string, args ...any) {
	r.chat.writeTo(r.out, fmt.Sprintf(format, args...))
}

// onlyYou tells the person alone why what they did failed.
func (r *repl) onlyYou(err error) {
	r.printf("%s %s\n", r.chat.t("console.only_you", nil), i18n.ErrorMessage(r.chat.language(), err))
}

func isEmpty(m incidentbot.Message) bool {
	return m.Title == "" && m.Text == "" && m.Footer == "" && len(m.Fields) == 0 && len(m.Buttons) == 0
}
