//go:build reliability

package reliability

import (
	"context"
	"database/sql"
	"net/http"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"incidentbot"
)

// TestReliabilitySQLiteLocked: serve on a SQLite file while another
// process holds its write lock (BEGIN IMMEDIATE) for up to 12 s, with a
// saga running. A command typed meanwhile is answered within Slack's 3 s
// (busy, or done); once the lock goes the bot carries on: what was
// answered with a key is stored, nothing else is, nothing is doubled.
func TestReliabilitySQLiteLocked(t *testing.T) {
	if pending(t, defect5, defect3, defect4) {
		t.SkipNow()
	}
	c := newCluster(t, "", 2)
	path := filepath.Join(c.dir, "incidentbot.db") // serve's default file, in its working folder
	c.slack.SetLatency("", 100*time.Millisecond)   // the saga still runs when the lock is taken
	r := c.start("a")
	db := openStore(t, "sqlite:"+path)

	keyRe := regexp.MustCompile(`INC-\d+`)
	answers := map[string]string{} // title -> key in the answer
	declare := func(title string) (string, time.Duration) {
		start := time.Now()
		status, body := signedSlack(t, r.url(""), signingSecret, c.command("13005."+title, "declare sev2 type:rel "+title), time.Now(), nil)
		if status == http.StatusOK {
			answers[title] = keyRe.FindString(body)
		}
		return body, time.Since(start)
	}
	declare("Before checkout returns 504")

	// Another process (this one) takes the write lock.
	locker, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer locker.Close()
	conn, err := locker.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatalf("take the write lock: %v", err)
	}
	locked := time.Now()

	type answer struct {
		body string
		took time.Duration
	}
	during := make(chan answer, 1)
	go func() {
		body, took := declare("During checkout returns 504")
		during <- answer{body, took}
	}()
	var got answer
	select {
	case got = <-during:
	case <-time.After(12 * time.Second): // the longest lock the scenario holds
	}
	if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		t.Fatalf("release the write lock: %v", err)
	}
	t.Logf("write lock held %s", time.Since(locked).Round(100*time.Millisecond))
	if got.body == "" {
		got = <-during
	}
	t.Logf("a declare while the file was locked answered in %s: %q", got.took.Round(10*time.Millisecond), got.body)
	if got.took > 3*time.Second {
		t.Errorf("a declare while the file was locked answered in %s, want within Slack's 3 s", got.took.Round(10*time.Millisecond))
	}

	if body, _ := declare("After checkout returns 504"); answers["After checkout returns 504"] == "" {
		t.Errorf("a declare once the lock was gone answered %q, want an incident", body)
	}
	idle(t, db, 3*time.Minute)
	incs, err := db.FindIncidents(context.Background(), incidentbot.IncidentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	perTitle := map[string]int{}
	var keys []string
	for _, inc := range incs {
		perTitle[inc.Title]++
		keys = append(keys, inc.Key)
	}
	for title, key := range answers {
		want := 0
		if key != "" {
			want = 1
		}
		if perTitle[title] != want {
			t.Errorf("%q answered %q: %d incidents in the store, want %d", title, key, perTitle[title], want)
		}
	}
	for _, p := range c.sagaCounts(keys) {
		t.Error(p)
	}
	if !r.stop() {
		t.Errorf("serve did not stop cleanly: %v", r.err)
	}
}
