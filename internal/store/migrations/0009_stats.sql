-- stat_marks holds the events the statistics read (stats.Counts:
-- submissions, decisions, the end of a reopening) of every request, packed
-- in blobs of 32 consecutive requests each (chunk is the request number
-- divided by 32; see statmarks.go): computing the figures of 100,000
-- requests reads some 3,000 rows rather than every event's JSON.
CREATE TABLE stat_marks (
    chunk INTEGER PRIMARY KEY,
    marks BLOB    NOT NULL
);

-- The events cached before it fill it at the next pull: pull everything
-- again (the outbox stays).
DELETE FROM meta WHERE key = 'cursor';
