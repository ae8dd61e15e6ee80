//! Property tests of everything a stranger can send: the ingestion API's JSON, the CSV import
//! and the survey form. Random and malformed bodies, invalid UTF-8, oversize bodies, decomposed
//! Vietnamese: never a 5xx, never a panic, never a partial write; text is stored in NFC.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use unicode_normalization::UnicodeNormalization;

use crate::helpers::{csrf_of, spawn_app, valid_dossier, TestApp};

const CASES: u32 = 48;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Text a person or a broken system might send: Vietnamese composed and decomposed, digits,
/// punctuation, control characters, and the odd very long string.
fn messy_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 .:+-]{0,30}",
        "\\PC{0,40}",
        Just(
            "Nguyễn Thị Hằng — phường Rạch Giá"
                .nfd()
                .collect::<String>()
        ),
        Just("2026-02-30T25:61:00+07:00".to_owned()),
        Just("'; DROP TABLE dossiers; --".to_owned()),
        Just("\u{0}\u{1b}[31m\r\n".to_owned()),
        "[0-9 .-]{0,20}",
        Just("x".repeat(5_000)),
    ]
}

/// Any JSON value, a few levels deep.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(serde_json::Value::from),
        messy_text().prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::hash_map("[a-z_]{1,14}", inner, 0..5)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A valid dossier with one field replaced by something random (or removed).
fn mutated_dossier() -> impl Strategy<Value = serde_json::Value> {
    let fields = prop::sample::select(vec![
        "dossier_id",
        "agency_code",
        "procedure_code",
        "applicant_kind",
        "channel",
        "received_at",
        "due_at",
        "completed_at",
        "applicant_id",
        "phone",
        "email",
    ]);
    (fields, prop::option::of(json_value()), "[A-Z0-9.]{1,12}").prop_map(|(field, value, id)| {
        let mut dossier = valid_dossier(&format!("FZ.{id}"));
        match value {
            Some(v) => dossier[field] = v,
            None => {
                dossier.as_object_mut().unwrap().remove(field);
            }
        }
        dossier
    })
}

/// What can arrive as a request body.
#[derive(Debug, Clone)]
enum Body {
    Bytes(Vec<u8>),
    Json(serde_json::Value),
}

fn ingestion_body() -> impl Strategy<Value = Body> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300).prop_map(Body::Bytes),
        json_value().prop_map(Body::Json),
        mutated_dossier().prop_map(Body::Json),
        prop::collection::vec(mutated_dossier(), 1..4)
            .prop_map(|v| Body::Json(serde_json::Value::from(v))),
    ]
}

fn dossier_count(app: &TestApp) -> i64 {
    hailong::db::dossiers::count(&mut app.conn()).unwrap()
}

#[test]
fn the_ingestion_api_answers_any_body_without_a_5xx_or_a_partial_write() {
    let rt = runtime();
    let app = rt.block_on(spawn_app());
    app.seed();
    let key = app.new_api_key("fuzz");
    let mut runner = TestRunner::new(Config::with_cases(CASES));
    runner
        .run(&ingestion_body(), |body| {
            let before = dossier_count(&app);
            let request = app
                .client
                .post(format!("{}/api/v1/dossiers", app.address))
                .bearer_auth(&key)
                .header("content-type", "application/json");
            let request = match &body {
                Body::Bytes(bytes) => request.body(bytes.clone()),
                Body::Json(value) => request.body(serde_json::to_vec(value).unwrap()),
            };
            let response = rt.block_on(request.send()).unwrap();
            let status = response.status().as_u16();
            let text = rt.block_on(response.text()).unwrap();
            prop_assert!(status < 500, "{status}: {text}");
            let after = dossier_count(&app);
            match status {
                200 | 201 => prop_assert!(after >= before),
                _ => {
                    prop_assert_eq!(after, before, "a refused batch stored something");
                    prop_assert!(!text.is_empty(), "an error says what is wrong");
                }
            }
            Ok(())
        })
        .unwrap();

    // Oversize: refused before it is read, nothing stored.
    let before = dossier_count(&app);
    let huge = vec![b' '; 5 * 1024 * 1024];
    let response = rt
        .block_on(
            app.client
                .post(format!("{}/api/v1/dossiers", app.address))
                .bearer_auth(&key)
                .header("content-type", "application/json")
                .body(huge)
                .send(),
        )
        .unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(dossier_count(&app), before);
    rt.block_on(app.stop());
}

/// A CSV file as someone might produce it: the right header or not, rows of random cells,
/// stray quotes, bytes that are not UTF-8.
fn csv_file() -> impl Strategy<Value = Vec<u8>> {
    let header = "dossier_id,agency_code,procedure_code,applicant_kind,channel,received_at,due_at,completed_at,applicant_id,phone,email\n";
    let good = "F.1,AG-X-OCEO,1.001193,citizen,counter,2026-03-30T08:00:00+07:00,2026-03-31T17:00:00+07:00,2026-03-31T10:00:00+07:00,089123456789,0912345678,\n";
    let cell = prop_oneof![
        messy_text().prop_map(|s| s.replace(['\n', '\r'], " ")),
        Just("\"unterminated".to_owned()),
        Just("citizen".to_owned()),
    ];
    let row = prop::collection::vec(cell, 0..13).prop_map(|cells| cells.join(",") + "\n");
    (
        prop::bool::ANY,
        prop::collection::vec(row, 0..5),
        prop::bool::ANY,
        prop::collection::vec(any::<u8>(), 0..8),
    )
        .prop_map(move |(with_header, rows, with_good, noise)| {
            let mut file = Vec::new();
            if with_header {
                file.extend_from_slice(header.as_bytes());
            }
            if with_good {
                file.extend_from_slice(good.as_bytes());
            }
            for row in rows {
                file.extend_from_slice(row.as_bytes());
            }
            file.extend_from_slice(&noise);
            file
        })
}

