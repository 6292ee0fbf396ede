// Package store keeps incidents, the job queue, delivery dedupe and ad pause
// records in Postgres (lib/pq) or in an embedded SQLite file
// (modernc.org/sqlite), with sqlx and explicit SQL. It implements
// incidentbot.Store.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"
	"golang.org/x/sync/errgroup"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"incidentbot"
)

// Dialects returned by DB.Dialect.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// sqlx does not know modernc's driver name: tell it SQLite takes ? so
// Rebind is right by design, not by its fallback.
func init() { sqlx.BindDriver("sqlite", sqlx.QUESTION) }

// DB is the store. It is safe for concurrent use.
type DB struct {
	x *sqlx.DB // writes, and reads inside a write's transaction
	// rd serves reads outside transactions: on SQLite a pool of read-only
	// connections, so a command's reads do not queue behind a worker's
	// commit on the one writer connection; on Postgres it is x.
	rd *sqlx.DB
	// claims records inbound requests (ClaimRequest): on Postgres a small
	// pool whose commits do not wait for the WAL flush; on SQLite it is x.
	claims  *sqlx.DB
	dialect string
	logger  *slog.Logger
	clock   incidentbot.Clock
	langs   languageCache
}

var (
	_ incidentbot.Store          = (*DB)(nil)
	_ incidentbot.RequestClaimer = (*DB)(nil)
)

// Open connects to dsn and pings it; it does not migrate. A DSN starting
// with postgres:// or postgresql:// selects Postgres; anything else is a
// SQLite file path, optionally prefixed with "sqlite:".
func Open(ctx context.Context, logger *slog.Logger, dsn string) (*DB, error) {
	dsn = strings.TrimSpace(dsn)
	if dsn == "" {
		return nil, incidentbot.Errorf(incidentbot.EINVALID, "No database given. Set DATABASE_URL to a postgres:// URL or a SQLite file path.")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	db := &DB{logger: logger, clock: incidentbot.SystemClock{}}
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		db.dialect = Postgres
		// Parse first: lib/pq would quote the whole URL, password included,
		// in its error.
		if _, err := url.Parse(dsn); err != nil {
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err
			}
			return nil, incidentbot.WrapError(incidentbot.EINVALID, err, "DATABASE_URL is not a valid Postgres URL. Use postgres://user:password@host:5432/dbname.")
		}
		db.x, err = openPostgres(postgresDSN(dsn))
		if err != nil {
			return nil, incidentbot.WrapError(incidentbot.EINVALID, err, "DATABASE_URL has a setting the Postgres driver refuses.")
		}
		// As many kept idle as may be open: past an idle limit a burst closed
		// connections only to open them again, each a new Postgres backend
		// (a fork, cold caches) paid inside an acknowledgement. Idle ones
		// still go after 5 minutes.
		db.x.SetMaxOpenConns(postgresConns())
		db.x.SetMaxIdleConns(postgresConns())
		db.x.SetConnMaxIdleTime(5 * time.Minute)
		db.rd = db.x
		if db.claims, err = openPostgres(claimsDSN(postgresDSN(dsn))); err != nil {
			db.x.Close()
			return nil, fmt.Errorf("open postgres claims: %w", err)
		}
		db.claims.SetMaxOpenConns(claimConns)
		db.claims.SetMaxIdleConns(claimConns)
		db.claims.SetConnMaxIdleTime(5 * time.Minute)
	} else {
		db.dialect = SQLite
		db.x, err = openSQLite(sqliteDSN(dsn, false))
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		// SQLite has one writer: one connection makes transactions queue in
		// Go instead of failing with SQLITE_BUSY.
		db.x.SetMaxOpenConns(1)
		if db.rd, err = openSQLite(sqliteDSN(dsn, true)); err != nil {
			db.x.Close()
			return nil, fmt.Errorf("open sqlite readers: %w", err)
		}
		// WAL readers run beside the writer and each other.
		db.rd.SetMaxOpenConns(sqliteReaders)
		db.rd.SetMaxIdleConns(sqliteReaders)
		db.claims = db.x
	}
	// The writer first: it creates the file and turns WAL on.
	for _, x := range []*sqlx.DB{db.x, db.rd} {
		if err := x.PingContext(ctx); err != nil {
			db.Close()
			return nil, incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "Cannot reach the %s database. Check DATABASE_URL and that the database is up.", db.dialect)
		}
	}
	return db, nil
}

// postgresConns bounds the main pool unless SetMaxConns says otherwise:
// three connections a core, 4 to 20. A command's or a job's transaction
// is a few short statements of CPU work for Postgres; more of them at once
// than its cores can run only queue inside Postgres, contending for its
// locks and its CPU, where they would queue more cheaply for a pooled
// connection. Without knowing the server's cores, this machine's stand in
// (a bot and its database often share one). On two cores running both,
// ack p99 at 500 declares/s: 4 connections 43-48 ms, 6 31-36 ms, 8
// 45-120 ms, 12 83-89 ms, 20 above 100 ms. With the claims pool and at
// most 20, three replicas fit Postgres' default 100 connections.
func postgresConns() int {
	return min(20, max(4, 3*runtime.GOMAXPROCS(0)))
}

