-- The first schema of the client's cache.

-- requests holds what the queue needs of each cached request, narrow so that
-- listing 100,000 of them reads little; the full JSON is in request_bodies.
-- status is the server's; shown_status and op_state lay the reviewer's open
-- operations over it and are kept up to date with the outbox. The queue is
-- filtered and sorted in memory (see snapshot.go), so no index serves it:
-- indexes would only slow the first sync down.
CREATE TABLE requests (
    id              INTEGER PRIMARY KEY,  -- the number of "D1042"
    definition      TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    shown_status    TEXT    NOT NULL,
    op_state        TEXT    NOT NULL DEFAULT '',
    version         INTEGER NOT NULL,
    title           TEXT    NOT NULL,
    org_name        TEXT    NOT NULL,
    org_key         TEXT    NOT NULL,     -- org_name folded for sorting
    siret           TEXT    NOT NULL,
    applicant_email TEXT    NOT NULL,
    scopes          TEXT    NOT NULL,     -- scope IDs, space separated
    submitted_at    INTEGER,              -- Unix microseconds, NULL if never submitted
    age_key         INTEGER NOT NULL,     -- submitted_at, never-submitted last
    updated_at      INTEGER NOT NULL      -- Unix microseconds
);

CREATE TABLE request_bodies (
    id   INTEGER PRIMARY KEY REFERENCES requests (id) ON DELETE CASCADE,
    body BLOB    NOT NULL                 -- instruct.Request as JSON
);

CREATE TABLE events (
    seq     INTEGER PRIMARY KEY,          -- the server-wide sequence
    request INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    body    BLOB    NOT NULL              -- instruct.Event as JSON
);
CREATE INDEX events_request ON events (request, seq);

-- search indexes ID, title, organisation, SIRET, applicant e-mail and scope
-- labels; its rowid is the request's number.
CREATE VIRTUAL TABLE search USING fts5 (
    doc,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1'
);

CREATE TABLE definitions (
    id       TEXT    PRIMARY KEY,
    position INTEGER NOT NULL,
    body     BLOB    NOT NULL             -- instruct.Definition as JSON
);

-- meta holds the feed cursor, the signed-in user and the search labels'
-- fingerprint. The schema version is PRAGMA user_version.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
);

-- outbox holds the reviewer's operations; it has no foreign key to requests
-- because it outlives them (ResetFeed, a fresh cache after a broken one).
CREATE TABLE outbox (
    id           TEXT    PRIMARY KEY,     -- UUIDv7, the Idempotency-Key
    request      INTEGER NOT NULL,
    kind         TEXT    NOT NULL,
    comment      TEXT    NOT NULL,
    base_version INTEGER NOT NULL,
    state        TEXT    NOT NULL,
    reason       TEXT    NOT NULL DEFAULT '',
    conflict     BLOB,                    -- instruct.StaleError as JSON
    created_at   INTEGER NOT NULL,        -- Unix microseconds
    updated_at   INTEGER NOT NULL
);
CREATE INDEX outbox_request ON outbox (request, created_at);
CREATE INDEX outbox_state ON outbox (state, created_at);
