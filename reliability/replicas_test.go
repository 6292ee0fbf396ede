//go:build reliability

package reliability

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"incidentbot/internal/servebin"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/store"
)

// binary is serve, built once for the whole suite.
var binary string

func TestMain(m *testing.M) { servebin.Main(m, "reliability", &binary) }

// syncBuffer collects a process's output while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// replica is one serve process.
type replica struct {
	t      *testing.T
	name   string
	addr   string
	cmd    *exec.Cmd
	logs   *syncBuffer
	exited chan struct{} // closed once the process is gone; err is then set
	err    error
}

// startReplica starts serve with env (and nothing of the test's own
// environment but PATH and HOME) in dir, and waits until /healthz answers.
func startReplica(t *testing.T, name, dir string, env map[string]string) *replica {
	t.Helper()
	r := &replica{t: t, name: name, addr: freeAddr(t), logs: &syncBuffer{}, exited: make(chan struct{})}
	r.cmd = exec.Command(binary, "serve")
	r.cmd.Dir = dir
	r.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "HTTP_ADDR=" + r.addr}
	for k, v := range env {
		r.cmd.Env = append(r.cmd.Env, k+"="+v)
	}
	r.cmd.Stdout, r.cmd.Stderr = r.logs, r.logs
	// Killed with the test, whatever ends it: no replica outlives the suite.
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		r.err = r.cmd.Wait()
		close(r.exited)
	}()
	t.Cleanup(func() {
		r.stop()
		if t.Failed() {
			t.Logf("logs of %s:\n%s", r.name, r.logs.String())
		}
	})
	waitUntil(t, 15*time.Second, name+" answers /healthz", func() bool {
		select {
		case <-r.exited:
			t.Fatalf("%s stopped before it was healthy: %v; logs:\n%s", name, r.err, r.logs.String())
		default:
		}
		resp, err := http.Get(r.url("/healthz"))
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return r
}

func (r *replica) url(path string) string { return "http://" + r.addr + path }

// kill ends the process with SIGKILL, as a crash or an OOM kill would.
func (r *replica) kill() {
	r.t.Helper()
	_ = r.cmd.Process.Signal(syscall.SIGKILL)
	<-r.exited
}

// stop ends the process as Kubernetes does (SIGTERM, then SIGKILL after a
// grace period) and reports whether it stopped on its own, in time.
func (r *replica) stop() bool {
	select {
	case <-r.exited:
		return false
	default:
	}
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.exited:
		return r.err == nil
	case <-time.After(20 * time.Second):
		r.kill()
		return false
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// waitUntil polls cond until it holds, failing after d.
func waitUntil(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, d)
		}
		time.Sleep(50 * time.Millisecond) // polling interval, not a wait for work
	}
}

// gate stands between the replicas and one fake API: each replica reaches
// the fake through a front of its own, so the gate knows which replica
// makes a call, and a trap can hold a chosen call there while the test
// kills the replica inside it.
type gate struct {
	t      *testing.T
	target *url.URL // the fake's base URL, path included
	proxy  *httputil.ReverseProxy

	mu    sync.Mutex
	traps []*trap
}

// trap holds the first call it matches: before it reaches the fake, or
// after the fake applied it but before the replica reads the answer.
type trap struct {
	match   func(c call) bool
	after   bool
	armed   bool
	reached chan string // the replica's name, once held
	release chan struct{}
}

func newGate(t *testing.T, target string) *gate {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	return &gate{t: t, target: u, proxy: httputil.NewSingleHostReverseProxy(&url.URL{Scheme: u.Scheme, Host: u.Host})}
}

// url starts a front for the named replica and returns the URL that
// replica is to use for the fake.
func (g *gate) url(replica string) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.serve(replica, w, r)
	}))
	g.t.Cleanup(srv.Close)
	return srv.URL + g.target.Path
}

// call is a request to a fake as a trap sees it.
type call struct {
	method, path string
	form         url.Values // the body, when a form
}