// claimConns is the size of the Postgres pool of request claims: one
// short insert each, so a few connections serve hundreds a second (each
// replica adds them to the server's connections).
const claimConns = 4

// claimsDSN turns synchronous_commit off for the claims pool, unless the
// operator's URL sets it.
func claimsDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	if !q.Has("synchronous_commit") && !strings.Contains(q.Get("options"), "synchronous_commit") {
		q.Set("synchronous_commit", "off")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// sqliteReaders is the size of SQLite's read-only pool.
const sqliteReaders = 4

// postgresDefaults are added to a Postgres URL that does not set them:
// a connection attempt to a host that does not answer gives up after 5 s;
// a statement stuck on a lock or a frozen server is cancelled after 30 s
// (commands have their own, shorter deadline through their context); and
// binary_parameters sends byte arguments as they are instead of escaped.
var postgresDefaults = [][2]string{
	{"connect_timeout", "5"},
	{"statement_timeout", "30000"},
	{"binary_parameters", "yes"},
}

// postgresDSN adds postgresDefaults to a postgres:// URL, keeping any
// value the operator gave (as a parameter, or for statement_timeout in
// options=-c ...).
func postgresDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn // Open reports it
	}
	q := u.Query()
	for _, kv := range postgresDefaults {
		if q.Has(kv[0]) || strings.Contains(q.Get("options"), kv[0]) {
			continue
		}
		q.Set(kv[0], kv[1])
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// sqliteDSN turns a path into a modernc DSN. The writer gets WAL so
// readers do not block it, synchronous=NORMAL (in WAL a commit does not
// wait for fsync; a power cut may lose the last commits, never corrupt),
// foreign keys on, and BEGIN IMMEDIATE so a transaction takes the write
// lock at the start instead of failing to upgrade later. Readers are
// query_only. Both wait up to 5 s for another process's lock; a command
// has its own, shorter deadline.
func sqliteDSN(dsn string, reader bool) string {
	path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite://"), "sqlite:")
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	if reader {
		return path + sep + "_pragma=busy_timeout(5000)&_pragma=query_only(1)"
	}
	return path + sep + "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_txlock=immediate"
}

// Dialect returns "postgres" or "sqlite".
func (db *DB) Dialect() string { return db.dialect }

// SetClock sets the clock that stamps rows whose caller gave no time. Call
// it before using db; the default is the system clock.
func (db *DB) SetClock(c incidentbot.Clock) { db.clock = c }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.rd.PingContext(ctx); err != nil {
		return incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "The database does not answer. Check that it is up.")
	}
	return nil
}

// Pools returns the connection pools by name, for their statistics
// (/metrics): "postgres" and "postgres-claims"; or on SQLite
// "sqlite-writer" (which claims too) and "sqlite-readers".
func (db *DB) Pools() map[string]*sql.DB {
	if db.rd == db.x {
		return map[string]*sql.DB{db.dialect: db.x.DB, db.dialect + "-claims": db.claims.DB}
	}
	return map[string]*sql.DB{db.dialect + "-writer": db.x.DB, db.dialect + "-readers": db.rd.DB}
}

// Warm opens every connection the pools may hold, and has each read the
// tables' definitions once: a burst would otherwise open them inside its
// first answers, each a new Postgres backend (a fork, cold catalog
// caches), which put a few hundred milliseconds on the answers of the
// moment the pool grew. It is for serve; tests keep their pools lazy, so
// parallel tests stay within the server's connections. SQLite has nothing
// to warm.
func (db *DB) Warm(ctx context.Context) error {
	if db.dialect != Postgres {
		return nil
	}
	g, ctx := errgroup.WithContext(ctx)
	for _, x := range []*sqlx.DB{db.x, db.claims} {
		// Held together, or the pool would hand the same one back each time.
		conns := make([]*sql.Conn, x.Stats().MaxOpenConnections)
		for i := range conns {
			g.Go(func() error {
				c, err := x.Conn(ctx)
				if err != nil {
					return err
				}
				conns[i] = c
				_, err = c.ExecContext(ctx, warmQuery)
				return err
			})
		}
		defer func() {
			for _, c := range conns {
				if c != nil {
					c.Close() // back to the idle pool
				}
			}
		}()
	}
	if err := g.Wait(); err != nil {
		return incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "Could not open the database connections ahead of use.")
	}
	return nil
}

// warmQuery plans over the tables an acknowledgement and a job write, so
// a backend loads their definitions and indexes before the first request.
const warmQuery = `SELECT 1 FROM incidents, timeline_events, jobs, checklist_items, role_assignments, deliveries, messages WHERE false`

