-- Deliveries: the outbox of the mails and webhook calls that events
-- cause, the webhooks of each definition, and the reviewers' choice of
-- the mails they receive.

-- webhooks are the subscribers of a definition's events. secret signs
-- each call's body (HMAC-SHA256); events lists the kinds sent, by commas.
CREATE TABLE webhooks (
    id         TEXT    PRIMARY KEY,
    definition TEXT    NOT NULL,
    url        TEXT    NOT NULL,
    events     TEXT    NOT NULL,
    secret     TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX webhooks_definition ON webhooks (definition);

-- deliveries is the outbox, written in the transaction of the event that
-- causes each row. A mail names its recipient and their role (applicant,
-- former_applicant, instructor); a webhook call its webhook, and body
-- keeps the bytes of its first attempt so that every retry sends the
-- same. lease is the token of the worker sending it until lease_until.
CREATE TABLE deliveries (
    id              TEXT    PRIMARY KEY,
    request_number  INTEGER NOT NULL,
    event_seq       INTEGER NOT NULL,
    channel         TEXT    NOT NULL,
    webhook_id      TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,
    role            TEXT    NOT NULL,
    target          TEXT    NOT NULL,
    body            TEXT,
    status          TEXT    NOT NULL,
    attempts        INTEGER NOT NULL,
    last_status     INTEGER NOT NULL,
    last_error      TEXT    NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    lease           TEXT    NOT NULL,
    lease_until     INTEGER NOT NULL,
    delivered_at    INTEGER,
    created_at      INTEGER NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_request ON deliveries (request_number, event_seq);

-- notification_prefs holds a reviewer's choice of mails per definition;
-- no row means they receive them.
CREATE TABLE notification_prefs (
    user_id    TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    definition TEXT    NOT NULL,
    enabled    INTEGER NOT NULL,
    PRIMARY KEY (user_id, definition)
);
