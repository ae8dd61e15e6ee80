-- The survey rate limit shared by every instance on PostgreSQL (on SQLite, one instance keeps
-- it in memory and this table stays empty): requests per client and minute. The client is a
-- keyed hash of its address (never the address), and a window is forgotten two minutes after
-- it ends (src/services/privacy/retention.rs).
CREATE TABLE survey_rate_windows (
    client_key BLOB NOT NULL,
    window_start TIMESTAMP NOT NULL,
    requests INTEGER NOT NULL,
    PRIMARY KEY (client_key, window_start)
);
CREATE INDEX survey_rate_windows_start ON survey_rate_windows (window_start);
