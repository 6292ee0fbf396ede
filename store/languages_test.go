package store_test

import (
	"context"
	"testing"
	"time"

	"incidentbot"
	"incidentbot/internal/storetest"
	"incidentbot/store"
)

func TestUserLanguage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		get := func(platform, workspace, user string) string {
			t.Helper()
			lang, err := db.UserLanguage(ctx, platform, workspace, user)
			if err != nil {
				t.Fatal(err)
			}
			return lang
		}
		if got := get("slack", "T1", "U1"); got != "" {
			t.Fatalf("before any choice: got %q, want none", got)
		}
		for _, lang := range []string{"fr", "en", "fr"} {
			if err := db.SetUserLanguage(ctx, "slack", "T1", "U1", lang); err != nil {
				t.Fatal(err)
			}
			if got := get("slack", "T1", "U1"); got != lang {
				t.Fatalf("after choosing %s: got %q", lang, got)
			}
		}
		// The same user id elsewhere made no choice.
		if got := get("slack", "T2", "U1") + get("discord", "T1", "U1"); got != "" {
			t.Errorf("another workspace or platform: got %q, want none", got)
		}
		if err := db.SetUserLanguage(ctx, "slack", "T1", "U1", ""); err != nil {
			t.Fatal(err)
		}
		if got := get("slack", "T1", "U1"); got != "" {
			t.Errorf("after auto: got %q, want none", got)
		}
		if err := db.SetUserLanguage(ctx, "slack", "", "U1", "fr"); err == nil {
			t.Error("no workspace: got no error")
		}
	})
}

// TestUserLanguageRoundTrips: a person's choice is read from the database
// once, then from memory; a choice made here is seen at once. Before the
// cache every private reply paid this read (1 round trip each).
func TestUserLanguageRoundTrips(t *testing.T) {
	db, rt := storetest.PostgresRoundTrips(t, "")
	ctx := context.Background()
	read := func() (string, int64) {
		t.Helper()
		before := rt.Count()
		lang, err := db.UserLanguage(ctx, "slack", "T1", "U1")
		if err != nil {
			t.Fatal(err)
		}
		return lang, rt.Count() - before
	}
	if lang, n := read(); lang != "" || n != 1 {
		t.Fatalf("first read: got %q in %d round trips, want none in 1", lang, n)
	}
	for range 10 {
		if lang, n := read(); lang != "" || n != 0 {
			t.Fatalf("read again: got %q in %d round trips, want none in 0", lang, n)
		}
	}
	if err := db.SetUserLanguage(ctx, "slack", "T1", "U1", "fr"); err != nil {
		t.Fatal(err)
	}
	if lang, _ := read(); lang != "fr" {
		t.Fatalf("after choosing fr: got %q", lang)
	}
	if lang, n := read(); lang != "fr" || n != 0 {
		t.Fatalf("read again: got %q in %d round trips, want fr in 0", lang, n)
	}
}

// TestUserLanguageOtherReplica: a choice made through another process
// sharing the database is seen once the cached answer expires.
func TestUserLanguageOtherReplica(t *testing.T) {
	for _, tc := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", storetest.SQLiteDSN}, {"postgres", storetest.PostgresDSN}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dsn := tc.dsn(t)
			a, b := storetest.Open(t, dsn), storetest.Open(t, dsn)
			clock := incidentbot.NewManualClock(time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC))
			a.SetClock(clock)
			b.SetClock(clock)
			ctx := context.Background()
			get := func(db *store.DB) string {
				t.Helper()
				lang, err := db.UserLanguage(ctx, "slack", "T1", "U1")
				if err != nil {
					t.Fatal(err)
				}
				return lang
			}
			if got := get(b); got != "" {
				t.Fatalf("before any choice: got %q", got)
			}
			if err := a.SetUserLanguage(ctx, "slack", "T1", "U1", "fr"); err != nil {
				t.Fatal(err)
			}
			if got := get(a); got != "fr" {
				t.Errorf("the replica that stored it: got %q, want fr", got)
			}
			clock.Advance(29 * time.Second)
			if got := get(b); got != "" {
				t.Errorf("the other replica within its cache's 30 s: got %q, want its cached none", got)
			}
			clock.Advance(2 * time.Second)
			if got := get(b); got != "fr" {
				t.Errorf("the other replica after 31 s: got %q, want fr", got)
			}
		})
	}
}
