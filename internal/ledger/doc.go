// Package ledger is the server's database: requests in their latest state,
// the append-only, hash-chained event log that traces them, the one
// server-wide change sequence the change feed is paged by, idempotency
// records, and users with their roles, API token hashes and SSH keys.
//
// A Ledger implements the server's Storage interface. It runs on an
// embedded SQLite file (Open); the SQL that differs between engines lives
// in a dialect, so a PostgreSQL dialect plugs in without changing callers.
// Every write runs in one transaction that first takes the write lock
// (BEGIN IMMEDIATE on SQLite; the seq counter row on PostgreSQL), so seqs
// commit in the order they are assigned and no reader ever sees seq 11
// before seq 10.
//
// Errors carry instruct codes (not_found, stale_version,
// idempotency_key_reused, invalid) and never personal data: requests are
// named by their IDs only.
package ledger
