-- deliveries keeps, per request, the mails and webhook calls the server
-- sends because of its events, as the server last listed them
-- (GET /requests/{id}/deliveries, fetched when the reviewer opens the
-- request online), so that the history shows them offline too. body is
-- the JSON list of instruct.Delivery; fetched_at when it was read (Unix
-- microseconds).
CREATE TABLE deliveries (
    request    INTEGER PRIMARY KEY,
    body       TEXT    NOT NULL,
    fetched_at INTEGER NOT NULL
);
