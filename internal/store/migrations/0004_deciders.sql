-- deciders holds the names of the reviewers who made a decision on each
-- request (approve, refuse, request changes, revoke, archive), one a line,
-- so that a search finds the requests someone decided on. The rows cached
-- before it take theirs from the cached events; the search index is then
-- rebuilt with them (the labels' fingerprint gone, Open rebuilds it).
ALTER TABLE requests ADD COLUMN deciders TEXT NOT NULL DEFAULT '';

UPDATE requests SET deciders = COALESCE((
    SELECT group_concat(name, char(10)) FROM (
        SELECT DISTINCT json_extract(CAST(e.body AS TEXT), '$.actor.name') AS name
        FROM events e
        WHERE e.request = requests.id
          AND json_extract(CAST(e.body AS TEXT), '$.kind') IN ('approve', 'refuse', 'request_changes', 'revoke', 'archive')
          AND json_extract(CAST(e.body AS TEXT), '$.actor.name') <> ''
        ORDER BY name)), '');

DELETE FROM meta WHERE key = 'search_labels';
