//go:build perf

// Package perf is the load harness: it builds serve, starts it as a
// process against the fake Slack (50 ms a call) on SQLite and, with
// TEST_DATABASE_URL, on Postgres, sends signed slash commands open-loop at
// a series of rates, and prints the acknowledgement latencies, the share
// answered "busy", the process's peak RSS, the saturation point, and the
// time for 200 simultaneous incidents to get their war rooms.
//
//	go test -tags perf -run TestLoad -v -timeout 30m ./perf
//
// LOAD_RATES (10,100,300,500,600) and LOAD_SECONDS (5) change the runs;
// LOAD_DRAIN (200) the incidents of the drain run, 0 skips it; LOAD_DBS
// (sqlite,postgres) the databases. Each rate gets a fresh process and
// database. The generator runs on the same machine as serve and takes CPU
// from it; say so with the figures. Figures noise does not change are
// printed beside the latencies (see diagnose.go): the connection pool's
// waits, the Slack calls, and on Postgres what the bot's sessions were
// waiting on; LOAD_PROFILE=dir keeps CPU, block and mutex profiles;
// LOAD_WARM=sequential leaves out the pool's warm-up (see run);
// LOAD_SLOW=1 logs each answer slower than 40 ms with when it was sent,
// and on Postgres each sample with three sessions or more at work, with
// what they were waiting on.
package perf

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"incidentbot/internal/servebin"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"incidentbot/internal/fake/fakeslack"
	"incidentbot/internal/storetest"
)

const (
	signingSecret = "3f6c1a9e0b7d4c2a8e5f1b3d7c9a0e2f"
	slackLatency  = 50 * time.Millisecond
	ackTarget     = 50 * time.Millisecond  // p99 up to 500 req/s
	busyTarget    = 100 * time.Millisecond // busy answers beyond
)

// binary is serve, built once.
var binary string

func TestMain(m *testing.M) { servebin.Main(m, "perf", &binary) }

// result is one rate's figures.
type result struct {
	db                 string
	rate               int
	sent, busy, failed int
	p50, p99, busyP99  time.Duration
	peakRSSMB          float64
}

func (r result) ok() bool {
	return r.failed == 0 && r.p99 < ackTarget && r.busy*100 < r.sent
}

