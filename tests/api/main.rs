//! The one integration-test binary: black-box HTTP against the real app and a real database
//! (a SQLite temp file, or PostgreSQL when HAILONG_TEST_DATABASE_URL is set).
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code panics on purpose: a failed unwrap is a failed test"
)]
#![expect(
    clippy::disallowed_methods,
    reason = "tests read single rows with `first`: the SQLite re-preparation it costs does not matter here"
)]

mod accounts;
mod agencies;
mod analysis;
mod anonymity;
mod architecture;
mod backup;
mod browser;
mod cluster;
mod comments;
mod config;
mod contract;
mod dashboards;
mod delivery;
mod demo;
mod disclosure;
mod eid;
mod eid_peer;
mod fairness;
mod faults;
mod followups;
mod fuzz;
mod ha;
mod headers;
mod health;
mod helpers;
mod ingest;
mod integrity;
mod kiosk;
mod metrics;
mod migrations;
mod monitoring;
mod paper;
mod plan;
mod privacy;
mod public;
mod questionnaires;
mod report;
mod restart;
mod schema;
mod secret;
mod survey;
mod upgrade;
