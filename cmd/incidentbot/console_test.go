package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/store"
)

// TestConsoleQuitHandsBackLeases: /quit while the war room's jobs run
// leaves none of them locked, so the next start claims them at once
// instead of waiting two minutes for a lease to expire.
func TestConsoleQuitHandsBackLeases(t *testing.T) {
	t.Chdir(t.TempDir())
	in, typing := io.Pipe()
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), []string{"incidentbot", "console"}, envFrom(nil), in, out, out)
	}()
	io.WriteString(typing, "/incident declare sev1 Checkout returns 504\n")
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "#inc-1-") {
		if time.Now().After(deadline) {
			t.Fatalf("no war room within 10s:\n%s", out.String())
		}
		time.Sleep(10 * time.Millisecond) // polling interval, not a wait for work
	}
	io.WriteString(typing, "/quit\n")
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("console: %v\n%s", err, out.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("console did not stop within 15s of /quit")
	}

	db, err := store.Open(context.Background(), slog.New(slog.DiscardHandler), "sqlite:incidentbot.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	jobs, err := db.Jobs(context.Background(), 1)
	if err != nil || len(jobs) == 0 {
		t.Fatalf("jobs of INC-1: got %d, %v, want the declare's", len(jobs), err)
	}
	for _, j := range jobs {
		if j.State == incidentbot.JobRunning || j.LockedUntil != nil {
			t.Errorf("job %s after /quit: got %s locked by %q until %v, want its lease handed back", j.Key, j.State, j.LockedBy, j.LockedUntil)
		}
	}
	// The next start claims what is due at once.
	claimed, err := db.ClaimJobs(context.Background(), "next", time.Now(), time.Minute, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		if j.State == incidentbot.JobPending && !j.RunAt.After(time.Now()) && !slices.ContainsFunc(claimed, func(c incidentbot.Job) bool { return c.ID == j.ID }) {
			t.Errorf("job %s is due but could not be claimed after /quit", j.Key)
		}
	}
}

// TestConsolePostmortemFile: in the console, /incident postmortem writes
// the whole draft to the working folder and prints its path.
func TestConsolePostmortemFile(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	in, typing := io.Pipe()
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), []string{"incidentbot", "console"}, envFrom(nil), in, out, out)
	}()
	until := func(what string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(out.String(), what) {
			if time.Now().After(deadline) {
				t.Fatalf("%q not printed within 10s:\n%s", what, out.String())
			}
			time.Sleep(10 * time.Millisecond) // polling interval, not a wait for work
		}
	}
	io.WriteString(typing, "/incident declare sev2 Search results are empty\n")
	until("#inc-1-")
	io.WriteString(typing, "/incident postmortem INC-1\n")
	until("inc-1-postmortem.md saved to ")
	io.WriteString(typing, "/quit\n")
	if err := <-done; err != nil {
		t.Fatalf("console: %v", err)
	}
	want := filepath.Join(dir, "inc-1-postmortem.md")
	if !strings.Contains(out.String(), "inc-1-postmortem.md saved to "+want) {
		t.Errorf("transcript does not give the path %s:\n%s", want, out.String())
	}
	draft, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(draft), "Search results are empty") || strings.Count(string(draft), "\n## ") < 3 {
		t.Errorf("file is not the whole draft:\n%s", draft)
	}
}
