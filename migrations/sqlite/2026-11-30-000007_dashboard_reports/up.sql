-- Dashboards that never make a viewer wait (issue #14). Their numbers are computed in the
-- background, one period at a time, stored here, and recomputed only when the data a period
-- rests on changed. "Changed" is counted by the database itself, in the writing transaction,
-- so that no write path (API, CLI, release, admin page) can forget to say so.

-- Change counters of the data the method reads: per quarter (responses by their quarter,
-- dossiers by the quarter of their completion in Vietnam time), and '*' for what every period
-- rests on (agencies, procedures, questionnaires). A quarter's counter is the sum over its
-- shards: the shards spread concurrent writers over 16 rows (PostgreSQL holds a row lock until
-- commit), and since every shard only grows, the sum changes whenever any of them does.
CREATE TABLE data_revisions (
    quarter TEXT NOT NULL,
    shard INTEGER NOT NULL,
    revision BIGINT NOT NULL,
    PRIMARY KEY (quarter, shard)
);

INSERT INTO data_revisions (quarter, shard, revision)
SELECT DISTINCT quarter, 0, 1 FROM responses WHERE true
ON CONFLICT (quarter, shard) DO NOTHING;
INSERT INTO data_revisions (quarter, shard, revision)
SELECT DISTINCT strftime('%Y', completed_at, '+7 hours') || '-Q'
    || ((CAST(strftime('%m', completed_at, '+7 hours') AS INTEGER) + 2) / 3), 0, 1
FROM dossiers WHERE true
ON CONFLICT (quarter, shard) DO NOTHING;
INSERT INTO data_revisions (quarter, shard, revision) VALUES ('*', 0, 1);

CREATE TRIGGER responses_revise_insert AFTER INSERT ON responses BEGIN
    INSERT INTO data_revisions (quarter, shard, revision) VALUES (NEW.quarter, 0, 1)
    ON CONFLICT (quarter, shard) DO UPDATE SET revision = revision + 1;
END;
CREATE TRIGGER responses_revise_update
AFTER UPDATE OF agency_id, procedure_id, procedure_field, applicant_kind, channel, quarter,
    questionnaire_version ON responses BEGIN
    INSERT INTO data_revisions (quarter, shard, revision) VALUES (OLD.quarter, 0, 1)
    ON CONFLICT (quarter, shard) DO UPDATE SET revision = revision + 1;
    INSERT INTO data_revisions (quarter, shard, revision) VALUES (NEW.quarter, 0, 1)
    ON CONFLICT (quarter, shard) DO UPDATE SET revision = revision + 1;
END;
CREATE TRIGGER responses_revise_delete AFTER DELETE ON responses BEGIN
    INSERT INTO data_revisions (quarter, shard, revision) VALUES (OLD.quarter, 0, 1)
    ON CONFLICT (quarter, shard) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER dossiers_revise_insert AFTER INSERT ON dossiers BEGIN
    INSERT INTO data_revisions (quarter, shard, revision)
    VALUES (strftime('%Y', NEW.completed_at, '+7 hours') || '-Q'
        || ((CAST(strftime('%m', NEW.completed_at, '+7 hours') AS INTEGER) + 2) / 3), 0, 1)
    ON CONFLICT (quarter, shard) DO UPDATE SET revision = revision + 1;
END;
CREATE TRIGGER dossiers_revise_update
AFTER UPDATE OF external_id, agency_id, procedure_id, applicant_kind, channel, received_at,
    due_at, completed_at, invited ON dossiers BEGIN
    INSERT INTO data_revisions (quarter, shard, revision)
    VALUES (strftime('%Y', OLD.completed_at, '+7 hours') || '-Q'
        || ((CAST(strftime('%m', OLD.completed_at, '+7 hours') AS INTEGER) + 2) / 3), 0, 1)
    ON CONFLICT (quarter, shard) DO UPDATE SET revision = revision + 1;
    INSERT INTO data_revisions (quarter, shard, revision)
    VALUES (strftime('%Y', NEW.completed_at, '+7 hours') || '-Q'
        || ((CAST(strftime('%m', NEW.completed_at, '+7 hours') AS INTEGER) + 2) / 3), 0, 1)
    ON CONFLICT (quarter, shard) DO UPDATE SET revision = revision + 1;
END;
CREATE TRIGGER dossiers_revise_delete AFTER DELETE ON dossiers BEGIN
    INSERT INTO data_revisions (quarter, shard, revision)
    VALUES (strftime('%Y', OLD.completed_at, '+7 hours') || '-Q'
        || ((CAST(strftime('%m', OLD.completed_at, '+7 hours') AS INTEGER) + 2) / 3), 0, 1)
    ON CONFLICT (quarter, shard) DO UPDATE SET revision = revision + 1;
END;

CREATE TRIGGER agencies_revise_insert AFTER INSERT ON agencies BEGIN
    UPDATE data_revisions SET revision = revision + 1 WHERE quarter = '*' AND shard = 0;
END;
CREATE TRIGGER agencies_revise_update AFTER UPDATE ON agencies BEGIN
    UPDATE data_revisions SET revision = revision + 1 WHERE quarter = '*' AND shard = 0;
END;
CREATE TRIGGER procedures_revise_insert AFTER INSERT ON procedures BEGIN
    UPDATE data_revisions SET revision = revision + 1 WHERE quarter = '*' AND shard = 0;
END;
CREATE TRIGGER procedures_revise_update AFTER UPDATE OF code, field ON procedures BEGIN
    UPDATE data_revisions SET revision = revision + 1 WHERE quarter = '*' AND shard = 0;
END;
CREATE TRIGGER questionnaires_revise_insert AFTER INSERT ON questionnaires BEGIN
    UPDATE data_revisions SET revision = revision + 1 WHERE quarter = '*' AND shard = 0;
END;

-- One period's computed numbers for one scope ('province', or 'field:<name>'), as JSON rows,
-- with the revisions they were computed from (`basis`).
CREATE TABLE dashboard_reports (
    scope TEXT NOT NULL,
    kind TEXT NOT NULL,
    period TEXT NOT NULL,
    basis TEXT NOT NULL,
    computed_at TIMESTAMP NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (scope, kind, period)
);

-- Who computes a scope now, until when: one computation per scope across instances.
CREATE TABLE dashboard_leases (
    scope TEXT PRIMARY KEY NOT NULL,
    holder TEXT NOT NULL,
    until TIMESTAMP NOT NULL
);

CREATE INDEX responses_quarter ON responses (quarter);
CREATE INDEX dossiers_completed_at ON dossiers (completed_at);
