-- How a citizen reaches the agency about a dossier (its one-stop counter's telephone, say),
-- shown on the survey's thank-you page as the next step. Set by an administrator; empty when
-- not given.
ALTER TABLE agencies ADD COLUMN contact TEXT;
