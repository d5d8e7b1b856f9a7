package store

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
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
	// kind is the problem's kind.
	kind instruct.CacheProblem
	// ours is set when the file carries our application ID, so its outbox
	// is worth salvaging.
	ours bool
}

// damaged is the diagnosis of a file SQLite found damaged (err).
func damaged(err error, ours bool) diagnosis {
	return diagnosis{problem: "is damaged (" + oneLine(err.Error()) + ")", kind: instruct.CacheDamaged, ours: ours}
}

// replaceIfBroken inspects the file at s.path, unless known says it was
// found damaged already, and when it is not a usable cache, salvages its
// outbox and moves it aside. It returns the operations salvaged and the
// recovery to note in the fresh cache.
func (s *Store) replaceIfBroken(ctx context.Context, known *DamagedError) ([]salvagedOp, *instruct.CacheRecovery, error) {
	if known != nil {
		return s.replace(ctx, damaged(known.Cause, true))
	}
	d, err := inspect(ctx, s.path)
	if err != nil || d.problem == "" {
		return nil, nil, err
	}
	return s.replace(ctx, d)
}

// replace salvages the outbox of the broken file and moves it aside.
func (s *Store) replace(ctx context.Context, d diagnosis) ([]salvagedOp, *instruct.CacheRecovery, error) {
	ops, lost := salvage(ctx, s.path, d.ours)
	moved, err := moveAside(s.path, s.now().Unix())
	if err != nil || moved == "" {
		return ops, nil, err
	}
	return ops, &instruct.CacheRecovery{Problem: d.kind, Detail: d.problem, MovedTo: moved,
		Saved: len(ops), Lost: lost, At: s.now().UTC()}, nil
}

// recoveryMessage says r in one line of English.
func recoveryMessage(r instruct.CacheRecovery) string {
	if r.Problem == instruct.CacheElsewhere {
		return "The local cache was damaged and another instruct process replaced it with a fresh cache, which the next sync fills again"
	}
	return fmt.Sprintf("The local cache %s; it was moved to %s and a fresh cache created, which the next sync fills again; "+
		"queued decisions: %d saved, %d could not be read", r.Detail, r.MovedTo, r.Saved, r.Lost)
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
		return diagnosis{problem: "was an empty file", kind: instruct.CacheEmpty}, nil
	}
	ok, err := hasSQLiteHeader(path)
	if err != nil || !ok {
		return diagnosis{problem: "is not an SQLite database (or its header is damaged)", kind: instruct.CacheNotSQLite}, err
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
		return diagnosis{problem: "is truncated (shorter than its header says)", kind: instruct.CacheTruncated, ours: true}, err
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
	ours := h.applicationID == applicationID
	if short, _ := truncated(path); short {
		return diagnosis{problem: "is truncated (shorter than its header says)", kind: instruct.CacheTruncated, ours: ours}, nil
	}
	return damaged(err, ours), nil
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
		return damaged(err, d.ours), nil
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
		return diagnosis{problem: "belongs to another program (not an instruct cache)", kind: instruct.CacheForeign}, nil
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
		d.kind = instruct.CacheIncomplete
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
		d.problem, d.kind = "is damaged (quick_check: "+oneLine(verdict)+")", instruct.CacheDamaged
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

// salvage reads the queued operations of a broken file: through SQLite
// when the file is ours, and from its pages when SQLite can't read the
// outbox whole (a damaged header, schema or outbox page). lost counts the
// queued operations seen but not readable whole.
func salvage(ctx context.Context, path string, ours bool) (ops []salvagedOp, lost int) {
	found := pageFound{ops: map[string]instruct.Operation{}}
	var sqlErr error = errors.New("not a cache of ours")
	if ours {
		sqlErr = salvageOutbox(ctx, path, &found)
	}
	if sqlErr != nil {
		fromPages := scanOutboxPages(path)
		for _, op := range fromPages.ops {
			if _, ok := found.ops[op.ID]; !ok {
				found.ops[op.ID] = op
			}
		}
		found.bad = append(found.bad, fromPages.bad...)
	}
	for _, op := range found.ops {
		if op.State != instruct.OpAccepted {
			ops = append(ops, op)
		}
	}
	slices.SortFunc(ops, func(a, b instruct.Operation) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	return ops, countLost(found)
}

// countLost counts the operations seen but not read whole, once each,
// leaving out those read whole elsewhere (an older copy on a freed page).
func countLost(found pageFound) int {
	lost := map[string]bool{}
	unnamed := 0
	for _, id := range found.bad {
		if _, saved := found.ops[id]; saved {
			continue
		}
		if id == "" {
			unnamed++
		} else {
			lost[id] = true
		}
	}
	return len(lost) + unnamed
}

// salvageOutbox reads the outbox of a broken cache through SQLite into
// found; it fails when the outbox could not be read to its end.
func salvageOutbox(ctx context.Context, path string, found *pageFound) error {
	params := inspectParams()
	// writable_schema makes SQLite read a truncated file as far as it
	// goes instead of refusing it; query_only keeps it from writing.
	params["_pragma"] = append(params["_pragma"], "writable_schema(1)", "query_only(1)")
	db, err := openDB(path, params, 1)
	if err != nil {
		return err
	}
	defer db.Close()
	// A file older than reason_code has not that column: the first
	// columns are read, the code left empty. Accepted operations are read
	// too, so that an older copy found on the pages is not taken for one
	// still to send.
	// A file with habilitation and target has them read too: a revocation
	// of one habilitation must not come back as one of the whole request.
	withTargets := true
	rows, err := db.QueryContext(ctx, "SELECT "+outboxFirstColumns+", '', habilitation, target FROM outbox")
	if err != nil {
		withTargets = false
		rows, err = db.QueryContext(ctx, "SELECT "+outboxFirstColumns+", '' FROM outbox")
	}
	if err != nil {
		return fmt.Errorf("read outbox: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		op, err := scanSalvaged(rows, withTargets)
		if errors.Is(err, errBadConflict) {
			op.Conflict, err = nil, nil
		}
		switch {
		case err != nil, op.State != instruct.OpAccepted && !salvageable(op):
			found.bad = append(found.bad, op.ID)
		default:
			found.ops[op.ID] = op
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read outbox: %w", err)
	}
	return nil
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
	transfer := op.Kind == instruct.KindTransfer && CheckEmail(op.To) == nil
	if !op.Kind.IsDecision() && !op.Kind.IsNote() && !transfer {
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

// scanSalvaged reads an outbox row of a broken file, with its
// habilitation and target columns when withTargets.
func scanSalvaged(row scanner, withTargets bool) (instruct.Operation, error) {
	if !withTargets {
		return scanOperation(row)
	}
	var habilitation int64
	var target string
	op, err := scanWith(row, &habilitation, &target)
	op.HabilitationID, op.To = instruct.HabilitationID(habilitation), target
	return op, err
}
