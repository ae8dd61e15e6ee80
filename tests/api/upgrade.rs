//! A database written by the first released schema (migration 2026-11-26-000003), by the
//! binary of that time (tests/fixtures/upgrade/README.md says how the fixtures were made),
//! migrates to today's schema with every row intact and its secret still accepted.

use std::io::Read;

use diesel::connection::SimpleConnection;
use diesel::sql_types::BigInt;
use diesel::{QueryableByName, RunQueryDsl};

use crate::helpers::{spawn_app_on, valid_dossier, TestDb};

/// The fixtures' answered survey (answered through the old binary's survey page), per backend.
const ANSWERED: [&str; 2] = [
    "1IDcUq9SRPjM8ffrgS7XVkuvNu8_VSuE1_1vRr2_Bs8",
    "EpEWqAKujZLPOnqwNftasispSpZu_4xiOno_ZObSdro",
];
/// The integrator's key the old binary printed, per backend.
const OLD_KEY: [&str; 2] = [
    "hl_ivRiYPru-z1JMaGnmI4l690fmNi0azER46GrtPGWCb0",
    "hl_PGZLXyJ8Dgbk3pj-mbmn5Qxt7WdeP6tXiYZtrMK1CJY",
];
const OLD_ADMIN: &str = "admin@old.test";
const OLD_PASSWORD: &str = "Mật-khẩu-cũ-2026-đủ-dài";

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(conn: &mut hailong::db::DbConnection, table: &str) -> i64 {
    diesel::sql_query(format!("SELECT count(*) AS n FROM {table}"))
        .get_result::<Count>(conn)
        .unwrap()
        .n
}

fn gunzip(path: &str) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[tokio::test]
async fn a_database_of_the_first_schema_migrates_with_every_row_and_its_secret() {
    let db = TestDb::new();
    let backend = match &db {
        TestDb::Sqlite { dir } => {
            let file = dir.path().join("hailong.db");
            std::fs::write(
                &file,
                gunzip("tests/fixtures/upgrade/schema-000003.sqlite.gz"),
            )
            .unwrap();
            0
        }
        TestDb::Postgres { .. } => {
            let sql = gunzip("tests/fixtures/upgrade/schema-000003.postgres.sql.gz");
            let mut conn = hailong::db::build_pool(&db.settings().database, 1)
                .get()
                .unwrap();
            conn.batch_execute(&String::from_utf8(sql).unwrap())
                .unwrap();
            1
        }
    };
    let pool = hailong::db::build_pool(&db.settings().database, 1);
    let tables = [
        "agencies",
        "procedures",
        "dossiers",
        "invitations",
        "answers",
        "users",
        "api_clients",
        "audit_log",
    ];
    let before: Vec<i64> = {
        let mut conn = pool.get().unwrap();
        // The fixtures were made on 2026-12-07: their surveys stay open whenever this runs.
        diesel::sql_query("UPDATE invitations SET expires_at = '2100-01-01 00:00:00'")
            .execute(&mut **conn)
            .unwrap();
        tables.iter().map(|t| count(&mut conn, t)).collect()
    };
    let responses_before = count(&mut pool.get().unwrap(), "responses");
    assert_eq!(responses_before, 77, "the fixture as made");

    let dir = tempfile::tempdir().unwrap();
    let migrated = db.run_cli(dir.path(), &["migrate"]);
    assert!(
        migrated.status.success(),
        "{}",
        String::from_utf8_lossy(&migrated.stderr)
    );
    {
        let mut conn = pool.get().unwrap();
        let after: Vec<i64> = tables.iter().map(|t| count(&mut conn, t)).collect();
        // Every row intact; the audit log gains the upgrade's own entries, if any.
        for ((table, was), now) in tables.iter().zip(&before).zip(&after) {
            if *table == "audit_log" {
                assert!(now >= was);
            } else {
                assert_eq!(now, was, "{table}");
            }
        }
        // Responses are kept, or (k-anonymity, applied at the upgrade) counted as withheld.
        let kept = count(&mut conn, "responses");
        let withheld: i64 = diesel::sql_query(
            "SELECT CAST(COALESCE(SUM(responses), 0) AS BIGINT) AS n FROM withheld_responses",
        )
        .get_result::<Count>(&mut **conn)
        .unwrap()
        .n;
        assert_eq!(kept + withheld, responses_before);
        assert!(kept > 0);
    }
    // Another secret is refused; the one of then is accepted, and the service runs on it.
    let other = std::process::Command::new(env!("CARGO_BIN_EXE_hailong"))
        .args(["user", "list"])
        .current_dir(dir.path())
        .env_clear()
        .env("HAILONG_DATABASE_URL", db.url())
        .env("HAILONG_SECRET_KEY", "3".repeat(64))
        .env("HAILONG_LOG", "warn")
        .output()
        .unwrap();
    assert_eq!(
        other.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&other.stderr)
    );
    let app = spawn_app_on(db).await;
    // The answered survey stays answered; the old integrator's key still sends dossiers; the
    // old administrator still signs in.
    let answered = app.page(&format!("/s/{}", ANSWERED[backend])).await;
    assert!(!answered.contains("name=\"csrf\""), "answered once, ever");
    let sent = app
        .post_dossiers(OLD_KEY[backend], &valid_dossier("UPGRADE.1"))
        .await;
    assert_eq!(sent.status(), 201);
    app.login(OLD_ADMIN, OLD_PASSWORD).await;
    let admin = app.get("/admin/api-clients").await;
    assert_eq!(admin.status(), 200);
    app.stop().await;
}
