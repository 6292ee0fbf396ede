package main

// The strict end-to-end harness, after goalert's smoke harness: the real
// serve wiring on the real clock, a fake chat platform over HTTP, a fresh
// database, and a scenario that declares every message the bot may post.
// A missing post fails the test when the scenario waits for it; an extra
// post fails it as soon as the harness sees it, and again when it ends.
//
//	h := newHarness(t, newFakeSlack(t), e2eDB(t))
//	h.command(alice, general, "declare sev1 type:generic Checkout returns 504") // the answer the user sees
//	h.expect("inc-1-checkout-returns-504", `Welcome`)                        // one public post, by channel name and regexp
//	h.expect(managers, `INC-1`)
//	h.settle() // every expected post is there and none other
//	h.finish() // stop serve; check again; no ERROR logged and no secret anywhere
//
// Command answers (Slack's HTTP response, Discord's interaction answer)
// are what h.command returns; every other post counts. Edits are not new
// posts: a post is matched by its text when first seen.

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/fake/fakediscord"
	"incidentbot/internal/fake/fakeslack"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

// People and channels every harness platform has.
const (
	alice    = "alice" // declares, so commands the incidents
	bob      = "bob"
	general  = "general"  // where incidents are declared
	managers = "managers" // the summary channel
)

// e2eDB gives a scenario a fresh database: a Postgres database of its own
// when TEST_DATABASE_URL is set, and the test runs in parallel; otherwise
// the embedded SQLite file, in a temporary working folder (serve keeps it
// there), and the test runs alone.
func e2eDB(t *testing.T) map[string]string {
	t.Helper()
	if os.Getenv(storetest.EnvPostgres) != "" {
		t.Parallel()
		// serve opens its whole pool at start: a small one keeps parallel
		// scenarios within the server's connections.
		return map[string]string{"DATABASE_URL": storetest.PostgresDSN(t), "DATABASE_MAX_CONNS": "4"}
	}
	t.Chdir(t.TempDir())
	return map[string]string{}
}

// post is one message the bot posted, as the harness matches it.
type post struct {
	ID      string // unique within the platform
	Channel string // channel name
	Text    string // everything people read: text, title, fields, footer
	Only    string // for an ephemeral post, the person who sees it
}

// chatFake is a fake chat platform as the harness drives it.
type chatFake interface {
	// env points serve at the fake; it names the summary channel.
	env() map[string]string
	secrets() []string
	// command runs /incident line as user (alice, bob) from the channel
	// named channel at url (serve's base URL), and returns the answer the
	// user sees.
	command(t *testing.T, base, user, channel, line string) string
	// posts returns what the bot posted, command answers left out.
	posts() []post
}

type expectation struct {
	channel, only string
	re            *regexp.Regexp
	matched       string // the post's ID once seen
}

// harness is one serve run held to the posts its scenario declares.
type harness struct {
	*served
	chat chatFake

	db *store.DB // the same database, read to know when the bot is idle

	mu      sync.Mutex
	expects []*expectation
	claimed map[string]bool // post IDs matched by an expectation
}

