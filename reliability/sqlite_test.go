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
)

// TestReliabilitySQLiteLocked: serve on a SQLite file while another
// process holds its write lock (BEGIN IMMEDIATE) for 12 s, with a
// saga running. A command typed meanwhile is answered within Slack's 3 s
// (busy, or done); once the lock goes the bot carries on: what was
// answered with a key is stored, nothing else is, nothing is doubled.
func TestReliabilitySQLiteLocked(t *testing.T) {
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

	body, took := declare("During checkout returns 504") // the client gives up after 5 s
	// The lock stays 12 s in all, as a long backup or a stuck process holds it.
	select {
	case <-time.After(time.Until(locked.Add(12 * time.Second))):
	case <-t.Context().Done():
	}
	if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		t.Fatalf("release the write lock: %v", err)
	}
	t.Logf("write lock held %s", time.Since(locked).Round(100*time.Millisecond))
	t.Logf("a declare while the file was locked answered in %s: %q", took.Round(10*time.Millisecond), body)
	if took > 3*time.Second {
		t.Errorf("a declare while the file was locked answered in %s, want within Slack's 3 s", took.Round(10*time.Millisecond))
	}

	if body, _ := declare("After checkout returns 504"); answers["After checkout returns 504"] == "" {
		t.Errorf("a declare once the lock was gone answered %q, want an incident", body)
	}
	idle(t, db, 3*time.Minute)
	perTitle, keys := byTitle(t, db)
	for title, key := range answers {
		want := 0
		if key != "" {
			want = 1
		}
		if got := perTitle[title]; len(got) != want {
			t.Errorf("%q answered %q: incidents %v in the store, want %d", title, key, got, want)
		}
	}
	for _, p := range c.sagaCounts(keys) {
		t.Error(p)
	}
	if !r.stop() {
		t.Errorf("serve did not stop cleanly: %v", r.err)
	}
}
