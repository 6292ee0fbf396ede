//go:build reliability

package reliability

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/fake/fakemeta"
	"incidentbot/internal/fake/fakeslack"
	"incidentbot/store"
)

const (
	signingSecret = "5c1e7a0b9d2f4e6a8c3b1d0f7e9a2c4b"
	alice         = "U02ALICE5K"
	metaAccount   = "act_4242"
)

// playbook "rel": the saga with every step the suite kills in (channel,
// invite, topic, welcome, pin, summary, ads paused), ads resumed on
// resolve, no reminders.
const playbook = `name: rel
description: The reliability suite's playbook.
match: {types: [rel], default_severity: sev2}
channel: "{{.Key | lower}}-{{.Title | slug}}"
roles:
  - {name: commander, description: coordinates and decides, assign: declarer}
status_updates: {sev1: off, sev2: off, sev3: off, sev4: off}
on_declare:
  - pause_ads: {}
on_resolve:
  - resume_ads: {}
checklist:
  - Confirm the problem from outside
`

// cluster is a Slack workspace and a Meta ad account served by the fakes,
// and the replicas of serve that share one database in front of them.
type cluster struct {
	t         *testing.T
	dir       string // working folder and playbooks
	env       map[string]string
	slack     *fakeslack.Server
	slackGate *gate
	meta      *fakemeta.Server
	metaGate  *gate
	general   string // channel ids
	managers  string
}

// newCluster prepares the fakes for replicas on the database dsn ("": the
// SQLite file incidentbot.db in c.dir); Meta holds campaigns active
// campaigns for the bot to pause.
func newCluster(t *testing.T, dsn string, campaigns int) *cluster {
	t.Helper()
	c := &cluster{t: t, dir: t.TempDir()}
	c.slack = fakeslack.New(t, fakeslack.WithoutRateLimits(), fakeslack.WithUsers(fakeslack.User{ID: alice, Name: "alice", RealName: "Alice Martin"}))
	c.general = c.slack.AddChannel("general", "", false).ID
	c.managers = c.slack.AddChannel("managers", "", false).ID
	c.slackGate = newGate(t, c.slack.URL())
	c.meta = fakemeta.New(t)
	c.meta.AddAccount(metaAccount, "EUR")
	c.meta.AddCampaigns(metaAccount, campaigns, fakemeta.Active)
	c.metaGate = newGate(t, c.meta.URL())
	books := filepath.Join(c.dir, "playbooks")
	if err := os.MkdirAll(books, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(books, "rel.yaml"), []byte(playbook), 0o600); err != nil {
		t.Fatal(err)
	}
	c.env = map[string]string{
		"DATABASE_URL":                    dsn,
		"LOG_LEVEL":                       "info",
		"PLAYBOOKS_DIR":                   books,
		"SLACK_BOT_TOKEN":                 c.slack.Token(),
		"SLACK_SIGNING_SECRET":            signingSecret,
		"SUMMARY_CHANNEL_SLACK":           c.managers,
		"META_ADS_ACCESS_TOKEN":           c.meta.Token(),
		"META_ADS_ACCOUNT_IDS":            metaAccount,
		"ADS_ADMINS":                      "slack:" + alice,
		"DECLARE_MAX_PER_USER_PER_MINUTE": "0",
		// Each replica opens its whole pool at start.
		"DATABASE_MAX_CONNS": "8",
		// A short lease, so a killed replica's jobs move on within seconds.
		"JOB_LEASE": leaseSetting.String(),
	}
	if dsn == "" {
		delete(c.env, "DATABASE_URL")
	}
	return c
}

// leaseSetting is the job lease the suite asks of serve.
const leaseSetting = 5 * time.Second

// start starts a replica of serve reaching the fakes through its own
// fronts; its name is its WORKER_ID, so a replica started again under the
// same name is the same worker.
func (c *cluster) start(name string) *replica {
	c.t.Helper()
	env := map[string]string{"SLACK_API_URL": c.slackGate.url(name), "META_ADS_API_URL": c.metaGate.url(name), "WORKER_ID": name}
	for k, v := range c.env {
		env[k] = v
	}
	return startReplica(c.t, name, c.dir, env)
}

