package store

import (
	"errors"
	"syscall"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// DamagedError is a read or write that found the cache file damaged.
// It is instruct.ErrCacheDamaged (errors.Is); Heal replaces the file.
type DamagedError struct {
	// Cause is SQLite's error.
	Cause error
}

// Error says the cache is damaged, with SQLite's words.
func (e *DamagedError) Error() string {
	return "the local cache is damaged (" + oneLine(e.Cause.Error()) + ")"
}

// Unwrap returns instruct.ErrCacheDamaged and the cause.
func (e *DamagedError) Unwrap() []error { return []error{instruct.ErrCacheDamaged, e.Cause} }

// DiskFullError is a write that failed for want of disk space. It is
// instruct.ErrDiskFull (errors.Is); nothing was written, and nothing
// recorded before is lost.
type DiskFullError struct {
	// Cause is the error of SQLite or of the file system.
	Cause error
}

// Error says the disk is full.
func (e *DiskFullError) Error() string {
	return "disk full: the local cache cannot be written (" + oneLine(e.Cause.Error()) + ")"
}

// Unwrap returns instruct.ErrDiskFull and the cause.
func (e *DiskFullError) Unwrap() []error { return []error{instruct.ErrDiskFull, e.Cause} }

// classify turns the errors that mean a damaged file or a full disk into
// a *DamagedError or a *DiskFullError, and returns others as they are.
// dir is the cache's directory, asked about its free space when SQLite
// reports an I/O error.
func classify(err error, dir string) error {
	switch {
	case err == nil, errors.Is(err, instruct.ErrCacheDamaged), errors.Is(err, instruct.ErrDiskFull):
		return err
	case isCorruption(err):
		return &DamagedError{Cause: err}
	case isDiskFull(err, dir):
		return &DiskFullError{Cause: err}
	}
	return err
}

// isDiskFull reports whether err is SQLite or the system saying the disk
// is full, or an I/O error of SQLite on a file system with no room left.
func isDiskFull(err error, dir string) bool {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return true
	}
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code() & 0xff {
	case sqlite3.SQLITE_FULL:
		return true
	case sqlite3.SQLITE_IOERR:
		return noRoomLeft(dir)
	}
	return false
}
