package bot

import (
	"testing"

	"incidentbot"
)

func TestWordingAuthorize(t *testing.T) {
	t.Parallel()
	inc := &incidentbot.Incident{Key: "INC-42"}
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
		{"ads other", staffed, bob, rightAds,
			"Only the commander, the comms lead or an ads admin can resolve INC-42. Ask <@U_ALICE> (commander) to do it, or to hand you the role: /incident role commander <@U_BOB>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := authorize(incidentbot.Actor{User: tc.user}, inc, tc.roles, tc.right, "resolve", []string{emma.ID})
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
