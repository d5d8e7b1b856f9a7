package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"github.com/instruct-dev/instruct/internal/instruct"
)

// Store is an open cache file. It is safe for concurrent use: reads run on a
// small pool of read-only connections, writes on one connection, in
// immediate transactions; whatever touches the outbox commits with
// synchronous=FULL.
type Store struct {
	path string
	now  func() time.Time
	// fileMu is held shared by every call on the file, and exclusively
	// while Heal replaces it and Close closes it.
	fileMu sync.RWMutex
	write  *sql.DB
	read   *sql.DB
	// file identifies the file opened, to tell when another process
	// replaced it.
	file os.FileInfo
	// stmts holds the write transactions' statements, prepared once.
	stmts *stmtCache
	// locks tell other processes this file is in use (see cacheLocks).
	locks *cacheLocks
	// closed is why calls fail once the file was closed: Close, or a
	// repair that could not finish (another process holds the file).
	closed error
	// damage is the first damage calls met on the file open now.
	damage atomic.Pointer[DamagedError]
	// recovery is the last replacement of the file, nil for none;
	// guarded by fileMu.
	recovery *instruct.CacheRecovery
	// snapMu guards snap, the in-memory copy of the queue; loaded tells,
	// without waiting for snapMu, whether snap is there.
	snapMu sync.Mutex
	snap   *snapshot
	loaded atomic.Bool
	// statsMu guards statsMemo, the statistics' histories at one
	// generation (statmarks.go).
	statsMu   sync.Mutex
	statsMemo statHistories
}

// readConns is the size of the read pool; the machines have few cores.
const readConns = 4

// busyTimeout is how long a statement waits for another process holding
// the write lock (a headless `instruct sync` next to the TUI).
const busyTimeout = 10 * time.Second

// Open opens the cache file at path, creating its directory (0700) and the
// file (0600) when missing, and brings its schema up to date. A file that is
// not a cache of ours, or left without a schema version, or damaged, is
// moved aside to path+".broken-<unix time>" and replaced by a fresh cache
// (its cursor empty, so the next sync pulls everything), keeping the outbox
// operations that could still be read; Recovery then says so. That check
// and repair run only when no other Store, in this process or another, has
// the file open: one that did opened it whole. A large file is checked
// only in part; damage found later, when read, is a *DamagedError, and
// Heal replaces the file then. Open fails when the file can't be reached
// (permissions, a lock held too long, a full disk), and when a newer
// instruct wrote it (a *migrate.NewerError, the file left as it is: that
// instruct may still need it), never merely because the old file was bad.
func Open(ctx context.Context, path string) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open cache %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return nil, classify(fmt.Errorf("open cache: create its directory: %w", err), filepath.Dir(abs))
	}
	s := &Store{path: abs, now: time.Now}
	locks, alone := lockForOpen(abs)
	if err := s.openLocked(ctx, locks, alone, nil); err != nil {
		return nil, classify(err, filepath.Dir(abs))
	}
	return s, nil
}

// openLocked opens the file with the locks taken: when alone, it first
// judges the file and replaces it if broken, or replaces it at once when
// known says it was found damaged. It leaves the locks as an open Store
// holds them, or released on failure.
func (s *Store) openLocked(ctx context.Context, locks *cacheLocks, alone bool, known *DamagedError) error {
	s.locks = locks
	var salvaged []salvagedOp
	var recovery *instruct.CacheRecovery
	if alone {
		// Another process using the file opened it whole, and reading
		// the raw file beside its writes would misjudge it.
		var err error
		if salvaged, recovery, err = s.replaceIfBroken(ctx, known); err != nil {
			locks.release()
			return err
		}
	}
	if err := s.openFresh(ctx, salvaged, recovery); err != nil {
		return errors.Join(err, s.closeFile())
	}
	locks.opened()
	return nil
}

// openFresh creates the file if needed, opens both pools, migrates the
// schema and puts back the operations salvaged from a broken file, noting
// the recovery that replaced it, if any.
func (s *Store) openFresh(ctx context.Context, salvaged []salvagedOp, recovery *instruct.CacheRecovery) error {
	if err := createPrivateFile(s.path); err != nil {
		return err
	}
	var err error
	if s.file, err = os.Stat(s.path); err != nil {
		return fmt.Errorf("open cache: %w", err)
	}
	if s.write, err = openDB(s.path, writeParams(), 1); err != nil {
		return err
	}
	s.stmts = newStmtCache(s.write)
	if s.read, err = openDB(s.path, readParams(), readConns); err != nil {
		return err
	}
	if err := s.migrate(ctx); err != nil {
		return err
	}
	if err := s.reindexIfAsked(ctx); err != nil {
		return err
	}
	if err := s.restoreOutbox(ctx, salvaged); err != nil {
		return err
	}
	return s.noteRecovery(ctx, recovery)
}

// Recovery tells how Open or Heal last replaced a broken cache file, nil
// when neither did.
func (s *Store) Recovery() *instruct.CacheRecovery {
	s.fileMu.RLock()
	defer s.fileMu.RUnlock()
	return s.recovery
}

