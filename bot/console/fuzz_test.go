package console_test

import (
	"context"
	"strings"
	"testing"

	"incidentbot"
	"incidentbot/bot/console"
)

func FuzzResolveUsers(f *testing.F) {
	for _, s := range []string{"<@U_BOB>", "<@U_BOB|bob>", "@oncall-web", "@bob", "bob@shop.example", "bob", "U_BOB", "@x", "<@>", "<@", "@", "", " "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		users, err := console.NewChat(nil, console.DefaultDirectory()).ResolveUsers(context.Background(), spec)
		if err != nil {
			if code := incidentbot.ErrorCode(err); code != incidentbot.ENOTFOUND && code != incidentbot.EINVALID {
				t.Fatalf("ResolveUsers(%q): got code %q, want %s or %s", spec, code, incidentbot.ENOTFOUND, incidentbot.EINVALID)
			}
			return
		}
		if len(users) == 0 {
			t.Fatalf("ResolveUsers(%q): got no users and no error, want one or the other", spec)
		}
	})
}

func FuzzCreateChannel(f *testing.F) {
	for _, s := range []string{"inc-1", "general", "INC-1", "inc 1", "", strings.Repeat("a", 80), strings.Repeat("b", 81), "inc-1-2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		c := console.NewChat(nil, console.DefaultDirectory())
		ctx := context.Background()
		first, err := c.CreateChannel(ctx, name, incidentbot.ChannelOptions{Purpose: "INC-1"})
		if err != nil {
			if code := incidentbot.ErrorCode(err); code != incidentbot.EINVALID {
				t.Fatalf("CreateChannel(%q): got code %q, want %s", name, code, incidentbot.EINVALID)
			}
			return
		}
		second, err := c.CreateChannel(ctx, name, incidentbot.ChannelOptions{Purpose: "INC-2"})
		if err != nil {
			t.Fatalf("second CreateChannel(%q): %v", name, err)
		}
		again, err := c.CreateChannel(ctx, name, incidentbot.ChannelOptions{Purpose: "INC-2"})
		if err != nil || again != second {
			t.Fatalf("retried CreateChannel(%q): got %+v, %v; want %+v", name, again, err, second)
		}
		for _, ch := range []incidentbot.Channel{first, second} {
			if len(ch.Name) > 80 {
				t.Errorf("got name %q of %d characters, want at most 80", ch.Name, len(ch.Name))
			}
		}
		if first.Name == second.Name || first.ID == second.ID {
			t.Errorf("got %+v and %+v, want two distinct channels", first, second)
		}
	})
}

func FuzzRender(f *testing.F) {
	f.Add("INC-1 down", "line\n\nline", "Ads", "12 paused\nmore", "Resolve", "footer", 1)
	f.Add("", "", "", "", "", "", 0)
	f.Add("two\nlines", "", "a\nb", "", "x\ny", "foot\nnote", 4)
	f.Fuzz(func(t *testing.T, title, text, label, value, button, footer string, sev int) {
		got := console.Render(incidentbot.Message{
			Title: title, Text: text, Severity: incidentbot.Severity(sev), Footer: footer,
			Fields:  []incidentbot.Field{{Label: label, Value: value, Short: true}},
			Buttons: []incidentbot.Button{{Label: button}},
		})
		lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
		if !strings.HasPrefix(lines[0], "┌") || lines[len(lines)-1] != "└" {
			t.Fatalf("got block %q, want it framed by ┌ and └", got)
		}
		for _, l := range lines[1 : len(lines)-1] {
			if !strings.HasPrefix(l, "│") {
				t.Fatalf("got line %q outside the frame in %q", l, got)
			}
		}
	})
}
