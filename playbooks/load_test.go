package playbooks

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"incidentbot"
)

// minimal is the smallest valid playbook; cases add to it.
const minimal = "name: web\nroles:\n  - {name: commander, assign: declarer}\n"

func TestLoadProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files map[string]string
		want  []string // prefixes of the problems, in order
	}{
		{
			name:  "bad YAML syntax",
			files: map[string]string{"a.yaml": "name: web\nroles:\n  - name: commander\n assign: declarer\n"},
			want:  []string{"a.yaml:3: invalid YAML: did not find expected key"},
		},
		{
			name:  "unknown top-level field",
			files: map[string]string{"a.yaml": minimal + "checklst:\n  - look\n"},
			want:  []string{`a.yaml:4: checklst: unknown field (did you mean "checklist"?)`},
		},
		{
			name:  "unknown role field",
			files: map[string]string{"a.yaml": "name: web\nroles:\n  - {name: commander, asign: declarer}\n"},
			want:  []string{`a.yaml:3: roles[0].asign: unknown field (did you mean "assign"?)`},
		},
		{
			name:  "impact share out of range",
			files: map[string]string{"a.yaml": minimal + "impact: {revenue_share: 30%}\n"},
			want:  []string{`a.yaml:4: impact.revenue_share: "30%" is not a share: write a number from 0 to 1`},
		},
		{
			name:  "unknown language",
			files: map[string]string{"a.yaml": minimal + "language: de\n"},
			want:  []string{`a.yaml:4: language: unknown language "de": use en or fr`},
		},
		{
			name: "texts per language",
			files: map[string]string{"a.yaml": minimal + "description: {en: Shop, de: Laden}\nchecklist:\n  - {en: Look, fr: \"\"}\n  - [Look]\n  - {}\n" +
				"templates:\n  t: {en: \"{{.X\"}\n  u: {fr: Bonjour}\n  u-fr: Salut\n"},
			want: []string{
				`a.yaml:4: description.de: unknown language: give the text per language with en, fr`,
				`a.yaml:6: checklist[0].fr: an empty French text: write it, or remove the line`,
				`a.yaml:7: checklist[1]: must be text, or one text per language like {en: ..., fr: ...}, not a list`,
				`a.yaml:8: checklist[2]: an empty checklist item`,
				`a.yaml:10: templates.t.en: does not parse`,
				`a.yaml:12: templates.u-fr: the French text of template u is already given on line 11: keep one`,
			},
		},
		{
			name:  "unknown impact field",
			files: map[string]string{"a.yaml": minimal + "impact: {share: 0.3}\n"},
			want:  []string{`a.yaml:4: impact.share: unknown field`},
		},
		{
			name:  "missing name",
			files: map[string]string{"a.yaml": "description: no name\nroles:\n  - {name: commander}\n"},
			want:  []string{"a.yaml:1: name: a name is required"},
		},
		{
			name:  "name not a slug",
			files: map[string]string{"a.yaml": "name: Site Outage\nroles:\n  - {name: commander}\n"},
			want:  []string{`a.yaml:1: name: "Site Outage" is not a valid name`},
		},
		{
			name:  "duplicate role",
			files: map[string]string{"a.yaml": minimal + "  - {name: comms}\n  - {name: commander}\n"},
			want:  []string{`a.yaml:5: roles[2].name: role "commander" is defined twice`},
		},
		{
			name:  "missing commander role",
			files: map[string]string{"a.yaml": "name: web\nroles:\n  - {name: tech-lead}\n"},
			want:  []string{"a.yaml:3: roles: a commander role is required"},
		},
		{
			name:  "no roles at all",
			files: map[string]string{"a.yaml": "name: web\n"},
			want:  []string{"a.yaml:1: roles: a commander role is required"},
		},
		{
			name:  "bad assign",
			files: map[string]string{"a.yaml": "name: web\nroles:\n  - {name: commander, assign: bob}\n"},
			want:  []string{`a.yaml:3: roles[0].assign: "bob" is not a user`},
		},
		{
			name:  "bad invite",
			files: map[string]string{"a.yaml": minimal + "invite: [\"<@U1>\", \"@ops\", ops@example.com, \"<@>\", a@b]\n"},
			want: []string{
				`a.yaml:4: invite[3]: "<@>" is not a user`,
				`a.yaml:4: invite[4]: "a@b" is not a user`,
			},
		},
		{
			name:  "unknown action",
			files: map[string]string{"a.yaml": minimal + "on_declare:\n  - pause_add: {}\n"},
			want:  []string{`a.yaml:5: on_declare[0]: unknown action "pause_add" (did you mean "pause_ads"?)`},
		},
		{
			name:  "action fields not indented under the kind",
			files: map[string]string{"a.yaml": minimal + "on_declare:\n  - verify_site:\n    url: https://x.example/\n"},
			want:  []string{"a.yaml:5: on_declare[0]: one action per list item, found 2 keys (verify_site, url)"},
		},
		{
			name:  "unknown action field",
			files: map[string]string{"a.yaml": minimal + "on_declare:\n  - notify: {to: hosting, template: t, cc: boss}\ntemplates: {t: hi}\n"},
			want:  []string{"a.yaml:5: on_declare[0].notify.cc: unknown field"},
		},
		{
			name:  "verify_site with a relative url",
			files: map[string]string{"a.yaml": minimal + "on_declare:\n  - verify_site: {url: shop.example.com}\n"},
			want:  []string{`a.yaml:5: on_declare[0].verify_site.url: "shop.example.com" is not a web address`},
		},
		{
			name: "unknown platform and bad glob",
			files: map[string]string{"a.yaml": minimal + "on_declare:\n  - pause_ads:\n      platforms: [meta, bing]\n" +
				"      exclude: [\"brand-[\"]\n      when: {severity: [sev1, critical]}\non_resolve:\n  - resume_ads:\n"},
			want: []string{
				`a.yaml:6: on_declare[0].pause_ads.platforms[1]: unknown ad platform "bing"`,
				`a.yaml:7: on_declare[0].pause_ads.exclude[0]: "brand-[" is not a valid glob`,
				`a.yaml:8: on_declare[0].pause_ads.when.severity[1]: Unknown severity "critical"`,
			},
		},
		{
			name: "labels that are globs or empty",
			files: map[string]string{"a.yaml": minimal + "on_declare:\n  - pause_ads:\n      exclude_labels: [\"brand*\", Brand]\n" +
				"      include_labels: [\"\"]\non_resolve:\n  - resume_ads:\n"},
			want: []string{
				`a.yaml:6: on_declare[0].pause_ads.exclude_labels[0]: "brand*" is not a label: labels match whole`,
				`a.yaml:7: on_declare[0].pause_ads.include_labels[0]: an empty entry: remove it`,
			},
		},
		{
			name:  "template not in templates",
			files: map[string]string{"a.yaml": minimal + "on_declare:\n  - statuspage: {status: investigating, template: customer-de}\ntemplates: {customer-fr: Bonjour}\n"},
			want:  []string{`a.yaml:5: on_declare[0].statuspage.template: template "customer-de" is not in templates: add it there or use one of: customer`},
		},
		{
			name:  "notify without template and unknown status",
			files: map[string]string{"a.yaml": minimal + "on_declare:\n  - notify: {to: hosting}\n  - statuspage: {status: down}\n"},
			want: []string{
				"a.yaml:5: on_declare[0].notify.template: template is required",
				`a.yaml:6: on_declare[1].statuspage.status: unknown status-page status "down"`,
			},
		},
		{
			name:  "ads paused and never resumed",
			files: map[string]string{"a.yaml": minimal + "on_declare:\n  - pause_ads: {}\n"},
			want:  []string{"a.yaml:5: on_declare: on_declare pauses ads but on_resolve never resumes them"},
		},
		{
			name:  "actions in the wrong phase",
			files: map[string]string{"a.yaml": minimal + "on_declare:\n  - resume_ads: {}\non_resolve:\n  - pause_ads: {}\n"},
			want: []string{
				"a.yaml:5: on_declare[0]: resume_ads on declare would switch ads back on",
				"a.yaml:7: on_resolve[0]: pause_ads on resolve would switch ads off",
			},
		},
		{
			name:  "bad durations",
			files: map[string]string{"a.yaml": minimal + "status_updates:\n  sev1: 15\n  sev2: 10s\n  sev3: off\n  sev5: 1h\n"},
			want: []string{
				`a.yaml:5: status_updates.sev1: "15" is not a cadence`,
				`a.yaml:6: status_updates.sev2: "10s" is out of range`,
				`a.yaml:8: status_updates.sev5: Unknown severity "sev5"`,
			},
		},
		{
			name:  "bad default severity",
			files: map[string]string{"a.yaml": minimal + "match: {types: [web], default_severity: 1}\n"},
			want:  []string{`a.yaml:4: match.default_severity: Unknown severity "1"`},
		},
		{
			name:  "template that does not parse",
			files: map[string]string{"a.yaml": minimal + "templates:\n  customer-en: |\n    Hello {{.Incident.Title\n"},
			want:  []string{"a.yaml:5: templates.customer-en: does not parse: template: customer-en:1: unclosed action"},
		},
		{
			name:  "channel template problems",
			files: map[string]string{"a.yaml": minimal + "channel: \"{{.Nope}}\"\n", "b.yaml": "name: b\nroles: [{name: commander}]\nchannel: \"Incident {{.Title}}\"\n"},
			want: []string{
				`a.yaml:4: channel: fails for a sample incident`,
				`b.yaml:3: channel: renders "Incident Paiement refusé : erreur 504 !" for a sample incident`,
			},
		},
		{
			name:  "wrong kinds",
			files: map[string]string{"a.yaml": minimal + "private: yes please\nchecklist: do it\ninvite: {a: b}\n"},
			want: []string{
				"a.yaml:4: private: must be true or false",
				"a.yaml:5: checklist: must be a list",
				"a.yaml:6: invite: must be a list",
			},
		},
		{
			name:  "duplicate key",
			files: map[string]string{"a.yaml": minimal + "description: one\ndescription: two\n"},
			want:  []string{`a.yaml:5: description: "description" is set twice (first on line 4)`},
		},
		{
			name:  "duplicate names across files",
			files: map[string]string{"a.yaml": minimal, "b.yml": "# same name\n" + minimal},
			want:  []string{`b.yml:2: name: playbook "web" is already defined in a.yaml:1`},
		},
		{
			name: "type selecting two playbooks",
			files: map[string]string{
				"a.yaml": minimal + "match: {types: [outage]}\n",
				"b.yaml": "name: shop\nroles: [{name: commander}]\nmatch: {types: [down, outage, web]}\n",
			},
			want: []string{
				`b.yaml:3: match.types[1]: "outage" already selects playbook web (a.yaml:1)`,
				`b.yaml:3: match.types[2]: "web" already selects playbook web (a.yaml:1)`,
			},
		},
		{
			name:  "two documents",
			files: map[string]string{"a.yaml": minimal + "---\nname: other\n"},
			want:  []string{"a.yaml:4: a second YAML document"},
		},
		{
			name:  "empty file",
			files: map[string]string{"a.yaml": "# nothing yet\n"},
			want:  []string{"a.yaml: the file is empty"},
		},
		{
			name:  "not a mapping",
			files: map[string]string{"a.yaml": "- name: web\n"},
			want:  []string{"a.yaml:1: a playbook is a mapping of fields"},
		},
		{
			name:  "folder without playbooks",
			files: map[string]string{"README.md": "# playbooks\n"},
			want:  []string{".: no *.yaml or *.yml files"},
		},
		{
			name: "every problem is reported",
			files: map[string]string{
				"a.yaml": "name: web\nroles:\n  - {name: lead}\nstatus_updates: {sev1: soon}\nextra: 1\n",
				"b.yaml": "name: b\nroles: [{name: commander}]\nprivate: 2\n",
			},
			want: []string{
				"a.yaml:3: roles: a commander role is required",
				`a.yaml:4: status_updates.sev1: "soon" is not a cadence`,
				"a.yaml:5: extra: unknown field",
				"b.yaml:3: private: must be true or false",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fsys := fstest.MapFS{}
			for name, text := range tc.files {
				fsys[name] = &fstest.MapFile{Data: []byte(text)}
			}
			s, err := Load(fsys, ".")
			if s != nil {
				t.Errorf("got a set of %d playbooks, want nil", len(s.All()))
			}
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("got error %v, want a *LoadError", err)
			}
			got := make([]string, len(le.Problems))
			for i, p := range le.Problems {
				got[i] = p.String()
			}
			want := tc.want
			if len(got) != len(want) {
				t.Fatalf("got %d problems:\n%s\nwant %d:\n%s", len(got), strings.Join(got, "\n"), len(want), strings.Join(want, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], want[i]) {
					t.Errorf("problem %d:\ngot  %s\nwant %s...", i, got[i], want[i])
				}
			}
		})
	}
}

