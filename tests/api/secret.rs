//! The server secret can never change silently (src/services/secret_guard.rs): a start with
//! another secret, or with a new one on a database that already holds data, is refused with
//! exit status 2 and a message naming what to restore; a first start says it created one.

use std::path::Path;
use std::process::{Command, Output};

use crate::helpers::{spawn_app, TestDb, TEST_SECRET};

const OTHER_SECRET: &str = "2222222222222222222222222222222222222222222222222222222222222222";

/// Runs the real binary in `cwd` against `db`, with `secret` as HAILONG_SECRET_KEY or, when
/// `None`, with no secret given (a secret file in `cwd` is read or created).
fn hailong(db: &TestDb, cwd: &Path, secret: Option<&str>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hailong"));
    command
        .args(args)
        .current_dir(cwd)
        .env_clear()
        .env("HAILONG_DATABASE_URL", db.url())
        .env("HAILONG_LOG", "warn");
    if let Some(secret) = secret {
        command.env("HAILONG_SECRET_KEY", secret);
    }
    command.output().expect("run hailong")
}

/// A database holding an API key and a staff account, written with the test secret.
async fn database_with_data() -> TestDb {
    let app = spawn_app().await;
    app.seed();
    app.new_api_key("one-stop shop");
    app.stop().await;
    let crate::helpers::TestApp { db, .. } = app;
    db
}

#[tokio::test]
async fn a_start_with_another_secret_is_refused_and_changes_nothing() {
    let db = database_with_data().await;
    let dir = tempfile::tempdir().unwrap();

    let refused = hailong(&db, dir.path(), Some(OTHER_SECRET), &["migrate"]);
    assert_eq!(refused.status.code(), Some(2));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("another server secret") && said.contains("HAILONG_SECRET_KEY"),
        "{said}"
    );
    let app = hailong::startup::Application::build(
        db.settings_with(&[("HAILONG_SECRET_KEY", OTHER_SECRET)]),
    );
    assert!(app.is_err(), "the server does not start either");

    let accepted = hailong(&db, dir.path(), Some(TEST_SECRET), &["migrate"]);
    assert!(
        accepted.status.success(),
        "{}",
        String::from_utf8_lossy(&accepted.stderr)
    );
}

#[tokio::test]
async fn a_lost_secret_file_is_not_silently_replaced() {
    let db = database_with_data().await;
    let dir = tempfile::tempdir().unwrap();

    let refused = hailong(&db, dir.path(), None, &["migrate"]);
    assert_eq!(refused.status.code(), Some(2));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("HAILONG_SECRET_FILE") && said.contains("hailong.secret"),
        "{said}"
    );
    assert!(
        !dir.path().join("hailong.secret").exists(),
        "the new file is removed, leaving the place to the backup"
    );

    // A database from before fingerprints were kept: data, but nothing recorded.
    {
        use diesel::RunQueryDsl;
        diesel::sql_query("DELETE FROM secret_fingerprint")
            .execute(
                &mut **hailong::db::build_pool(&db.settings().database, 1)
                    .get()
                    .unwrap(),
            )
            .unwrap();
    }
    let refused = hailong(&db, dir.path(), None, &["migrate"]);
    assert_eq!(refused.status.code(), Some(2), "a new secret for old data");
    let restored = hailong(&db, dir.path(), Some(TEST_SECRET), &["migrate"]);
    assert!(restored.status.success(), "the right secret is recorded");
}

#[tokio::test]
async fn a_first_start_creates_a_secret_says_so_and_keeps_it() {
    let db = TestDb::new();
    let dir = tempfile::tempdir().unwrap();

    let first = hailong(&db, dir.path(), None, &["migrate"]);
    assert!(first.status.success());
    // The log (standard output, like the service's) warns once.
    let said = String::from_utf8_lossy(&first.stdout);
    assert!(said.contains("migration(s) applied"));
    assert!(
        said.contains("WARN") && said.contains("created a new server secret"),
        "{said}"
    );
    assert!(dir.path().join("hailong.secret").exists());

    let second = hailong(&db, dir.path(), None, &["migrate"]);
    assert!(second.status.success());
    assert!(!String::from_utf8_lossy(&second.stdout).contains("created a new server secret"));
}

#[tokio::test]
async fn logs_are_json_lines_when_asked_and_a_bad_format_is_named() {
    let db = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    let run = |format: &str| {
        Command::new(env!("CARGO_BIN_EXE_hailong"))
            .arg("migrate")
            .current_dir(dir.path())
            .env_clear()
            .env("HAILONG_DATABASE_URL", db.url())
            .env("HAILONG_LOG", "warn")
            .env("HAILONG_LOG_FORMAT", format)
            .output()
            .unwrap()
    };

    let json = run("json");
    assert!(json.status.success());
    let stdout = String::from_utf8_lossy(&json.stdout);
    let warning: serde_json::Value = stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .find(|v: &serde_json::Value| v["level"] == "WARN")
        .unwrap_or_else(|| panic!("no JSON warning in {stdout}"));
    assert!(warning["message"]
        .as_str()
        .unwrap()
        .contains("created a new server secret"));
    assert!(warning["path"]
        .as_str()
        .unwrap()
        .ends_with("hailong.secret"));

    let bad = run("xml");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("HAILONG_LOG_FORMAT"));
}
