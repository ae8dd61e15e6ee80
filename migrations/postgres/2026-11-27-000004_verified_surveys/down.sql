DROP TABLE eid_sign_ins;
ALTER TABLE invitations DROP COLUMN answered_on;
ALTER TABLE agencies DROP COLUMN survey_policy;