#[test]
fn the_csv_import_names_file_line_and_field_or_stores_everything() {
    let rt = runtime();
    let app = rt.block_on(spawn_app());
    app.seed();
    let dir = tempfile::tempdir().unwrap();
    let settings = app.db.settings();
    let mut runner = TestRunner::new(Config::with_cases(CASES));
    runner
        .run(&csv_file(), |bytes| {
            let path = dir.path().join("dossiers.csv");
            std::fs::write(&path, &bytes).unwrap();
            let mut conn = app.conn();
            let before = hailong::db::dossiers::count(&mut conn).unwrap();
            let ctx = hailong::services::dossiers::ingest::IngestContext {
                secret: &settings.secret,
                public_url: "http://127.0.0.1",
                survey_validity: chrono::Duration::days(30),
                actor: "fuzz",
                client_id: None,
                schedule: &settings.reminders,
            };
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                hailong::services::dossiers::import::import_dossiers(&mut conn, &ctx, &path)
            }));
            prop_assert!(outcome.is_ok(), "the import panicked");
            let after = hailong::db::dossiers::count(&mut conn).unwrap();
            match outcome.unwrap() {
                Ok(issued) => {
                    prop_assert!(after >= before && issued.len() as i64 >= after - before)
                }
                Err(e) => {
                    let message = e.to_string();
                    prop_assert_eq!(after, before, "a refused file stored something");
                    prop_assert!(
                        message.contains("dossiers.csv"),
                        "names the file: {}",
                        message
                    );
                }
            }
            Ok(())
        })
        .unwrap();
    rt.block_on(app.stop());
}

/// A survey form as a stranger might post it: random fields and values, or raw bytes.
fn survey_body() -> impl Strategy<Value = Vec<u8>> {
    let field = prop_oneof![
        Just("q_A1".to_owned()),
        Just("q_A2".to_owned()),
        Just("q_P1".to_owned()),
        Just("comment".to_owned()),
        Just("lang".to_owned()),
        "[a-z_]{1,10}",
    ];
    let value = prop_oneof![
        Just("4".to_owned()),
        Just("na".to_owned()),
        Just("-1".to_owned()),
        Just("99999999999999999999".to_owned()),
        messy_text(),
    ];
    prop_oneof![
        prop::collection::vec((field, value), 0..8).prop_map(|pairs| {
            url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs)
                .finish()
                .into_bytes()
        }),
        prop::collection::vec(any::<u8>(), 0..200),
    ]
}

#[test]
fn the_survey_form_answers_any_body_without_a_5xx_and_stores_at_most_once() {
    let rt = runtime();
    let app = rt.block_on(spawn_app());
    let path = rt.block_on(app.issue_survey("FZ.SURVEY"));
    let stored = std::cell::Cell::new(0);
    let mut runner = TestRunner::new(Config::with_cases(CASES));
    runner
        .run(&survey_body(), |body| {
            let page = rt.block_on(app.get(&path));
            let page = rt.block_on(page.text()).unwrap();
            // With the form's CSRF token (once answered there is no form: send none).
            let mut full = match page.contains("name=\"csrf\"") {
                true => format!("csrf={}&", csrf_of(&page)).into_bytes(),
                false => Vec::new(),
            };
            full.extend_from_slice(&body);
            let response = rt
                .block_on(
                    app.client
                        .post(format!("{}{}", app.address, path))
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(full)
                        .send(),
                )
                .unwrap();
            let status = response.status().as_u16();
            prop_assert!(
                matches!(status, 200 | 400 | 403 | 409 | 413 | 422),
                "unexpected {}",
                status
            );
            if status == 200 {
                stored.set(stored.get() + 1);
            }
            let responses = crate::helpers::stored_count(&mut app.conn());
            prop_assert!(responses <= 1, "one dossier, at most one response");
            prop_assert_eq!(responses, i64::from(stored.get() > 0));
            Ok(())
        })
        .unwrap();
    // Whatever was stored is NFC, like everything we store.
    for response in crate::helpers::stored_responses(&mut app.conn()) {
        if let Some(comment) = response.comment {
            assert_eq!(comment, comment.nfc().collect::<String>());
        }
    }
    rt.block_on(app.stop());
}

#[tokio::test]
async fn a_decomposed_vietnamese_comment_is_stored_composed() {
    let app = spawn_app().await;
    let path = app.issue_survey("FZ.NFC").await;
    let csrf = app.open_survey(&path).await;
    let decomposed: String = "Cán bộ hướng dẫn tận tình".nfd().collect();
    assert_ne!(decomposed, "Cán bộ hướng dẫn tận tình");
    let response = app
        .submit(
            &path,
            &[("csrf", csrf.as_str()), ("comment", decomposed.as_str())],
        )
        .await;
    assert_eq!(response.status(), 200);
    let stored = crate::helpers::stored_responses(&mut app.conn());
    assert_eq!(
        stored[0].comment.as_deref(),
        Some("Cán bộ hướng dẫn tận tình")
    );
}
