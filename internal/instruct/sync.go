package instruct

import (
	"errors"
	"time"
)

// SyncStatus is what the sync engine reports for a status bar.
type SyncStatus struct {
	Online   bool
	Syncing  bool
	LastSync time.Time
	// Pending counts operations not yet accepted; Conflicts and Rejected
	// those the server refused and the reviewer must look at.
	Pending   int
	Conflicts int
	Rejected  int
	// LastError is the last failure in plain words, "" after a success.
	LastError string
	// LastErrorCode is that failure's code (CodeUnavailable when the
	// server is out of reach), so that a screen can say it in the
	// reviewer's language; "" after a success.
	LastErrorCode Code
	// LastFault tells, beyond the code, which of the failures a reviewer
	// should know apart stopped the last sync; "" for none of them.
	LastFault Fault
	// Recovery, when not nil, tells how the engine last replaced a
	// damaged cache; it stays for the engine's life, so a screen can say
	// it once whenever it arrives.
	Recovery *CacheRecovery
}

// Fault is a kind of failure that a screen says in its own words, because
// the reviewer acts differently on each.
type Fault string

// The faults a sync reports.
const (
	// FaultUnreachable: the server did not answer (network, server
	// stopped).
	FaultUnreachable Fault = "unreachable"
	// FaultServerUnavailable: the server answered that it cannot serve
	// now (503: its disk is full, its database is down).
	FaultServerUnavailable Fault = "server_unavailable"
	// FaultDiskFull: the client's own disk is full.
	FaultDiskFull Fault = "disk_full"
	// FaultCacheDamaged: the client's cache file is damaged and could not
	// be replaced yet.
	FaultCacheDamaged Fault = "cache_damaged"
)

// Errors that mark a failure as one of the faults (errors.Is).
var (
	// ErrUnreachable marks a call that got no answer from the server.
	ErrUnreachable = errors.New("cannot reach the server")
	// ErrDiskFull marks a write that failed for want of disk space.
	ErrDiskFull = errors.New("disk full")
	// ErrCacheDamaged marks a read or write that found the cache file
	// damaged.
	ErrCacheDamaged = errors.New("the local cache is damaged")
)

// FaultOf returns the fault err is, "" when it is none of them.
func FaultOf(err error) Fault {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrCacheDamaged):
		return FaultCacheDamaged
	case errors.Is(err, ErrDiskFull):
		return FaultDiskFull
	case errors.Is(err, ErrUnreachable):
		return FaultUnreachable
	case ErrorCode(err) == CodeUnavailable:
		return FaultServerUnavailable
	}
	return ""
}

// CacheProblem is why a cache file was replaced.
type CacheProblem string

// The problems that make a cache file replaced.
const (
	CacheEmpty      CacheProblem = "empty"      // an empty file
	CacheNotSQLite  CacheProblem = "not_sqlite" // not an SQLite database (or its header is damaged)
	CacheForeign    CacheProblem = "foreign"    // another program's database
	CacheIncomplete CacheProblem = "incomplete" // its schema was never finished
	CacheTruncated  CacheProblem = "truncated"  // shorter than its header says
	CacheDamaged    CacheProblem = "damaged"    // SQLite found damaged pages
	CacheElsewhere  CacheProblem = "replaced"   // another process replaced it
)

// CacheRecovery tells how a cache file was replaced by a fresh one: why,
// where the old file went, and what of its outbox was kept. The fresh
// cache has no feed cursor, so the next sync fills it again.
type CacheRecovery struct {
	Problem CacheProblem `json:"problem"`
	// Detail is the technical cause (SQLite's words), for logs.
	Detail string `json:"detail,omitempty"`
	// MovedTo is the path the old file was renamed to.
	MovedTo string `json:"moved_to"`
	// Saved counts the queued operations (decisions, notes, messages)
	// put back into the fresh cache; Lost those seen in the old file
	// but not readable whole.
	Saved int `json:"saved"`
	Lost  int `json:"lost"`
	// At is when the file was replaced.
	At time.Time `json:"at"`
}
