-- Anonymity that survives a copy of the database (docs/PRIVACY.md). A submission no longer
-- writes anything that names its invitation or dossier: it spends the link through a keyed hash
-- that the database alone cannot join to an invitation, and holds the response sealed until a
-- release makes a batch of them visible to staff.

-- A spent survey link: a keyed hash of its token (not joinable to `invitations` without the
-- server secret) and the quarter the response carries anyway, so that rows can be purged once
-- every invitation of that quarter is gone.
CREATE TABLE spent_links (
    token_key BYTEA PRIMARY KEY NOT NULL,
    quarter TEXT NOT NULL
);
CREATE INDEX spent_links_quarter ON spent_links (quarter);

-- Responses stored but not yet released to staff: AES-256-GCM under a key derived from the
-- server secret, under a random id. Nothing readable without the secret.
CREATE TABLE held_responses (
    id BYTEA PRIMARY KEY NOT NULL,
    sealed BYTEA NOT NULL
);

-- Each release of held responses to staff: when, and how many (0 for the first, which only
-- starts the daily clock).
CREATE TABLE releases (
    id SERIAL PRIMARY KEY,
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
    identity_key BYTEA NOT NULL,
    day DATE NOT NULL,
    answered INTEGER NOT NULL,
    PRIMARY KEY (identity_key, day)
);

-- The procedure may be generalised to its field, or beyond, so that at least k invitations
-- share every stored description (agency, procedure, applicant kind, channel, quarter);
-- `released_in` is the release that made the response visible (0: stored before releases).
ALTER TABLE responses ALTER COLUMN procedure_id DROP NOT NULL;
ALTER TABLE responses ADD COLUMN procedure_field TEXT;
UPDATE responses SET procedure_field = p.field FROM procedures p WHERE p.id = responses.procedure_id;
ALTER TABLE responses ADD COLUMN released_in INTEGER NOT NULL DEFAULT 0;
ALTER TABLE responses ALTER COLUMN released_in DROP DEFAULT;
CREATE INDEX responses_release ON responses (released_in);

-- Erased when the invitation expires (answered or not): the salt that rebuilds the link, the
-- applicant's keyed hash.
ALTER TABLE invitations ALTER COLUMN token_salt DROP NOT NULL;
CREATE INDEX invitations_expiry ON invitations (expires_at);
ALTER TABLE dossiers ALTER COLUMN applicant_hash DROP NOT NULL;

-- The census (METHODOLOGY §7) reads whether a dossier was invited from the dossier itself, so
-- that an invitation can be purged past the retention period without changing the census.
ALTER TABLE dossiers ADD COLUMN invited BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE dossiers SET invited = TRUE WHERE id IN (SELECT dossier_id FROM invitations);

-- The API client that sent the dossier: only it may look the dossier up again (QR code, link).
ALTER TABLE dossiers ADD COLUMN submitted_by INTEGER REFERENCES api_clients (id);

-- E-ID sign-ins name their invitation only sealed (AES-256-GCM under the server secret), so the
-- submission may delete the row without naming the invitation. Sign-ins in flight are dropped:
-- they last minutes, and the citizen signs in again.
DROP TABLE eid_sign_ins;
CREATE TABLE eid_sign_ins (
    key_hash BYTEA PRIMARY KEY NOT NULL,
    invitation_sealed BYTEA NOT NULL,
    state_hash BYTEA NOT NULL,
    nonce TEXT,
    pkce_verifier TEXT,
    verified BOOLEAN NOT NULL DEFAULT FALSE,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX eid_sign_ins_expiry ON eid_sign_ins (expires_at);
