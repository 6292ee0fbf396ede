// Package console is a chat platform that lives in memory and prints a
// readable transcript to a terminal. It backs the `console` and `demo`
// commands and serves the engine's tests as an inspectable chat.
package console

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"incidentbot"
	"incidentbot/i18n"
)

// ChannelState is a snapshot of a channel, for inspection.
type ChannelState struct {
	ID, Name, Topic   string
	Private, Archived bool
	Members           []string // user ids, in joining order
	Messages          []Posted // ephemeral messages are not kept
	Pinned            []string // message ids, in pinning order
}

// Posted is a message as it stands in a channel.
type Posted struct {
	ID      string
	Message incidentbot.Message
	Edits   int
	From    string // user id of the person who wrote it; "" for the bot
}

// GeneralChannelID is the id of #general, the channel every console user starts in.
const GeneralChannelID = "C0000"

// Chat is an in-memory incidentbot.Chat. It is safe for concurrent use;
// every change is written to the transcript as it happens.
type Chat struct {
	mu       sync.Mutex // guards everything below and writes to out
	out      io.Writer
	dir      Directory
	channels []*channel // creation order
	byID     map[string]*channel
	messages map[string]*channel // message id -> its channel
	lastMsg  int
	calls    map[string]int
	failures map[string]failure
	fileDir  string       // where a message's file is written; "": printed in the transcript
	lang     atomic.Value // string: the language of the console's own words (SpeakIn)
}

type channel struct {
	state   ChannelState
	purpose string
}

type failure struct {
	n   int
	err error
}

var _ incidentbot.Chat = (*Chat)(nil)

// NewChat returns a console chat whose transcript goes to out (nil: no
// transcript). #general exists from the start with every directory user in it.
func NewChat(out io.Writer, dir Directory) *Chat {
	if out == nil {
		out = io.Discard
	}
	c := &Chat{
		out:      out,
		dir:      dir,
		byID:     map[string]*channel{},
		messages: map[string]*channel{},
		calls:    map[string]int{},
		failures: map[string]failure{},
	}
	general := &channel{state: ChannelState{ID: GeneralChannelID, Name: "general"}}
	for _, u := range dir.Users {
		general.state.Members = append(general.state.Members, u.ID)
	}
	c.channels = append(c.channels, general)
	c.byID[GeneralChannelID] = general
	return c
}

// SaveFilesIn makes a message's file (the post-mortem draft) a file in
// dir, its path shown in the transcript; by default the transcript shows
// the file's content instead, as the demo does.
func (c *Chat) SaveFilesIn(dir string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fileDir = dir
}

// SpeakIn makes the console's own words (who joined, "(only you)", the
// REPL's answers) lang's, the workspace's; English by default.
func (c *Chat) SpeakIn(lang string) { c.lang.Store(lang) }

// t is message id in the console's language.
func (c *Chat) t(id string, data map[string]any) string {
	lang, _ := c.lang.Load().(string)
	return i18n.T(i18n.Or(lang), id, data)
}

// language is the console's language.
func (c *Chat) language() string {
	lang, _ := c.lang.Load().(string)
	return i18n.Or(lang)
}

// Platform returns "console".
func (c *Chat) Platform() string { return incidentbot.PlatformConsole }

// maxChannelName is Slack's limit, the stricter of the real platforms.
const maxChannelName = 80

var validChannelName = regexp.MustCompile(`^[a-z0-9_-]+$`)

// CreateChannel makes a channel named name, or name-2, name-3 ... when
// taken. A channel among those whose purpose equals a non-empty
// opts.Purpose is returned as is, so a retried create finds its channel.
func (c *Chat) CreateChannel(ctx context.Context, name string, opts incidentbot.ChannelOptions) (incidentbot.Channel, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.begin(ctx, "CreateChannel"); err != nil {
		return incidentbot.Channel{}, err
	}
	if len(name) > maxChannelName || !validChannelName.MatchString(name) {
		return incidentbot.Channel{}, i18n.Errorf(incidentbot.EINVALID, "reader.console.bad_channel_name", map[string]any{"Name": name, "Max": maxChannelName})
	}
	if opts.Purpose != "" {
		for _, ch := range c.channels {
			if ch.purpose == opts.Purpose && isNameOrSuffixed(ch.state.Name, name) {
				return incidentbot.Channel{ID: ch.state.ID, Name: ch.state.Name}, nil
			}
		}
	}
	final := name
	for n := 2; c.nameTaken(final); n++ {
		suffix := "-" + strconv.Itoa(n)
		final = name[:min(len(name), maxChannelName-len(suffix))] + suffix
	}
	ch := &channel{
		state:   ChannelState{ID: fmt.Sprintf("C%04d", len(c.channels)), Name: final, Private: opts.Private},
		purpose: opts.Purpose,
	}
	c.channels = append(c.channels, ch)
	c.byID[ch.state.ID] = ch
	if opts.Private {
		c.printf(ch, "%s", c.t("console.created_private", nil))
	} else {
		c.printf(ch, "%s", c.t("console.created", nil))
	}
	if opts.Topic != "" {
		ch.state.Topic = opts.Topic
		c.printf(ch, "%s", c.t("console.topic", map[string]any{"Topic": c.humanize(opts.Topic)}))
	}
	return incidentbot.Channel{ID: ch.state.ID, Name: ch.state.Name}, nil
}

