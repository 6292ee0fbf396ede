package store_test

import (
	"context"
	"testing"

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
