package store

import (
	"container/list"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// stmtsPerConn bounds the statements a connection keeps prepared: the
// fixed statements of the hot paths, and the batch statements whose text
// varies with a playbook's number of rows, fit many times over. It keeps
// as many more texts it has seen once, unprepared.
const stmtsPerConn = 64

// preparingConnector gives Postgres connections that prepare a statement
// with arguments the second time they run it and from then on only bind
// and execute it. lib/pq sends such a statement unnamed, so the server
// parsed, analysed and planned it again on every call: a quarter of
// Postgres' CPU under a burst of declarations. A prepared statement is one
// round trip as before (Bind, Execute, Sync), and after five runs Postgres
// keeps one plan for all arguments when it costs no more than theirs; the
// statements write their limits and their job kinds as text (literalLimit)
// so that such a plan knows them. A text seen once (an IN list of a length
// never met again) is not prepared, which would cost a round trip to
// prepare and one to close. Statements without arguments (BEGIN, COMMIT,
// the migrations) keep the simple protocol.
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

func (c preparingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &preparingConn{Conn: conn, stmts: map[string]*list.Element{}, lru: list.New(), seen: map[string]*list.Element{}, once: list.New()}, nil
}

// preparingConn is one connection and its statements, least recently used
// last. database/sql uses a connection from one goroutine at a time, and
// lib/pq cannot start a statement while a result is being read, so a
// statement is never closed while its rows are read.
type preparingConn struct {
	driver.Conn
	stmts map[string]*list.Element // query → element of lru holding a *preparedStmt
	lru   *list.List
	seen  map[string]*list.Element // queries run once, unprepared → element of once
	once  *list.List
}

type preparedStmt struct {
	query string
	stmt  driver.Stmt
}

// prepared returns the connection's statement for query, or nil the
// first time it meets query. The second time it prepares it (a round
// trip), closing the least recently used statement when the connection
// holds stmtsPerConn.
func (c *preparingConn) prepared(ctx context.Context, query string) (driver.Stmt, error) {
	if e, ok := c.stmts[query]; ok {
		c.lru.MoveToFront(e)
		return e.Value.(*preparedStmt).stmt, nil
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
	c.stmts[query] = c.lru.PushFront(&preparedStmt{query: query, stmt: st})
	return st, nil
}

// forget closes a statement and drops it. A failed close leaves the
// connection in an error state lib/pq reports on its next use, which
// makes database/sql discard it.
func (c *preparingConn) forget(e *list.Element) {
	p := c.lru.Remove(e).(*preparedStmt)
	delete(c.stmts, p.query)
	p.stmt.Close()
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
	st, err := c.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return c.Conn.(driver.ExecerContext).ExecContext(ctx, query, args)
	}
	res, err := st.(driver.StmtExecContext).ExecContext(ctx, args)
	if err != nil {
		c.stale(query, err)
	}
	return res, err
}

func (c *preparingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if len(args) == 0 {
		return c.Conn.(driver.QueryerContext).QueryContext(ctx, query, args)
	}
	st, err := c.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return c.Conn.(driver.QueryerContext).QueryContext(ctx, query, args)
	}
	rows, err := st.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		c.stale(query, err)
	}
	return rows, err
}

// The rest is lib/pq's connection as it is.

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

func (c *preparingConn) CheckNamedValue(nv *driver.NamedValue) error {
	return c.Conn.(driver.NamedValueChecker).CheckNamedValue(nv)
}
