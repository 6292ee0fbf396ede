package postmortem

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/golden"
	"incidentbot/playbooks"
)

// sections are the headings every draft has, in order, per language.
var sections = map[string][]string{
	"en": {"## Summary", "## Impact", "## Detection", "## Trigger", "## Resolution and recovery", "## Timeline",
		"## Root cause and contributing factors", "## Customer communication", "## What went well", "## What went badly",
		"## Where we got lucky", "## Action items", "## Metadata"},
	"fr": {"## Résumé", "## Impact", "## Détection", "## Déclencheur", "## Résolution et rétablissement", "## Chronologie",
		"## Cause racine et facteurs aggravants", "## Communication client", "## Ce qui a bien marché", "## Ce qui a mal marché",
		"## Où nous avons eu de la chance", "## Actions à mener", "## Métadonnées"},
}

// TestPostmortemSectionsPerPlaybook renders the whole SEV1 under each
// default playbook in both languages: every section is there, in order,
// filled with what the timeline knows, and the golden file shows it.
func TestPostmortemSectionsPerPlaybook(t *testing.T) {
	t.Parallel()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	for _, pb := range playbooks.Defaults().All() {
		for _, lang := range []string{"en", "fr"} {
			t.Run(pb.Name+"/"+lang, func(t *testing.T) {
				t.Parallel()
				d := siteOutage()
				inc := *d.Incident
				inc.Type, inc.WarRoom, inc.DedupeKey = pb.Name, "C0WARROOM", "alertmanager/CheckoutErrorRate"
				inc.ImpactStartedAt = ptr(at(-12))
				d.Incident, d.Playbook, d.Language, d.Location = &inc, pb, lang, paris
				d = withLinks(d)
				d.FollowUps = []incidentbot.FollowUp{
					{Number: 1, Text: "Alert on checkout 5xx | over 2%", Type: incidentbot.FollowUpDetect, Priority: 1, Owner: "<@U02BRUNO>", Due: "2025-12-05", Ticket: "https://github.com/shop/web/issues/7"},
					{Number: 2, Text: "Restore the pool size to 20", Type: incidentbot.FollowUpPrevent, Priority: 2, DoneAt: ptr(at(60))},
				}
				got, err := Render(d)
				if err != nil {
					t.Fatal(err)
				}
				rest := got
				for _, h := range sections[lang] {
					i := strings.Index(rest, "\n"+h+"\n")
					if i < 0 {
						t.Fatalf("section %q missing or out of order", h)
					}
					rest = rest[i+len(h):]
				}
				golden.Check(t, "playbook_"+pb.Name+"_"+lang+".golden", []byte(got))
			})
		}
	}
}

// TestPostmortemSectionsFacts: the review sections quote the timeline:
// the first alert, the first clue, the authors, the review date two
// working days after close in BOT_TIMEZONE, and the links.
func TestPostmortemSectionsFacts(t *testing.T) {
	t.Parallel()
	d := siteOutage()
	inc := *d.Incident
	inc.WarRoom, inc.DedupeKey = "C0WARROOM", "alertmanager/CheckoutErrorRate"
	d.Incident = &inc
	got, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"- An alert fired on 2025-11-28 18:02 UTC: Alertmanager: CheckoutErrorRate > 20% (firing)",
		"First clue on the timeline (2025-11-28 18:17 UTC): Banner on the site and a post on Instagram. Support answers with the same text.",
		"| Authors | Alice Martin; _add whoever else writes this_ |",
		// Closed Saturday 2025-11-29: Monday, then Tuesday.
		"| Review | 2025-12-02 (Tuesday): two working days after close;",
		"| Alert | alertmanager/CheckoutErrorRate |",
		"| War room | slack channel C0WARROOM |",
		"| Fix the root cause for good | prevent | P1 | … | … | … |",
		"Customers were affected from 2025-11-28 18:02 UTC for 47m (SEV1).",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("draft lacks %q", want)
		}
	}
}

// withLinks gives d's incident a Slack workspace, its declaration the
// alert's links and its status page action a shortlink, as an incident
// an alert opened has.
func withLinks(d Data) Data {
	inc := *d.Incident
	inc.Workspace = "T0SHOP"
	d.Incident = &inc
	d.Timeline = slices.Clone(d.Timeline)
	for i, e := range d.Timeline {
		switch {
		case e.Kind == incidentbot.EventDeclared:
			d.Timeline[i].Data = json.RawMessage(`{"alert_url":"https://prometheus.shop.example/graph?g0.expr=rate(http_requests_total%7Bcode%3D~%225..%22%7D%5B5m%5D)","dashboard_url":"https://grafana.shop.example/d/shop-checkout?viewPanel=4"}`)
		case e.Kind == incidentbot.EventActionSkipped && strings.HasPrefix(e.Text, "Update the status page"):
			e.Kind, e.Text = incidentbot.EventActionSucceeded, "Status page updated: [SEV1] INC-42 investigating"
			e.Data = json.RawMessage(`{"job":4,"statuspage_url":"https://stspg.io/p4x2k"}`)
			d.Timeline[i] = e
		}
	}
	return d
}

