package ledger

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/instruct-dev/instruct/internal/backoff"
)

// changeChannel is the PostgreSQL notification channel on which every
// write transaction that assigns seqs announces them. PostgreSQL
// delivers a notification only when its transaction commits.
const changeChannel = "instruct_changes"

// postgresSaveChain writes the seq counter back and announces the new
// last seq on changeChannel, in one round trip. The payload is
// "schema:seq": ledgers in other schemas of the same database hear the
// channel too, and ignore it.
const postgresSaveChain = `WITH moved AS (UPDATE seq SET n = ?, head = ? WHERE id = 1 RETURNING n)
	SELECT pg_notify('` + changeChannel + `', current_schema() || ':' || n) FROM moved`

// Timings of the listener.
const (
	// listenCheck is how long the listener waits for a notification
	// before it pings its connection, to find out a connection that died
	// silently.
	listenCheck = 30 * time.Second
	// listenPing bounds that ping, and closing a connection.
	listenPing = 5 * time.Second
	// listenConnect bounds a reconnection.
	listenConnect = 10 * time.Second
	// listenRetryMin and listenRetryMax bound the wait before
	// reconnecting, which doubles, jittered, at every failure in a row
	// (package backoff).
	listenRetryMin = 100 * time.Millisecond
	listenRetryMax = 5 * time.Second
)

// Changed returns a channel that is closed when a change is known to
// have been committed after the call, by this ledger or by any other
// sharing its PostgreSQL database and schema: call it again for the
// next change. It is also closed after the ledger reconnects to hear
// changes, since some may have been missed meanwhile. Many goroutines
// may wait on it; a burst of changes may close it once.
//
// Changed returns nil on SQLite, whose file has no other writer to hear
// from. After Close, the channel it returns is never closed.
func (l *Ledger) Changed() <-chan struct{} {
	if l.changes == nil {
		return nil
	}
	return l.changes.next()
}

// listener holds one connection of its own that LISTENs on
// changeChannel, and tells Changed's waiters of every notification of
// its schema. It reconnects, with backoff, when the connection fails.
type listener struct {
	config *pgx.ConnConfig
	log    *slog.Logger
	schema string
	// pid is the backend process ID of the connection listening now.
	pid atomic.Uint32

	mu      sync.Mutex
	changed chan struct{}

	cancel context.CancelFunc
	ended  chan struct{}
}

// startListener connects to dsn and LISTENs for the changes of schema,
// then goes on listening in the background until stop.
func startListener(ctx context.Context, dsn, schema string, log *slog.Logger) (*listener, error) {
	config, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse postgres connection string: %w", err)
	}
	if config.RuntimeParams["application_name"] == "" {
		config.RuntimeParams["application_name"] = "instruct listener"
	}
	ls := &listener{config: config, log: log, schema: schema, changed: make(chan struct{}), ended: make(chan struct{})}
	conn, err := ls.connect(ctx)
	if err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.Background())
	ls.cancel = cancel
	go ls.run(runCtx, conn)
	return ls, nil
}

// connect opens the listening connection and LISTENs on it.
func (ls *listener) connect(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, ls.config)
	if err != nil {
		return nil, fmt.Errorf("connect to postgres to listen for changes: %w", err)
	}
	if _, err := conn.Exec(ctx, `LISTEN `+changeChannel); err != nil {
		ls.hangUp(conn)
		return nil, fmt.Errorf("listen for changes: %w", err)
	}
	ls.pid.Store(conn.PgConn().PID())
	return conn, nil
}

// run listens on conn until it fails, then reconnects and listens again,
// until ctx ends.
func (ls *listener) run(ctx context.Context, conn *pgx.Conn) {
	defer close(ls.ended)
	for {
		err := ls.listen(ctx, conn)
		ls.hangUp(conn)
		if ctx.Err() != nil {
			return
		}
		ls.log.Warn("ledger listener lost its connection; reconnecting", "err", err)
		if conn = ls.reconnect(ctx); conn == nil {
			return
		}
		ls.broadcast() // changes may have been committed while away
	}
}

// hangUp closes conn, waiting no longer than a ping for the server.
func (ls *listener) hangUp(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), listenPing)
	defer cancel()
	conn.Close(ctx)
}

// listen waits for notifications on conn and tells Changed's waiters of
// those of its schema, pinging conn when idle, until conn fails or ctx
// ends.
func (ls *listener) listen(ctx context.Context, conn *pgx.Conn) error {
	for {
		waitCtx, cancel := context.WithTimeout(ctx, listenCheck)
		n, err := conn.WaitForNotification(waitCtx)
		cancel()
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, context.DeadlineExceeded):
			err = ls.ping(ctx, conn)
		case err == nil && ls.ours(n.Payload):
			ls.broadcast()
		}
		if err != nil {
			return err
		}
	}
}

// ping checks that conn still answers.
func (ls *listener) ping(ctx context.Context, conn *pgx.Conn) error {
	ctx, cancel := context.WithTimeout(ctx, listenPing)
	defer cancel()
	return conn.Ping(ctx)
}

// reconnect connects again, waiting longer after each failure, and
// returns the new connection, or nil once ctx ends.
func (ls *listener) reconnect(ctx context.Context) *pgx.Conn {
	waits := backoff.Backoff{Min: listenRetryMin, Max: listenRetryMax}
	for {
		wait := waits.Next()
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		connectCtx, cancel := context.WithTimeout(ctx, listenConnect)
		conn, err := ls.connect(connectCtx)
		cancel()
		if err == nil {
			return conn
		}
		if ctx.Err() != nil {
			return nil
		}
		ls.log.Warn("ledger listener cannot reconnect; trying again", "err", err, "failures", waits.Failures())
	}
}

// ours reports whether a notification's payload, "schema:seq", is of
// the listener's schema.
func (ls *listener) ours(payload string) bool {
	i := strings.LastIndexByte(payload, ':')
	return i >= 0 && payload[:i] == ls.schema
}

// next returns the channel the next broadcast closes.
func (ls *listener) next() <-chan struct{} {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return ls.changed
}

// broadcast wakes every waiter of Changed.
func (ls *listener) broadcast() {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	close(ls.changed)
	ls.changed = make(chan struct{})
}

// stop ends the listening and closes its connection.
func (ls *listener) stop() {
	ls.cancel()
	<-ls.ended
}
