package postmortem

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"incidentbot/internal/golden"

	"incidentbot"
)

// t0 is when the fixtures' outage starts: a Friday evening sale.
var t0 = time.Date(2025, 11, 28, 18, 2, 0, 0, time.UTC)

func at(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }

func ptr(t time.Time) *time.Time { return &t }

var (
	alice = incidentbot.User{ID: "U01ALICE", Name: "Alice Martin"}
	bruno = incidentbot.User{ID: "U02BRUNO", Name: "Bruno Petit"}
	chloe = incidentbot.User{ID: "U03CHLOE", Name: "Chloé Durand"}
	bot   = incidentbot.User{}
)

func siteOutagePlaybook() *incidentbot.Playbook {
	return &incidentbot.Playbook{
		Name:        "site-outage",
		Description: incidentbot.Texts{"en": "The shop (or checkout) is down or failing for customers."},
		Roles: []incidentbot.Role{
			{Name: "commander", Description: incidentbot.Texts{"en": "coordinates and decides"}, Assign: incidentbot.AssignDeclarer},
			{Name: "tech-lead", Description: incidentbot.Texts{"en": "investigates and fixes"}, Assign: "@oncall-web"},
			{Name: "comms", Description: incidentbot.Texts{"en": "informs customers and managers"}, Assign: "@support-leads"},
		},
	}
}

// ref is the Data the engine gives an action's start and outcome.
func ref(job int64, what string) json.RawMessage {
	b, err := json.Marshal(incidentbot.ActionRef{Job: job, Action: what})
	if err != nil {
		panic(err)
	}
	return b
}

