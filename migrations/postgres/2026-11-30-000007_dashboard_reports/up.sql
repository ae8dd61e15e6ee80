-- Dashboards that never make a viewer wait (issue #14). Their numbers are computed in the
-- background, one period at a time, stored here, and recomputed only when the data a period
-- rests on changed. "Changed" is counted by the database itself, in the writing transaction,
-- so that no write path (API, CLI, release, admin page) can forget to say so.

-- Change counters of the data the method reads: per quarter (responses by their quarter,
-- dossiers by the quarter of their completion in Vietnam time), and '*' for what every period
-- rests on (agencies, procedures, questionnaires). A quarter's counter is the sum over its
-- shards: the shards spread concurrent writers over 16 rows (PostgreSQL holds a row lock until
-- commit), and since every shard only grows, the sum changes whenever any of them does. A
-- connection always writes the same shard, in quarter order, so that two transactions never
-- wait for each other's rows in opposite orders.
CREATE TABLE data_revisions (
    quarter TEXT NOT NULL,
    shard INTEGER NOT NULL,
    revision BIGINT NOT NULL,
    PRIMARY KEY (quarter, shard)
);

CREATE FUNCTION quarter_in_vietnam(t TIMESTAMP) RETURNS TEXT
LANGUAGE SQL IMMUTABLE AS $$
    SELECT to_char(t + INTERVAL '7 hours', 'YYYY') || '-Q'
        || extract(quarter FROM t + INTERVAL '7 hours')::INTEGER
$$;

INSERT INTO data_revisions (quarter, shard, revision)
SELECT DISTINCT quarter, 0, 1 FROM responses
ON CONFLICT (quarter, shard) DO NOTHING;
INSERT INTO data_revisions (quarter, shard, revision)
SELECT DISTINCT quarter_in_vietnam(completed_at), 0, 1 FROM dossiers
ON CONFLICT (quarter, shard) DO NOTHING;
INSERT INTO data_revisions (quarter, shard, revision) VALUES ('*', 0, 1);

CREATE FUNCTION revise_quarters(quarters TEXT[]) RETURNS VOID
LANGUAGE SQL AS $$
    INSERT INTO data_revisions (quarter, shard, revision)
    SELECT q, pg_backend_pid() % 16, 1 FROM (SELECT DISTINCT unnest(quarters) AS q) AS d
    ORDER BY q
    ON CONFLICT (quarter, shard) DO UPDATE SET revision = data_revisions.revision + 1
$$;

-- Statement-level for inserts (a release or a batch of dossiers is one statement: one bump per
-- quarter), row-level for the rare updates and deletes.
CREATE FUNCTION responses_revise_inserted() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    PERFORM revise_quarters(ARRAY(SELECT DISTINCT quarter FROM inserted));
    RETURN NULL;
END $$;
CREATE TRIGGER responses_revise_insert AFTER INSERT ON responses
REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT
EXECUTE FUNCTION responses_revise_inserted();

CREATE FUNCTION responses_revise_changed() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM revise_quarters(ARRAY[OLD.quarter]);
    ELSE
        PERFORM revise_quarters(ARRAY[OLD.quarter, NEW.quarter]);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER responses_revise_update
AFTER UPDATE OF agency_id, procedure_id, procedure_field, applicant_kind, channel, quarter,
    questionnaire_version ON responses
FOR EACH ROW EXECUTE FUNCTION responses_revise_changed();
CREATE TRIGGER responses_revise_delete AFTER DELETE ON responses
FOR EACH ROW EXECUTE FUNCTION responses_revise_changed();

CREATE FUNCTION dossiers_revise_inserted() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    PERFORM revise_quarters(ARRAY(SELECT DISTINCT quarter_in_vietnam(completed_at)
        FROM inserted));
    RETURN NULL;
END $$;
CREATE TRIGGER dossiers_revise_insert AFTER INSERT ON dossiers
REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT
EXECUTE FUNCTION dossiers_revise_inserted();

CREATE FUNCTION dossiers_revise_changed() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM revise_quarters(ARRAY[quarter_in_vietnam(OLD.completed_at)]);
    ELSE
        PERFORM revise_quarters(ARRAY[quarter_in_vietnam(OLD.completed_at),
            quarter_in_vietnam(NEW.completed_at)]);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER dossiers_revise_update
AFTER UPDATE OF external_id, agency_id, procedure_id, applicant_kind, channel, received_at,
    due_at, completed_at, invited ON dossiers
FOR EACH ROW EXECUTE FUNCTION dossiers_revise_changed();
CREATE TRIGGER dossiers_revise_delete AFTER DELETE ON dossiers
FOR EACH ROW EXECUTE FUNCTION dossiers_revise_changed();

CREATE FUNCTION revise_everything() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    PERFORM revise_quarters(ARRAY['*']);
    RETURN NULL;
END $$;
CREATE TRIGGER agencies_revise AFTER INSERT OR UPDATE ON agencies
FOR EACH STATEMENT EXECUTE FUNCTION revise_everything();
CREATE TRIGGER procedures_revise_insert AFTER INSERT ON procedures
FOR EACH STATEMENT EXECUTE FUNCTION revise_everything();
CREATE TRIGGER procedures_revise_update AFTER UPDATE OF code, field ON procedures
FOR EACH STATEMENT EXECUTE FUNCTION revise_everything();
CREATE TRIGGER questionnaires_revise_insert AFTER INSERT ON questionnaires
FOR EACH STATEMENT EXECUTE FUNCTION revise_everything();

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
