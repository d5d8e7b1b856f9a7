package ledger

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// probeEvery is the least time between two writes CanWrite tries while
// writes fail.
const probeEvery = time.Second

// minFreeBytes is the free space below which a SQLite ledger whose
// writes failed still counts its disk as full: a little room would let
// CanWrite's small write through while the next decisions fail.
const minFreeBytes = 16 << 20

// faultError is an error of the database that says it cannot be reached
// or cannot write now: a full disk, a failing disk, PostgreSQL down. Its
// code is unavailable, and the same call may succeed later; the cause
// stays in the chain for the logs.
type faultError struct {
	code  *instruct.Error
	cause error
}

// Error returns the user-safe message and the cause.
func (e *faultError) Error() string { return e.code.Error() + ": " + e.cause.Error() }

// Unwrap returns the unavailable code and the cause.
func (e *faultError) Unwrap() []error { return []error{e.code, e.cause} }

// unavailable returns err marked unavailable when the database's error
// in it says it cannot be reached or cannot write now, and err itself
// otherwise (nil, a domain error, any other failure).
func unavailable(err error) error {
	if err == nil || instruct.ErrorCode(err) != instruct.CodeInternal {
		return err
	}
	why := sqliteFault(err)
	if why == "" {
		why = postgresFault(err)
	}
	if why == "" {
		return err
	}
	return &faultError{code: instruct.Errorf(instruct.CodeUnavailable, "%s; try again later", why), cause: err}
}

// sqliteFault says why SQLite cannot go on now, or "" when err is not
// such a fault.
func sqliteFault(err error) string {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return ""
	}
	switch e.Code() & 0xff {
	case sqlite3.SQLITE_FULL:
		return "the server's disk is full"
	case sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN:
		return "the server cannot write its database file"
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return "the database is locked by another process"
	}
	return ""
}

// postgresFault says why PostgreSQL cannot be used now, or "" when err
// is not such a fault.
func postgresFault(err error) string {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return "" // the caller's own deadline, or the caller gone
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "53100":
			return "the database's disk is full"
		case strings.HasPrefix(pe.Code, "08"), strings.HasPrefix(pe.Code, "53"), strings.HasPrefix(pe.Code, "58"),
			pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03", pe.Code == "25006":
			return "the database cannot serve now"
		}
		return ""
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.As(err, &ce), errors.As(err, &ne), errors.Is(err, driver.ErrBadConn),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed),
		pgconn.SafeToRetry(err):
		return "the database cannot be reached"
	}
	return ""
}

// writeHealth remembers whether the last write failed for want of the
// database, so that CanWrite answers without writing while writes
// succeed, and the logs tell when writes stop and start again (once
// each, not at every write).
type writeHealth struct {
	log    *slog.Logger
	mu     sync.Mutex
	fault  error     // the unavailable error of the last write; nil once one commits
	probed time.Time // when CanWrite last tried a write
}

// record notes the outcome of a write transaction: err is nil when it
// committed.
func (h *writeHealth) record(err error) {
	faulty := instruct.ErrorCode(err) == instruct.CodeUnavailable
	if err != nil && !faulty {
		return // a refusal or a bug says nothing of the database
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case faulty && h.fault == nil:
		h.log.Error("ledger cannot write; writes are answered unavailable until one succeeds", "err", err)
	case !faulty && h.fault != nil:
		h.log.Info("ledger writes again")
	}
	if faulty {
		h.fault = err
	} else {
		h.fault = nil
	}
}

// due returns the fault of the last write, if any, and whether CanWrite
// should try a write now; it marks the try as made.
func (h *writeHealth) due(now time.Time) (error, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fault == nil || now.Sub(h.probed) < probeEvery {
		return h.fault, false
	}
	h.probed = now
	return h.fault, true
}

// CanWrite reports whether the ledger can write now: nil, or an
// unavailable error that says why not (a full disk, PostgreSQL down).
// While writes succeed it answers from the last one; once one failed for
// want of the database, it tries a write that changes nothing, at most
// once a second, so that it tells when writes work again even if nobody
// writes. A SQLite ledger first waits for minFreeBytes free on its disk.
func (l *Ledger) CanWrite(ctx context.Context) error {
	fault, try := l.health.due(time.Now())
	if !try {
		return fault
	}
	if free, known := freeSpace(l.dir); l.dir != "" && known && free < minFreeBytes {
		return fault
	}
	return l.inWrite(ctx, func(tx *txn) error {
		_, err := tx.ExecContext(ctx, `UPDATE seq SET head = head WHERE id = 1`)
		return err
	})
}