func TestLoadManyProblems(t *testing.T) {
	t.Parallel()
	// An anchor repeated through aliases multiplies one mistake.
	text := minimal + "x: &bad {platforms: [" + strings.Repeat("bing, ", 50) + "bing]}\non_declare:\n" +
		strings.Repeat("  - pause_ads: *bad\n", 50) + "on_resolve: [resume_ads: {}]\n"
	_, err := Load(fstest.MapFS{"a.yaml": {Data: []byte(text)}}, ".")
	var le *LoadError
	if !errors.As(err, &le) {
		t.Fatalf("got %v, want a *LoadError", err)
	}
	if got, want := len(le.Problems), maxProblems+1; got != want {
		t.Fatalf("got %d problems, want %d", got, want)
	}
	if got, want := le.Problems[maxProblems].String(), "a.yaml:4: more problems follow"; !strings.HasPrefix(got, want) {
		t.Errorf("got last problem %q, want %q...", got, want)
	}
}

func TestLoadValid(t *testing.T) {
	t.Parallel()
	text := `name: web
description: The web shop.
match: {types: [Shop, web-down], default_severity: sev2}
channel: "web-{{.Key | lower}}"
private: true
roles:
  - {name: commander, description: leads, assign: declarer}
  - {name: tech-lead, assign: "<@U0TECH>"}
  - {name: comms, assign: comms@example.com}
  - {name: ads}
invite: ["@oncall", "<@U0MKT>"]
status_updates: {sev1: 10m, sev2: 1h30m, sev4: off}
on_declare:
  - verify_site: {url: "https://shop.example.com/", expect: Panier}
  - pause_ads: {platforms: [googleads, tiktok], accounts: ["123"], include: ["*"], exclude: ["brand*"], include_labels: [Sale], exclude_labels: [Brand, "Always on"], when: {severity: [sev1, SEV2]}}
  - notify: {to: hosting, template: alert}
  - page: {to: web-oncall}
on_resolve:
  - resume_ads:
  - statuspage: {status: resolved}
checklist: [Look outside, "404"]
templates: {alert: "Down: {{.Incident.Title}}"}
archive_on_close: true
`
	s, err := Load(fstest.MapFS{"web.yml": {Data: []byte(text)}}, ".")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	pb, ok := s.Get("web")
	if !ok {
		t.Fatal("got no playbook web")
	}
	pause, _ := pb.OnDeclare[1].Params.(incidentbot.PauseAdsParams)
	checks := []struct {
		what      string
		got, want any
	}{
		{"description", pb.Description.In("en"), "The web shop."},
		{"types", strings.Join(pb.Match.Types, ","), "Shop,web-down"},
		{"default severity", pb.Match.DefaultSeverity, incidentbot.SEV2},
		{"channel", pb.Channel, "web-{{.Key | lower}}"},
		{"private", pb.Private, true},
		{"roles", len(pb.Roles), 4},
		{"tech-lead assign", pb.Roles[1].Assign, "<@U0TECH>"},
		{"invite", strings.Join(pb.Invite, ","), "@oncall,<@U0MKT>"},
		{"sev1 cadence", pb.Cadence(incidentbot.SEV1).String(), "10m0s"},
		{"sev2 cadence", pb.Cadence(incidentbot.SEV2).String(), "1h30m0s"},
		{"sev3 cadence", pb.Cadence(incidentbot.SEV3).String(), "0s"},
		{"sev4 cadence", pb.Cadence(incidentbot.SEV4).String(), "0s"},
		{"on_declare", len(pb.OnDeclare), 4},
		{"verify", pb.OnDeclare[0].Params, incidentbot.VerifySiteParams{URL: "https://shop.example.com/", Expect: "Panier"}},
		{"pause platforms", strings.Join(pause.Platforms, ","), "googleads,tiktok"},
		{"pause accounts", strings.Join(pause.Accounts, ","), "123"},
		{"pause exclude", strings.Join(pause.Exclude, ","), "brand*"},
		{"pause include labels", strings.Join(pause.IncludeLabels, ","), "Sale"},
		{"pause exclude labels", strings.Join(pause.ExcludeLabels, ","), "Brand,Always on"},
		{"pause on sev2", pb.OnDeclare[1].When.Holds(incidentbot.SEV2), true},
		{"pause on sev3", pb.OnDeclare[1].When.Holds(incidentbot.SEV3), false},
		{"notify", pb.OnDeclare[2].Params, incidentbot.NotifyParams{To: "hosting", Template: "alert"}},
		{"page", pb.OnDeclare[3].Params, incidentbot.PageParams{To: "web-oncall"}},
		{"resume kind", pb.OnResolve[0].Kind(), incidentbot.ActionResumeAds},
		{"statuspage", pb.OnResolve[1].Params, incidentbot.StatusPageParams{Status: "resolved"}},
		{"checklist", pb.Checklist[0].In("fr") + "|" + pb.Checklist[1].In("en"), "Look outside|404"},
		{"archive", pb.ArchiveOnClose, true},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.what, c.got, c.want)
		}
	}
}

