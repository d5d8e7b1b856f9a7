-- habilitations holds what each approval issued: a frozen copy of the
-- request as approved (body, the JSON the API serves), with the columns
-- lists filter on. Its number is the H-number of its ID; version grows
-- on every change (obsolete, revoked, transferred, token delivered).
CREATE TABLE habilitations (
    number         BIGINT PRIMARY KEY,
    request_number BIGINT NOT NULL REFERENCES requests (number),
    definition     TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    siret          TEXT    NOT NULL,
    version        BIGINT NOT NULL,
    body           TEXT    NOT NULL
);
CREATE INDEX habilitations_request ON habilitations (request_number, number);
CREATE INDEX habilitations_definition ON habilitations (definition, number);
CREATE INDEX habilitations_siret ON habilitations (siret, status, definition);
