-- document_texts holds the text of the documents a reviewer opened: it is
-- fetched from the server when first read, then read from here, offline
-- too. Their metadata travels with the requests (request_bodies). A row
-- goes with its request (the cascade), and with every request when the
-- feed is pulled again from the start (ResetFeed): a reviewer who lost
-- the right to see a request keeps none of its documents.
CREATE TABLE document_texts (
    request    INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    id         TEXT    NOT NULL,      -- the document's ID
    sha256     TEXT    NOT NULL,      -- of the file the text comes from
    text       TEXT    NOT NULL,
    cut        INTEGER NOT NULL,      -- 1: the text's beginning only
    fetched_at INTEGER NOT NULL,      -- Unix microseconds
    PRIMARY KEY (request, id)
);