func TestLoadDefaultsApplied(t *testing.T) {
	t.Parallel()
	s, err := Load(fstest.MapFS{"a.yaml": {Data: []byte(minimal)}}, ".")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	pb, _ := s.Get("web")
	if pb.Channel != incidentbot.DefaultChannelTemplate {
		t.Errorf("got channel %q, want %q", pb.Channel, incidentbot.DefaultChannelTemplate)
	}
	if pb.Match.DefaultSeverity != DefaultSeverity {
		t.Errorf("got default severity %v, want %v", pb.Match.DefaultSeverity, DefaultSeverity)
	}
	if pb.ArchiveOnClose || pb.Private {
		t.Errorf("got archive %v private %v, want false false", pb.ArchiveOnClose, pb.Private)
	}
}

func TestLoadError(t *testing.T) {
	t.Parallel()
	le := &LoadError{Problems: []Problem{
		{File: "a.yaml", Line: 3, Field: "roles", Message: "a commander role is required"},
		{File: "b.yaml", Message: "the file is empty"},
	}}
	want := "2 problems in the playbooks:\na.yaml:3: roles: a commander role is required\nb.yaml: the file is empty"
	if got := le.Error(); got != want {
		t.Errorf("got Error()\n%s\nwant\n%s", got, want)
	}
	var err error = le
	if got := incidentbot.ErrorCode(err); got != incidentbot.EINVALID {
		t.Errorf("got code %q, want %q", got, incidentbot.EINVALID)
	}
	msg := incidentbot.ErrorMessage(err)
	if !strings.Contains(msg, "a.yaml:3: roles: a commander role is required") || !strings.Contains(msg, "incidentbot playbooks check") {
		t.Errorf("got message %q, want the problems and what to run next", msg)
	}
}

func TestProblemString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{File: "site-outage.yaml", Line: 12, Field: "roles[1].assign", Message: "bad"}, "site-outage.yaml:12: roles[1].assign: bad"},
		{Problem{File: "a.yaml", Line: 1, Message: "invalid YAML"}, "a.yaml:1: invalid YAML"},
		{Problem{File: "a.yaml", Field: "name", Message: "missing"}, "a.yaml: name: missing"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			t.Parallel()
			if got := tc.p.String(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestImpactDefaultShares: each default playbook names its share of sales
// lost, and a playbook without impact loses all of them.
func TestImpactDefaultShares(t *testing.T) {
	t.Parallel()
	set := Defaults()
	want := map[string]float64{"site-outage": 1, "checkout-failure": 1, "launch-traffic": 0.5, "security": 0.2, "generic": 0.5}
	for _, pb := range set.All() {
		if pb.RevenueShare == nil || *pb.RevenueShare != want[pb.Name] {
			t.Errorf("%s: got share %v, want %v", pb.Name, pb.RevenueShare, want[pb.Name])
		}
	}
	if got := (&incidentbot.Playbook{}).Share(); got != 1 {
		t.Errorf("no impact: got share %v, want 1", got)
	}
}