// trap arms a trap for the next call match accepts.
func (g *gate) trap(after bool, match func(c call) bool) *trap {
	tr := &trap{match: match, after: after, armed: true, reached: make(chan string, 1), release: make(chan struct{})}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.traps = append(g.traps, tr)
	return tr
}

// wait returns the name of the replica held in the trapped call.
func (tr *trap) wait(t *testing.T, d time.Duration) string {
	t.Helper()
	select {
	case name := <-tr.reached:
		return name
	case <-time.After(d):
		t.Fatalf("no call reached the trap within %s", d)
		return ""
	}
}

func (g *gate) serve(replica string, w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	form, _ := url.ParseQuery(string(body))
	var tr *trap
	g.mu.Lock()
	for _, c := range g.traps {
		if c.armed && c.match(call{r.Method, r.URL.Path, form}) {
			c.armed, tr = false, c
			break
		}
	}
	g.mu.Unlock()
	forward := func(w http.ResponseWriter) {
		r.Body = io.NopCloser(bytes.NewReader(body))
		g.proxy.ServeHTTP(w, r)
	}
	if tr == nil {
		forward(w)
		return
	}
	rec := httptest.NewRecorder()
	if tr.after {
		forward(rec)
	}
	tr.reached <- replica
	select {
	case <-tr.release:
	case <-r.Context().Done(): // the replica is gone
		return
	}
	if !tr.after {
		forward(w)
		return
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

// slackClient gives up as Slack does, though later: Slack shows the person
// a timeout after 3 s; the suite waits 5 s so a late answer is measured.
var slackClient = &http.Client{Timeout: 5 * time.Second}

// signedSlack sends a form to a replica's /slack/commands signed at the
// given time, with extra headers, as Slack does.
func signedSlack(t *testing.T, base, secret, form string, at time.Time, header http.Header) (int, string) {
	t.Helper()
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":" + form))
	req, err := http.NewRequest(http.MethodPost, base+"/slack/commands", strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := slackClient.Do(req)
	if err != nil {
		t.Errorf("POST %s: %v", base, err)
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// openStore opens the replicas' database to read what they recorded.
func openStore(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), nil, dsn)
	if err != nil {
		t.Fatalf("open the replicas' database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// busy names the jobs running or due within soon, "" when every saga has
// finished what it will do for now. Jobs deferred by a few seconds (a
// post waiting its turn in Slack's per-channel pace) count as busy;
// reminders hours away do not.
func busy(t *testing.T, db *store.DB) string {
	t.Helper()
	ctx := context.Background()
	incs, err := db.FindIncidents(ctx, incidentbot.IncidentFilter{})
	if err != nil {
		return "store: " + err.Error()
	}
	soon := time.Now().Add(30 * time.Second)
	var out []string
	for _, inc := range incs {
		jobs, err := db.Jobs(ctx, inc.ID)
		if err != nil {
			return "store: " + err.Error()
		}
		for _, j := range jobs {
			if j.State == incidentbot.JobRunning || j.State == incidentbot.JobPending && j.RunAt.Before(soon) {
				out = append(out, fmt.Sprintf("%s %s (%s, attempt %d)", inc.Key, j.Key, j.State, j.Attempts))
			}
		}
	}
	return strings.Join(out, "; ")
}

// byTitle reads the store's incidents: their keys by title, and every key.
func byTitle(t *testing.T, db *store.DB) (map[string][]string, []string) {
	t.Helper()
	incs, err := db.FindIncidents(context.Background(), incidentbot.IncidentFilter{})
	if err != nil {
		t.Fatalf("list incidents: %v", err)
	}
	perTitle := map[string][]string{}
	var keys []string
	for _, inc := range incs {
		perTitle[inc.Title] = append(perTitle[inc.Title], inc.Key)
		keys = append(keys, inc.Key)
	}
	return perTitle, keys
}

// idle waits until no job runs or is due, failing after d with what is left.
func idle(t *testing.T, db *store.DB, d time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	deadline := start.Add(d)
	for {
		b := busy(t, db)
		if b == "" {
			return time.Since(start)
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobs still busy after %s: %s", d, b)
		}
		time.Sleep(100 * time.Millisecond) // polling interval, not a wait for work
	}
}