// siteOutage is a whole SEV1: roles, updates, ads paused and resumed with
// one left paused and one failed, checklist partly done, revenue known.
func siteOutage() Data {
	inc := &incidentbot.Incident{
		ID:             42,
		Key:            "INC-42",
		Title:          "Checkout returns 504",
		Severity:       incidentbot.SEV1,
		Status:         incidentbot.StatusClosed,
		Type:           "site-outage",
		Platform:       incidentbot.PlatformSlack,
		Summary:        "Checkout returned 504 for 47 minutes during the Black Friday sale.\nThe database connection pool was exhausted after a deploy halved its size.",
		Impact:         "No order could be paid on the web shop; the mobile app was not affected.",
		DeclaredBy:     alice,
		DetectedAt:     t0,
		DeclaredAt:     at(4),
		AcknowledgedAt: ptr(at(6)),
		MitigatedAt:    ptr(at(47)),
		ResolvedAt:     ptr(at(71)),
		ClosedAt:       ptr(at(24*60 + 30)),
	}
	timeline := []incidentbot.TimelineEvent{
		{At: at(0), Kind: incidentbot.EventAlertFired, Actor: bot, Text: "Alertmanager: CheckoutErrorRate > 20% (firing)"},
		{At: at(4), Kind: incidentbot.EventDeclared, Actor: alice, Text: "sev1 Checkout returns 504"},
		{At: at(4), Kind: incidentbot.EventRoleAssigned, Actor: bot, Text: "commander: Alice Martin"},
		{At: at(5), Kind: incidentbot.EventActionStarted, Actor: bot, Text: "Check the site from outside.", Data: ref(1, "check the site from outside")},
		{At: at(5), Kind: incidentbot.EventActionStarted, Actor: bot, Text: "Pause the ads.", Data: ref(2, "pause the ads")},
		{At: at(5), Kind: incidentbot.EventActionStarted, Actor: bot, Text: "Notify hosting.", Data: ref(3, "notify hosting")},
		{At: at(5), Kind: incidentbot.EventActionStarted, Actor: bot, Text: "Update the status page.", Data: ref(4, "update the status page")},
		{At: at(5), Kind: incidentbot.EventProbeResult, Actor: bot, Text: "https://shop.example.com/checkout: 5xx from the application (504, 30.0s)", Data: json.RawMessage(`{"healthy":false,"job":1}`)},
		{At: at(5), Kind: incidentbot.EventActionSkipped, Actor: bot, Text: "Update the status page: not configured (set the NOTIFY_* or STATUSPAGE_* variables).", Data: ref(4, "")},
		{At: at(6), Kind: incidentbot.EventAcknowledged, Actor: bruno},
		{At: at(6), Kind: incidentbot.EventActionSucceeded, Actor: bot, Text: "Paused 4 campaigns: googleads 3, meta 1; 1 failed (meta)", Data: ref(2, "")},
		{At: at(6), Kind: incidentbot.EventAdsPaused, Actor: bot, Text: `Campaigns: googleads "Spring sale" paused; meta "Lookalike" failed.`, Data: json.RawMessage(`[{"id":"1"}]`)},
		{At: at(14), Kind: incidentbot.EventActionFailed, Actor: bot, Text: "Could not notify hosting: SMTP server refused the connection | retried 5 times", Data: ref(3, "")},
		{At: at(15), Kind: incidentbot.EventStatusUpdate, Actor: chloe, Text: "Banner on the site and a post on Instagram.\nSupport answers with the same text."},
		{At: at(22), Kind: incidentbot.EventNote, Actor: bruno, Text: "Pool size is `10` since deploy v2.14.0 (was 20)"},
		{At: at(30), Kind: incidentbot.EventStatusUpdate, Actor: chloe, Text: "Rolling back v2.14.0"},
		{At: at(47), Kind: incidentbot.EventStatusChanged, Actor: alice, Text: "investigating -> mitigated"},
		{At: at(40), Kind: incidentbot.EventActionStarted, Actor: bruno, Text: "Check the site from outside.", Data: ref(5, "check the site from outside")},
		{At: at(40), Kind: incidentbot.EventProbeResult, Actor: bruno, Text: "https://shop.example.com/checkout answered 200 in 0.4s.", Data: json.RawMessage(`{"healthy":true,"job":5}`)},
		{At: at(50), Kind: incidentbot.EventProbeResult, Actor: bot, Text: "https://shop.example.com/ answered 200 in 0.3s."},
		{At: at(70), Kind: incidentbot.EventActionStarted, Actor: bot, Text: "Resume the ads.", Data: ref(6, "resume the ads")},
		{At: at(70), Kind: incidentbot.EventActionSucceeded, Actor: bot, Text: "Resumed 2 campaigns; 1 left paused (changed by hand)", Data: ref(6, "")},
		{At: at(70), Kind: incidentbot.EventAdsResumed, Actor: bot, Text: `Campaigns: googleads "Spring sale" resumed; googleads "Brand" left paused.`},
		{At: at(71), Kind: incidentbot.EventActionStarted, Actor: bot, Text: "Notify agency.", Data: ref(7, "notify agency")},
		{At: at(71), Kind: incidentbot.EventStatusChanged, Actor: alice, Text: "mitigated -> resolved"},
		{At: at(24*60 + 30), Kind: incidentbot.EventStatusChanged, Actor: alice, Text: "resolved -> closed"},
	}
	for i := range timeline {
		timeline[i].ID, timeline[i].IncidentID = int64(i+1), 42
	}
	pause := func(platform, id, name string, budget float64, currency string, state incidentbot.PauseState, resumed *time.Time, errMsg string) incidentbot.CampaignPause {
		p := incidentbot.CampaignPause{
			IncidentID:  42,
			Campaign:    incidentbot.Campaign{Platform: platform, Account: "acct-1", ID: id, Name: name, DailyBudget: budget, Currency: currency},
			PriorStatus: incidentbot.CampaignActive,
			State:       state,
			ResumedAt:   resumed,
			Error:       errMsg,
		}
		if state != incidentbot.PauseFailed {
			p.PausedAt = ptr(at(6))
		}
		return p
	}
	return Data{
		Incident: inc,
		Playbook: siteOutagePlaybook(),
		Roles: []incidentbot.RoleAssignment{
			{IncidentID: 42, Role: "commander", User: alice, AssignedBy: bot, At: at(4)},
			{IncidentID: 42, Role: "comms", User: chloe, AssignedBy: alice, At: at(9)},
			{IncidentID: 42, Role: "tech-lead", User: bruno, AssignedBy: alice, At: at(6)},
		},
		Timeline: timeline,
		Checklist: []incidentbot.ChecklistEntry{
			{Position: 1, Text: "Confirm the outage from outside (another network, another browser)", State: incidentbot.ChecklistDone, By: bruno, At: ptr(at(8))},
			{Position: 2, Text: "Check monitoring and recent deploys", State: incidentbot.ChecklistDone, By: bruno, At: ptr(at(20))},
			{Position: 3, Text: "Alert the hosting provider and the web agency", State: incidentbot.ChecklistOpen},
			{Position: 4, Text: "Inform customers (site banner, social networks, e-mail)", State: incidentbot.ChecklistDone, By: chloe, At: ptr(at(15))},
			{Position: 5, Text: "Decide hotfix now vs fix later", State: incidentbot.ChecklistSkipped, By: alice, At: ptr(at(40))},
		},
		Pauses: []incidentbot.CampaignPause{
			pause(incidentbot.AdsGoogle, "111", "Black Friday | Search", 960, "EUR", incidentbot.PauseResumed, ptr(at(70)), ""),
			pause(incidentbot.AdsGoogle, "112", "Shopping - all products", 480, "EUR", incidentbot.PauseResumed, ptr(at(70)), ""),
			pause(incidentbot.AdsGoogle, "113", "Brand", 240, "EUR", incidentbot.PauseLeftPaused, nil, "Changed by hand on Google Ads during the incident: left as it is."),
			pause(incidentbot.AdsMeta, "act_9/2001", "Retargeting BF", 300, "USD", incidentbot.PauseResumed, ptr(at(70)), ""),
			pause(incidentbot.AdsMeta, "act_9/2002", "Lookalike", 150, "USD", incidentbot.PauseFailed, nil, "Meta refused the change: the ad account is restricted."),
		},
		RevenuePerMinute: 1234.5,
		Currency:         "EUR",
		Now:              at(24*60 + 31),
		Language:         "en",
	}
}

