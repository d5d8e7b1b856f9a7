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
// A cache file that is not ours, from an incompatible version or damaged is
// moved aside and replaced by a fresh one at Open, keeping the outbox when
// it can still be read; Recovered says what happened.
package store
