//! What the database keeps, looked at directly: no column of a response can lead back to a
//! dossier, a person, a token or a moment.

use std::collections::BTreeSet;

use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::helpers::{spawn_app, TestApp};

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

fn columns(app: &TestApp, table: &str) -> BTreeSet<String> {
    let mut conn = app.conn();
    let sql = match app.db.backend() {
        "sqlite" => format!("SELECT name FROM pragma_table_info('{table}')"),
        _ => format!("SELECT column_name::text AS name FROM information_schema.columns WHERE table_name = '{table}'"),
    };
    diesel::sql_query(sql)
        .load::<Name>(&mut *conn)
        .unwrap()
        .into_iter()
        .map(|n| n.name)
        .collect()
}

fn tables(app: &TestApp) -> Vec<String> {
    let mut conn = app.conn();
    let sql = match app.db.backend() {
        "sqlite" => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'".to_owned(),
        _ => "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = 'public'".to_owned(),
    };
    diesel::sql_query(sql)
        .load::<Name>(&mut *conn)
        .unwrap()
        .into_iter()
        .map(|n| n.name)
        .collect()
}

/// Every text and blob value of every table, as text (blobs in hex), to search for secrets.
pub fn dump_all_text(app: &TestApp) -> String {
    let mut out = String::new();
    let mut conn = app.conn();
    for table in tables(app) {
        for column in columns(app, &table) {
            let expr = match app.db.backend() {
                "sqlite" => format!("CASE WHEN typeof(\"{column}\") = 'blob' THEN lower(hex(\"{column}\")) ELSE CAST(\"{column}\" AS TEXT) END"),
                _ => format!("\"{column}\"::text"),
            };
            let sql = format!("SELECT COALESCE({expr}, '') AS name FROM \"{table}\"");
            for row in diesel::sql_query(sql).load::<Name>(&mut *conn).unwrap() {
                out.push_str(&row.name);
                out.push('\n');
            }
        }
    }
    out
}

#[tokio::test]
async fn responses_and_answers_have_no_column_that_links_to_a_dossier_person_token_or_time() {
    let app = spawn_app().await;

    let response_columns = columns(&app, "responses");
    let answer_columns = columns(&app, "answers");

    let allowed: BTreeSet<String> = [
        "id",
        "agency_id",
        "procedure_id",
        "procedure_field",
        "applicant_kind",
        "channel",
        "quarter",
        "questionnaire_version",
        "comment",
        "released_in",
        // How it was given (link, kiosk, paper): never which kiosk, no time (PRIVACY.md §10).
        "mode",
        // The integrity rule it broke, if any: a rule's name, no identity, no time (§11).
        "flag",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(
        response_columns, allowed,
        "a new column on responses needs a privacy review"
    );
    let allowed_answers: BTreeSet<String> = ["response_id", "item_code", "value"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(answer_columns, allowed_answers);
}

#[tokio::test]
async fn a_stored_response_cannot_be_matched_to_its_invitation() {
    let app = spawn_app().await;
    let first = app.issue_survey("P.1").await;
    let second = app.issue_survey("P.2").await;
    for path in [&first, &second] {
        let csrf = app.open_survey(path).await;
        assert_eq!(
            app.submit(path, &[("csrf", &csrf), ("q_A1", "4")])
                .await
                .status(),
            200
        );
    }

    let mut conn = app.conn();
    let stored = crate::helpers::stored_responses(&mut conn);

    assert_eq!(stored.len(), 2);
    for response in &stored {
        assert_eq!(response.id.len(), 32, "a random 128-bit id, not a sequence");
        assert!(!response.id.contains("P."));
    }
    let dump = dump_all_text(&app);
    for token in [&first, &second] {
        assert!(!dump.contains(token.trim_start_matches("/s/")));
    }
}
