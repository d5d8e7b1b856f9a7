package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/instruct-dev/instruct/internal/cells"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/migrate"
)

// salvagedOp is an outbox operation read from a broken cache file.
type salvagedOp = instruct.Operation

// sqliteMagic starts every SQLite database file.
const sqliteMagic = "SQLite format 3\x00"

// diagnosis is what inspecting an existing cache file found.
type diagnosis struct {
	// problem says what is wrong with the file, "" when it is a good cache.
	problem string
	// ours is set when the file carries our application ID, so its outbox
	// is worth salvaging.
	ours bool
}

// replaceIfBroken inspects the file at s.path and, when it is not a usable
// cache, salvages its outbox and moves it aside, recording why in
// s.recovered.
func (s *Store) replaceIfBroken(ctx context.Context) ([]salvagedOp, error) {
	d, err := inspect(ctx, s.path)
	if err != nil || d.problem == "" {
		return nil, err
	}
	var ops []salvagedOp
	var salvageErr error
	if d.ours {
		ops, salvageErr = salvageOutbox(ctx, s.path)
	}
	moved, err := moveAside(s.path, s.now().Unix())
	if err != nil || moved == "" {
		return ops, err
	}
	s.recovered = recoveryMessage(d, moved, len(ops), salvageErr)
	return ops, nil
}

func recoveryMessage(d diagnosis, moved string, kept int, salvageErr error) string {
	msg := fmt.Sprintf("The local cache %s; it was moved to %s and a fresh cache created, which the next sync fills again", d.problem, moved)
	switch {
	case salvageErr != nil:
		msg += "; its unsent decisions could not be read"
	case kept > 0:
		msg += fmt.Sprintf("; %d unsent operation(s) were kept", kept)
	}
	return msg
}

// inspect tells whether the file at path is a cache this version can use.
// A missing file is fine (Open creates it). Errors are returned only for
// files that can't be examined at all, such as a lock held by another
// process or a permission problem; a bad file is a diagnosis, not an error.
func inspect(ctx context.Context, path string) (diagnosis, error) {
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return diagnosis{}, nil
	case err != nil:
		return diagnosis{}, fmt.Errorf("open cache: %w", err)
	case info.IsDir():
		return diagnosis{}, fmt.Errorf("open cache: %s is a directory", path)
	case info.Size() == 0:
		return diagnosis{problem: "was an empty file"}, nil
	}
	ok, err := hasSQLiteHeader(path)
	if err != nil || !ok {
		return diagnosis{problem: "is not an SQLite database"}, err
	}
	return inspectDatabase(ctx, path, info.Size())
}

func hasSQLiteHeader(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, fmt.Errorf("open cache: %w", err)
	}
	defer f.Close()
	head := make([]byte, len(sqliteMagic))
	if _, err := io.ReadFull(f, head); err != nil {
		return false, nil // shorter than a header: not a database
	}
	return bytes.Equal(head, []byte(sqliteMagic)), nil
}

// fullCheckLimit is the largest file checked whole at every Open (tens of
// milliseconds): PRAGMA quick_check reads every page, about a second for
// 100,000 cached requests, too slow for the TUI's start. Larger files get
// their outbox, meta and catalogue checked and their length compared with
// their header; damage elsewhere shows as SQLite errors, and the feed can
// always be pulled again.
const fullCheckLimit = 16 << 20

// inspectDatabase checks an SQLite file's application ID, schema version,
// length and structure (PRAGMA quick_check).
func inspectDatabase(ctx context.Context, path string, size int64) (diagnosis, error) {
	db, err := openDB(path, inspectParams(), 1)
	if err != nil {
		return diagnosis{}, err
	}
	defer db.Close()
	d, err := checkIdentity(ctx, db, path)
	if err != nil && isCorruption(err) {
		return diagnoseHeader(path, err)
	}
	if err != nil || d.problem != "" {
		return d, err
	}
	if short, err := truncated(path); err != nil || short {
		return diagnosis{problem: "is truncated (shorter than its header says)", ours: true}, err
	}
	var tables []string
	if size > fullCheckLimit {
		tables = []string{"outbox", "meta", "definitions"}
	}
	return damagedOr(quickCheck(ctx, db, tables))
}

