-- Habilitations: what approvals issued, as the change feed brings them
-- (every habilitation of a request in each of its items), and what the
-- reviewer revokes or transfers offline.
--
-- seq is the feed position of the item that brought the row: a later item
-- replaces it, an earlier one (a page applied again) does not. doc is the
-- text the habilitations view searches, folded like the queue's sort keys.
CREATE TABLE habilitations (
    id              INTEGER PRIMARY KEY,  -- the number of "H2041"
    request         INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    definition      TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    version         INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    siret           TEXT    NOT NULL,
    org_name        TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,     -- Unix microseconds
    doc             TEXT    NOT NULL,
    body            BLOB    NOT NULL      -- instruct.Habilitation as JSON
);
CREATE INDEX habilitations_status ON habilitations (status, id);
CREATE INDEX habilitations_definition ON habilitations (definition, id);
CREATE INDEX habilitations_siret ON habilitations (siret, id);
CREATE INDEX habilitations_request ON habilitations (request, id);

-- The organisation's history beside a request: its other requests.
CREATE INDEX requests_siret ON requests (siret);

-- habilitation names the habilitation a revoke revokes (0: the whole
-- request); target the e-mail a transfer gives the request to.
ALTER TABLE outbox ADD COLUMN habilitation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN target       TEXT    NOT NULL DEFAULT '';

-- The requests were cached without their habilitations: pull everything
-- again (the outbox stays).
DELETE FROM meta WHERE key = 'cursor';
