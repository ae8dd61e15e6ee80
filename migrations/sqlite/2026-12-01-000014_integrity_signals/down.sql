DROP TABLE address_days;
DROP TABLE kiosk_hours;
ALTER TABLE responses DROP COLUMN flag;
