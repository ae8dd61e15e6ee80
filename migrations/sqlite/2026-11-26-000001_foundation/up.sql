-- The first form of hailong's data model. See migrations/README.md for the rules.

CREATE TABLE agencies (
    id INTEGER PRIMARY KEY NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('province', 'department', 'district', 'commune')),
    -- what kind of unit within its level: people_committee, department, ward, commune, special_zone, town, city, district
    kind TEXT NOT NULL,
    parent_id INTEGER REFERENCES agencies (id),
    valid_from DATE NOT NULL,
    valid_to DATE,
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX agencies_parent ON agencies (parent_id);

-- A merged or split unit points to the units that took over its work, so its history stays
-- readable and a trend can follow the lineage.
CREATE TABLE agency_successors (
    predecessor_id INTEGER NOT NULL REFERENCES agencies (id),
    successor_id INTEGER NOT NULL REFERENCES agencies (id),
    effective_on DATE NOT NULL,
    PRIMARY KEY (predecessor_id, successor_id),
    CHECK (predecessor_id <> successor_id)
);

CREATE TABLE procedures (
    id INTEGER PRIMARY KEY NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    field TEXT NOT NULL
);

CREATE TABLE dossiers (
    id INTEGER PRIMARY KEY NOT NULL,
    external_id TEXT NOT NULL UNIQUE,
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    procedure_id INTEGER NOT NULL REFERENCES procedures (id),
    applicant_kind TEXT NOT NULL CHECK (applicant_kind IN ('citizen', 'business')),
    channel TEXT NOT NULL CHECK (channel IN ('online', 'counter', 'postal')),
    received_at TIMESTAMP NOT NULL,
    due_at TIMESTAMP NOT NULL,
    completed_at TIMESTAMP NOT NULL,
    -- HMAC-SHA-256 of the normalised ID number under the server secret; never the number itself
    applicant_hash BLOB NOT NULL,
    -- kept only until the invitation is delivered, then erased
    contact_phone TEXT,
    contact_email TEXT,
    created_at TIMESTAMP NOT NULL,
    CHECK (completed_at >= received_at)
);
CREATE INDEX dossiers_agency_completed ON dossiers (agency_id, completed_at);
CREATE INDEX dossiers_applicant ON dossiers (applicant_hash);

-- A questionnaire version is data: its JSON interchange form (METHODOLOGY §1), never edited
-- once a response uses it.
CREATE TABLE questionnaires (
    id INTEGER PRIMARY KEY NOT NULL,
    version TEXT NOT NULL UNIQUE,
    definition TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL
);

CREATE TABLE invitations (
    id INTEGER PRIMARY KEY NOT NULL,
    dossier_id INTEGER NOT NULL UNIQUE REFERENCES dossiers (id),
    -- The token in the link is derived from this salt and the server secret, so that sending
    -- the same dossier again yields the same link; the database alone cannot rebuild it.
    token_salt BLOB NOT NULL,
    -- keyed hash of the token, to find the invitation from a link
    token_hash BLOB NOT NULL UNIQUE,
    questionnaire_id INTEGER NOT NULL REFERENCES questionnaires (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    -- whether a response was stored; deliberately no time, so it cannot be matched to a response
    answered BOOLEAN NOT NULL DEFAULT 0
);

-- A response holds what the analysis needs and nothing that ties it to a dossier, a person
-- or a token: a random id, no exact time. WITHOUT ROWID: no hidden sequential rowid that
-- would reveal the order of submission.
CREATE TABLE responses (
    id TEXT PRIMARY KEY NOT NULL,
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    procedure_id INTEGER NOT NULL REFERENCES procedures (id),
    applicant_kind TEXT NOT NULL CHECK (applicant_kind IN ('citizen', 'business')),
    channel TEXT NOT NULL CHECK (channel IN ('online', 'counter', 'postal')),
    quarter TEXT NOT NULL,
    questionnaire_version TEXT NOT NULL REFERENCES questionnaires (version),
    comment TEXT
) WITHOUT ROWID;
CREATE INDEX responses_agency_quarter ON responses (agency_id, quarter);

CREATE TABLE answers (
    response_id TEXT NOT NULL REFERENCES responses (id),
    item_code TEXT NOT NULL,
    value INTEGER NOT NULL CHECK (value BETWEEN 0 AND 5),
    PRIMARY KEY (response_id, item_code)
) WITHOUT ROWID;

CREATE TABLE users (
    id INTEGER PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('agency', 'province', 'admin')),
    agency_id INTEGER REFERENCES agencies (id),
    disabled BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    CHECK ((role = 'agency') = (agency_id IS NOT NULL))
);

-- Integrators of the one-stop-shop system; the key is shown once and kept only as a hash.
CREATE TABLE api_clients (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    key_hash BLOB NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
