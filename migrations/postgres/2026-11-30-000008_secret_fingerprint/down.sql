DROP TABLE secret_fingerprint;
