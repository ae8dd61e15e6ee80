//! `src/db/schema.rs` (what diesel compiles the queries against) says what the migrations
//! build, on the backend under test: the same tables, and in each the same columns, of the same
//! types and nullability. A migration that drifts from the schema file (or the other way round)
//! fails here, not at the first query that touches the column. The columns' order is not
//! compared: diesel names every column it reads, and the backends differ there (PostgreSQL adds
//! a re-created column at the end, SQLite rebuilds the table).

use std::collections::BTreeMap;

use diesel::sql_types::{BigInt, Text};
use diesel::{QueryableByName, RunQueryDsl};

use crate::helpers::{spawn_app, TestDb};

/// (column, type as the schema file names it, nullable)
type Columns = Vec<(String, String, bool)>;

/// The tables of `src/db/schema.rs`, read as text.
fn declared() -> BTreeMap<String, Columns> {
    let text = std::fs::read_to_string("src/db/schema.rs").unwrap();
    let table = regex::Regex::new(r"diesel::table! \{\s*(\w+) \([^)]*\) \{([^}]*)\}").unwrap();
    let column = regex::Regex::new(r"(\w+) -> (Nullable<)?(\w+)>?,").unwrap();
    table
        .captures_iter(&text)
        .map(|t| {
            let columns = column
                .captures_iter(&t[2])
                .map(|c| (c[1].to_owned(), c[3].to_owned(), c.get(2).is_some()))
                .collect();
            (t[1].to_owned(), columns)
        })
        .collect()
}

/// A column type as the database states it, in the schema file's words.
fn diesel_type(sql: &str) -> String {
    let sql = sql.to_ascii_lowercase();
    match sql.as_str() {
        "integer" | "int4" => "Integer",
        "bigint" | "int8" => "BigInt",
        "text" | "varchar" | "character varying" => "Text",
        "blob" | "bytea" => "Binary",
        "timestamp" | "timestamp without time zone" => "Timestamp",
        "date" => "Date",
        "boolean" | "bool" => "Bool",
        "double precision" | "double" | "real" | "float8" => "Double",
        other => return format!("?{other}"),
    }
    .to_owned()
}

#[derive(QueryableByName)]
struct SqliteColumn {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text, column_name = "type")]
    kind: String,
    #[diesel(sql_type = BigInt)]
    notnull: i64,
}

#[derive(QueryableByName)]
struct PgColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Text)]
    is_nullable: String,
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

/// The tables the migrations built, as the database states them.
fn built(db: &TestDb) -> BTreeMap<String, Columns> {
    let mut conn = hailong::db::build_pool(&db.settings().database, 1)
        .get()
        .unwrap();
    let mut out = BTreeMap::new();
    match db {
        TestDb::Sqlite { .. } => {
            let tables: Vec<Name> = diesel::sql_query(
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations'",
            )
            .load(&mut **conn)
            .unwrap();
            for table in tables {
                let columns: Vec<SqliteColumn> = diesel::sql_query(format!(
                    "SELECT name, type, \"notnull\" FROM pragma_table_info('{}') ORDER BY cid",
                    table.name
                ))
                .load(&mut **conn)
                .unwrap();
                out.insert(
                    table.name,
                    columns
                        .into_iter()
                        .map(|c| (c.name, diesel_type(&c.kind), c.notnull == 0))
                        .collect(),
                );
            }
        }
        TestDb::Postgres { .. } => {
            let columns: Vec<PgColumn> = diesel::sql_query(
                "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text \
                 FROM information_schema.columns WHERE table_schema = 'public' \
                 AND table_name <> '__diesel_schema_migrations' \
                 ORDER BY table_name, ordinal_position",
            )
            .load(&mut **conn)
            .unwrap();
            for c in columns {
                out.entry(c.table_name).or_insert_with(Vec::new).push((
                    c.column_name,
                    diesel_type(&c.data_type),
                    c.is_nullable == "YES",
                ));
            }
        }
    }
    out
}

#[tokio::test]
async fn the_schema_file_is_what_the_migrations_build() {
    let app = spawn_app().await;
    let declared = declared();
    assert!(declared.len() > 20, "the schema file read: {declared:?}");
    let built = built(&app.db);
    let names = |m: &BTreeMap<String, Columns>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&built), names(&declared), "the same tables");
    let sorted = |columns: &Columns| {
        let mut columns = columns.clone();
        columns.sort();
        columns
    };
    for (table, columns) in &declared {
        assert_eq!(
            sorted(&built[table]),
            sorted(columns),
            "table {table}: database vs src/db/schema.rs"
        );
    }
    app.stop().await;
}
