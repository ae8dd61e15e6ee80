-- The integrity rule a response broke, if any (`burst`, `too_fast`, `straight_line`,
-- `one_address`: docs/METHODOLOGY.md, "Addition: integrity"); no identity, no time. Flagged
-- responses are left out of the analysis inputs the platform builds.
ALTER TABLE responses ADD COLUMN flag TEXT;
-- Answers a kiosk took per clock hour, for the burst rule; forgotten two hours later.
CREATE TABLE kiosk_hours (
    kiosk_id INTEGER NOT NULL REFERENCES kiosks (id),
    hour TIMESTAMP NOT NULL,
    answered INTEGER NOT NULL,
    PRIMARY KEY (kiosk_id, hour)
);
-- Link answers per client address (a keyed hash, never the address) and day (Vietnam time),
-- for the one-address rule; forgotten the next day.
CREATE TABLE address_days (
    address_key BYTEA NOT NULL,
    day DATE NOT NULL,
    answered INTEGER NOT NULL,
    PRIMARY KEY (address_key, day)
);