// isNameOrSuffixed reports whether got is base or base-N with N >= 2,
// allowing for the base cut short to fit the length limit.
func isNameOrSuffixed(got, base string) bool {
	if got == base {
		return true
	}
	i := strings.LastIndexByte(got, '-')
	if i < 0 {
		return false
	}
	n, err := strconv.Atoi(got[i+1:])
	if err != nil || n < 2 || got[i+1] == '0' {
		return false
	}
	return strings.HasPrefix(base, got[:i]) && (got[:i] == base || len(got) == maxChannelName)
}

func (c *Chat) nameTaken(name string) bool {
	return slices.ContainsFunc(c.channels, func(ch *channel) bool { return ch.state.Name == name })
}

// Invite adds users to a channel. Users already there are skipped; an
// unknown user fails the whole call before anyone joins.
func (c *Chat) Invite(ctx context.Context, channelID string, userIDs []string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.begin(ctx, "Invite"); err != nil {
		return err
	}
	ch, err := c.openChannel(channelID)
	if err != nil {
		return err
	}
	var joined []string
	for _, id := range userIDs {
		u, ok := c.userByID(id)
		if !ok {
			return i18n.Errorf(incidentbot.ENOTFOUND, "reader.console.no_user_id", map[string]any{"ID": id})
		}
		if slices.Contains(ch.state.Members, id) || slices.Contains(joined, u.ID) {
			continue
		}
		joined = append(joined, u.ID)
	}
	if len(joined) == 0 {
		return nil
	}
	ch.state.Members = append(ch.state.Members, joined...)
	names := make([]string, len(joined))
	for i, id := range joined {
		u, _ := c.userByID(id)
		names[i] = u.Name
	}
	c.printf(ch, "%s", i18n.N(c.language(), "console.joined", len(names), map[string]any{"Names": strings.Join(names, ", ")}))
	return nil
}

// SetTopic sets a channel's topic.
func (c *Chat) SetTopic(ctx context.Context, channelID, topic string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.begin(ctx, "SetTopic"); err != nil {
		return err
	}
	ch, err := c.openChannel(channelID)
	if err != nil {
		return err
	}
	ch.state.Topic = topic
	c.printf(ch, "%s", c.t("console.topic", map[string]any{"Topic": c.humanize(topic)}))
	return nil
}

// Post posts m from the bot. An ephemeral message (EphemeralTo set) is
// printed but not kept, and its ref has no message id: like on the real
// platforms, it cannot be updated or pinned.
func (c *Chat) Post(ctx context.Context, channelID string, m incidentbot.Message) (incidentbot.MessageRef, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.begin(ctx, "Post"); err != nil {
		return incidentbot.MessageRef{}, err
	}
	return c.post(channelID, incidentbot.User{}, m)
}

// FindPost finds the bot's message carrying marker in the channel, newest
// first, or ENOTFOUND.
func (c *Chat) FindPost(ctx context.Context, channelID, marker string) (incidentbot.MessageRef, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.begin(ctx, "FindPost"); err != nil {
		return incidentbot.MessageRef{}, err
	}
	ch, err := c.openChannel(channelID)
	if err != nil {
		return incidentbot.MessageRef{}, err
	}
	for i := len(ch.state.Messages) - 1; i >= 0; i-- {
		if m := ch.state.Messages[i]; marker != "" && m.From == "" && m.Message.Marker == marker {
			return incidentbot.MessageRef{ChannelID: channelID, ID: m.ID}, nil
		}
	}
	return incidentbot.MessageRef{}, i18n.Errorf(incidentbot.ENOTFOUND, "reader.console.no_marker", nil)
}

// Say posts plain text written by a person, as typed in the console.
func (c *Chat) Say(channelID string, user incidentbot.User, text string) (incidentbot.MessageRef, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.post(channelID, user, incidentbot.Message{Text: text})
}

// reply posts a command's reply from the bot. Unlike Post it is neither
// counted nor subject to FailNext: those describe what the engine does.
func (c *Chat) reply(channelID string, m incidentbot.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err := c.post(channelID, incidentbot.User{}, m)
	return err
}

