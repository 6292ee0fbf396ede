package store

import (
	"container/list"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"modernc.org/sqlite"
)

// stmtsPerConn bounds the statements a connection keeps prepared: the
// fixed statements of the hot paths, and the batch statements whose text
// varies with a playbook's number of rows, fit many times over. It keeps
// as many more texts it has seen once, unprepared.
const stmtsPerConn = 64

// planEachCall starts a statement that is never prepared, so Postgres
// plans it for its arguments and its tables' sizes at every call. It is
// for a statement whose best plan changes as a table grows fast: the job
// claim. Prepared, its plan was kept from the first minute of a storm,
// when the job table held a few rows and reading it whole was cheapest;
// a thousand live jobs later each claim still read and sorted the whole
// table twice (4 ms a claim, a third of Postgres' CPU at 500 declarations
// a second), until the next vacuum or analyze of the table. Planning the
// claim costs a fraction of that, and claims are few.
const planEachCall = "/* planned each call */ "

// preparingConnector gives connections that prepare a statement with
// arguments the second time they run it and from then on only bind and
// execute it. lib/pq sends such a statement unnamed, so Postgres parsed,
// analysed and planned it again on every call: a quarter of its CPU under
// a burst of declarations. A prepared statement is one round trip as
// before (Bind, Execute, Sync), and after five runs Postgres keeps one
// plan for all arguments when it costs no more than theirs; the statements
// write their limits and their job kinds as text (literalLimit) so that
// such a plan knows them. SQLite compiled every statement inside the
// writer's transaction: a fifth of serve's CPU at 500 declarations a
// second, while the other writes waited. A text seen once (an IN list of a
// length never met again) is not prepared, which on Postgres would cost a
// round trip to prepare and one to close. Statements without arguments
// (BEGIN, COMMIT, the migrations) go as they are.
type preparingConnector struct {
	driver.Connector
}

// openPostgres opens a pool of preparing connections to dsn.
func openPostgres(dsn string) (*sqlx.DB, error) {
	c, err := pq.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	return sqlx.NewDb(sql.OpenDB(preparingConnector{c}), "postgres"), nil
}

// openSQLite opens a pool of preparing connections to the file of dsn.
func openSQLite(dsn string) (*sqlx.DB, error) {
	c, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	return sqlx.NewDb(sql.OpenDB(preparingConnector{c}), "sqlite"), nil
}

func (c preparingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &preparingConn{Conn: conn, stmts: map[string]*list.Element{}, lru: list.New(), seen: map[string]*list.Element{}, once: list.New()}, nil
}

// preparingConn is one connection and its statements, least recently used
// last. database/sql uses a connection, closing of rows included, from one
// goroutine at a time. A statement whose rows are being read is busy: the
// same text runs unprepared beside it (SQLite reads several results of
// one connection at once), and a busy statement dropped from the cache is
// closed with its rows.
type preparingConn struct {
	driver.Conn
	stmts map[string]*list.Element // query → element of lru holding a *preparedStmt
	lru   *list.List
	seen  map[string]*list.Element // queries run once, unprepared → element of once
	once  *list.List
}

type preparedStmt struct {
	query         string
	stmt          driver.Stmt
	busy, dropped bool
}

// prepared returns the connection's statement for query, or nil the
// first time it meets query, while its statement is busy, and for a query
// marked planEachCall. The second
// time it prepares it (on Postgres a round trip), dropping the least
// recently used statement when the connection holds stmtsPerConn.
func (c *preparingConn) prepared(ctx context.Context, query string) (*preparedStmt, error) {
	if strings.HasPrefix(query, planEachCall) {
		return nil, nil
	}
	if e, ok := c.stmts[query]; ok {
		c.lru.MoveToFront(e)
		if p := e.Value.(*preparedStmt); !p.busy {
			return p, nil
		}
		return nil, nil
	}
	e, again := c.seen[query]
	if !again {
		if c.once.Len() >= stmtsPerConn {
			delete(c.seen, c.once.Remove(c.once.Back()).(string))
		}
		c.seen[query] = c.once.PushFront(query)
		return nil, nil
	}
	st, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.once.Remove(e)
	delete(c.seen, query)
	if c.lru.Len() >= stmtsPerConn {
		c.forget(c.lru.Back())
	}
	p := &preparedStmt{query: query, stmt: st}
	c.stmts[query] = c.lru.PushFront(p)
	return p, nil
}

// forget drops a statement and closes it, or has its rows close it. A
// failed close leaves the connection in an error state the driver reports
// on its next use, which makes database/sql discard it.
func (c *preparingConn) forget(e *list.Element) {
	p := c.lru.Remove(e).(*preparedStmt)
	delete(c.stmts, p.query)
	if p.busy {
		p.dropped = true
		return
	}
	p.stmt.Close()
}

// stmtRows are the rows of a prepared statement, which they free.
type stmtRows struct {
	driver.Rows
	p *preparedStmt
}

func (r *stmtRows) Close() error {
	err := r.Rows.Close()
	r.p.busy = false
	if r.p.dropped {
		err = errors.Join(err, r.p.stmt.Close())
	}
	return err
}

// stale drops the statement of query after an error that says the server
// no longer holds it as prepared (its table changed shape under it, or
// it is gone), so the next call prepares it again.
func (c *preparingConn) stale(query string, err error) {
	var pe *pq.Error
	if !errors.As(err, &pe) {
		return
	}
	// 0A000: "cached plan must not change result type"; 26000: no such
	// prepared statement.
	if pe.Code != "0A000" && pe.Code != "26000" {
		return
	}
	if e, ok := c.stmts[query]; ok {
		c.forget(e)
	}
}

func (c *preparingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if len(args) == 0 {
		return c.Conn.(driver.ExecerContext).ExecContext(ctx, query, args)
	}
	p, err := c.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return c.Conn.(driver.ExecerContext).ExecContext(ctx, query, args)
	}
	res, err := p.stmt.(driver.StmtExecContext).ExecContext(ctx, args)
	if err != nil {
		c.stale(query, err)
	}
	return res, err
}

func (c *preparingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if len(args) == 0 {
		return c.Conn.(driver.QueryerContext).QueryContext(ctx, query, args)
	}
	p, err := c.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return c.Conn.(driver.QueryerContext).QueryContext(ctx, query, args)
	}
	rows, err := p.stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		c.stale(query, err)
		return nil, err
	}
	p.busy = true
	return &stmtRows{Rows: rows, p: p}, nil
}

// The rest is the driver's connection as it is.

func (c *preparingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
}

func (c *preparingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *preparingConn) Ping(ctx context.Context) error {
	return c.Conn.(driver.Pinger).Ping(ctx)
}

func (c *preparingConn) ResetSession(ctx context.Context) error {
	return c.Conn.(driver.SessionResetter).ResetSession(ctx)
}

func (c *preparingConn) IsValid() bool {
	return c.Conn.(driver.Validator).IsValid()
}

// CheckNamedValue is lib/pq's conversion of arguments; modernc's has none,
// and database/sql converts them its own way.
func (c *preparingConn) CheckNamedValue(nv *driver.NamedValue) error {
	if nc, ok := c.Conn.(driver.NamedValueChecker); ok {
		return nc.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}