// newHarness starts serve against chat with env added (e2eDB's).
func newHarness(t *testing.T, chat chatFake, env map[string]string) *harness {
	t.Helper()
	all := chat.env()
	for k, v := range env {
		all[k] = v
	}
	h := &harness{served: launch(t, all), chat: chat, claimed: map[string]bool{}}
	dsn := all["DATABASE_URL"]
	if dsn == "" {
		dsn = "incidentbot.db" // serve's default, in the working folder
	}
	db, err := store.Open(t.Context(), nil, dsn)
	if err != nil {
		t.Fatalf("open the scenario's database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	h.db = db
	return h
}

// busy names the jobs running or due, "" when none: then whatever the bot
// was asked so far has been posted (or waits for a later time).
func (h *harness) busy() string {
	h.t.Helper()
	ctx := context.Background()
	incs, err := h.db.FindIncidents(ctx, incidentbot.IncidentFilter{})
	if err != nil {
		h.t.Fatalf("list incidents: %v", err)
	}
	now := time.Now()
	var out []string
	for _, inc := range incs {
		jobs, err := h.db.Jobs(ctx, inc.ID)
		if err != nil {
			h.t.Fatalf("list jobs: %v", err)
		}
		for _, j := range jobs {
			if j.State == incidentbot.JobRunning || j.State == incidentbot.JobPending && !j.RunAt.After(now) {
				out = append(out, fmt.Sprintf("%s (%s, attempt %d, %s)", j.Key, j.State, j.Attempts, j.LastError))
			}
		}
	}
	return strings.Join(out, "; ")
}

// expect declares one public post in the named channel whose text matches
// the regexp pattern.
func (h *harness) expect(channel, pattern string) {
	h.expectOnly(channel, "", pattern)
}

// expectOnly declares one ephemeral post in channel that only user sees.
func (h *harness) expectOnly(channel, user, pattern string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.expects = append(h.expects, &expectation{channel: channel, only: user, re: regexp.MustCompile(pattern)})
}

// command runs /incident line as user from channel and returns the answer.
func (h *harness) command(user, channel, line string) string {
	h.t.Helper()
	return h.chat.command(h.t, h.url(""), user, channel, line)
}

// match claims new posts for the waiting expectations, in declaration
// order, and returns the posts no expectation wants and what still waits.
func (h *harness) match() (unexpected []post, waiting []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, p := range h.chat.posts() {
		if h.claimed[p.ID] {
			continue
		}
		found := false
		for _, e := range h.expects {
			if e.matched == "" && e.channel == p.Channel && e.only == p.Only && e.re.MatchString(p.Text) {
				e.matched, h.claimed[p.ID], found = p.ID, true, true
				break
			}
		}
		if !found {
			unexpected = append(unexpected, p)
		}
	}
	for _, e := range h.expects {
		if e.matched == "" {
			waiting = append(waiting, fmt.Sprintf("#%s only:%q /%s/", e.channel, e.only, e.re))
		}
	}
	return unexpected, waiting
}

// settle waits until every expected post is there and no job is running
// or due, failing at once on a post nobody expected and after a deadline
// on one that never came (30s). Scenarios that wait on a longer clock
// (reminders) use settleWithin.
func (h *harness) settle() {
	h.t.Helper()
	h.settleWithin(30 * time.Second)
}

func (h *harness) settleWithin(d time.Duration) {
	h.t.Helper()
	deadline := time.Now().Add(d)
	for {
		busy := h.busy()
		unexpected, waiting := h.match()
		if len(unexpected) > 0 {
			h.t.Fatalf("unexpected posts:\n%s\nstill expected: %q\nlogs: %s", describePosts(unexpected), waiting, h.logs.String())
		}
		if len(waiting) == 0 && busy == "" {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("not settled within %s; still expected: %q; jobs busy: %s\nall posts:\n%s\nlogs: %s",
				d, waiting, busy, describePosts(h.chat.posts()), h.logs.String())
		}
		time.Sleep(25 * time.Millisecond) // polling interval, not a wait for work
	}
}

// finish stops serve (checking it stopped cleanly, logged no ERROR and no
// secret), then checks that every expected post came and nothing else did.
func (h *harness) finish() {
	h.t.Helper()
	h.stop(h.chat.secrets()...)
	unexpected, waiting := h.match()
	if len(unexpected) > 0 || len(waiting) > 0 {
		h.t.Errorf("at the end: unexpected posts:\n%s\nnever posted: %q", describePosts(unexpected), waiting)
	}
	for _, p := range h.chat.posts() {
		for _, s := range h.chat.secrets() {
			if strings.Contains(p.Text, s) {
				h.t.Errorf("a secret reached a post in #%s", p.Channel)
			}
		}
	}
}

func describePosts(ps []post) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "  #%s only:%q %q\n", p.Channel, p.Only, p.Text)
	}
	return b.String()
}

// slackChat is the Slack fake with a workspace of two people and the
// general and managers channels, reached by signed slash commands, or over
// Socket Mode once overSocket is called.
type slackChat struct {
	api    *fakeslack.Server
	secret string
	users  map[string]fakeslack.User
	socket bool // commands come as Socket Mode envelopes: no signing secret, an app token
}

const slackSigningSecret = "0f2e8a9d4b7c6e1a3f5d9c8b7a6e5d4c"

// newFakeSlack starts the fake; opts add to the workspace (people, groups)
// or shape the API (rate limits).
func newFakeSlack(t *testing.T, opts ...fakeslack.Option) *slackChat {
	users := map[string]fakeslack.User{
		alice: {ID: "U02ALICE5K", Name: "alice", RealName: "Alice Martin"},
		bob:   {ID: "U03BOB7Q2M", Name: "bob", RealName: "Bob Durand"},
	}
	opts = append([]fakeslack.Option{fakeslack.WithUsers(users[alice], users[bob])}, opts...)
	c := &slackChat{api: fakeslack.New(t, opts...), secret: slackSigningSecret, users: users}
	c.api.AddChannel(general, "", false)
	c.api.AddChannel(managers, "", false)
	return c
}