// diagnoseHeader explains, from the file's header, why SQLite refused to
// read it (err): whether it is ours, and truncated or damaged.
func diagnoseHeader(path string, err error) (diagnosis, error) {
	h, readErr := readHeader(path)
	if readErr != nil {
		return diagnosis{}, readErr
	}
	d := diagnosis{ours: h.applicationID == applicationID}
	if short, _ := truncated(path); short {
		d.problem = "is truncated (shorter than its header says)"
	} else {
		d.problem = "is damaged (" + oneLine(err.Error()) + ")"
	}
	return d, nil
}

// header is what inspection reads of an SQLite file's first 100 bytes.
type header struct {
	pageSize, pages int64
	// sizeValid is set when pages can be trusted (SQLite 3.7.0 and later
	// keep it so).
	sizeValid     bool
	applicationID uint32
}

func readHeader(path string) (header, error) {
	f, err := os.Open(path)
	if err != nil {
		return header{}, fmt.Errorf("open cache: %w", err)
	}
	defer f.Close()
	b := make([]byte, 100)
	if _, err := io.ReadFull(f, b); err != nil {
		return header{}, nil // too short to hold a header: nothing to trust
	}
	h := header{
		pageSize:      int64(binary.BigEndian.Uint16(b[16:18])),
		pages:         int64(binary.BigEndian.Uint32(b[28:32])),
		sizeValid:     binary.BigEndian.Uint32(b[24:28]) == binary.BigEndian.Uint32(b[92:96]),
		applicationID: binary.BigEndian.Uint32(b[68:72]),
	}
	if h.pageSize == 1 {
		h.pageSize = 65536
	}
	return h, nil
}

// truncated reports whether the file is shorter than the page count its
// header gives. With a write-ahead log present the header may lag behind
// and SQLite recovers from the log, so the check is left to quick_check.
func truncated(path string) (bool, error) {
	if info, err := os.Stat(path + "-wal"); err == nil && info.Size() > 0 {
		return false, nil
	}
	h, err := readHeader(path)
	if err != nil {
		return false, err
	}
	info, err := os.Stat(path)
	if err != nil {
		return false, fmt.Errorf("open cache: %w", err)
	}
	return h.sizeValid && info.Size() < h.pages*h.pageSize, nil
}

func inspectParams() url.Values {
	return url.Values{"_pragma": {fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds())}}
}

// damagedOr turns an SQLite error that means a damaged file into a
// diagnosis, and passes any other error on.
func damagedOr(d diagnosis, err error) (diagnosis, error) {
	if err != nil && isCorruption(err) {
		return diagnosis{problem: "is damaged (" + oneLine(err.Error()) + ")", ours: d.ours}, nil
	}
	return d, err
}

// checkIdentity reads the application ID and schema version of the file
// at path, open as db. A file of ours written by a newer instruct is an
// error, not a diagnosis: it is never moved aside, since that instruct
// may still need it.
func checkIdentity(ctx context.Context, db *sql.DB, path string) (diagnosis, error) {
	var appID, version int64
	if err := db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return diagnosis{}, fmt.Errorf("read cache identity: %w", err)
	}
	if appID != applicationID {
		return diagnosis{problem: "belongs to another program (not an instruct cache)"}, nil
	}
	d := diagnosis{ours: true}
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return d, fmt.Errorf("read cache schema version: %w", err)
	}
	latest, err := schemaVersion()
	if err != nil {
		return d, err
	}
	switch {
	case version > int64(latest):
		return d, fmt.Errorf("open cache %s: %w", path, &migrate.NewerError{What: "cache", Found: int(version), Known: latest})
	case version < 1:
		d.problem = "was left incomplete (no schema version)"
	}
	return d, nil
}

// quickCheck runs PRAGMA quick_check on the whole file, or on the given
// tables only.
func quickCheck(ctx context.Context, db *sql.DB, tables []string) (diagnosis, error) {
	pragmas := []string{"PRAGMA quick_check(1)"}
	if len(tables) > 0 {
		pragmas = pragmas[:0]
		for _, t := range tables {
			pragmas = append(pragmas, "PRAGMA quick_check("+t+")")
		}
	}
	for _, pragma := range pragmas {
		d, err := runCheck(ctx, db, pragma)
		if err != nil || d.problem != "" {
			return d, err
		}
	}
	return diagnosis{ours: true}, nil
}

