package slack

import (
	"context"
	"testing"

	"incidentbot/internal/fake/fakeslack"
)

func TestResolveUsersReusesGroups(t *testing.T) {
	t.Parallel()
	srv, chat, _ := newChat(t)
	ctx := context.Background()
	steps := []struct {
		spec         string
		lists, reads int // usergroups.list and usergroups.users.list calls so far
	}{
		{"@oncall-web", 1, 1},
		{"@oncall-web <@U02ALICE5K>", 1, 1},
		{"@ONCALL-WEB", 1, 1},
		{"@support", 2, 2}, // added after the list was read: looked up afresh
		{"@support @oncall-web", 2, 2},
	}
	for i, s := range steps {
		if i == 3 {
			srv.AddUserGroup(fakeslack.UserGroup{ID: "S0SUPPORT", Handle: "support", Users: []string{alice.ID}})
		}
		if _, err := chat.ResolveUsers(ctx, s.spec); err != nil {
			t.Fatalf("%s: %v", s.spec, err)
		}
		if l, r := srv.Calls("usergroups.list"), srv.Calls("usergroups.users.list"); l != s.lists || r != s.reads {
			t.Errorf("after %q: got %d lists and %d member reads, want %d and %d", s.spec, l, r, s.lists, s.reads)
		}
	}
	if _, err := chat.ResolveUsers(ctx, "@nobody"); err == nil {
		t.Error("got no error for an unknown group, want ENOTFOUND")
	}
	if l := srv.Calls("usergroups.list"); l != 3 {
		t.Errorf("got %d lists, want an unknown handle looked up afresh once", l)
	}
}