func TestLoad(t *testing.T) {
	rates := envInts(t, "LOAD_RATES", []int{10, 100, 300, 500, 600})
	seconds := envInts(t, "LOAD_SECONDS", []int{5})[0]
	drain := envInts(t, "LOAD_DRAIN", []int{200})[0]
	before := loadavg()
	dbs := envDBs(t)
	var results []result
	for _, db := range dbs {
		for _, rate := range rates {
			// A subtest each, so each process stops (and its database
			// goes) before the next rate starts.
			t.Run(fmt.Sprintf("%s %d req/s", db, rate), func(t *testing.T) {
				results = append(results, run(t, db, rate, time.Duration(seconds)*time.Second))
			})
		}
	}
	var out strings.Builder
	fmt.Fprintf(&out, "\nack latency, open loop, fake Slack %v a call, %d s a rate (load average before: %s)\n", slackLatency, seconds, before)
	fmt.Fprintln(&out, "| db | req/s | sent | ack p50 | ack p99 | busy | busy p99 | failed | peak RSS |")
	fmt.Fprintln(&out, "| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
	for _, r := range results {
		fmt.Fprintf(&out, "| %s | %d | %d | %s | %s | %.1f%% | %s | %d | %.0f MB |\n", r.db, r.rate, r.sent,
			ms(r.p50), ms(r.p99), 100*float64(r.busy)/float64(max(r.sent, 1)), ms(r.busyP99), r.failed, r.peakRSSMB)
	}
	for _, db := range dbs {
		sat := 0
		for _, r := range results {
			if r.db == db && r.ok() {
				sat = max(sat, r.rate)
			}
		}
		fmt.Fprintf(&out, "%s: saturation point (highest rate with ack p99 < %v, < 1%% busy, no failures): %d req/s\n", db, ackTarget, sat)
	}
	if drain > 0 {
		for _, db := range dbs {
			var first, all time.Duration
			var rss float64
			t.Run(fmt.Sprintf("%s drain %d", db, drain), func(t *testing.T) { first, all, rss = drainRun(t, db, drain) })
			fmt.Fprintf(&out, "%s: %d simultaneous declares: first war room ready after %s, all after %s, peak RSS %.0f MB\n",
				db, drain, first.Round(time.Millisecond), all.Round(time.Millisecond), rss)
		}
	}
	t.Log(out.String())
}

// bot is one serve process in front of a fake Slack.
type bot struct {
	t        *testing.T
	db       string // sqlite or postgres
	dsn      string // postgres only
	slack    *fakeslack.Server
	general  string
	managers string // a channel for summaries
	addr     string
	cmd      *exec.Cmd
	logs     *bytes.Buffer
	mu       sync.Mutex
	exited   chan struct{}
}

// startBot starts serve with env added to its environment and, with
// summaries, the managers' channel as its summary channel.
func startBot(t *testing.T, db string, env map[string]string, summaries bool) *bot {
	t.Helper()
	b := &bot{t: t, db: db, logs: &bytes.Buffer{}, exited: make(chan struct{})}
	b.slack = fakeslack.New(t, fakeslack.WithoutRateLimits(), fakeslack.WithUsers(fakeslack.User{ID: "U02ALICE5K", Name: "alice"}))
	b.slack.SetLatency("", slackLatency)
	b.general = b.slack.AddChannel("general", "", false).ID
	b.managers = b.slack.AddChannel("managers", "", false).ID
	dir := t.TempDir()
	dsn := ""
	if db == "postgres" {
		dsn = storetest.PostgresDSN(t)
		b.dsn = dsn
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b.addr = l.Addr().String()
	l.Close()
	b.cmd = exec.Command(binary, "serve")
	b.cmd.Dir = dir
	b.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "HTTP_ADDR=" + b.addr,
		"SLACK_BOT_TOKEN=" + b.slack.Token(), "SLACK_SIGNING_SECRET=" + signingSecret, "SLACK_API_URL=" + b.slack.URL(),
		"DECLARE_MAX_PER_USER_PER_MINUTE=0", "LOG_LEVEL=error", "DEBUG_PPROF=true"}
	if dsn != "" {
		b.cmd.Env = append(b.cmd.Env, "DATABASE_URL="+dsn)
	}
	for k, v := range env {
		b.cmd.Env = append(b.cmd.Env, k+"="+v)
	}
	if summaries {
		b.cmd.Env = append(b.cmd.Env, "SUMMARY_CHANNEL_SLACK="+b.managers)
	}
	w := writerFunc(func(p []byte) (int, error) { b.mu.Lock(); defer b.mu.Unlock(); return b.logs.Write(p) })
	b.cmd.Stdout, b.cmd.Stderr = w, w
	if err := b.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { b.cmd.Wait(); close(b.exited) }()
	t.Cleanup(func() {
		b.cmd.Process.Signal(os.Interrupt)
		select {
		case <-b.exited:
		case <-time.After(10 * time.Second):
			b.cmd.Process.Kill()
			<-b.exited
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		if resp, err := http.Get("http://" + b.addr + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return b
			}
		}
		select {
		case <-b.exited:
			t.Fatalf("serve stopped: %s", b.logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve not ready: %s", b.logs.String())
		}
		time.Sleep(50 * time.Millisecond) // polling interval
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

var client = &http.Client{
	Timeout:   10 * time.Second,
	Transport: &http.Transport{MaxIdleConns: 2000, MaxIdleConnsPerHost: 2000, IdleConnTimeout: time.Minute},
}

// declare sends one signed /incident declare and classifies the answer.
func (b *bot) declare(title string) (time.Duration, string) {
	form := url.Values{"team_id": {fakeslack.TeamID}, "channel_id": {b.general}, "user_id": {"U02ALICE5K"},
		"user_name": {"alice"}, "command": {"/incident"}, "text": {"declare sev3 " + title}}.Encode()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(signingSecret))
	mac.Write([]byte("v0:" + ts + ":" + form))
	req, _ := http.NewRequest(http.MethodPost, "http://"+b.addr+"/slack/commands", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return time.Since(start), "failed"
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	d := time.Since(start)
	switch {
	case resp.StatusCode != http.StatusOK:
		return d, "failed"
	case bytes.Contains(body, []byte("busy")):
		return d, "busy"
	case bytes.Contains(body, []byte("declared")):
		return d, "declared"
	}
	return d, "failed"
}

// run sends rate declares a second for d, open loop: each at its time,
// whether or not the earlier ones were answered. A second at warmRate
// goes first, unmeasured: a process just started opens its connections
// (ours to serve, serve's to the database) and fills its caches then; its
// p99 is logged apart as the cold start. Then, unless LOAD_WARM is
// "sequential", rounds of simultaneous declarations, also unmeasured: a
// second one at a time used one or two of serve's database connections
// (the pool hands back the one last returned), so the run's first 300 ms
// met four cold ones, each preparing its statements as the burst came,
// and the step measured a quiet process meeting a storm, not the rate.
// LOAD_WARM=sequential measures that case.
func run(t *testing.T, db string, rate int, d time.Duration) result {
	b := startBot(t, db, nil, false)
	cold := b.openLoop(warmRate, time.Second, "Warm-up")
	t.Logf("%s: cold start, %d req/s for 1 s: p50 %s, p99 %s", db, warmRate, ms(pct(cold.lat, 50)), ms(pct(cold.lat, 99)))
	if os.Getenv("LOAD_WARM") != "sequential" {
		b.warmPool()
	}
	diag := b.diagnose(d)
	l := b.openLoop(rate, d, fmt.Sprintf("Load at %d req/s", rate))
	diag.report(fmt.Sprintf("%s-%d", db, rate), len(l.lat))
	r := result{db: db, rate: rate, sent: len(l.lat), busy: len(l.busy), failed: l.failed}
	r.p50, r.p99 = pct(l.lat, 50), pct(l.lat, 99)
	r.busyP99 = pct(l.busy, 99)
	r.peakRSSMB = max(l.peakRSSMB, rssMB(b.cmd.Process.Pid, "VmHWM"))
	over := 0
	for _, d := range l.lat {
		if d > ackTarget {
			over++
		}
	}
	t.Logf("%s %d req/s: sent %d, p50 %s, p99 %s, %d over %v, busy %d (p99 %s), failed %d, peak RSS %.0f MB",
		db, rate, r.sent, ms(r.p50), ms(r.p99), over, ackTarget, r.busy, ms(r.busyP99), r.failed, r.peakRSSMB)
	return r
}

// warmRate is the rate of the unmeasured second before each run.
const warmRate = 50

// warmPool sends warmRounds rounds of warmWidth simultaneous declares,
// warmGap apart: every connection of serve's pool (at most 20) runs each
// statement of a declaration a few times.
func (b *bot) warmPool() {
	for round := range warmRounds {
		var wg sync.WaitGroup
		for i := range warmWidth {
			wg.Go(func() { b.declare(fmt.Sprintf("Pool warm-up %d-%d", round, i)) })
		}
		wg.Wait()
		time.Sleep(warmGap) // pacing between rounds, not waiting for work
	}
}

const (
	warmRounds = 5
	warmWidth  = 20
	warmGap    = 200 * time.Millisecond
)

// latencies are one open-loop run's answers.
type latencies struct {
	lat, busy []time.Duration
	failed    int
	peakRSSMB float64
}

// openLoop sends rate declares a second for d, each at its time (start +
// i/rate): a generator that falls behind on a loaded machine catches up
// instead of sending fewer.
func (b *bot) openLoop(rate int, d time.Duration, title string) latencies {
	var (
		mu sync.Mutex
		l  latencies
		wg sync.WaitGroup
	)
	start := time.Now()
	total := int(d.Seconds() * float64(rate))
	for i := range total {
		time.Sleep(time.Until(start.Add(time.Duration(i) * time.Second / time.Duration(rate)))) // pacing, not waiting for work
		title := fmt.Sprintf("%s %d", title, i)
		sent := time.Since(start)
		wg.Go(func() {
			took, kind := b.declare(title)
			mu.Lock()
			defer mu.Unlock()
			if took > 40*time.Millisecond && os.Getenv("LOAD_SLOW") != "" {
				b.t.Logf("slow: sent at %v took %v (%s)", sent.Round(time.Millisecond), took.Round(time.Millisecond), kind)
			}
			l.lat = append(l.lat, took)
			switch kind {
			case "busy":
				l.busy = append(l.busy, took)
			case "failed":
				l.failed++
			}
		})
		if i%rate == 0 {
			l.peakRSSMB = max(l.peakRSSMB, rssMB(b.cmd.Process.Pid, "VmRSS"))
		}
	}
	wg.Wait()
	return l
}

// drainRun declares n incidents at once and times their war rooms (the
// welcome pinned) with the fake at 50 ms a call, the default workers, and
// a managers' summary channel, where Slack allows one post a second: its
// n summaries take minutes and must not hold up the war rooms.
func drainRun(t *testing.T, db string, n int) (first, all time.Duration, rssMB float64) {
	b := startBot(t, db, map[string]string{"COMMAND_MAX_IN_FLIGHT": strconv.Itoa(n)}, true)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			// A person answered busy tries again, as the answer asks.
			for range 20 {
				_, kind := b.declare(fmt.Sprintf("Drain %d", i))
				if kind == "declared" {
					return
				}
				if kind != "busy" {
					t.Errorf("declare %d: %s", i, kind)
					return
				}
				time.Sleep(time.Second) // the person's pause before trying again
			}
			t.Errorf("declare %d: busy 20 times", i)
		})
	}
	// War rooms are counted while the declarations go on: the first may
	// be ready before the last is answered.
	acked := make(chan struct{})
	go func() {
		wg.Wait()
		t.Logf("%s drain: all %d acknowledged after %s", db, n, time.Since(start).Round(time.Millisecond))
		close(acked)
	}()
	defer func() { <-acked }()
	deadline := start.Add(5 * time.Minute)
	for {
		ready := 0
		for _, ch := range b.slack.Channels() {
			if strings.HasPrefix(ch.Name, "inc-") && len(b.slack.Pinned(ch.ID)) > 0 {
				ready++
			}
		}
		if ready > 0 && first == 0 {
			first = time.Since(start)
		}
		if ready >= n {
			all = time.Since(start)
			b.logCalls(n)
			return first, all, rssMBOf(b)
		}
		if time.Now().After(deadline) {
			t.Errorf("%s drain: %d of %d war rooms ready after 5 minutes", db, ready, n)
			return first, time.Since(start), rssMBOf(b)
		}
		time.Sleep(20 * time.Millisecond) // polling interval
	}
}

// logCalls logs the Slack calls made so far for n incidents, by method:
// what bounds the drain (4 workers, 50 ms a call).
func (b *bot) logCalls(n int) {
	var out strings.Builder
	for _, m := range []string{"conversations.create", "conversations.invite", "conversations.setTopic", "conversations.info",
		"conversations.history", "chat.postMessage", "chat.update", "pins.add", "users.info"} {
		fmt.Fprintf(&out, " %s %.2f", m, float64(b.slack.Calls(m))/float64(n))
	}
	b.t.Logf("Slack calls an incident:%s", out.String())
}

func rssMBOf(b *bot) float64 { return rssMB(b.cmd.Process.Pid, "VmHWM") }

// rssMB reads a memory figure (VmRSS now, VmHWM the peak) of a process.
func rssMB(pid int, field string) float64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}

func loadavg() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(raw))
	return strings.Join(f[:3], " ")
}

func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
}

func envInts(t *testing.T, name string, def []int) []int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 0 {
			t.Fatalf("%s: %q is not a list of numbers", name, v)
		}
		out = append(out, n)
	}
	return out
}
