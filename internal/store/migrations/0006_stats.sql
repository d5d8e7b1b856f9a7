-- stat_marks holds, per request, the events the statistics read
-- (stats.Counts: submissions, decisions, the end of a reopening) packed in
-- one blob (see statmarks.go), so that computing the figures of 100,000
-- requests reads 100,000 short rows rather than every event's JSON.
CREATE TABLE stat_marks (
    request    INTEGER PRIMARY KEY,  -- the number of "D1042"
    definition TEXT    NOT NULL,
    marks      BLOB    NOT NULL
);

-- The events cached before it fill it at the next pull: pull everything
-- again (the outbox stays).
DELETE FROM meta WHERE key = 'cursor';
