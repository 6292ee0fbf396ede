//go:build perf

package perf

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/lib/pq" // the sampler's own connection

	"incidentbot/internal/storetest"
)

// envDBs is LOAD_DBS (sqlite,postgres by default; Postgres only with
// TEST_DATABASE_URL).
func envDBs(t *testing.T) []string {
	var dbs []string
	for _, db := range strings.Split(cmp.Or(os.Getenv("LOAD_DBS"), "sqlite,postgres"), ",") {
		switch db = strings.TrimSpace(db); db {
		case "sqlite":
			dbs = append(dbs, db)
		case "postgres":
			if os.Getenv(storetest.EnvPostgres) == "" {
				t.Log("TEST_DATABASE_URL not set: no Postgres run")
				continue
			}
			dbs = append(dbs, db)
		default:
			t.Fatalf("LOAD_DBS: %q is neither sqlite nor postgres", db)
		}
	}
	return dbs
}

// diagnosis gathers, during one rate's run, what wall-clock noise does not
// change: what the bot's Postgres sessions wait on (pg_stat_activity
// sampled every 100 ms: each sample costs Postgres about 3 ms of CPU, so
// every 50 ms it took 6 % of a core from the Postgres it measures), and
// with LOAD_PROFILE a CPU profile of the run.
type diagnosis struct {
	b       *bot
	stop    chan struct{}
	wg      sync.WaitGroup
	mu      sync.Mutex
	samples int
	waits   map[string]int // "state wait_event_type:wait_event | query" -> samples seen
	cpu     []byte
	began   time.Time // the run's start, for LOAD_SLOW's log of busy moments
	start   cpuTimes
	// answered and slow count the slash commands serve had answered, and
	// of them those it took over 50 ms to answer, when the run began.
	answered, slow float64
}

// cpuTimes are CPU seconds used so far: by serve, by this process (the
// load generator and the fake Slack), and by the whole machine (busy)
// out of all its cores' time (total).
type cpuTimes struct{ serve, self, busy, total float64 }

// ticks is USER_HZ, the unit of /proc's CPU times.
const ticks = 100

func (b *bot) cpuNow() cpuTimes {
	var c cpuTimes
	if raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", b.cmd.Process.Pid)); err == nil {
		// Fields after the command name: utime and stime are the 12th and 13th.
		if i := bytes.LastIndexByte(raw, ')'); i > 0 {
			f := strings.Fields(string(raw[i+1:]))
			if len(f) > 12 {
				u, _ := strconv.ParseFloat(f[11], 64)
				s, _ := strconv.ParseFloat(f[12], 64)
				c.serve = (u + s) / ticks
			}
		}
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		c.self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
	}
	if raw, err := os.ReadFile("/proc/stat"); err == nil {
		line, _, _ := strings.Cut(string(raw), "\n")
		for i, f := range strings.Fields(line)[1:] {
			v, _ := strconv.ParseFloat(f, 64)
			c.total += v / ticks
			if i != 3 && i != 4 { // idle, iowait
				c.busy += v / ticks
			}
		}
	}
	return c
}

// diagnose starts sampling for a run of length d.
func (b *bot) diagnose(d time.Duration) *diagnosis {
	g := &diagnosis{b: b, stop: make(chan struct{}), waits: map[string]int{}, start: b.cpuNow(), began: time.Now()}
	g.answered, g.slow = serverTimes(b.fetch("/metrics"))
	if b.dsn != "" {
		g.wg.Go(g.sampleActivity)
	}
	if os.Getenv("LOAD_PROFILE") != "" {
		g.wg.Go(func() {
			g.cpu = b.fetch(fmt.Sprintf("/debug/pprof/profile?seconds=%d", max(1, int(d.Seconds()))))
		})
	}
	return g
}

func (g *diagnosis) sampleActivity() {
	conn, err := sql.Open("postgres", g.b.dsn)
	if err != nil {
		g.b.t.Errorf("sampler: %v", err)
		return
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-g.stop:
			return
		case <-tick.C:
		}
		rows, err := conn.QueryContext(context.Background(), `SELECT coalesce(state, ''),
			coalesce(wait_event_type || ':' || wait_event, 'cpu'), left(regexp_replace(query, '\s+', ' ', 'g'), 90)
			FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
			AND backend_type = 'client backend'`)
		if err != nil {
			continue // the database is going away at the end of the run
		}
		g.mu.Lock()
		g.samples++
		var busy []string
		for rows.Next() {
			var state, wait, query string
			if rows.Scan(&state, &wait, &query) != nil {
				continue
			}
			if state == "idle" {
				g.waits["idle (pooled)"]++
				continue
			}
			g.waits[state+" "+wait+" | "+query]++
			busy = append(busy, wait+" "+query[:min(len(query), 40)])
		}
		g.mu.Unlock()
		// Three sessions at work at once on two cores: a moment to set
		// beside the slow answers LOAD_SLOW logs.
		if len(busy) >= 3 && os.Getenv("LOAD_SLOW") != "" {
			g.b.t.Logf("busy sessions at %v: %q", time.Since(g.began).Round(time.Millisecond), busy)
		}
		rows.Close()
	}
}

