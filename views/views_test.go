package views

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/golden"
)

var now = time.Date(2026, 3, 14, 15, 30, 0, 0, time.UTC)

// paris is BOT_TIMEZONE for the French views.
var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return loc
}()

func at(d time.Duration) *time.Time {
	t := now.Add(d)
	return &t
}

var outage = &incidentbot.Playbook{
	Name: "site-outage",
	Roles: []incidentbot.Role{
		{Name: "commander", Description: incidentbot.Texts{"en": "coordinates and decides"}, Assign: incidentbot.AssignDeclarer},
		{Name: "tech-lead", Description: incidentbot.Texts{"en": "investigates and fixes"}, Assign: "@oncall-web"},
		{Name: "comms", Description: incidentbot.Texts{"en": "informs customers and managers"}, Assign: "@support-leads"},
	},
}

func campaign(id string, budget float64, currency string) incidentbot.Campaign {
	return incidentbot.Campaign{Platform: incidentbot.AdsGoogle, Account: "123", ID: id, Name: "Campaign " + id, Status: incidentbot.CampaignActive, DailyBudget: budget, Currency: currency}
}

// fixtures are incidents at each stage of their life, at fixed times.
func fixtures() map[string]*incidentbot.IncidentStatus {
	alice := incidentbot.User{ID: "U1", Name: "Alice"}
	bob := incidentbot.User{ID: "U2", Name: "Bob"}
	return map[string]*incidentbot.IncidentStatus{
		"fresh-sev1": {
			Incident: &incidentbot.Incident{
				ID: 42, Key: "INC-42", Title: "Checkout returns 504", Severity: incidentbot.SEV1,
				Status: incidentbot.StatusInvestigating, Type: "site-outage", DeclaredBy: alice,
				DetectedAt: now.Add(-7 * time.Minute), DeclaredAt: now.Add(-5 * time.Minute),
				NextReminderAt: at(10 * time.Minute),
			},
			Playbook: outage,
			Roles:    []incidentbot.RoleAssignment{{IncidentID: 42, Role: "commander", User: alice}},
			Checklist: []incidentbot.ChecklistEntry{
				{Position: 1, Text: "Confirm the outage from outside", State: incidentbot.ChecklistDone, By: alice, At: at(-2 * time.Minute)},
				{Position: 2, Text: "Check monitoring and recent deploys", State: incidentbot.ChecklistOpen},
				{Position: 3, Text: "Alert the hosting provider", State: incidentbot.ChecklistSkipped},
			},
			Pauses: []incidentbot.CampaignPause{
				{IncidentID: 42, Campaign: campaign("1", 480, "EUR"), State: incidentbot.PausePaused, PausedAt: at(-4 * time.Minute)},
				{IncidentID: 42, Campaign: campaign("2", 1200, "EUR"), State: incidentbot.PausePaused, PausedAt: at(-4 * time.Minute)},
				{IncidentID: 42, Campaign: campaign("3", 300, "EUR"), State: incidentbot.PauseFailed, Error: "permission denied"},
			},
		},
		"drill-mitigated": {
			Incident: &incidentbot.Incident{
				ID: 7, Key: "INC-7", Title: "Practice: payment provider down", Severity: incidentbot.SEV2,
				Status: incidentbot.StatusMitigated, Type: "checkout-failure", Drill: true, DeclaredBy: bob,
				DetectedAt: now.Add(-95 * time.Minute), DeclaredAt: now.Add(-95 * time.Minute),
				AcknowledgedAt: at(-93 * time.Minute), MitigatedAt: at(-20 * time.Minute),
				NextReminderAt: at(-time.Minute), Impact: "About 30% of payments refused\nalertname=PaymentErrors service=checkout",
			},
			Playbook: outage,
			Roles: []incidentbot.RoleAssignment{
				{Role: "commander", User: bob},
				{Role: "tech-lead", User: alice},
				{Role: "tech-lead", User: incidentbot.User{ID: "U3", Name: "Carol"}},
				{Role: "scribe", User: incidentbot.User{Name: "Dan"}},
			},
			LastUpdate: &incidentbot.TimelineEvent{At: now.Add(-25 * time.Minute), Kind: incidentbot.EventStatusUpdate, Actor: bob,
				Text: "Switched payments to the backup provider.\nRefusals are down, watching for another 15 minutes before we call it mitigated for good."},
			Pauses: []incidentbot.CampaignPause{
				{Campaign: campaign("1", 240, "USD"), State: incidentbot.PauseResumed, PausedAt: at(-90 * time.Minute), ResumedAt: at(-30 * time.Minute)},
				{Campaign: campaign("2", 96, "GBP"), State: incidentbot.PausePaused, PausedAt: at(-90 * time.Minute)},
				{Campaign: campaign("3", 50, "USD"), State: incidentbot.PauseLeftPaused, PausedAt: at(-90 * time.Minute), Error: "changed by hand"},
			},
		},
		"resolved-sev3": {
			Incident: &incidentbot.Incident{
				ID: 103, Key: "INC-103", Title: "Search is slow", Severity: incidentbot.SEV3,
				Status: incidentbot.StatusResolved, Type: "generic", DeclaredBy: alice,
				DetectedAt: now.Add(-26 * time.Hour), DeclaredAt: now.Add(-26 * time.Hour),
				AcknowledgedAt: at(-25 * time.Hour), ResolvedAt: at(-time.Hour), RemindersOff: true,
				Summary: "Reindexed the catalogue; search answers in 200 ms again.",
				Impact:  "Search took 8 s for a day",
			},
			Roles:      []incidentbot.RoleAssignment{{Role: "commander", User: alice}},
			LastUpdate: &incidentbot.TimelineEvent{At: now.Add(-30 * time.Second), Actor: alice, Text: "Resolved."},
			Pauses: []incidentbot.CampaignPause{
				{Campaign: campaign("1", 100, "EUR"), State: incidentbot.PauseResumed, PausedAt: at(-25 * time.Hour), ResumedAt: at(-time.Hour)},
			},
		},
		"closed-bare": {
			Incident: &incidentbot.Incident{
				ID: 5, Key: "INC-5", Title: "Newsletter images missing", Severity: incidentbot.SEV4,
				Status: incidentbot.StatusClosed, DetectedAt: now.Add(-3 * time.Hour), DeclaredAt: now.Add(-3 * time.Hour),
				AcknowledgedAt: at(-3 * time.Hour), ResolvedAt: at(-2 * time.Hour), ClosedAt: at(-time.Hour),
			},
		},
	}
}

