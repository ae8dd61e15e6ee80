//! PostgreSQL without a single point of failure, as `scripts/ha` shows it: a primary and a
//! synchronous standby of PostgreSQL's own streaming replication, two instances behind nginx on
//! a libpq multi-host URL, the primary's postmaster SIGKILLed mid-run and the standby promoted.
//! No acknowledged write lost or stored twice, and writes again within 10 s. Runs in the
//! PostgreSQL pass (HAILONG_TEST_DATABASE_URL set) where Debian's server binaries and nginx are
//! installed and the clusters can run as the postgres user; HAILONG_REQUIRE_CLUSTER=1 (CI) turns
//! a missing piece into a failure.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use crate::cluster::{free_port_run, nginx_installed};

const PGBIN: &str = "/usr/lib/postgresql/15/bin";

fn runs_as_postgres() -> bool {
    Command::new("id").arg("-un").output().is_ok_and(|o| {
        matches!(
            String::from_utf8_lossy(&o.stdout).trim(),
            "root" | "postgres"
        )
    })
}

#[test]
fn a_killed_primary_loses_no_acknowledged_write_and_the_standby_takes_over() {
    let ready = std::env::var("HAILONG_TEST_DATABASE_URL").is_ok()
        && nginx_installed()
        && Path::new(PGBIN).join("initdb").exists()
        && runs_as_postgres();
    if !ready {
        assert!(
            std::env::var("HAILONG_REQUIRE_CLUSTER").is_err(),
            "HAILONG_REQUIRE_CLUSTER is set but scripts/ha cannot run here (PostgreSQL's server \
             binaries, nginx, root or the postgres user)"
        );
        eprintln!("skipped: scripts/ha needs PostgreSQL's server binaries, nginx and root");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pg = free_port_run(2);
    let out = Command::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/ha"))
        .env("HAILONG_BIN", env!("CARGO_BIN_EXE_hailong"))
        .env("HAILONG_LOAD_BIN", env!("CARGO_BIN_EXE_hailong-load"))
        .env("HA_PRIMARY_PORT", pg.to_string())
        .env("HA_STANDBY_PORT", (pg + 1).to_string())
        .env("HA_PORT", free_port_run(5).to_string())
        .env("HA_SECONDS", "8")
        .env("HA_DIR", dir.path())
        .env("HAILONG_LOG", "warn")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let said = format!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let last = stdout.lines().last().unwrap_or_default();
    let counts: HashMap<&str, &str> = last
        .split_whitespace()
        .filter_map(|pair| pair.split_once('='))
        .collect();
    let number = |key: &str| -> f64 {
        counts
            .get(key)
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {key} in the last line:\n{said}"))
    };
    assert!(number("acknowledged") > 100.0, "{said}");
    assert_eq!(number("lost"), 0.0, "{said}");
    assert_eq!(number("duplicated"), 0.0, "{said}");
    assert!(number("unavailable_s") < 10.0, "{said}");
    assert!(out.status.success(), "{said}");
    // Before the kill the service reached the primary; after it, the promoted standby.
    assert!(
        stdout.contains(&format!("\"port\":{pg},\"primary\":true")),
        "{said}"
    );
    assert!(
        stdout.contains(&format!("\"port\":{},\"primary\":true", pg + 1)),
        "{said}"
    );
}
