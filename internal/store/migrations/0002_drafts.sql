-- drafts holds the comment a reviewer was writing on a request and did not
-- send, one per request. It is the reviewer's own text, not the server's:
-- no foreign key, so a full resync that empties requests keeps it.
CREATE TABLE drafts (
    request  INTEGER PRIMARY KEY,  -- the number of "D1042"
    kind     TEXT    NOT NULL,
    comment  TEXT    NOT NULL,
    saved_at INTEGER NOT NULL      -- Unix microseconds
);
