-- What an agency did about a released comment: "noted" or "acted on", with a short note the
-- province reads. One mark per comment (the latest wins); the response row is not touched.
CREATE TABLE comment_marks (
    response_id TEXT PRIMARY KEY NOT NULL REFERENCES responses (id),
    status TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    marked_by INTEGER NOT NULL REFERENCES users (id),
    marked_at TIMESTAMP NOT NULL
);
-- A citizen's request for help, filed from the thank-you page: kept apart from the score, with
-- no reference to a response, dossier or invitation. The problem and the contact are sealed
-- (AES-GCM under the server secret); the contact is erased 30 days after the answer. Staff see
-- a request once it is released (with the responses, like comments); `grant_key` (a keyed hash
-- of the thank-you page's one-time grant) keeps one request per grant.
CREATE TABLE followups (
    id INTEGER PRIMARY KEY NOT NULL,
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    grant_key BLOB NOT NULL UNIQUE,
    problem_sealed BLOB NOT NULL,
    contact_sealed BLOB,
    language TEXT NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    released_at TIMESTAMP,
    due_on DATE,
    status TEXT NOT NULL,
    answer TEXT,
    answered_at TIMESTAMP,
    answered_by INTEGER REFERENCES users (id),
    reply_key BLOB UNIQUE,
    reply_attempts INTEGER NOT NULL DEFAULT 0,
    reply_next_at TIMESTAMP,
    reply_claimed_until TIMESTAMP,
    reply_sent_at TIMESTAMP,
    reply_error TEXT,
    rating INTEGER,
    rated_at TIMESTAMP
);
CREATE INDEX followups_agency ON followups (agency_id, released_at);
CREATE INDEX followups_replies ON followups (reply_sent_at, reply_next_at);