// command is a slash command as Slack sends it from #general by alice.
func (c *cluster) command(trigger, text string) string {
	return url.Values{"team_id": {fakeslack.TeamID}, "team_domain": {"shop"}, "user_id": {alice}, "user_name": {"alice"},
		"channel_id": {c.general}, "channel_name": {"general"}, "command": {"/incident"}, "text": {text},
		"trigger_id": {trigger}, "response_url": {c.slack.ResponseURL(c.general, alice)}}.Encode()
}

// send posts a signed command form to r and checks it was answered 200.
func (c *cluster) send(r *replica, form string, at time.Time, header http.Header) string {
	c.t.Helper()
	status, body := signedSlack(c.t, r.url(""), signingSecret, form, at, header)
	if status != http.StatusOK {
		c.t.Errorf("%s answered %d %s, want 200", r.name, status, body)
	}
	return body
}

// warRooms returns the war-room channels the bot created, by name.
func (c *cluster) warRooms() map[string]fakeslack.Channel {
	out := map[string]fakeslack.Channel{}
	for _, ch := range c.slack.Channels() {
		if strings.HasPrefix(ch.Name, "inc-") {
			out[ch.Name] = ch
		}
	}
	return out
}

// botPosts counts the bot's public posts in a channel whose text matches re.
func (c *cluster) botPosts(channelID string, re *regexp.Regexp) int {
	n := 0
	for _, m := range c.slack.Messages(channelID) {
		if m.User == fakeslack.BotUserID && m.EphemeralTo == "" && re.MatchString(m.Text) {
			n++
		}
	}
	return n
}

var welcomeText = regexp.MustCompile(`(?s)Roles.*Checklist`)

// sagaCounts checks, for each incident key in the store, one war room, one
// welcome, one pin and one summary in the fakes, and no war room or
// summary the store does not know; it returns the problems found.
func (c *cluster) sagaCounts(keys []string) []string {
	var problems []string
	rooms := c.warRooms()
	known := map[string]bool{}
	for _, key := range keys {
		prefix := strings.ToLower(key) + "-"
		var mine []fakeslack.Channel
		for name, ch := range rooms {
			if strings.HasPrefix(name, prefix) {
				mine = append(mine, ch)
				known[name] = true
			}
		}
		if len(mine) != 1 {
			problems = append(problems, fmt.Sprintf("%s: %d war rooms, want 1", key, len(mine)))
		}
		for _, ch := range mine {
			if n := c.botPosts(ch.ID, welcomeText); n != 1 {
				problems = append(problems, fmt.Sprintf("%s: %d welcomes in #%s, want 1", key, n, ch.Name))
			}
			if n := len(c.slack.Pinned(ch.ID)); n != 1 {
				problems = append(problems, fmt.Sprintf("%s: %d pins in #%s, want 1", key, n, ch.Name))
			}
		}
		if n := c.botPosts(c.managers, regexp.MustCompile(`· `+key+` `)); n != 1 {
			problems = append(problems, fmt.Sprintf("%s: %d summaries, want 1", key, n))
		}
	}
	for name := range rooms {
		if !known[name] {
			problems = append(problems, fmt.Sprintf("war room #%s belongs to no incident in the store", name))
		}
	}
	return problems
}

// checkOneSaga checks the store holds one incident whose saga left one of
// everything in the fakes (sagaCounts) and paused each of the campaigns
// once, and Meta has them paused.
func (c *cluster) checkOneSaga(t *testing.T, db *store.DB, campaigns int) {
	t.Helper()
	incs, err := db.FindIncidents(context.Background(), incidentbot.IncidentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(incs) != 1 {
		t.Fatalf("%d incidents, want 1", len(incs))
	}
	for _, p := range c.sagaCounts([]string{incs[0].Key}) {
		t.Error(p)
	}
	pauses, err := db.Pauses(context.Background(), incs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(pauses) != campaigns {
		t.Errorf("%d pauses recorded, want %d (one per campaign)", len(pauses), campaigns)
	}
	for _, p := range pauses {
		if p.State != incidentbot.PausePaused {
			t.Errorf("campaign %s: pause %s, want paused", p.Campaign.ID, p.State)
		}
	}
	for id, status := range c.meta.Statuses() {
		if status != fakemeta.Paused {
			t.Errorf("campaign %s is %s at Meta, want PAUSED", id, status)
		}
	}
}
