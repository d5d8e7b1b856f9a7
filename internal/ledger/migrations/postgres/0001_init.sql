-- The server's ledger on PostgreSQL: the SQLite schema in PostgreSQL's
-- types. Requests, their hash-chained events, the one server-wide
-- sequence, idempotency records, users and their credentials.

-- seq is a single row: n is the last seq assigned, head the hash of the
-- last event of the chain. Every write transaction updates it, which
-- orders writers and makes seqs commit in order.
CREATE TABLE seq (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    n    BIGINT NOT NULL,
    head TEXT    NOT NULL
);
INSERT INTO seq (id, n, head) VALUES (1, 0, '');

-- requests holds each request's latest state as JSON (body) with the
-- columns queries filter on. seq is the seq of its last event; search the
-- lower-cased text that free-text queries match.
CREATE TABLE requests (
    number     BIGINT PRIMARY KEY,
    definition TEXT    NOT NULL,
    status     TEXT    NOT NULL,
    version    BIGINT NOT NULL,
    created_by TEXT    NOT NULL,
    seq        BIGINT NOT NULL,
    search     TEXT    NOT NULL,
    body       TEXT    NOT NULL
);
CREATE UNIQUE INDEX requests_seq ON requests (seq);
CREATE INDEX requests_definition_seq ON requests (definition, seq);
CREATE INDEX requests_created_by_seq ON requests (created_by, seq);

-- events is the append-only log. body is the canonical JSON of the event
-- that hash covers: hash = SHA-256(prev_hash || body). version is the
-- request's version once the event was applied.
CREATE TABLE events (
    seq            BIGINT PRIMARY KEY,
    request_number BIGINT NOT NULL REFERENCES requests (number),
    kind           TEXT    NOT NULL,
    version        BIGINT NOT NULL,
    at             BIGINT NOT NULL,
    prev_hash      TEXT    NOT NULL,
    hash           TEXT    NOT NULL,
    body           TEXT    NOT NULL
);
CREATE INDEX events_request_seq ON events (request_number, seq);

-- purge_receipts keeps, for each retention purge, the last seq and hash it
-- removed, so the rest of the chain still verifies.
CREATE TABLE purge_receipts (
    last_seq  BIGINT PRIMARY KEY,
    last_hash TEXT    NOT NULL,
    purged    BIGINT NOT NULL,
    purged_at BIGINT NOT NULL
);

-- idempotency remembers the outcome of each keyed mutation.
CREATE TABLE idempotency (
    key            TEXT    PRIMARY KEY,
    fingerprint    TEXT    NOT NULL,
    request_number BIGINT NOT NULL,
    outcome        TEXT    NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX idempotency_created_at ON idempotency (created_at);

CREATE TABLE users (
    id         TEXT    PRIMARY KEY,
    name       TEXT    NOT NULL,
    email      TEXT    NOT NULL,
    email_key  TEXT    NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE grants (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    definition TEXT NOT NULL,
    role       TEXT NOT NULL,
    PRIMARY KEY (user_id, definition, role)
);

-- tokens stores only the SHA-256 of each API token.
CREATE TABLE tokens (
    hash       BYTEA   PRIMARY KEY,
    user_id    TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
CREATE INDEX tokens_user ON tokens (user_id);

CREATE TABLE ssh_keys (
    fingerprint TEXT    PRIMARY KEY,
    user_id     TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    public_key  TEXT    NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX ssh_keys_user ON ssh_keys (user_id);