func runCheck(ctx context.Context, db *sql.DB, pragma string) (diagnosis, error) {
	d := diagnosis{ours: true}
	rows, err := db.QueryContext(ctx, pragma)
	if err != nil {
		return d, fmt.Errorf("check cache: %w", err)
	}
	defer rows.Close()
	var verdict string
	if rows.Next() {
		if err := rows.Scan(&verdict); err != nil {
			return d, fmt.Errorf("check cache: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return d, fmt.Errorf("check cache: %w", err)
	}
	if verdict != "ok" {
		d.problem = "is damaged (quick_check: " + oneLine(verdict) + ")"
	}
	return d, nil
}

// isCorruption reports whether err is SQLite saying the file is damaged or
// not a database.
func isCorruption(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code() & 0xff {
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_FORMAT, sqlite3.SQLITE_RANGE:
		return true
	case sqlite3.SQLITE_IOERR:
		return e.Code() == sqlite3.SQLITE_IOERR_SHORT_READ
	}
	return false
}

// oneLine shortens an SQLite message to one line of reasonable length.
func oneLine(s string) string {
	return cells.Truncate(strings.Join(strings.Fields(s), " "), 120)
}

// salvageOutbox reads the operations not yet accepted from the outbox of a
// broken cache, keeping every row that reads back whole and valid.
func salvageOutbox(ctx context.Context, path string) ([]salvagedOp, error) {
	params := inspectParams()
	// writable_schema makes SQLite read a truncated file as far as it
	// goes instead of refusing it; query_only keeps it from writing.
	params["_pragma"] = append(params["_pragma"], "writable_schema(1)", "query_only(1)")
	db, err := openDB(path, params, 1)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	// A file older than reason_code has not that column: the first
	// columns are read, the code left empty.
	rows, err := db.QueryContext(ctx, "SELECT "+outboxFirstColumns+", '' FROM outbox WHERE state <> 'accepted' ORDER BY created_at, id")
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	defer rows.Close()
	var ops []salvagedOp
	for rows.Next() {
		op, err := scanOperation(rows)
		if errors.Is(err, errBadConflict) {
			op.Conflict, err = nil, nil
		}
		if err == nil && salvageable(op) {
			ops = append(ops, op)
		}
	}
	if err := rows.Err(); err != nil && len(ops) == 0 {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	return ops, nil
}

// salvageable reports whether an operation read from a broken file is
// whole enough to push.
func salvageable(op instruct.Operation) bool {
	if _, err := uuid.Parse(op.ID); err != nil {
		return false
	}
	if op.RequestID <= 0 {
		return false
	}
	if !op.Kind.IsDecision() && !op.Kind.IsNote() {
		return false
	}
	switch op.State {
	case instruct.OpPending, instruct.OpSending, instruct.OpConflict, instruct.OpRejected:
		return instruct.CheckComment(op.Kind, op.Comment) == nil
	}
	return false
}

// moveAside renames the file at path, and its WAL and shared-memory files,
// to path+".broken-<unix>" (with a counter if that name is taken) and
// returns the new name, or "" when another process moved it first.
func moveAside(path string, unix int64) (string, error) {
	dst := path + ".broken-" + strconv.FormatInt(unix, 10)
	for i := 1; exists(dst); i++ {
		dst = fmt.Sprintf("%s.broken-%d.%d", path, unix, i)
	}
	if err := os.Rename(path, dst); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", nil // another process moved it first
		}
		return "", fmt.Errorf("move broken cache aside: %w", err)
	}
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		err := os.Rename(path+suffix, dst+suffix)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("move broken cache aside: %w", err)
		}
	}
	return dst, nil
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// restoreOutbox puts the salvaged operations into the fresh cache.
func (s *Store) restoreOutbox(ctx context.Context, ops []salvagedOp) error {
	if len(ops) == 0 {
		return nil
	}
	return s.inTx(ctx, durable, func(tx *writeTx) error {
		for _, op := range ops {
			if err := restoreOperation(ctx, tx, op); err != nil {
				return fmt.Errorf("restore outbox: %w", err)
			}
		}
		return nil
	})
}

// restoreOperation inserts a salvaged operation unless the outbox already
// holds it (another process opening the same broken file restored it).
func restoreOperation(ctx context.Context, tx *writeTx, op instruct.Operation) error {
	var exists bool
	if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM outbox WHERE id = ?)", op.ID).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	return insertOperation(ctx, tx, op)
}