// minimal is an incident that was only declared, with nothing else known.
func minimal() Data {
	return Data{
		Incident: &incidentbot.Incident{
			ID:         7,
			Key:        "INC-7",
			Title:      "Slow product pages",
			Severity:   incidentbot.SEV3,
			Status:     incidentbot.StatusInvestigating,
			DeclaredBy: bruno,
			DetectedAt: at(0),
			DeclaredAt: at(0),
		},
		Timeline: []incidentbot.TimelineEvent{
			{At: at(0), Kind: incidentbot.EventDeclared, Actor: bruno, Text: "sev3 Slow product pages"},
		},
		Now: at(12),
	}
}

// drill is a practice run of the site-outage playbook, resolved, with
// dry-run pauses.
func drill() Data {
	d := siteOutage()
	inc := *d.Incident
	inc.Key, inc.ID = "INC-43", 43
	inc.Title = "Drill: shop down on launch day"
	inc.Drill = true
	inc.Status = incidentbot.StatusResolved
	inc.Summary, inc.Impact = "", ""
	inc.ClosedAt = nil
	d.Incident = &inc
	d.Timeline = d.Timeline[:len(d.Timeline)-1]
	d.Now = at(80)
	return d
}

// french is the site outage in French, still open, with pauses still held.
func french() Data {
	d := siteOutage()
	inc := *d.Incident
	inc.Title = "Paiement refusé sur le tunnel de commande"
	inc.Status = incidentbot.StatusMitigated
	inc.Summary = ""
	inc.ResolvedAt, inc.ClosedAt = nil, nil
	d.Incident = &inc
	// Up to the mitigation: the incident is still open.
	d.Timeline = slices.DeleteFunc(d.Timeline, func(e incidentbot.TimelineEvent) bool { return e.At.After(*inc.MitigatedAt) })
	d.Pauses = append(d.Pauses[:0:0], d.Pauses...)
	d.Pauses[0].State, d.Pauses[0].ResumedAt = incidentbot.PausePaused, nil
	d.Pauses[1].State = incidentbot.PausePausing
	d.Now = at(55)
	d.Language = "fr"
	return d
}

// hostile is an incident whose people typed HTML and links: the draft
// must show them as text.
func hostile() Data {
	d := minimal()
	inc := *d.Incident
	inc.Title = `Checkout <script>alert(1)</script> down`
	inc.Summary = "See [x](javascript:alert(1)) and ![i](javascript:alert(2))\n<img src=x onerror=alert(3)>"
	inc.Impact = "<div>all carts</div> [ref]: javascript:alert(4)"
	d.Incident = &inc
	d.Timeline = append(d.Timeline[:len(d.Timeline):len(d.Timeline)],
		incidentbot.TimelineEvent{At: at(2), Kind: incidentbot.EventNote, Actor: incidentbot.User{Name: "<b>Eve</b>"}, Text: "[click](javascript:alert(5)) <iframe src=//evil.example>"},
	)
	return d
}

// TestPublicTextPostmortemEscapesHTMLAndLinks: what people typed opens no
// HTML element and no link in the draft.
func TestPublicTextPostmortemEscapesHTMLAndLinks(t *testing.T) {
	t.Parallel()
	got, err := Render(hostile())
	if err != nil {
		t.Fatal(err)
	}
	// An opening < or [ without a backslash before it would be markup.
	if m := regexp.MustCompile(`(^|[^\\])(<(script|img|div|iframe|b>)|\[(x|i|click|ref)\])`).FindString(got); m != "" {
		t.Errorf("the draft keeps %q as markup:\n%s", m, got)
	}
	if !strings.Contains(got, `\[x](javascript:alert(1))`) || !strings.Contains(got, `\<script>`) {
		t.Errorf("the draft does not show the typed text escaped:\n%s", got)
	}
}

func TestRenderGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		data Data
	}{
		{"site_outage", siteOutage()},
		{"minimal", minimal()},
		{"drill", drill()},
		{"french", french()},
		{"hostile", hostile()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Render(tc.data)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			golden.Check(t, tc.name+".golden", []byte(got))
		})
	}
}

func TestRenderErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		data     Data
		wantCode string
		wantMsg  string
	}{
		{"no incident", Data{}, incidentbot.EINVALID, "There is no incident"},
		{"unknown language", func() Data { d := minimal(); d.Language = "de"; return d }(), incidentbot.EINVALID, "Set BOT_LANGUAGE to en or fr"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Render(tc.data)
			if got := incidentbot.ErrorCode(err); got != tc.wantCode {
				t.Errorf("got code %q, want %q (err: %v)", got, tc.wantCode, err)
			}
			if got := incidentbot.ErrorMessage(err); !strings.Contains(got, tc.wantMsg) {
				t.Errorf("got message %q, want it to contain %q", got, tc.wantMsg)
			}
		})
	}
}

// TestRenderLanguagesMatch checks the French template covers every section
// of the English one, so neither language falls behind.
func TestRenderLanguagesMatch(t *testing.T) {
	t.Parallel()
	for _, mk := range []func() Data{siteOutage, minimal, drill, french} {
		en, fr := mk(), mk()
		en.Language, fr.Language = "en", "fr"
		gotEN, err := Render(en)
		if err != nil {
			t.Fatal(err)
		}
		gotFR, err := Render(fr)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := headings(gotFR), headings(gotEN); got != want {
			t.Errorf("%s: got %d French sections, want %d as in English", en.Incident.Key, got, want)
		}
		if got, want := strings.Count(gotFR, "\n|"), strings.Count(gotEN, "\n|"); got != want {
			t.Errorf("%s: got %d French table rows, want %d as in English", en.Incident.Key, got, want)
		}
		if got, want := strings.Count(gotFR, "- [ ]"), strings.Count(gotEN, "- [ ]"); got != want {
			t.Errorf("%s: got %d French checkboxes, want %d as in English", en.Incident.Key, got, want)
		}
	}
}

func headings(s string) int { return strings.Count(s, "\n## ") }

// TestRenderEscapesUserText checks that hostile text in the timeline keeps
// the table intact: one row per event, the same number of cells in each.
func TestRenderEscapesUserText(t *testing.T) {
	t.Parallel()
	d := minimal()
	d.Incident.Title = "a | b `c`\n# not a heading"
	d.Incident.Summary = "line one\n# line two | `x`"
	d.Timeline = append(d.Timeline,
		incidentbot.TimelineEvent{At: at(1), Kind: incidentbot.EventNote, Actor: incidentbot.User{Name: "Eve | admin"}, Text: "a|b\nc\r\nd `e` f\\|g"},
	)
	got, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for line := range strings.Lines(got) {
		if strings.HasPrefix(line, "| 20") || strings.HasPrefix(line, "| 18") {
			rows = append(rows, line)
		}
	}
	if len(rows) != 2 {
		t.Fatalf("got %d timeline rows, want 2:\n%s", len(rows), got)
	}
	for _, r := range rows {
		if got := cells(r); got != 4 {
			t.Errorf("got %d cells in row %q, want 4", got, r)
		}
	}
	if strings.Contains(got, "\n# not a heading") || strings.Contains(got, "\n# line two") {
		t.Errorf("user text opened a heading:\n%s", got)
	}
}

func TestRenderSortsTimeline(t *testing.T) {
	t.Parallel()
	sorted := siteOutage()
	reversed := siteOutage()
	reversed.Timeline = slices.Clone(reversed.Timeline)
	slices.Reverse(reversed.Timeline)
	want, err := Render(sorted)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Render(reversed)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("got a different draft from a reversed timeline, want the same as from the sorted one")
	}
	if reversed.Timeline[0].Kind != incidentbot.EventStatusChanged {
		t.Errorf("got the caller's timeline reordered, want it left alone")
	}
}

// cells counts the cells of a Markdown table row, skipping escaped pipes.
func cells(row string) int {
	row = strings.TrimSpace(row)
	n := 0
	for i := 0; i < len(row); i++ {
		switch row[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n - 1
}
