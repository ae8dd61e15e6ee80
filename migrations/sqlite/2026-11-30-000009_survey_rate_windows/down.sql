DROP INDEX survey_rate_windows_start;
DROP TABLE survey_rate_windows;
