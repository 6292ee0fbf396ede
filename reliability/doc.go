// Package reliability is the process-level reliability suite (issue 13):
// real serve processes, several replicas on one Postgres, the in-repo fakes
// served over HTTP, kill -9 inside a chosen call, a Postgres instance of its
// own stopped and restarted, a SQLite file held locked by another process.
// Its tests are behind a build tag so go test ./... stays fast:
//
//	go test -tags reliability ./reliability/
//
// They need TEST_DATABASE_URL (and the Postgres server binaries for the
// restart scenario) and say why they skip otherwise.
package reliability
