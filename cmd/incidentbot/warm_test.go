package main

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"incidentbot/internal/storetest"
)

// TestServeShortOfConnections: a Postgres server that refuses part of the
// pool serve opens ahead (a role limited to 3 connections, against
// DATABASE_MAX_CONNS 4 and 4 for request records) does not keep serve
// down: it warns once, naming DATABASE_MAX_CONNS, says ready, and serves
// its pages on the connections it gets.
func TestServeShortOfConnections(t *testing.T) {
	admin := os.Getenv(storetest.EnvPostgres)
	if admin == "" {
		t.Skipf("%s is not set: no Postgres server to limit", storetest.EnvPostgres)
	}
	db, err := sql.Open("postgres", admin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	suffix := make([]byte, 6)
	rand.Read(suffix)
	role := "ib_short_" + hex.EncodeToString(suffix)
	if _, err := db.Exec(`CREATE ROLE ` + role + ` LOGIN CONNECTION LIMIT 3`); err != nil {
		t.Fatal(err)
	}
	// Registered before the database, so it runs after its drop.
	t.Cleanup(func() {
		if _, err := db.Exec(`DROP ROLE IF EXISTS ` + role); err != nil {
			t.Errorf("drop role %s: %v", role, err)
		}
	})
	dsn := storetest.PostgresDSN(t)
	owner, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	// serve migrates as the role, so the role owns the schema.
	_, err = owner.Exec(`ALTER SCHEMA public OWNER TO ` + role)
	owner.Close()
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(role)
	s := startServe(t, map[string]string{"DATABASE_URL": u.String(), "DATABASE_MAX_CONNS": "4"})
	if n := strings.Count(s.logs.String(), "database connections not opened ahead"); n != 1 || !strings.Contains(s.logs.String(), "DATABASE_MAX_CONNS") {
		t.Errorf("logged the warning %d times, want once naming DATABASE_MAX_CONNS: %s", n, s.logs.String())
	}
	for _, path := range []string{"/readyz", "/status"} {
		if code, body := getBody(t, s.url(path)); code != http.StatusOK {
			t.Errorf("GET %s: got %d, want 200: %.300s", path, code, body)
		}
	}
	s.stop()
}
