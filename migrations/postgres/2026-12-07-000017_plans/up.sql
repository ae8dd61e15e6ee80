-- The province's yearly plan: the reform plan's targets (every dossier on time, the share of
-- dossiers received online, every transaction electronically authenticated, the national
-- rankings) and a satisfaction target, beside which the pages and the report put the scores.
-- One row per year; a target left out is NULL. Set by `hailong plan set` or /admin/plan.
CREATE TABLE plans (
    year INTEGER PRIMARY KEY NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    source TEXT NOT NULL,
    on_time_percent DOUBLE PRECISION CHECK (on_time_percent BETWEEN 0 AND 100),
    online_percent DOUBLE PRECISION CHECK (online_percent BETWEEN 0 AND 100),
    e_authenticated_percent DOUBLE PRECISION CHECK (e_authenticated_percent BETWEEN 0 AND 100),
    satisfaction_index DOUBLE PRECISION CHECK (satisfaction_index BETWEEN 0 AND 100),
    par_index_rank INTEGER CHECK (par_index_rank BETWEEN 1 AND 100),
    papi_rank INTEGER CHECK (papi_rank BETWEEN 1 AND 100),
    pci_rank INTEGER CHECK (pci_rank BETWEEN 1 AND 100),
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);
