package slack

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"incidentbot"
	"incidentbot/internal/golden"
	"incidentbot/views"
)

var now = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func incidentStatus() *incidentbot.IncidentStatus {
	alice := incidentbot.User{ID: "U02ALICE5K", Name: "alice"}
	declared := now.Add(-5 * time.Minute)
	next := now.Add(10 * time.Minute)
	return &incidentbot.IncidentStatus{
		Incident: &incidentbot.Incident{
			ID: 42, Key: "INC-42", Title: "Checkout returns 504", Severity: incidentbot.SEV1,
			Status: incidentbot.StatusInvestigating, Type: "site-outage", DeclaredBy: alice,
			DetectedAt: declared.Add(-2 * time.Minute), DeclaredAt: declared, NextReminderAt: &next,
		},
		Roles: []incidentbot.RoleAssignment{{IncidentID: 42, Role: "commander", User: alice}},
		Checklist: []incidentbot.ChecklistEntry{
			{Position: 1, Text: "Confirm the outage from outside", State: incidentbot.ChecklistOpen},
			{Position: 2, Text: "Check monitoring & recent deploys", State: incidentbot.ChecklistOpen},
		},
		Playbook: &incidentbot.Playbook{Name: "site-outage", Roles: []incidentbot.Role{
			{Name: "commander", Description: incidentbot.Texts{"en": "coordinates and decides"}, Assign: incidentbot.AssignDeclarer},
		}},
	}
}

func TestRenderGolden(t *testing.T) {
	t.Parallel()
	many := make([]incidentbot.Field, 12)
	for i := range many {
		many[i] = incidentbot.Field{Label: "Campaign " + string(rune('A'+i)), Value: "paused", Short: true}
	}
	tests := map[string]incidentbot.Message{
		"text-only": {Text: "Nothing open. <@U02ALICE5K> can declare with `/incident declare`."},
		"full": {
			Title: "INC-42 · SEV2 · Checkout returns 504", Text: "*Impact:* 30% of orders fail\n- payments <ok>\n- cart & stock",
			Severity: incidentbot.SEV2,
			Fields: []incidentbot.Field{
				{Label: "Status", Value: "investigating", Short: true},
				{Label: "Commander", Value: "<@U02ALICE5K>", Short: true},
				{Label: "Summary", Value: "Long text on its own row"},
				{Label: "Ads", Value: "12 paused", Short: true},
			},
			Buttons: []incidentbot.Button{
				{ActionID: "ack INC-42", Label: "Acknowledge", Style: incidentbot.ButtonPrimary},
				{ActionID: "resolve INC-42", Label: "Resolve", Style: incidentbot.ButtonDanger},
				{ActionID: "status INC-42", Label: "Status"},
			},
			Footer: "Declared by <@U02ALICE5K> · <https://shop.example|shop>",
		},
		"many-fields":     {Title: "Ads", Fields: many, Severity: incidentbot.SEV4},
		"views-welcome":   views.Welcome(incidentStatus(), now, "en"),
		"views-status":    views.Status(incidentStatus(), now, "en"),
		"views-ephemeral": {Text: "Only you can see this.", EphemeralTo: "U02ALICE5K"},
	}
	for name, m := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(render(m)); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, name+".golden", b.Bytes())
		})
	}
}

func TestFit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"a & b", 20, "a &amp; b"},
		{"<@U1> <b>", 20, "<@U1> &lt;b&gt;"},
		{"<@U1> <#C1> <https://x.example|x>", 80, "<@U1> <#C1> <https://x.example|x>"},
		{"<!subteam^S1|@web> <!channel>", 80, "&lt;!subteam^S1|@web&gt; &lt;!channel&gt;"},
		{"abc & def", 7, "abc …"},
		{"abc <@U12345>", 10, "abc …"},
		{"abcdefgh", 5, "abcd…"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got := fit(tc.in, tc.n)
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if utf8.RuneCountInString(got) > tc.n {
				t.Errorf("got %d characters, want at most %d", utf8.RuneCountInString(got), tc.n)
			}
		})
	}
}

func TestRenderLimits(t *testing.T) {
	t.Parallel()
	buttons := make([]incidentbot.Button, 30)
	for i := range buttons {
		buttons[i] = incidentbot.Button{ActionID: "note " + strings.Repeat("x", i), Label: strings.Repeat("L", 100)}
	}
	r := render(incidentbot.Message{Title: strings.Repeat("T", 200), Text: strings.Repeat("y", 5000), Buttons: buttons})
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Blocks []struct {
			Type     string `json:"type"`
			Text     struct{ Text string }
			Elements []struct{ Text struct{ Text string } }
		}
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	var actions []int
	for _, blk := range got.Blocks {
		switch blk.Type {
		case "header":
			if n := utf8.RuneCountInString(blk.Text.Text); n > maxHeader {
				t.Errorf("got a header of %d characters, want at most %d", n, maxHeader)
			}
		case "section":
			if n := utf8.RuneCountInString(blk.Text.Text); n > maxSectionText {
				t.Errorf("got a section of %d characters, want at most %d", n, maxSectionText)
			}
		case "actions":
			actions = append(actions, len(blk.Elements))
			for _, e := range blk.Elements {
				if n := utf8.RuneCountInString(e.Text.Text); n > maxButtonText {
					t.Errorf("got a button label of %d characters, want at most %d", n, maxButtonText)
				}
			}
		}
	}
	if len(actions) != 2 || actions[0] != 25 || actions[1] != 5 {
		t.Errorf("got action blocks of %v buttons, want [25 5]", actions)
	}
}
