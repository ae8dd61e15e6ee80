-- Anonymity that survives a copy of the database (docs/PRIVACY.md). A submission no longer
-- writes anything that names its invitation or dossier: it spends the link through a keyed hash
-- that the database alone cannot join to an invitation, and holds the response sealed until a
-- release makes a batch of them visible to staff.

-- A spent survey link: a keyed hash of its token (not joinable to `invitations` without the
-- server secret) and the quarter the response carries anyway, so that rows can be purged once
-- every invitation of that quarter is gone.
CREATE TABLE spent_links (
    token_key BLOB PRIMARY KEY NOT NULL,
    quarter TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX spent_links_quarter ON spent_links (quarter);

-- Responses stored but not yet released to staff: AES-256-GCM under a key derived from the
-- server secret, under a random id. Nothing readable without the secret.
CREATE TABLE held_responses (
    id BLOB PRIMARY KEY NOT NULL,
    sealed BLOB NOT NULL
) WITHOUT ROWID;

-- Each release of held responses to staff: when, and how many (0 for the first, which only
-- starts the daily clock).
CREATE TABLE releases (
    id INTEGER PRIMARY KEY NOT NULL,
    released_at TIMESTAMP NOT NULL,
    responses INTEGER NOT NULL
);

-- Responses that could never be stored with at least k invitations sharing their description
-- (the quarter ended and every invitation of their cell expired): dropped, counted here.
CREATE TABLE withheld_responses (
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    quarter TEXT NOT NULL,
    responses INTEGER NOT NULL,
    PRIMARY KEY (agency_id, quarter)
);

-- The per-identity daily limit of verified surveys: a keyed hash of the applicant (not the
-- dossier's `applicant_hash`, so not joinable to a dossier without the secret), a day, a count.
CREATE TABLE eid_daily_counts (
    identity_key BLOB NOT NULL,
    day DATE NOT NULL,
    answered INTEGER NOT NULL,
    PRIMARY KEY (identity_key, day)
) WITHOUT ROWID;

-- Responses, rebuilt: the procedure may be generalised to its field, or beyond, so that at
-- least k invitations share every stored description (agency, procedure, applicant kind,
-- channel, quarter); `released_in` is the release that made the response visible (0: stored
-- before releases existed). Answers are rebuilt with them (SQLite cannot drop a NOT NULL from a
-- column, and a parent table cannot be dropped under its children).
CREATE TABLE responses_v2 (
    id TEXT PRIMARY KEY NOT NULL,
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    procedure_id INTEGER REFERENCES procedures (id),
    procedure_field TEXT,
    applicant_kind TEXT NOT NULL CHECK (applicant_kind IN ('citizen', 'business')),
    channel TEXT NOT NULL CHECK (channel IN ('online', 'counter', 'postal')),
    quarter TEXT NOT NULL,
    questionnaire_version TEXT NOT NULL REFERENCES questionnaires (version),
    comment TEXT,
    released_in INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO responses_v2
    SELECT r.id, r.agency_id, r.procedure_id, p.field, r.applicant_kind, r.channel, r.quarter,
           r.questionnaire_version, r.comment, 0
    FROM responses r JOIN procedures p ON p.id = r.procedure_id;
CREATE TABLE answers_v2 (
    response_id TEXT NOT NULL REFERENCES responses_v2 (id),
    item_code TEXT NOT NULL,
    value INTEGER NOT NULL CHECK (value BETWEEN 0 AND 5),
    PRIMARY KEY (response_id, item_code)
) WITHOUT ROWID;
INSERT INTO answers_v2 SELECT response_id, item_code, value FROM answers;
DROP TABLE answers;
DROP TABLE responses;
ALTER TABLE responses_v2 RENAME TO responses;
ALTER TABLE answers_v2 RENAME TO answers;
CREATE INDEX responses_agency_quarter ON responses (agency_id, quarter);
CREATE INDEX responses_release ON responses (released_in);

-- Erased when the invitation expires (answered or not): the salt that rebuilds the link, the
-- applicant's keyed hash. SQLite drops NOT NULL by moving the column.
ALTER TABLE invitations ADD COLUMN salt_kept BLOB;
UPDATE invitations SET salt_kept = token_salt;
ALTER TABLE invitations DROP COLUMN token_salt;
ALTER TABLE invitations RENAME COLUMN salt_kept TO token_salt;
CREATE INDEX invitations_expiry ON invitations (expires_at);

DROP INDEX dossiers_applicant;
ALTER TABLE dossiers ADD COLUMN applicant_kept BLOB;
UPDATE dossiers SET applicant_kept = applicant_hash;
ALTER TABLE dossiers DROP COLUMN applicant_hash;
ALTER TABLE dossiers RENAME COLUMN applicant_kept TO applicant_hash;
CREATE INDEX dossiers_applicant ON dossiers (applicant_hash);

-- The census (METHODOLOGY §7) reads whether a dossier was invited from the dossier itself, so
-- that an invitation can be purged past the retention period without changing the census.
ALTER TABLE dossiers ADD COLUMN invited BOOLEAN NOT NULL DEFAULT 0;
UPDATE dossiers SET invited = 1 WHERE id IN (SELECT dossier_id FROM invitations);

-- The API client that sent the dossier: only it may look the dossier up again (QR code, link).
ALTER TABLE dossiers ADD COLUMN submitted_by INTEGER REFERENCES api_clients (id);

-- E-ID sign-ins name their invitation only sealed (AES-256-GCM under the server secret), so the
-- submission may delete the row without naming the invitation. Sign-ins in flight are dropped:
-- they last minutes, and the citizen signs in again.
DROP TABLE eid_sign_ins;
CREATE TABLE eid_sign_ins (
    key_hash BLOB PRIMARY KEY NOT NULL,
    invitation_sealed BLOB NOT NULL,
    state_hash BLOB NOT NULL,
    nonce TEXT,
    pkce_verifier TEXT,
    verified BOOLEAN NOT NULL DEFAULT FALSE,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX eid_sign_ins_expiry ON eid_sign_ins (expires_at);