// report stops sampling and logs the figures of a run of total requests:
// the pool's waits, the Slack calls per request, the sessions' states (the
// average number of sessions in each, so 0.5 is one session half the
// time), and saves the profiles under LOAD_PROFILE as name-*.pb.gz.
func (g *diagnosis) report(name string, total int) {
	close(g.stop)
	g.wg.Wait()
	b := g.b
	var out strings.Builder
	fmt.Fprintf(&out, "%s diagnosis:\n", name)
	end, n := b.cpuNow(), float64(max(total, 1))/1000
	other := (end.busy - g.start.busy) - (end.serve - g.start.serve) - (end.self - g.start.self)
	fmt.Fprintf(&out, "  CPU a request: serve %.2f ms, load generator and fake Slack %.2f ms, the rest of the machine (Postgres, and whatever else runs) %.2f ms; machine busy %.0f%%\n",
		(end.serve-g.start.serve)/n, (end.self-g.start.self)/n, other/n, 100*(end.busy-g.start.busy)/max(end.total-g.start.total, 1e-9))
	metrics := b.fetch("/metrics")
	answered, slow := serverTimes(metrics)
	fmt.Fprintf(&out, "  answers over 50 ms as serve timed them: %.0f of %.0f\n", slow-g.slow, answered-g.answered)
	for _, line := range strings.Split(string(metrics), "\n") {
		if strings.HasPrefix(line, "go_sql_") {
			fmt.Fprintf(&out, "  %s\n", line)
		}
	}
	for _, m := range []string{"users.info", "conversations.create", "chat.postMessage", "chat.update"} {
		fmt.Fprintf(&out, "  slack %s: %d calls, %.2f a request\n", m, b.slack.Calls(m), float64(b.slack.Calls(m))/float64(max(total, 1)))
	}
	g.mu.Lock()
	type seen struct {
		what string
		n    int
	}
	var all []seen
	for k, n := range g.waits {
		all = append(all, seen{k, n})
	}
	slices.SortFunc(all, func(a, b seen) int { return cmp.Compare(b.n, a.n) })
	if g.samples > 0 {
		fmt.Fprintf(&out, "  postgres sessions, average over %d samples:\n", g.samples)
		for _, s := range all[:min(len(all), 15)] {
			fmt.Fprintf(&out, "    %5.2f %s\n", float64(s.n)/float64(g.samples), s.what)
		}
	}
	g.mu.Unlock()
	if dir := os.Getenv("LOAD_PROFILE"); dir != "" {
		for kind, raw := range map[string][]byte{"cpu": g.cpu, "block": b.fetch("/debug/pprof/block"), "mutex": b.fetch("/debug/pprof/mutex")} {
			path := filepath.Join(dir, name+"-"+kind+".pb.gz")
			if err := os.WriteFile(path, raw, 0o644); err != nil {
				b.t.Errorf("profile: %v", err)
			}
		}
		fmt.Fprintf(&out, "  profiles in %s/%s-{cpu,block,mutex}.pb.gz\n", dir, name)
	}
	b.t.Log(out.String())
}

// fetch GETs path from the bot, nil on failure.
func (b *bot) fetch(path string) []byte {
	c := &http.Client{Timeout: 2 * time.Minute}
	resp, err := c.Get("http://" + b.addr + path)
	if err != nil {
		b.t.Logf("GET %s: %v", path, err)
		return nil
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(bufio.NewReader(resp.Body))
	if err != nil || resp.StatusCode != http.StatusOK {
		b.t.Logf("GET %s: %d %v", path, resp.StatusCode, err)
		return nil
	}
	return raw
}

// serverTimes reads from serve's /metrics text how many slash commands
// it has answered, and how many of them took it over 50 ms: set beside
// the generator's count, it tells a slow serve from a slow generator, both
// on the same two cores.
func serverTimes(metrics []byte) (answered, slow float64) {
	const route = `incidentbot_http_request_duration_seconds_%s{route="POST /slack/commands"%s} `
	var within float64
	for _, line := range strings.Split(string(metrics), "\n") {
		if v, ok := strings.CutPrefix(line, fmt.Sprintf(route, "count", "")); ok {
			answered, _ = strconv.ParseFloat(v, 64)
		}
		if v, ok := strings.CutPrefix(line, fmt.Sprintf(route, "bucket", `,le="0.05"`)); ok {
			within, _ = strconv.ParseFloat(v, 64)
		}
	}
	return answered, answered - within
}