// TestPostmortemLinks: Metadata links the alert at its sender, the war
// room on Slack or Discord, the status page incident and the dashboard,
// and only to http(s) addresses, encoded so none can end the link, the
// table cell or the line; text stays escaped.
func TestPostmortemLinks(t *testing.T) {
	t.Parallel()
	declared := func(data string) incidentbot.TimelineEvent {
		return incidentbot.TimelineEvent{At: at(4), Kind: incidentbot.EventDeclared, Actor: alice, Data: json.RawMessage(data)}
	}
	tests := []struct {
		name     string
		platform string
		room     string
		key      string
		events   []incidentbot.TimelineEvent
		want     []string
	}{
		{"slack", incidentbot.PlatformSlack, "C0WARROOM", "alert:alertname=\"CheckoutErrorRate\"",
			[]incidentbot.TimelineEvent{declared(`{"alert_url":"http://prometheus.shop.internal:9090/graph?g0.expr=a|b (c)[d] <e>"}`),
				{At: at(5), Kind: incidentbot.EventActionSucceeded, Data: json.RawMessage(`{"job":4,"statuspage_url":"https://stspg.io/p4x2k"}`)}},
			[]string{
				"| Alert | [alert:alertname=\"CheckoutErrorRate\"](http://prometheus.shop.internal:9090/graph?g0.expr=a%7Cb%20%28c%29%5Bd%5D%20%3Ce%3E) |",
				"| War room | [slack channel C0WARROOM](https://app.slack.com/client/T0SHOP/C0WARROOM) |",
				"| Status-page incident | [https://stspg.io/p4x2k](https://stspg.io/p4x2k) |",
				"| Dashboards | _links to the graphs that showed it_ |",
			}},
		{"discord, attached alert", incidentbot.PlatformDiscord, "1180000000000000002", "",
			[]incidentbot.TimelineEvent{declared(`{}`),
				{At: at(6), Kind: incidentbot.EventAlertFired, Data: json.RawMessage(`{"source":"grafana","alert_url":"https://grafana.shop.example/alerting/x/view","dashboard_url":"https://grafana.shop.example/d/shop"}`)}},
			[]string{
				"| Alert | [grafana.shop.example](https://grafana.shop.example/alerting/x/view) |",
				"| War room | [discord channel 1180000000000000002](https://discord.com/channels/1180000000000000001/1180000000000000002) |",
				"| Status-page incident | _link_ |",
				"| Dashboards | [grafana.shop.example](https://grafana.shop.example/d/shop); _add the graphs that showed it_ |",
			}},
		{"hostile", incidentbot.PlatformSlack, "C0WAR)](javascript:alert(1))", "k](javascript:alert(1))",
			[]incidentbot.TimelineEvent{declared(`{"alert_url":"javascript:alert(1)","dashboard_url":"data:text/html,x"}`),
				{At: at(5), Kind: incidentbot.EventActionSucceeded, Data: json.RawMessage(`{"job":4,"statuspage_url":"//evil.example/x"}`)}},
			[]string{
				"| Alert | k\\](javascript:alert(1)) |",
				"| War room | slack channel C0WAR)\\](javascript:alert(1)) |",
				"| Status-page incident | _link_ |",
				"| Dashboards | _links to the graphs that showed it_ |",
			}},
		{"console, by hand", incidentbot.PlatformConsole, "console-inc-42", "", []incidentbot.TimelineEvent{declared(``)},
			[]string{"| Alert | none: declared by hand |", "| War room | console channel console-inc-42 |"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := siteOutage()
			inc := *d.Incident
			inc.Platform, inc.WarRoom, inc.DedupeKey = tc.platform, tc.room, tc.key
			inc.Workspace = map[string]string{incidentbot.PlatformSlack: "T0SHOP", incidentbot.PlatformDiscord: "1180000000000000001"}[tc.platform]
			d.Incident, d.Timeline = &inc, tc.events
			got, err := Render(d)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range tc.want {
				if !strings.Contains(got, want) {
					t.Errorf("draft lacks %q:\n%s", want, got[strings.Index(got, "## Metadata"):])
				}
			}
			if strings.Contains(got, "(javascript:") && !strings.Contains(got, `\](javascript:`) {
				t.Errorf("a javascript: link reached the draft")
			}
		})
	}
}

func TestPostmortemReviewDate(t *testing.T) {
	t.Parallel()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		closed time.Time
		want   string
	}{
		{time.Date(2025, 12, 1, 10, 0, 0, 0, time.UTC), "2025-12-03"},  // Monday -> Wednesday
		{time.Date(2025, 12, 4, 10, 0, 0, 0, time.UTC), "2025-12-08"},  // Thursday -> Monday
		{time.Date(2025, 12, 5, 23, 30, 0, 0, time.UTC), "2025-12-09"}, // Friday 23:30 UTC is Saturday in Paris -> Tuesday
		{time.Date(2025, 12, 6, 12, 0, 0, 0, time.UTC), "2025-12-09"},  // Saturday -> Tuesday
	}
	for _, tc := range tests {
		if got := ReviewDate(tc.closed, paris).Format("2006-01-02"); got != tc.want {
			t.Errorf("closed %v: got %s, want %s", tc.closed, got, tc.want)
		}
	}
}