// render prints a message as plain text, so golden files show every part
// of what adapters receive.
func render(m incidentbot.Message) string {
	var b strings.Builder
	fmt.Fprintf(&b, "title: %s\n", m.Title)
	fmt.Fprintf(&b, "severity: %s\n", m.Severity)
	if m.Text != "" {
		b.WriteString("text:\n")
		for _, line := range strings.Split(m.Text, "\n") {
			fmt.Fprintf(&b, "  | %s\n", line)
		}
	}
	for _, f := range m.Fields {
		short := ""
		if f.Short {
			short = " (short)"
		}
		fmt.Fprintf(&b, "field%s: %s = %s\n", short, f.Label, f.Value)
	}
	for _, btn := range m.Buttons {
		fmt.Fprintf(&b, "button: [%s] %q", btn.Label, btn.ActionID)
		if btn.Style != incidentbot.ButtonDefault {
			fmt.Fprintf(&b, " (%s)", btn.Style)
		}
		b.WriteByte('\n')
	}
	if m.Footer != "" {
		fmt.Fprintf(&b, "footer: %s\n", m.Footer)
	}
	if m.EphemeralTo != "" {
		fmt.Fprintf(&b, "ephemeral to: %s\n", m.EphemeralTo)
	}
	return b.String()
}

func TestBuilders(t *testing.T) {
	t.Parallel()
	builders := map[string]func(*incidentbot.IncidentStatus, time.Time, string) incidentbot.Message{
		"status":  Status,
		"welcome": Welcome,
		"summary": Summary,
		"ads":     Ads,
		"roles": func(st *incidentbot.IncidentStatus, _ time.Time, lang string) incidentbot.Message {
			return Roles(st, lang)
		},
	}
	for bname, build := range builders {
		for fname, st := range fixtures() {
			t.Run(bname+"/"+fname, func(t *testing.T) {
				t.Parallel()
				golden.Check(t, bname+"-"+fname+".golden", []byte(render(build(st, now, "en"))))
			})
		}
		// Every view in French too, from the drill fixture (ads, roles,
		// checklist), for a shop in Paris: times in its zone.
		t.Run(bname+"/fr", func(t *testing.T) {
			t.Parallel()
			st := fixtures()["drill-mitigated"]
			st.Location = paris
			golden.Check(t, bname+"-drill-mitigated-fr.golden", []byte(render(build(st, now, "fr"))))
		})
	}
}

func TestIncidents(t *testing.T) {
	t.Parallel()
	fx := fixtures()
	three := []*incidentbot.Incident{fx["drill-mitigated"].Incident, fx["fresh-sev1"].Incident, fx["resolved-sev3"].Incident}
	page := func(incs []*incidentbot.Incident, n, total int) *incidentbot.IncidentPage {
		return &incidentbot.IncidentPage{Incidents: incs, Page: n, PerPage: incidentbot.ListPerPage, Total: total}
	}
	tests := []struct {
		name string
		page *incidentbot.IncidentPage
		all  bool
	}{
		{"list-empty", page(nil, 1, 0), false},
		{"list-empty-all", page(nil, 1, 0), true},
		{"list-three", page(three, 1, 3), true},
		{"list-first-of-three-pages", page(three[:2], 1, 45), false},
		{"list-last-page-all", page(three, 3, 43), true},
		{"list-past-the-end", page(nil, 9, 45), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			golden.Check(t, tc.name+".golden", []byte(render(Incidents(tc.page, tc.all, now, "en"))))
		})
	}
}

