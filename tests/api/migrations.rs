use std::collections::BTreeSet;

use crate::helpers::spawn_app;

fn versions_in(dir: &str) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .collect()
}

#[test]
fn both_backends_have_the_same_migration_versions_with_up_and_down() {
    let sqlite = versions_in("migrations/sqlite");
    let postgres = versions_in("migrations/postgres");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres);
    for version in &sqlite {
        for backend in ["sqlite", "postgres"] {
            for file in ["up.sql", "down.sql"] {
                let path = format!("migrations/{backend}/{version}/{file}");
                assert!(std::path::Path::new(&path).exists(), "{path} is missing");
            }
        }
    }
}

#[tokio::test]
async fn starting_the_service_applies_every_migration() {
    let app = spawn_app().await;

    let pool = hailong::db::build_pool(&app.db.settings().database, 1);
    let mut conn = pool.get().unwrap();
    let applied: BTreeSet<String> = hailong::db::applied_migrations(&mut conn)
        .unwrap()
        .into_iter()
        .collect();

    let expected: BTreeSet<String> = versions_in("migrations/sqlite")
        .into_iter()
        .map(|name| name.split('_').next().unwrap().replace('-', ""))
        .collect();
    assert_eq!(applied, expected);
}

#[tokio::test]
async fn the_migrate_command_applies_once_then_has_nothing_to_do() {
    let db = crate::helpers::TestDb::new();
    let dir = tempfile::tempdir().unwrap();

    let first = db.run_cli(dir.path(), &["migrate"]);
    let second = db.run_cli(dir.path(), &["migrate"]);

    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let first_out = String::from_utf8_lossy(&first.stdout);
    assert!(!first_out.starts_with("0 migration"), "{first_out}");
    assert!(String::from_utf8_lossy(&second.stdout).starts_with("0 migration(s) applied"));
}

/// A database a newer hailong migrated is refused before anything is written to it.
#[tokio::test]
async fn a_database_from_a_newer_version_is_refused_and_left_as_it_was() {
    use diesel::RunQueryDsl;
    let db = crate::helpers::TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    assert!(db.run_cli(dir.path(), &["migrate"]).status.success());
    let pool = hailong::db::build_pool(&db.settings().database, 1);
    diesel::sql_query("INSERT INTO __diesel_schema_migrations (version) VALUES ('20990101000001')")
        .execute(&mut **pool.get().unwrap())
        .unwrap();
    let before = hailong::db::applied_migrations(&mut pool.get().unwrap()).unwrap();

    for command in [
        &["migrate"][..],
        &["user", "add", "--email", "a@b.vn", "--role", "admin"],
    ] {
        let refused = db.run_cli(dir.path(), command);
        let said = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(refused.status.code(), Some(2), "{command:?}: {said}");
        assert!(
            said.contains("written by a newer version of hailong")
                && said.contains("20990101000001"),
            "{said}"
        );
    }
    assert_eq!(
        hailong::db::applied_migrations(&mut pool.get().unwrap()).unwrap(),
        before
    );
    assert!(
        hailong::startup::Application::build(db.settings()).is_err(),
        "the service does not start on it either"
    );
}