func (c *slackChat) channelID(name string) string {
	ch, ok := c.api.ChannelByName(name)
	if !ok {
		return "C0NOSUCH00"
	}
	return ch.ID
}

// overSocket makes serve take commands over Socket Mode.
func (c *slackChat) overSocket() *slackChat {
	c.socket = true
	return c
}

func (c *slackChat) env() map[string]string {
	env := map[string]string{
		"SLACK_BOT_TOKEN":       c.api.Token(),
		"SLACK_SIGNING_SECRET":  c.secret,
		"SLACK_API_URL":         c.api.URL(),
		"SUMMARY_CHANNEL_SLACK": c.channelID(managers),
	}
	if c.socket {
		delete(env, "SLACK_SIGNING_SECRET")
		env["SLACK_APP_TOKEN"] = c.api.AppToken()
	}
	return env
}

func (c *slackChat) secrets() []string { return []string{c.api.Token(), c.secret, c.api.AppToken()} }

// slashForm is the form Slack sends for /incident line typed by user in
// channel of the workspace team.
func (c *slackChat) slashForm(team, user, channel, line string) url.Values {
	u := c.users[user]
	return url.Values{"team_id": {team}, "user_id": {u.ID}, "user_name": {u.Name},
		"channel_id": {c.channelID(channel)}, "command": {"/incident"}, "text": {line}}
}

func (c *slackChat) command(t *testing.T, base, user, channel, line string) string {
	t.Helper()
	return c.commandFrom(t, base, fakeslack.TeamID, user, channel, line)
}

// commandFrom runs /incident line as user from channel of the workspace
// team (the bot's own is fakeslack.TeamID) and returns the answer.
func (c *slackChat) commandFrom(t *testing.T, base, team, user, channel, line string) string {
	t.Helper()
	form := c.slashForm(team, user, channel, line)
	var body []byte
	if c.socket {
		body = c.socketCommand(t, form)
	} else {
		status, raw := postSlack(t, base+"/slack/commands", c.secret, form.Encode())
		if status != http.StatusOK {
			t.Fatalf("/incident %s: got %d %s, want 200", line, status, raw)
		}
		body = raw
	}
	var resp struct {
		Text        string          `json:"text"`
		Blocks      json.RawMessage `json:"blocks"`      // what people read, with
		Attachments json.RawMessage `json:"attachments"` // a severity in a coloured bar
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatalf("/incident %s: answer %s: %v", line, body, err)
	}
	return strings.TrimSpace(strings.Join([]string{resp.Text, string(resp.Blocks), string(resp.Attachments)}, "\n"))
}

// socketCommand sends a slash command as a Socket Mode envelope, once
// serve is connected, and returns the payload serve acked it with.
func (c *slackChat) socketCommand(t *testing.T, form url.Values) []byte {
	t.Helper()
	payload := map[string]string{}
	for k := range form {
		payload[k] = form.Get(k)
	}
	poll(t, "a Socket Mode connection", func() bool { return c.api.SocketConnections() > 0 }, nil)
	id, err := c.api.SendEnvelope(fakeslack.Envelope{Type: "slash_commands", Payload: payload})
	if err != nil {
		t.Fatalf("/incident %s over Socket Mode: %v", form.Get("text"), err)
	}
	var ack []byte
	poll(t, "the ack of /incident "+form.Get("text"), func() bool {
		p, ok := c.api.Ack(id)
		ack = p
		return ok
	}, nil)
	return ack
}

// poll checks cond until it holds, failing after 10 seconds with serve's
// logs when there are some.
func poll(t *testing.T, what string, cond func() bool, logs *syncBuffer) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			if logs != nil {
				t.Fatalf("%s: not within 10s; logs: %s", what, logs.String())
			}
			t.Fatalf("%s: not within 10s", what)
		}
		time.Sleep(20 * time.Millisecond) // polling interval, not a wait for work
	}
}

// postSlack sends a form signed as Slack signs requests.
func postSlack(t *testing.T, url, secret, form string) (int, []byte) {
	t.Helper()
	return postSlackAt(t, url, secret, form, time.Now())
}

