-- Who is on each request, and what the queue marks.
--
-- seq is the feed position of the cached state: a claim or a note leaves
-- the version as it is, so a newer state is one with a higher version or,
-- at the same version, a higher seq. claim_* is who holds the request as
-- the reviewer sees it (the server's claim, with their own claim or
-- release waiting to sync laid over, like shown_status). applicant_id is
-- the creator named by the create event, which tells an applicant's
-- message from a reviewer's. decision_* is the latest decision and who
-- made it; note_seq and message_seq the latest internal note and the
-- latest applicant message; seen_seq the last event the reviewer saw
-- when opening the request: messages after it are unread.
ALTER TABLE requests ADD COLUMN seq          INTEGER NOT NULL DEFAULT 0;
ALTER TABLE requests ADD COLUMN claim_id     TEXT    NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN claim_name   TEXT    NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN claim_at     INTEGER;               -- Unix microseconds
ALTER TABLE requests ADD COLUMN applicant_id TEXT    NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN decision_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE requests ADD COLUMN decider_id   TEXT    NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN decider_name TEXT    NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN decision_at  INTEGER;               -- Unix microseconds
ALTER TABLE requests ADD COLUMN note_seq     INTEGER NOT NULL DEFAULT 0;
ALTER TABLE requests ADD COLUMN message_seq  INTEGER NOT NULL DEFAULT 0;
ALTER TABLE requests ADD COLUMN seen_seq     INTEGER NOT NULL DEFAULT 0;

-- force takes or ends another reviewer's claim (claims and releases).
ALTER TABLE outbox ADD COLUMN force INTEGER NOT NULL DEFAULT 0;

-- The rows above were cached without what these columns derive from the
-- events: pull everything again (the outbox stays).
DELETE FROM meta WHERE key = 'cursor';
