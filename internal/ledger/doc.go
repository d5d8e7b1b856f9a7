// Package ledger is the server's database: requests in their latest state,
// the append-only, hash-chained event log that traces them, the one
// server-wide change sequence the change feed is paged by, idempotency
// records, users with their roles, API token hashes and SSH keys, and the
// outbox of the mails and webhook calls events cause.
//
// A Ledger implements the server's Storage interface. It runs on an
// embedded SQLite file (Open) or on PostgreSQL (OpenPostgres), where
// several server instances may share one database; the SQL that differs
// between engines lives in a dialect, and both pass one conformance suite.
//
// Every write transaction begins by reading the seq counter row under the
// write lock (BEGIN IMMEDIATE on SQLite, SELECT … FOR UPDATE on
// PostgreSQL) and writes it back before it commits, so seqs commit in the
// order they are assigned and no reader ever sees seq 11 before seq 10.
// Decisions and new requests are written by group commit: the writes
// waiting share one transaction and one durable commit (synchronous=FULL
// on SQLite), and each is acknowledged only once that commit is done.
// On PostgreSQL, the writes of one decision go as one statement, since
// each round trip is made holding the seq counter's lock.
//
// On PostgreSQL, a transaction that assigns seqs also notifies the
// channel instruct_changes ("schema:last seq"), which PostgreSQL delivers
// at commit; each ledger listens on one connection of its own, so that
// Changed tells a server at once of the changes other instances commit.
//
// The deliveries outbox (outbox.go, deliveries.go) is written by Apply in
// the transaction of the event that causes each delivery: the mails of
// the event when the ledger sends mail (WithMail), and a call of each
// webhook of the request's definition subscribed to its kind. A worker
// (internal/deliver) claims due deliveries for a while (a lease; on
// PostgreSQL picked FOR UPDATE SKIP LOCKED), so that instances sharing a
// database never send one at the same time, and records each attempt.
//
// Errors carry instruct codes (not_found, stale_version,
// idempotency_key_reused, invalid) and never personal data: requests are
// named by their IDs only.
package ledger
