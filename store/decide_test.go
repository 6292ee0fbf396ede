package store_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/storetest"
)

// TestDecidePausesLocksTheAccount: two replicas decide on campaigns of the
// same ad account. The second waits for the first to commit and sees what
// it saved; a decision on another account does not wait.
func TestDecidePausesLocksTheAccount(t *testing.T) {
	t.Parallel()
	dsn := storetest.PostgresDSN(t)
	db1, db2 := storetest.Open(t, dsn), storetest.Open(t, dsn)
	a := create(t, db1, newIncident("Checkout down"), incidentbot.Change{})
	b := create(t, db1, newIncident("Search down"), incidentbot.Change{})
	ctx := t.Context()
	key := func(account, id string) incidentbot.CampaignKey {
		return incidentbot.CampaignKey{Platform: incidentbot.AdsGoogle, Account: account, ID: id}
	}
	first := pause(a.ID, "c1", incidentbot.PausePaused)

	entered, release, firstDone := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		firstDone <- db1.DecidePauses(ctx, []incidentbot.CampaignKey{key("123", "c1")}, func([]incidentbot.HeldPause) ([]incidentbot.CampaignPause, error) {
			close(entered)
			<-release
			return []incidentbot.CampaignPause{first}, nil
		})
	}()
	<-entered

	// Another account decides while the first is held.
	if err := db2.DecidePauses(ctx, []incidentbot.CampaignKey{key("999", "x1")}, func([]incidentbot.HeldPause) ([]incidentbot.CampaignPause, error) {
		return nil, nil
	}); err != nil {
		t.Fatalf("DecidePauses on another account: %v", err)
	}

	seen, secondDone := make(chan []incidentbot.HeldPause, 1), make(chan error, 1)
	go func() {
		secondDone <- db2.DecidePauses(ctx, []incidentbot.CampaignKey{key("123", "c1")}, func(held []incidentbot.HeldPause) ([]incidentbot.CampaignPause, error) {
			seen <- held
			return []incidentbot.CampaignPause{pause(b.ID, "c1", incidentbot.PausePaused)}, nil
		})
	}()
	waitForAdvisoryWaiter(t, dsn)
	select {
	case <-seen:
		t.Fatal("the second decision ran while the first held the account")
	default:
	}
	close(release)
	if err := <-firstDone; err != nil {
		t.Fatalf("first DecidePauses: %v", err)
	}
	if err := <-secondDone; err != nil {
		t.Fatalf("second DecidePauses: %v", err)
	}
	held := <-seen
	if len(held) != 1 || held[0].IncidentID != a.ID || held[0].Campaign.ID != "c1" || held[0].IncidentKey != a.Key {
		t.Errorf("second decision saw %+v, want the first's record of c1 for %s", held, a.Key)
	}
	got, err := db1.Pauses(ctx, b.ID)
	if err != nil || len(got) != 1 {
		t.Errorf("second decision's records: got %d, err %v; want 1 saved", len(got), err)
	}
}

// waitForAdvisoryWaiter polls the server until a session waits for an
// advisory lock, or fails at a deadline.
func waitForAdvisoryWaiter(t *testing.T, dsn string) {
	t.Helper()
	conn, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var n int
		if err := conn.QueryRowContext(context.Background(),
			`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&n); err != nil {
			t.Fatalf("read pg_locks: %v", err)
		}
		if n > 0 {
			return
		}
	}
	t.Fatal("no session waited for the account's lock within 10 s")
}
