-- A tablet at an agency's counter where citizens answer by typing the survey code printed on
-- their receipt. The device holds a long-lived credential (shown once at enrolment); only its
-- keyed hash is kept. A revoked kiosk is refused at once.
CREATE TABLE kiosks (
    id INTEGER PRIMARY KEY NOT NULL,
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    name TEXT NOT NULL,
    credential_hash BLOB NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
-- Wrong codes typed at a kiosk, for its rate limit: when, and nothing of what was typed.
-- Forgotten once older than the limit's window.
CREATE TABLE kiosk_failures (
    id INTEGER PRIMARY KEY NOT NULL,
    kiosk_id INTEGER NOT NULL REFERENCES kiosks (id),
    at TIMESTAMP NOT NULL
);
CREATE INDEX kiosk_failures_kiosk ON kiosk_failures (kiosk_id, at);
-- The survey code printed on a receipt (digits, for a kiosk's keypad and a paper form) is
-- derived from the link's token; the invitation keeps a keyed hash of it, as of the token, so
-- a copy of the database can neither read nor rebuild it. Empty for invitations issued before.
ALTER TABLE invitations ADD COLUMN code_hash BLOB;
CREATE INDEX invitations_code ON invitations (code_hash);
-- How a response was given: `link` (a message or the receipt's QR code), `kiosk` (the counter's
-- tablet) or `paper`. Like the channel, it says how, not who.
ALTER TABLE responses ADD COLUMN mode TEXT NOT NULL DEFAULT 'link';
-- A returned paper form as entered by staff, waiting for a second entry by someone else (or,
-- when the two differ, for a third person's decision). The entry (survey code, answers,
-- comment) is sealed under the server secret; `form_key` is a keyed hash of the code under a
-- purpose of its own, so a copy of the database cannot join an entry to its invitation. Both
-- entries are deleted when the form's response is stored.
CREATE TABLE paper_entries (
    id INTEGER PRIMARY KEY NOT NULL,
    form_key BLOB NOT NULL,
    entered_by INTEGER NOT NULL REFERENCES users (id),
    sealed BLOB NOT NULL,
    state TEXT NOT NULL,
    entered_at TIMESTAMP NOT NULL
);
CREATE INDEX paper_entries_form ON paper_entries (form_key);
