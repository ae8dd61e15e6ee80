//! `hailong backup` while surveys are being answered, and `hailong restore` into an empty
//! database: every response acknowledged before the backup is there, links keep working,
//! and a restore that would overwrite data or use another secret is refused (exit status 2).

use std::process::{Command, Output};

use crate::helpers::{
    issue_all, spawn_app, spawn_app_on, valid_dossier, TestApp, TestDb, TEST_SECRET,
};

const OTHER_SECRET: &str = "3333333333333333333333333333333333333333333333333333333333333333";

fn hailong(db: &TestDb, secret: &str, args: &[&str]) -> Output {
    let cwd = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_hailong"))
        .args(args)
        .current_dir(cwd.path())
        .env_clear()
        .env("HAILONG_DATABASE_URL", db.url())
        .env("HAILONG_SECRET_KEY", secret)
        .env("HAILONG_LOG", "warn")
        .output()
        .expect("run hailong")
}

/// Issues `count` survey links in one batch; returns their paths.
async fn issue(app: &TestApp, count: usize) -> Vec<String> {
    let batch = (0..count)
        .map(|i| valid_dossier(&format!("BK.{i}")))
        .collect();
    issue_all(app, batch).await
}

async fn answer(app: &TestApp, path: &str) {
    let csrf = app.open_survey(path).await;
    let response = app
        .submit(path, &[("csrf", &csrf), ("q_A1", "4"), ("q_P5", "5")])
        .await;
    assert_eq!(response.status(), 200);
}

fn stored(db: &TestDb) -> i64 {
    let mut conn = hailong::db::build_pool(&db.settings().database, 1)
        .get()
        .unwrap();
    crate::helpers::stored_count(&mut conn)
}

#[tokio::test]
async fn a_backup_under_load_restores_every_acknowledged_response_into_an_empty_database() {
    let app = spawn_app().await;
    let links = issue(&app, 50).await;
    let (before, rest) = links.split_at(20);
    let (during, never) = rest.split_at(25);
    for path in before {
        answer(&app, path).await;
    }
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("hailong.backup");

    // The backup runs while surveys go on being answered.
    let (url, file_arg) = (app.db.url(), file.to_string_lossy().into_owned());
    let backup = tokio::task::spawn_blocking(move || {
        let cwd = tempfile::tempdir().unwrap();
        Command::new(env!("CARGO_BIN_EXE_hailong"))
            .args(["backup", "--out", &file_arg])
            .current_dir(cwd.path())
            .env_clear()
            .env("HAILONG_DATABASE_URL", url)
            .env("HAILONG_SECRET_KEY", TEST_SECRET)
            .env("HAILONG_LOG", "warn")
            .output()
            .unwrap()
    });
    for path in during {
        answer(&app, path).await;
    }
    let backup = backup.await.unwrap();
    assert!(
        backup.status.success(),
        "{}",
        String::from_utf8_lossy(&backup.stderr)
    );
    // Password hashes, sessions and sealed data: readable by the service's user alone,
    // whatever the umask, and no partial copy left beside it.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "backup file mode {mode:o}");
    let beside: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        beside.len(),
        2,
        "the backup and its fingerprint only: {beside:?}"
    );
    let fingerprint =
        std::fs::read_to_string(out.path().join("hailong.backup.secret-fingerprint")).unwrap();
    assert!(String::from_utf8_lossy(&backup.stdout).contains(fingerprint.trim()));
    let again = hailong(
        &app.db,
        TEST_SECRET,
        &["backup", "--out", &file.to_string_lossy()],
    );
    assert_eq!(again.status.code(), Some(2), "a backup never overwrites");

    // Into another secret's database: refused, nothing restored.
    let elsewhere = TestDb::new();
    let refused = hailong(
        &elsewhere,
        OTHER_SECRET,
        &["restore", &file.to_string_lossy()],
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("another server secret"));
    let mut conn = hailong::db::build_pool(&elsewhere.settings().database, 1)
        .get()
        .unwrap();
    assert_eq!(hailong::db::backup::table_count(&mut conn).unwrap(), 0);
    drop(conn);

    // Into an empty database with the secret: everything acknowledged before is there.
    let target = TestDb::new();
    let restored = hailong(&target, TEST_SECRET, &["restore", &file.to_string_lossy()]);
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    let overwrite = hailong(&target, TEST_SECRET, &["restore", &file.to_string_lossy()]);
    assert_eq!(overwrite.status.code(), Some(2), "never over data");
    assert!(String::from_utf8_lossy(&overwrite.stderr).contains("not empty"));

    let copy = spawn_app_on(target).await;
    let kept = stored(&copy.db);
    assert!(
        (20..=45).contains(&kept),
        "{kept} responses: the 20 acknowledged before, and some of those during"
    );
    // A link answered before the backup stays answered; one never answered opens.
    let answered = copy.get(&before[0]).await.text().await.unwrap();
    assert!(!answered.contains("name=\"csrf\""), "answered once, ever");
    assert_eq!(copy.get(&never[0]).await.status(), 200);
    let page = copy.get(&never[0]).await.text().await.unwrap();
    assert!(
        page.contains("name=\"csrf\""),
        "the survey opens from the restored copy"
    );
    copy.stop().await;
    app.stop().await;
}

/// An encrypted backup carries nothing readable; it restores with its identity only.
#[tokio::test]
async fn an_encrypted_backup_is_unreadable_and_restores_with_its_identity() {
    let app = spawn_app().await;
    let links = issue(&app, 3).await;
    answer(&app, &links[0]).await;
    let out = tempfile::tempdir().unwrap();
    let key = out.path().join("backup.key");
    let made = hailong(
        &app.db,
        TEST_SECRET,
        &["backup-key", "--out", &key.to_string_lossy()],
    );
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let recipient = String::from_utf8_lossy(&made.stdout)
        .lines()
        .last()
        .unwrap()
        .trim()
        .to_owned();
    assert!(recipient.starts_with("age1"), "{recipient}");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let again = hailong(
        &app.db,
        TEST_SECRET,
        &["backup-key", "--out", &key.to_string_lossy()],
    );
    assert!(!again.status.success(), "never over a key");

    let file = out.path().join("hailong.backup.age");
    let written = hailong(
        &app.db,
        TEST_SECRET,
        &[
            "backup",
            "--out",
            &file.to_string_lossy(),
            "--encrypt-to",
            &recipient,
        ],
    );
    assert!(
        written.status.success(),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1\n"));
    for readable in [
        &b"SQLite format"[..],
        b"PGDMP",
        b"responses",
        b"CREATE TABLE",
    ] {
        assert!(!bytes.windows(readable.len()).any(|w| w == readable));
    }
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let bad = hailong(
        &app.db,
        TEST_SECRET,
        &[
            "backup",
            "--out",
            &out.path().join("x").to_string_lossy(),
            "--encrypt-to",
            "age1nope",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not an age public key"));

    let target = TestDb::new();
    let without = hailong(&target, TEST_SECRET, &["restore", &file.to_string_lossy()]);
    assert_eq!(without.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&without.stderr).contains("--identity"));
    let restored = hailong(
        &target,
        TEST_SECRET,
        &[
            "restore",
            &file.to_string_lossy(),
            "--identity",
            &key.to_string_lossy(),
        ],
    );
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    assert_eq!(stored(&target), stored(&app.db));
    app.stop().await;
}

#[test]
fn a_missing_backup_is_named() {
    let db = TestDb::new();
    let missing = hailong(
        &db,
        TEST_SECRET,
        &["restore", "/nonexistent/hailong.backup"],
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/hailong.backup"));
}
