ALTER TABLE agencies DROP COLUMN contact;
