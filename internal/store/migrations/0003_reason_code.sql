-- reason_code is the API error code of a rejected operation (forbidden,
-- invalid…), so the screen says why in the reviewer's language; reason
-- keeps the server's own text, for show and the log.
ALTER TABLE outbox ADD COLUMN reason_code TEXT NOT NULL DEFAULT '';