// postSlackAt signs form at the given time: twice with the same time, it
// sends a byte-identical replay.
func postSlackAt(t *testing.T, url, secret, form string, at time.Time) (int, []byte) {
	t.Helper()
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":" + form))
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func (c *slackChat) posts() []post {
	var out []post
	for _, ch := range c.api.Channels() {
		for _, m := range c.api.Messages(ch.ID) {
			if m.User != fakeslack.BotUserID {
				continue
			}
			text := m.Text
			if text == "" { // a shared file's message has blocks only
				text = string(m.Blocks)
			}
			out = append(out, post{ID: m.Channel + "/" + m.TS, Channel: ch.Name, Text: text, Only: c.name(m.EphemeralTo)})
		}
	}
	return out
}

// name turns a Slack user id back into the harness's name for the person.
func (c *slackChat) name(id string) string {
	for name, u := range c.users {
		if u.ID == id {
			return name
		}
	}
	return id
}

// discordChat is the Discord fake with a guild of two people and the
// general and managers channels, reached by signed HTTP interactions, or
// over the gateway once overGateway is called.
type discordChat struct {
	api     *fakediscord.Server
	key     ed25519.PrivateKey
	members map[string]fakediscord.User
	gateway bool // interactions come as gateway events: no public key, DISCORD_MODE=gateway
	mu      sync.Mutex
	seq     int
	asked   map[string]bool // interaction ids the harness sent
}

// newFakeDiscord starts the fake; opts add to the guild (members, roles).
func newFakeDiscord(t *testing.T, opts ...fakediscord.Option) *discordChat {
	members := map[string]fakediscord.User{
		alice: {ID: "1202445566778899300", Username: "alice", GlobalName: "Alice"},
		bob:   {ID: "1202445566778899301", Username: "bob"},
	}
	opts = append([]fakediscord.Option{fakediscord.WithMembers(fakediscord.Member{User: members[alice]}, fakediscord.Member{User: members[bob]})}, opts...)
	c := &discordChat{
		api: fakediscord.New(t, opts...),
		key: ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize)), members: members, asked: map[string]bool{},
	}
	c.api.AddChannel(fakediscord.Channel{Name: general})
	c.api.AddChannel(fakediscord.Channel{Name: managers})
	return c
}

func (c *discordChat) channelID(name string) string {
	for _, ch := range c.api.Channels() {
		if ch.Name == name {
			return ch.ID
		}
	}
	return "1"
}

// overGateway makes serve take interactions over the gateway.
func (c *discordChat) overGateway() *discordChat {
	c.gateway = true
	return c
}

func (c *discordChat) env() map[string]string {
	env := map[string]string{
		"DISCORD_BOT_TOKEN":       c.api.Token(),
		"DISCORD_APP_ID":          fakediscord.AppID,
		"DISCORD_GUILD_ID":        fakediscord.GuildID,
		"DISCORD_PUBLIC_KEY":      hex.EncodeToString(c.key.Public().(ed25519.PublicKey)),
		"DISCORD_API_URL":         c.api.URL(),
		"SUMMARY_CHANNEL_DISCORD": c.channelID(managers),
	}
	if c.gateway {
		delete(env, "DISCORD_PUBLIC_KEY")
		env["DISCORD_MODE"] = "gateway"
	}
	return env
}

func (c *discordChat) secrets() []string { return []string{c.api.Token()} }

// discordOptions says which option each word of a command line fills, for
// the subcommands scenarios use: the rest of the line goes to the last one.
var discordOptions = map[string][]string{
	"update":  {"text"},
	"note":    {"text"},
	"resolve": {"summary"},
	"remind":  {"switch", "duration"},
	"sev":     {"severity"},
}

