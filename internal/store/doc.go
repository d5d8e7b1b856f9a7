// Package store is the client's offline cache: one SQLite file per server
// and user holding the requests, their events, the API catalogue, the
// signed-in user, the change-feed cursor, a full-text index, and the outbox
// of decisions, notes and messages the reviewer recorded.
//
// The TUI reads and writes only this cache, so it never waits on the
// network: what it shows is the server's state with the reviewer's open
// operations laid over it. The sync engine pushes the outbox (Pending,
// SetOpState, Accept) and pulls the change feed into it (Cursor, ApplyPage,
// ResetFeed).
//
// The queue (Queue, Counts) is served from an in-memory copy of its light
// rows, loaded once (Warm does it ahead of time) and patched by every write
// of this Store; a write by another process on the same file advances the
// cache's generation and the copy is read again. Searches go through an
// FTS5 index over request ID, title, organisation, SIRET, applicant e-mail
// and scope labels, accents ignored, every word a prefix.
//
// Whatever touches the outbox commits with synchronous=FULL: a recorded
// decision survives a power cut. Feed pages commit atomically with their
// cursor but with synchronous=NORMAL, since the server still has them.
//
// A cache file that is not ours, from an incompatible version, truncated or
// damaged is moved aside and replaced by a fresh one at Open, keeping the
// outbox operations that can still be read; Recovery says what happened.
// Open checks a large file only in part: damage anywhere else shows when
// a call reads it, as a *DamagedError (instruct.ErrCacheDamaged), and Heal
// replaces the file then, once no other process has it open. The outbox
// is salvaged through SQLite, or straight from the file's pages when
// SQLite can't read it (a damaged header or schema). A write that finds
// the disk full is a *DiskFullError (instruct.ErrDiskFull).
// Processes sharing one cache (the TUI, `instruct sync`, `instruct decide`)
// each hold a shared lock on it while open, and Open only judges or moves
// the file when it is alone: read beside another process's checkpoint, a
// healthy file can look truncated.
package store