// post stores and prints a message; c.mu must be held.
func (c *Chat) post(channelID string, from incidentbot.User, m incidentbot.Message) (incidentbot.MessageRef, error) {
	ch, err := c.openChannel(channelID)
	if err != nil {
		return incidentbot.MessageRef{}, err
	}
	file, err := c.saveFile(m.File)
	if err != nil {
		return incidentbot.MessageRef{}, err
	}
	if m.EphemeralTo != "" {
		c.write(c.humanize(renderBlock([]string{"#" + ch.state.Name, c.t("console.only_you", nil)}, m)) + file)
		return incidentbot.MessageRef{ChannelID: channelID}, nil
	}
	c.lastMsg++
	id := fmt.Sprintf("M%04d", c.lastMsg)
	ch.state.Messages = append(ch.state.Messages, Posted{ID: id, Message: copyMessage(m), From: from.ID})
	c.messages[id] = ch
	if from != (incidentbot.User{}) {
		c.printf(ch, "%s: %s", from.Name, c.humanize(strings.ReplaceAll(m.Text, "\n", "\n  ")))
	} else {
		c.write(c.humanize(renderBlock([]string{"#" + ch.state.Name}, m)) + file)
	}
	return incidentbot.MessageRef{ChannelID: channelID, ID: id}, nil
}

// keepFile is saveFile for a reply printed to one person only.
func (c *Chat) keepFile(f *incidentbot.File) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.saveFile(f)
}

// saveFile writes f to the file folder and returns the transcript line
// saying where, or with no folder returns f's content for the transcript.
// c.mu must be held.
func (c *Chat) saveFile(f *incidentbot.File) (string, error) {
	if f == nil {
		return "", nil
	}
	name := filepath.Base(f.Name)
	if name != f.Name || name == "." || name == ".." {
		return "", i18n.Errorf(incidentbot.EINVALID, "reader.console.bad_file_name", map[string]any{"Name": f.Name})
	}
	if c.fileDir == "" {
		return "── " + name + " ──\n" + strings.TrimRight(f.Content, "\n") + "\n── " + c.t("console.end_of", map[string]any{"Name": name}) + " ──\n", nil
	}
	path, err := filepath.Abs(filepath.Join(c.fileDir, name))
	if err != nil {
		return "", incidentbot.WrapError(incidentbot.EINTERNAL, err, "Could not save %s.", name)
	}
	if err := os.WriteFile(path, []byte(f.Content), 0o644); err != nil {
		return "", incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "Could not save %s in %s: %v.", name, c.fileDir, errors.Unwrap(err))
	}
	return fmt.Sprintf("  %s saved to %s (%d lines)\n", name, path, strings.Count(f.Content, "\n")+1), nil
}

// Update replaces a posted message; the transcript shows it again, marked
// "(edited)".
func (c *Chat) Update(ctx context.Context, ref incidentbot.MessageRef, m incidentbot.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.begin(ctx, "Update"); err != nil {
		return err
	}
	if m.EphemeralTo != "" {
		return i18n.Errorf(incidentbot.EINVALID, "reader.console.ephemeral_edit", nil)
	}
	ch, i, err := c.message(ref)
	if err != nil {
		return err
	}
	if ch.state.Archived {
		return archivedError(ch)
	}
	p := &ch.state.Messages[i]
	p.Message = copyMessage(m)
	p.Edits++
	c.write(c.humanize(renderBlock([]string{"#" + ch.state.Name, c.t("console.edited", nil)}, m)))
	return nil
}

// Pin pins a posted message; pinning it again changes nothing.
func (c *Chat) Pin(ctx context.Context, ref incidentbot.MessageRef) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.begin(ctx, "Pin"); err != nil {
		return err
	}
	ch, i, err := c.message(ref)
	if err != nil {
		return err
	}
	if ch.state.Archived {
		return archivedError(ch)
	}
	if slices.Contains(ch.state.Pinned, ref.ID) {
		return nil
	}
	ch.state.Pinned = append(ch.state.Pinned, ref.ID)
	m := ch.state.Messages[i].Message
	what := messageTitle(m)
	if what == "" {
		what, _, _ = strings.Cut(m.Text, "\n")
	}
	c.printf(ch, "%s", c.t("console.pinned", map[string]any{"ID": ref.ID, "What": c.humanize(what)}))
	return nil
}

// Archive archives a channel; archiving it again changes nothing.
func (c *Chat) Archive(ctx context.Context, channelID string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.begin(ctx, "Archive"); err != nil {
		return err
	}
	ch, ok := c.byID[channelID]
	if !ok {
		return channelNotFound(channelID)
	}
	if ch.state.Archived {
		return nil
	}
	ch.state.Archived = true
	c.printf(ch, "%s", c.t("console.archived", nil))
	return nil
}