// Recovered returns a one-line message in English when Open or Heal
// replaced a broken cache file (saying why, where the old file went and
// what was kept), or "".
func (s *Store) Recovered() string {
	if r := s.Recovery(); r != nil {
		return recoveryMessage(*r)
	}
	return ""
}

// Close closes the cache file.
func (s *Store) Close() error {
	s.fileMu.Lock()
	defer s.fileMu.Unlock()
	err := s.closeFile()
	s.closed = errors.New("the local cache is closed")
	if err != nil {
		return fmt.Errorf("close cache: %w", err)
	}
	return nil
}

// closeFile closes the pools and releases the locks.
func (s *Store) closeFile() error {
	var errs []error
	if s.stmts != nil {
		errs = append(errs, s.stmts.close())
	}
	for _, db := range []*sql.DB{s.read, s.write} {
		if db != nil {
			errs = append(errs, db.Close())
		}
	}
	s.stmts, s.read, s.write = nil, nil, nil
	if s.locks != nil {
		s.locks.release()
	}
	s.snapMu.Lock()
	s.setSnapshot(nil)
	s.snapMu.Unlock()
	s.statsMu.Lock()
	s.statsMemo = statHistories{}
	s.statsMu.Unlock()
	return errors.Join(errs...)
}

// enter starts a call on the file: Heal and Close wait for it to leave.
// It fails when the file is closed.
func (s *Store) enter() error {
	s.fileMu.RLock()
	if s.write == nil {
		err := s.closed
		s.fileMu.RUnlock()
		if err == nil {
			err = errors.New("the local cache is not open")
		}
		return err
	}
	return nil
}

// leave ends a call started by enter, turning its error into a typed one
// (damaged file, full disk) and noting damage for Heal.
func (s *Store) leave(errp *error) {
	*errp = classify(*errp, filepath.Dir(s.path))
	var d *DamagedError
	if errors.As(*errp, &d) {
		s.damage.CompareAndSwap(nil, d)
	}
	s.fileMu.RUnlock()
}

// createPrivateFile creates the cache file readable by its owner only, and
// narrows the mode of an existing one: the cache holds personal data.
func createPrivateFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("create cache file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("create cache file: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		return fmt.Errorf("restrict cache file mode: %w", err)
	}
	return nil
}

func writeParams() url.Values {
	return url.Values{
		"_pragma": {
			fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()),
			"foreign_keys(1)",
			"journal_mode(WAL)",
			"synchronous(FULL)",
			"cache_size(-32768)",
			"wal_autocheckpoint(8192)",
			"journal_size_limit(67108864)",
		},
		"_txlock": {"immediate"},
	}
}

func readParams() url.Values {
	return url.Values{
		"_pragma": {
			fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()),
			"cache_size(-2048)",
			"query_only(1)",
			"temp_store(MEMORY)",
		},
	}
}

// openDB opens a pool of at most conns connections to the file at path.
func openDB(path string, params url.Values, conns int) (*sql.DB, error) {
	dsn := (&url.URL{Scheme: "file", Path: path, RawQuery: params.Encode()}).String()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open cache %s: %w", path, err)
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxIdleTime(0)
	return db, nil
}

// durability is how a write transaction commits (PRAGMA synchronous).
type durability string

const (
	// durable commits survive a power cut once they return: the
	// reviewer's decisions and everything else of the outbox.
	durable durability = "FULL"
	// refetchable commits stay atomic but may be lost by a power cut,
	// like the feed's pages: the server still has them and the cursor is
	// lost with them, so the next sync pulls them again.
	refetchable durability = "NORMAL"
)

// writeTx is a write transaction that notes the requests it changed, so
// that the in-memory queue can follow: rows it knows as written, and rows
// to read back before committing.
//
// Its ExecContext, QueryContext and QueryRowContext run each query with a
// statement prepared once (see stmtCache), and without ctx's cancellation:
// the driver watches a cancellable context with a goroutine per
// statement, which costs more than a small statement. The transaction
// still ends with ctx, as database/sql rolls it back, failing the
// statement after.
type writeTx struct {
	*sql.Tx
	shared *stmtCache
	stmts  map[string]*sql.Stmt
	// fresh holds the queries this transaction prepared for itself, for
	// shared to prepare once the connection is free.
	fresh   []string
	written map[int64]queueRow
	touched map[int64]bool
	reset   bool
}

// prepared returns query's statement in the transaction, from the shared
// statements or prepared on first use; Commit and Rollback close it.
func (tx *writeTx) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if stmt, ok := tx.stmts[query]; ok {
		return stmt, nil
	}
	var stmt *sql.Stmt
	if parent := tx.shared.get(query); parent != nil {
		stmt = tx.Tx.StmtContext(ctx, parent)
	} else {
		var err error
		if stmt, err = tx.Tx.PrepareContext(ctx, query); err != nil {
			return nil, err
		}
		tx.fresh = append(tx.fresh, query)
	}
	tx.stmts[query] = stmt
	return stmt, nil
}