func TestTopic(t *testing.T) {
	t.Parallel()
	fx := fixtures()
	long := *fx["fresh-sev1"].Incident
	long.Title = strings.Repeat("Checkout très lent ", 20)
	tests := []struct {
		name      string
		inc       *incidentbot.Incident
		commander string
		want      string
	}{
		{"fresh", fx["fresh-sev1"].Incident, "Alice", "SEV1 · investigating · IC: Alice · INC-42 Checkout returns 504"},
		{"drill", fx["drill-mitigated"].Incident, "Bob", "DRILL · SEV2 · mitigated · IC: Bob · INC-7 Practice: payment provider down"},
		{"no commander", fx["closed-bare"].Incident, "", "SEV4 · closed · IC: unassigned · INC-5 Newsletter images missing"},
		{"long title", &long, "Alice", "SEV1 · investigating · IC: Alice · INC-42 " + strings.Repeat("Checkout très lent ", 10) + "Checkout très len…"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := Topic(tc.inc, tc.commander, "en")
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if n := len([]rune(got)); n > topicMax {
				t.Errorf("got %d runes, want at most %d", n, topicMax)
			}
		})
	}
}

func TestButtons(t *testing.T) {
	t.Parallel()
	inc := func(s incidentbot.Status, acked bool) *incidentbot.Incident {
		i := &incidentbot.Incident{Key: "INC-9", Status: s}
		if acked {
			i.AcknowledgedAt = at(0)
		}
		return i
	}
	tests := []struct {
		name string
		inc  *incidentbot.Incident
		want string
	}{
		{"investigating, not acked", inc(incidentbot.StatusInvestigating, false), "ack INC-9|update INC-9|sev INC-9|ads pause INC-9|mitigated INC-9|resolve INC-9"},
		{"investigating, acked", inc(incidentbot.StatusInvestigating, true), "update INC-9|sev INC-9|ads pause INC-9|mitigated INC-9|resolve INC-9"},
		{"mitigated", inc(incidentbot.StatusMitigated, true), "update INC-9|sev INC-9|ads resume INC-9|resolve INC-9"},
		{"resolved", inc(incidentbot.StatusResolved, false), "ads resume INC-9|reopen INC-9|close INC-9"},
		{"closed", inc(incidentbot.StatusClosed, true), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var ids []string
			for _, b := range Buttons(tc.inc, "en") {
				ids = append(ids, b.ActionID)
			}
			if got := strings.Join(ids, "|"); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{45 * time.Second, "45s"},
		{12*time.Minute + 30*time.Second, "12m"},
		{time.Hour, "1h"},
		{65 * time.Minute, "1h 5m"},
		{49 * time.Hour, "2d 1h"},
		{48 * time.Hour, "2d"},
		{-3 * time.Minute, "3m"},
	}
	for _, tc := range tests {
		t.Run(tc.d.String(), func(t *testing.T) {
			t.Parallel()
			if got := Duration(tc.d); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestMoney(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   map[string]float64
		want string
	}{
		{"none", nil, ""},
		{"rounds to zero", map[string]float64{"EUR": 0.4}, ""},
		{"symbols sorted", map[string]float64{"USD": 35.2, "EUR": 119.6, "CHF": 10}, "CHF 10 + €120 + $35"},
		{"unknown currency", map[string]float64{"": 12}, "12"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := money("en", tc.in); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestAdsLongList(t *testing.T) {
	t.Parallel()
	st := &incidentbot.IncidentStatus{Incident: fixtures()["fresh-sev1"].Incident}
	for i := range 20 {
		st.Pauses = append(st.Pauses, incidentbot.CampaignPause{Campaign: campaign(fmt.Sprint(i), 0, "EUR"), State: incidentbot.PausePaused})
	}
	st.Pauses[19].State = incidentbot.PauseFailed
	lines := strings.Split(Ads(st, now, "en").Text, "\n")
	if got, want := len(lines), maxAdLines+1; got != want {
		t.Fatalf("got %d lines, want %d", got, want)
	}
	if got, want := lines[0], "- googleads · Campaign 19: failed"; got != want {
		t.Errorf("got first line %q, want %q", got, want)
	}
	if got, want := lines[maxAdLines], "… and 5 more"; got != want {
		t.Errorf("got last line %q, want %q", got, want)
	}
}

// TestClock: times of day are written in BOT_TIMEZONE, naming the zone,
// UTC when it is unset.
func TestClock(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 7, 14, 21, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		loc  *time.Location
		want string
	}{{nil, "21:30 UTC"}, {time.UTC, "21:30 UTC"}, {paris, "23:30 CEST"}} {
		if got := clock(at, tc.loc); got != tc.want {
			t.Errorf("clock(%v) = %q, want %q", tc.loc, got, tc.want)
		}
	}
}