// SetMaxConns sets how many connections the main Postgres pool may hold
// (DATABASE_MAX_CONNS), all kept once open; 0 keeps postgresConns.
// SQLite's one writer stays one.
func (db *DB) SetMaxConns(n int) {
	if db.dialect == Postgres && n > 0 {
		db.x.SetMaxOpenConns(n)
		db.x.SetMaxIdleConns(n)
	}
}

// Close closes every connection.
func (db *DB) Close() error {
	err := db.x.Close()
	if db.rd != db.x {
		err = errors.Join(err, db.rd.Close())
	}
	if db.claims != nil && db.claims != db.x {
		err = errors.Join(err, db.claims.Close())
	}
	return err
}

func (db *DB) now() time.Time { return db.clock.Now() }

// inTx runs fn in a transaction and commits when it returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := db.x.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", mapErr(err))
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", mapErr(err))
	}
	return nil
}

// forUpdate locks selected rows on Postgres; SQLite's BEGIN IMMEDIATE
// already holds the database's only write lock.
func (db *DB) forUpdate() string {
	if db.dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// literalLimit is a LIMIT, and an OFFSET when positive, written as numbers
// rather than arguments: a statement run again is prepared, and Postgres
// may then plan it once for any arguments, where a plan for an unknown
// limit expects to return a tenth of the table (a claim of one job read
// every due job, its update the whole table).
func literalLimit(limit, offset int) string {
	s := " LIMIT " + strconv.Itoa(limit)
	if offset > 0 {
		s += " OFFSET " + strconv.Itoa(offset)
	}
	return s
}

// isUniqueViolation tells a unique or primary key violation by its code.
func isUniqueViolation(err error) bool {
	var pe *pq.Error
	if errors.As(err, &pe) {
		return pe.Code == pqerror.UniqueViolation
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// mapErr gives database errors whose meaning is known their code: unique
// violations are conflicts; a lost connection, a deadlock, a serialization
// failure or a busy SQLite file are unavailability, which callers retry.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if isUniqueViolation(err) {
		return incidentbot.WrapError(incidentbot.ECONFLICT, err, "That conflicts with a change made at the same time. Reload and try again.")
	}
	if isTransient(err) {
		return incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "The database is unavailable or busy. Try again in a moment.")
	}
	return err
}

func isTransient(err error) bool {
	var pe *pq.Error
	if errors.As(err, &pe) {
		switch pe.Code {
		case pqerror.TRSerializationFailure, pqerror.TRDeadlockDetected, pqerror.AdminShutdown,
			pqerror.CrashShutdown, pqerror.CannotConnectNow, pqerror.TooManyConnections:
			return true
		}
		return pe.Code.Class() == "08" // connection exception
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		primary := se.Code() & 0xff
		return primary == sqlite3.SQLITE_BUSY || primary == sqlite3.SQLITE_LOCKED
	}
	var ne net.Error
	return errors.Is(err, driver.ErrBadConn) || errors.As(err, &ne)
}

// timeLayout is the SQLite text form of a time: fixed width, so text order
// is time order. Postgres keeps microseconds, so both dialects do.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// normTime is t as the store keeps it: the domain's one rule.
func normTime(t time.Time) time.Time { return incidentbot.StoredTime(t) }

func normTimePtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	n := normTime(*t)
	return &n
}

// t converts a time into a query argument for the dialect.
func (db *DB) t(t time.Time) any {
	if db.dialect == SQLite {
		return normTime(t).Format(timeLayout)
	}
	return normTime(t)
}

// tp converts a nullable time into a query argument.
func (db *DB) tp(t *time.Time) any {
	if t == nil {
		return nil
	}
	return db.t(*t)
}

// dbTime scans a time from either dialect into UTC.
type dbTime struct{ time.Time }

func (d *dbTime) Scan(src any) error {
	t, ok, err := scanTime(src)
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("scan time: NULL in a NOT NULL time column")
	}
	d.Time = t
	return nil
}

// nullTime scans a nullable time.
type nullTime struct{ P *time.Time }

func (n *nullTime) Scan(src any) error {
	t, ok, err := scanTime(src)
	if err != nil || !ok {
		n.P = nil
		return err
	}
	n.P = &t
	return nil
}

func scanTime(src any) (time.Time, bool, error) {
	switch v := src.(type) {
	case nil:
		return time.Time{}, false, nil
	case time.Time:
		return v.UTC(), true, nil
	case string:
		return parseTime(v)
	case []byte:
		return parseTime(string(v))
	}
	return time.Time{}, false, fmt.Errorf("scan time: unsupported type %T", src)
}

func parseTime(s string) (time.Time, bool, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("scan time: %w", err)
	}
	return t.UTC(), true, nil
}

// jsonArg passes JSON as text: lib/pq would send []byte as bytea, which a
// json column refuses. nil stays NULL.
func jsonArg(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// jsonCol scans a nullable JSON column, keeping NULL as nil.
type jsonCol []byte

func (j *jsonCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*j = nil
	case string:
		*j = []byte(v)
	case []byte:
		*j = append([]byte(nil), v...)
	default:
		return fmt.Errorf("scan json: unsupported type %T", src)
	}
	return nil
}