// interactionData turns a command line into the application command data
// Discord would send for it.
func interactionData(line string) map[string]any {
	words := strings.Fields(line)
	sub, args := words[0], words[1:]
	var opts []any
	opt := func(name, value string) {
		opts = append(opts, map[string]any{"name": name, "type": 3, "value": value})
	}
	if len(args) > 0 && regexp.MustCompile(`^INC-\d+$`).MatchString(args[0]) {
		opt("incident", args[0])
		args = args[1:]
	}
	switch sub {
	case "declare", "drill":
		for len(args) > 0 {
			if strings.HasPrefix(args[0], "sev") {
				opt("severity", args[0])
			} else if typ, ok := strings.CutPrefix(args[0], "type:"); ok {
				opt("type", typ)
			} else {
				break
			}
			args = args[1:]
		}
		opt("title", strings.Join(args, " "))
	default:
		names := discordOptions[sub]
		for i, name := range names {
			if len(args) == 0 {
				break
			}
			if i == len(names)-1 {
				opt(name, strings.Join(args, " "))
				break
			}
			opt(name, args[0])
			args = args[1:]
		}
	}
	return map[string]any{"id": "1", "name": "incident", "type": 1, "options": []any{
		map[string]any{"name": sub, "type": 1, "options": opts}}}
}

func (c *discordChat) command(t *testing.T, base, user, channel, line string) string {
	t.Helper()
	id, body := c.interaction(2, user, c.channelID(channel), interactionData(line))
	if c.gateway {
		poll(t, "a gateway connection", func() bool { return c.api.GatewayConnections() > 0 }, nil)
		if err := c.api.Dispatch("INTERACTION_CREATE", json.RawMessage(body)); err != nil {
			t.Fatalf("/incident %s over the gateway: %v", line, err)
		}
	} else if status, raw := c.deliver(t, base, id, body, time.Now(), c.key); status != http.StatusOK {
		t.Fatalf("/incident %s: got %d %s, want 200", line, status, raw)
	}
	return discordText(c.answer(t, id))
}

// interaction builds an interaction of type typ (2 a command, 3 a click)
// from user in the channel of id chID, known to the fake; its answers are
// not posts.
func (c *discordChat) interaction(typ int, user, chID string, data any) (id string, body []byte) {
	c.mu.Lock()
	c.seq++
	id = strconv.Itoa(1443211122233344400 + c.seq)
	c.asked[id] = true
	c.mu.Unlock()
	m := c.members[user]
	body, _ = json.Marshal(map[string]any{
		"id": id, "application_id": fakediscord.AppID, "type": typ, "token": "token-" + id, "version": 1,
		"guild_id": fakediscord.GuildID, "channel_id": chID, "data": data,
		"member": map[string]any{"user": map[string]any{"id": m.ID, "username": m.Username}, "roles": []string{}},
	})
	c.api.AddInteraction(fakediscord.Interaction{ID: id, Token: "token-" + id, ChannelID: chID})
	return id, body
}

// deliver posts an interaction to serve as Discord does, signed by signer
// at the given time, and hands a 200 answer to the fake, as Discord would
// show it.
func (c *discordChat) deliver(t *testing.T, base, id string, body []byte, at time.Time, signer ed25519.PrivateKey) (int, []byte) {
	t.Helper()
	stamp := strconv.FormatInt(at.Unix(), 10)
	req, _ := http.NewRequest(http.MethodPost, base+"/discord/interactions", bytes.NewReader(body))
	req.Header.Set("X-Signature-Timestamp", stamp)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(signer, append([]byte(stamp), body...))))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		_ = c.api.RecordResponse(id, raw) // a repeat finds the interaction answered already
	}
	return resp.StatusCode, raw
}

// answer waits for the answer the person sees: a deferred one ("thinking…")
// is edited in later through the webhook.
func (c *discordChat) answer(t *testing.T, id string) fakediscord.Message {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		answers := c.api.Answers(id)
		if len(answers) > 0 && answers[0].Flags&128 == 0 {
			return answers[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("interaction %s: no answer within 10s", id)
		}
		time.Sleep(25 * time.Millisecond) // polling interval, not a wait for work
	}
}

func (c *discordChat) posts() []post {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []post
	for _, ch := range c.api.Channels() {
		for _, m := range c.api.Messages(ch.ID) {
			if m.Author.ID != fakediscord.BotUserID || c.asked[m.InteractionID] {
				continue
			}
			out = append(out, post{ID: m.ID, Channel: ch.Name, Text: discordText(m)})
		}
	}
	return out
}

// discordText is everything people read in a message.
func discordText(m fakediscord.Message) string {
	parts := []string{m.Content}
	for _, e := range m.Embeds {
		parts = append(parts, e.Title, e.Description)
		for _, f := range e.Fields {
			parts = append(parts, f.Name+": "+f.Value)
		}
		if e.Footer != nil {
			parts = append(parts, e.Footer.Text)
		}
	}
	return strings.TrimSpace(strings.Join(parts, "\n"))
}