// ExecContext runs a statement that returns no rows.
func (tx *writeTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	stmt, err := tx.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return stmt.ExecContext(context.WithoutCancel(ctx), args...)
}

// QueryContext runs a query.
func (tx *writeTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	stmt, err := tx.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return stmt.QueryContext(context.WithoutCancel(ctx), args...)
}

// QueryRowContext runs a query of one row.
func (tx *writeTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	stmt, err := tx.prepared(ctx, query)
	if err != nil {
		return tx.Tx.QueryRowContext(ctx, query, args...) // which fails the same way
	}
	return stmt.QueryRowContext(context.WithoutCancel(ctx), args...)
}

// touch notes that request n changed in a way only a read gives back.
func (tx *writeTx) touch(n int64) {
	delete(tx.written, n)
	tx.touched[n] = true
}

// wrote notes the queue row of a request as just written.
func (tx *writeTx) wrote(r queueRow) {
	if !tx.touched[r.n] {
		tx.written[r.n] = r
	}
}

// inTx runs fn in one write transaction, committed with durability d when
// fn returns nil. Every transaction advances the cache's generation; the
// in-memory queue follows this Store's own writes and reloads after
// anyone else's.
func (s *Store) inTx(ctx context.Context, d durability, fn func(*writeTx) error) error {
	return s.inTxChecked(ctx, d, true, fn)
}

// inTxChecked is inTx with foreign keys checked or not: emptying every
// table at once goes much faster without.
func (s *Store) inTxChecked(ctx context.Context, d durability, foreignKeys bool, fn func(*writeTx) error) error {
	fresh, err := s.onWriteConn(ctx, foreignKeys, func(conn *sql.Conn) ([]string, error) {
		return s.commitTx(ctx, conn, d, fn)
	})
	s.stmts.learn(ctx, fresh)
	return err
}

// onWriteConn runs fn on the write connection, with foreign keys checked
// or not. Turning them off or on expires every prepared statement, so
// only the rare transaction that needs them off does, and turns them on
// again after.
func (s *Store) onWriteConn(ctx context.Context, foreignKeys bool, fn func(*sql.Conn) ([]string, error)) ([]string, error) {
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	defer conn.Close()
	if foreignKeys {
		return fn(conn)
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = false"); err != nil {
		return nil, fmt.Errorf("stop checking foreign keys: %w", err)
	}
	fresh, err := fn(conn)
	if _, onErr := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = true"); onErr != nil {
		// Leave no connection unchecked: database/sql drops a bad one.
		conn.Raw(func(any) error { return driver.ErrBadConn })
		err = errors.Join(err, fmt.Errorf("check foreign keys again: %w", onErr))
	}
	return fresh, err
}

// commitTx runs fn in a transaction on conn, committed with durability d
// when fn returns nil, and returns the queries it prepared for itself.
func (s *Store) commitTx(ctx context.Context, conn *sql.Conn, d durability, fn func(*writeTx) error) ([]string, error) {
	// Every transaction sets its durability, so none inherits another's.
	if _, err := conn.ExecContext(ctx, "PRAGMA synchronous = "+string(d)); err != nil {
		return nil, fmt.Errorf("set durability: %w", err)
	}
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	tx := &writeTx{Tx: sqlTx, shared: s.stmts, stmts: map[string]*sql.Stmt{},
		written: map[int64]queueRow{}, touched: map[int64]bool{}}
	p, err := s.runTx(ctx, tx, fn)
	if err != nil {
		return tx.fresh, errors.Join(ctx.Err(), err, ignoreDone(tx.Rollback()))
	}
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	if err := tx.Commit(); err != nil {
		s.setSnapshot(nil)
		return tx.fresh, fmt.Errorf("commit: %w", errors.Join(ctx.Err(), err))
	}
	s.applyPatch(p)
	return tx.fresh, nil
}

// runTx runs fn, advances the generation and reads back the queue rows
// the transaction changed.
func (s *Store) runTx(ctx context.Context, tx *writeTx, fn func(*writeTx) error) (patch, error) {
	if err := fn(tx); err != nil {
		return patch{}, err
	}
	var p patch
	err := tx.QueryRowContext(ctx, `INSERT INTO meta (key, value) VALUES ('generation', 1)
		ON CONFLICT (key) DO UPDATE SET value = value + 1 RETURNING value`).Scan(&p.gen)
	if err != nil {
		return patch{}, fmt.Errorf("advance generation: %w", err)
	}
	if !s.hasSnapshot() {
		return p, nil
	}
	p.complete, p.reset = true, tx.reset
	p.rows, err = readPatchRows(ctx, tx)
	for _, r := range tx.written {
		p.rows = append(p.rows, r)
	}
	return p, err
}

func ignoreDone(err error) error {
	if errors.Is(err, sql.ErrTxDone) {
		return nil
	}
	return err
}

// micros returns t as Unix microseconds, the cache's time columns.
func micros(t time.Time) int64 { return t.UnixMicro() }

// fromMicros returns the UTC time of Unix microseconds us.
func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }
