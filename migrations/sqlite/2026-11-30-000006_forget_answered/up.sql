-- The invitation no longer records that (or when) it was answered: the link is spent through
-- `spent_links`, filled from these columns by the application before this migration runs
-- (src/privacy/upgrade.rs), since only it holds the secret that derives the keys.
ALTER TABLE invitations DROP COLUMN answered_on;
ALTER TABLE invitations DROP COLUMN answered;
