package incidentbot

import (
	"context"
	"strconv"
	"strings"
)

// Chat is what the engine needs from a chat platform. Adapters (Slack,
// Discord, console) implement it and keep each platform's limits.
type Chat interface {
	Platform() string
	// CreateChannel creates a channel; when the name is taken it tries
	// name-2, name-3 ... and returns the channel it made.
	CreateChannel(ctx context.Context, name string, opts ChannelOptions) (Channel, error)
	// Invite adds users to a channel; a user already there is a success.
	Invite(ctx context.Context, channelID string, userIDs []string) error
	SetTopic(ctx context.Context, channelID, topic string) error
	Post(ctx context.Context, channelID string, m Message) (MessageRef, error)
	// FindPost finds the message the bot posted in channelID with
	// Message.Marker marker among the channel's recent messages, or
	// returns ENOTFOUND: a post retried after a crash looks before acting.
	FindPost(ctx context.Context, channelID, marker string) (MessageRef, error)
	Update(ctx context.Context, ref MessageRef, m Message) error
	Pin(ctx context.Context, ref MessageRef) error
	// Archive archives a channel (Discord: moves it to an archive category, locked).
	Archive(ctx context.Context, channelID string) error
	// ResolveUsers turns "<@U123>", "@group" or an e-mail into people.
	ResolveUsers(ctx context.Context, spec string) ([]User, error)
}

// ChannelOptions tune a new channel.
type ChannelOptions struct {
	Private bool
	Topic   string
	Purpose string // carries the incident key so a retried create can find its channel
}

// Channel is a chat channel.
type Channel struct {
	ID   string
	Name string
}

// MessageRef points at a posted message so it can be updated or pinned.
type MessageRef struct {
	ChannelID string
	ID        string // Slack ts, Discord message id
}

// Message is a chat message in neutral form; each adapter renders it
// (Slack Block Kit, Discord embeds and components, plain text).
type Message struct {
	Title    string
	Text     string // markdown-ish: *bold*, _italic_, `code`, "- " lists, <@U1> mentions
	Fields   []Field
	Severity Severity // colour; SevUnknown is neutral
	Buttons  []Button
	Footer   string
	// EphemeralTo, when set, shows the message only to that user id.
	EphemeralTo string
	// Marker, when set, is written with the message in the same call
	// (Slack metadata, Discord nonce), unseen by people, so that FindPost
	// finds the message again: the job that posts it is idempotent.
	Marker string
	// File, when set, is delivered whole beside the message, which then
	// stays a short summary: Slack and Discord upload it, the console
	// writes it to disk. A file cannot be ephemeral, and Slack gives the
	// message no id at once (files are shared asynchronously), so such a
	// message is neither updated nor pinned.
	File *File
}

// File is a text file sent with a message, such as the post-mortem draft.
type File struct {
	Name    string // "inc-42-postmortem.md"
	Content string
}

// PostmortemFileName names an incident's post-mortem draft file.
func PostmortemFileName(key string) string { return strings.ToLower(key) + "-postmortem.md" }

// Field is a label/value pair shown compactly.
type Field struct {
	Label string
	Value string
	Short bool // may sit beside another short field
}

// ButtonStyle colours a button.
type ButtonStyle string

const (
	ButtonDefault ButtonStyle = ""
	ButtonPrimary ButtonStyle = "primary"
	ButtonDanger  ButtonStyle = "danger"
)

// Button is an action a person can take from a message. ActionID is a
// command line without the "/incident " prefix, such as "ack INC-42", so a
// click goes through the same parser and checks as a typed command.
type Button struct {
	ActionID string
	Label    string
	Style    ButtonStyle
}

// Truncate cuts s to at most n characters (runes), ending with "…" when
// cut. It reads only the first n+1 characters, so cutting a draft of
// megabytes down to one chat message costs what the message costs.
func Truncate(s string, n int) string {
	if n <= 0 {
		return ""
	}
	end, count := 0, 0 // end: the byte offset after the first n-1 runes
	for i := range s {
		if count == n {
			return s[:end] + "…"
		}
		if count == n-1 {
			end = i
		}
		count++
	}
	return s
}

// ChannelName keeps what every platform accepts in a channel name:
// lowercase a-z, 0-9, - and _, runs of anything else folded into one dash,
// at most max characters; "" when nothing is left.
func ChannelName(name string, max int) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimRight(b.String(), "-")
	if len(s) > max {
		s = strings.TrimRight(s[:max], "-")
	}
	if strings.Trim(s, "-_") == "" {
		return ""
	}
	return s
}

// ChannelNameTry is the name to try the n-th time when base is taken:
// base, then base-2, base-3 ..., base shortened to stay within max.
func ChannelNameTry(base string, n, max int) string {
	if n <= 1 {
		return base
	}
	suffix := "-" + strconv.Itoa(n)
	if len(base)+len(suffix) > max {
		base = strings.TrimRight(base[:max-len(suffix)], "-")
	}
	return base + suffix
}
