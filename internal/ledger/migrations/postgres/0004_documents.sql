-- Documents attached to requests. blobs holds each file's bytes once,
-- named by their SHA-256, with what text extraction found in them;
-- documents holds each attachment: its request and its blob. A blob is
-- deleted with the last document that names it.
CREATE TABLE blobs (
    sha256       TEXT    PRIMARY KEY,
    content_type TEXT    NOT NULL,
    size         BIGINT  NOT NULL,
    pages        INTEGER NOT NULL,
    text_state   TEXT    NOT NULL,
    text         TEXT    NOT NULL,
    bytes        BYTEA   NOT NULL
);

CREATE TABLE documents (
    id             TEXT    PRIMARY KEY,
    request_number BIGINT  NOT NULL REFERENCES requests (number),
    sha256         TEXT    NOT NULL REFERENCES blobs (sha256),
    size           BIGINT  NOT NULL,
    created_at     BIGINT  NOT NULL
);
CREATE INDEX documents_request ON documents (request_number);
CREATE INDEX documents_sha256 ON documents (sha256);