// Channel returns a snapshot of the channel with the given id.
func (c *Chat) Channel(id string) (ChannelState, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch, ok := c.byID[id]
	if !ok {
		return ChannelState{}, false
	}
	return copyState(ch.state), true
}

// ChannelByName returns a snapshot of the channel with the given name,
// with or without its leading "#".
func (c *Chat) ChannelByName(name string) (ChannelState, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	name = strings.TrimPrefix(name, "#")
	for _, ch := range c.channels {
		if ch.state.Name == name {
			return copyState(ch.state), true
		}
	}
	return ChannelState{}, false
}

// Channels returns snapshots of every channel in creation order.
func (c *Chat) Channels() []ChannelState {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]ChannelState, len(c.channels))
	for i, ch := range c.channels {
		out[i] = copyState(ch.state)
	}
	return out
}

// Calls returns how often each Chat method was called ("CreateChannel",
// "Post" ...), failed calls included.
func (c *Chat) Calls() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.calls))
	for k, v := range c.calls {
		out[k] = v
	}
	return out
}

// FailNext makes the next n calls of method return err without any effect.
// A nil err means an EUNAVAILABLE error, the kind job runners retry.
func (c *Chat) FailNext(method string, n int, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil {
		err = i18n.Errorf(incidentbot.EUNAVAILABLE, "reader.console.unavailable", nil)
	}
	c.failures[method] = failure{n: n, err: err}
}

// begin counts a call and returns an injected failure or the context's
// error; c.mu must be held.
func (c *Chat) begin(ctx context.Context, method string) error {
	c.calls[method]++
	if f := c.failures[method]; f.n > 0 {
		f.n--
		c.failures[method] = f
		return f.err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("console %s: %w", method, err)
	}
	return nil
}

// openChannel returns a channel that accepts changes; c.mu must be held.
func (c *Chat) openChannel(id string) (*channel, error) {
	ch, ok := c.byID[id]
	if !ok {
		return nil, channelNotFound(id)
	}
	if ch.state.Archived {
		return nil, archivedError(ch)
	}
	return ch, nil
}

func (c *Chat) message(ref incidentbot.MessageRef) (*channel, int, error) {
	ch, ok := c.messages[ref.ID]
	if ok && ch.state.ID == ref.ChannelID {
		for i, p := range ch.state.Messages {
			if p.ID == ref.ID {
				return ch, i, nil
			}
		}
	}
	return nil, 0, i18n.Errorf(incidentbot.ENOTFOUND, "reader.console.no_message", map[string]any{"ID": ref.ID, "Channel": ref.ChannelID})
}

func channelNotFound(id string) error {
	return i18n.Errorf(incidentbot.ENOTFOUND, "reader.console.no_channel_id", map[string]any{"Channel": id})
}

func archivedError(ch *channel) error {
	return i18n.Errorf(incidentbot.EINVALID, "console.archived_error", map[string]any{"Channel": ch.state.Name})
}

var mentionRE = regexp.MustCompile(`<@([^>|]+)(\|[^>]*)?>`)

// humanize shows mentions of known users as "@name" in the transcript.
func (c *Chat) humanize(s string) string {
	return mentionRE.ReplaceAllStringFunc(s, func(m string) string {
		id := mentionRE.FindStringSubmatch(m)[1]
		if u, ok := c.userByID(id); ok {
			return "@" + u.Name
		}
		return m
	})
}

// printf writes one transcript line about ch; c.mu must be held.
func (c *Chat) printf(ch *channel, format string, args ...any) {
	c.write("#" + ch.state.Name + " · " + fmt.Sprintf(format, args...) + "\n")
}

// writeTo writes s, mentions humanized, to w under the lock, so console
// output never cuts into a transcript line when w is the transcript too.
func (c *Chat) writeTo(w io.Writer, s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, _ = io.WriteString(w, c.humanize(s))
}

// write sends s to the transcript; c.mu must be held. The transcript is a
// view for people: a failing writer must not fail the chat operation.
func (c *Chat) write(s string) {
	_, _ = io.WriteString(c.out, s)
}

func copyState(s ChannelState) ChannelState {
	s.Members = slices.Clone(s.Members)
	s.Pinned = slices.Clone(s.Pinned)
	s.Messages = slices.Clone(s.Messages)
	for i := range s.Messages {
		s.Messages[i].Message = copyMessage(s.Messages[i].Message)
	}
	return s
}

func copyMessage(m incidentbot.Message) incidentbot.Message {
	if m.File != nil {
		f := *m.File
		m.File = &f
	}
	m.Fields = slices.Clone(m.Fields)
	m.Buttons = slices.Clone(m.Buttons)
	return m
}
