package bot

import (
	"testing"

	"incidentbot"
)

func TestWordingAuthorize(t *testing.T) {
	t.Parallel()
	inc := &incidentbot.Incident{Key: "INC-42", Platform: incidentbot.PlatformSlack, Workspace: "T1"}
	chloe := incidentbot.User{ID: "U_CHLOE", Name: "chloe"}
	staffed := []incidentbot.RoleAssignment{
		{Role: incidentbot.RoleCommander, User: alice},
		{Role: incidentbot.RoleComms, User: chloe},
	}
	noCommander := []incidentbot.RoleAssignment{{Role: incidentbot.RoleComms, User: chloe}}
	tests := []struct {
		name    string
		roles   []incidentbot.RoleAssignment
		user    incidentbot.User
		right   right
		message string // "" allowed
	}{
		{"commander resolves", staffed, alice, rightCommand, ""},
		{"other refused", staffed, bob, rightCommand,
			"Only the commander can resolve INC-42. Ask <@U_ALICE> (commander) to do it, or to hand you the role: /incident role commander <@U_BOB>"},
		{"comms may not resolve", staffed, chloe, rightCommand,
			"Only the commander can resolve INC-42. Ask <@U_ALICE> (commander) to do it, or to hand you the role: /incident role commander <@U_CHLOE>"},
		{"nobody commands", noCommander, bob, rightCommand, ""},
		{"nobody commands, roles", noCommander, bob, rightRoles, ""},
		{"roles once commanded", staffed, bob, rightRoles,
			"Only the commander can resolve INC-42. Ask <@U_ALICE> (commander) to do it, or to hand you the role: /incident role commander <@U_BOB>"},
		{"ads commander", staffed, alice, rightAds, ""},
		{"ads comms", staffed, chloe, rightAds, ""},
		{"ads admin", staffed, emma, rightAds, ""},
		{"two commanders", append(staffed, incidentbot.RoleAssignment{Role: incidentbot.RoleCommander, User: emma}), bob, rightCommand,
			"Only the commander can resolve INC-42. Ask <@U_ALICE> or <@U_EMMA> (commanders) to do it, or to hand you the role: /incident role commander <@U_BOB>"},
		{"ads admin's id on another platform", staffed, incidentbot.User{ID: "80351110224678912", Name: "dana"}, rightAds,
			"Only the commander, the comms lead or an ads admin can resolve INC-42. Ask <@U_ALICE> (commander) to do it, or to hand you the role: /incident role commander <@80351110224678912>"},
		{"ads other", staffed, bob, rightAds,
			"Only the commander, the comms lead or an ads admin can resolve INC-42. Ask <@U_ALICE> (commander) to do it, or to hand you the role: /incident role commander <@U_BOB>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			admins := []string{AdsAdmin(incidentbot.PlatformSlack, emma.ID), AdsAdmin(incidentbot.PlatformDiscord, "80351110224678912")}
			err := authorize(incidentbot.Actor{Platform: incidentbot.PlatformSlack, Workspace: "T1", User: tc.user}, inc, tc.roles, tc.right, "resolved", admins)
			if tc.message == "" {
				if err != nil {
					t.Errorf("got %v, want allowed", err)
				}
				return
			}
			if incidentbot.ErrorCode(err) != incidentbot.EFORBIDDEN || incidentbot.ErrorMessage(err) != tc.message {
				t.Errorf("got %q (%s), want EFORBIDDEN %q", incidentbot.ErrorMessage(err), incidentbot.ErrorCode(err), tc.message)
			}
		})
	}
}

// TestTenancyAuthorize: rights are decided within the incident's own
// workspace; the commander's very id from another platform or workspace
// holds nothing, and is told "not found" like any stranger.
func TestTenancyAuthorize(t *testing.T) {
	t.Parallel()
	inc := &incidentbot.Incident{Key: "INC-42", Platform: incidentbot.PlatformSlack, Workspace: "T1"}
	roles := []incidentbot.RoleAssignment{{Role: incidentbot.RoleCommander, User: alice}}
	for _, a := range []incidentbot.Actor{
		{Platform: incidentbot.PlatformDiscord, Workspace: "T1", User: alice},
		{Platform: incidentbot.PlatformSlack, Workspace: "T2", User: alice},
		{Platform: incidentbot.PlatformDiscord, Workspace: "G1", User: alice},
	} {
		for _, r := range []right{rightCommand, rightRoles, rightAds} {
			err := authorize(a, inc, roles, r, "resolve", []string{AdsAdmin(a.Platform, alice.ID)})
			if incidentbot.ErrorCode(err) != incidentbot.ENOTFOUND || incidentbot.ErrorMessage(err) != incidentbot.IncidentNotFound(inc.Key).Message {
				t.Errorf("%s/%s right %d: got %v, want the not-found answer", a.Platform, a.Workspace, r, err)
			}
		}
	}
}
