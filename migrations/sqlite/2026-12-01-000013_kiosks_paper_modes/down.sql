DROP TABLE paper_entries;
ALTER TABLE responses DROP COLUMN mode;
DROP INDEX invitations_code;
ALTER TABLE invitations DROP COLUMN code_hash;
DROP TABLE kiosk_failures;
DROP TABLE kiosks;
