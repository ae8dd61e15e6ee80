//! What staff can learn from watching their pages (docs/PRIVACY.md, "What staff can learn"):
//! an agency's released responses move only in steps of at least k, and a request for help
//! never arrives together with a step of its agency's responses.

use hailong::services::privacy::release::{release_due, ReleaseRules};

use crate::helpers::{csrf_of, issue_all, spawn_app_with, valid_dossier, TestDb, TEST_SECRET};

const K: i64 = 5;

/// The clerk's scenario of issue #33: citizens of one commune answer one by one, one of them
/// asks for help from the thank-you page, and the clerk looks after every release pass.
#[tokio::test]
async fn the_clerk_sees_the_commune_move_by_k_and_a_request_for_help_never_with_a_step() {
    let db = TestDb::new();
    // No batch is ever due in the background: each pass below is the only one between looks.
    let settings = db.settings_with(&[
        ("HAILONG_ANONYMITY_K", "5"),
        ("HAILONG_RELEASE_BATCH", "100000"),
    ]);
    let app = spawn_app_with(db, settings).await;
    const ANSWERS: usize = 23;
    let links = issue_all(
        &app,
        (0..ANSWERS)
            .map(|i| valid_dossier(&format!("CLERK.{i}")))
            .collect(),
    )
    .await;
    let secret = hailong::secret::SecretKey::from_hex(TEST_SECRET).unwrap();
    let rules = ReleaseRules {
        batch: 1,
        k: K as u32,
        followup_due_days: 10,
    };
    let mut conn = app.conn();
    let agency = hailong::db::agencies::find_by_code(&mut conn, "AG-X-OCEO")
        .unwrap()
        .unwrap()
        .id;
    let look = |conn: &mut hailong::db::DbConnection| {
        (
            hailong::db::responses::count(conn).unwrap(),
            hailong::db::followups::released_of(conn, &[agency])
                .unwrap()
                .len(),
        )
    };
    let mut seen = look(&mut conn);
    let mut steps = Vec::new();
    let mut asked_for_help = false;
    for (i, path) in links.iter().enumerate() {
        let csrf = app.open_survey(path).await;
        let value = (i % 5 + 1).to_string();
        let thanks = app
            .submit(path, &[("csrf", &csrf), ("q_A1", &value), ("q_P5", &value)])
            .await
            .text()
            .await
            .unwrap();
        if i == 7 {
            let help = crate::followups::help_path(&thanks);
            let form = app.get(&help).await.text().await.unwrap();
            let action = help.split('?').next().unwrap().to_owned();
            let (status, body) = crate::followups::post(
                &app,
                &action,
                &[
                    ("csrf", &csrf_of(&form)),
                    ("problem", "Tôi cần được hướng dẫn bổ sung hồ sơ"),
                    ("phone", "0987 654 321"),
                    ("consent", "yes"),
                ],
            )
            .await;
            assert_eq!(status, 200, "{body}");
            asked_for_help = true;
        }
        release_due(
            &mut conn,
            &secret,
            rules,
            chrono::Utc::now().naive_utc(),
            true,
        )
        .unwrap();
        let now = look(&mut conn);
        let (responses, requests) = (now.0 - seen.0, now.1 - seen.1);
        assert!(
            responses == 0 || responses >= K,
            "after answer {i}: the clerk's page moved by {responses} response(s)"
        );
        assert!(
            responses == 0 || requests == 0,
            "after answer {i}: a request for help arrived with a step of {responses} responses"
        );
        if responses > 0 {
            steps.push(responses);
        }
        seen = now;
    }
    assert!(asked_for_help);
    assert_eq!(seen.1, 1, "the request reached the agency on its own");
    // k are kept back while the commune's invitations can still be answered, so that its last
    // step is at least k too.
    let held = hailong::db::held_responses::count(&mut conn).unwrap();
    assert!(held >= K, "{held} held back");
    assert_eq!(seen.0 + held, ANSWERS as i64);
    assert!(!steps.is_empty(), "released in steps: {steps:?}");
    app.stop().await;
}

/// A field's view of an agency (the province page's `?field=`, its exports) moves by 0 or at
/// least k responses of that field, though a step of the agency may hold fewer of them.
// The analysis (polars) runs here, and wants a runtime of several threads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_field_view_of_an_agency_moves_by_zero_or_at_least_k() {
    use hailong::services::reports::dashboards::{compute_period, Kind, Scope};
    let db = TestDb::new();
    let settings = db.settings_with(&[
        ("HAILONG_ANONYMITY_K", "5"),
        ("HAILONG_RELEASE_BATCH", "100000"),
    ]);
    let app = spawn_app_with(db, settings).await;
    app.seed();
    hailong::db::procedures::insert(
        &mut app.conn(),
        &hailong::db::procedures::NewProcedure {
            code: "1.004227",
            name_vi: "Cấp giấy chứng nhận quyền sử dụng đất",
            name_en: "Land use right certificate",
            field: "Đất đai",
        },
    )
    .unwrap();
    const ANSWERS: usize = 30;
    let links = issue_all(
        &app,
        (0..ANSWERS)
            .map(|i| {
                let mut d = valid_dossier(&format!("FIELD.{i}"));
                if i % 2 == 1 {
                    d["procedure_code"] = serde_json::json!("1.004227");
                }
                d
            })
            .collect(),
    )
    .await;
    let secret = hailong::secret::SecretKey::from_hex(TEST_SECRET).unwrap();
    let rules = ReleaseRules {
        batch: 1,
        k: K as u32,
        followup_due_days: 10,
    };
    let mut conn = app.conn();
    let seen = |conn: &mut hailong::db::DbConnection, field: &str| -> i64 {
        let report = compute_period(
            conn,
            &Scope::of_field(field.to_owned()),
            Kind::Quarter,
            // Completed at 00:30 on 1 April, Vietnam time.
            "2026-Q2",
            K as u32,
        )
        .unwrap();
        report
            .responses_dissatisfied
            .get("AG-X-OCEO")
            .map_or(0, |(n, _)| *n as i64)
    };
    let mut before = [0i64; 2];
    let mut agency_before = 0;
    let mut moved = Vec::new();
    for path in &links {
        let csrf = app.open_survey(path).await;
        app.submit(path, &[("csrf", &csrf), ("q_A1", "4"), ("q_P5", "5")])
            .await;
        release_due(
            &mut conn,
            &secret,
            rules,
            chrono::Utc::now().naive_utc(),
            true,
        )
        .unwrap();
        let agency = hailong::db::responses::count(&mut conn).unwrap();
        for (i, field) in ["Hộ tịch", "Đất đai"].iter().enumerate() {
            let now = seen(&mut conn, field);
            let step = now - before[i];
            assert!(
                step == 0 || step >= K,
                "{field} moved by {step} (the agency by {})",
                agency - agency_before
            );
            if step > 0 {
                moved.push((field.to_owned(), step));
            }
            before[i] = now;
        }
        agency_before = agency;
    }
    // The quarter closes (its last invitation expires): its last step shows the rest; the
    // field views follow if every part moved by 0 or at least k since their pin (else they
    // stay where they were: a part left with fewer than k is never shown on its own).
    diesel::RunQueryDsl::execute(
        diesel::sql_query("UPDATE invitations SET expires_at = '2026-05-01 00:00:00'"),
        &mut *conn,
    )
    .unwrap();
    release_due(
        &mut conn,
        &secret,
        rules,
        chrono::Utc::now().naive_utc(),
        true,
    )
    .unwrap();
    for (i, field) in ["Hộ tịch", "Đất đai"].iter().enumerate() {
        let now = seen(&mut conn, field);
        let step = now - before[i];
        assert!(
            step == 0 || step >= K,
            "{field} moved by {step} at the close"
        );
        if step > 0 {
            moved.push((field.to_owned(), step));
        }
    }
    // From nothing shown, the close's (15, 15) is a whole step at the latest.
    assert!(!moved.is_empty(), "the field views moved at all");
    app.stop().await;
}

/// `hailong privacy audit` reads the release history: a history with steps under k (here,
/// every response released alone, as with k = 1) fails it, naming the output.
#[tokio::test]
async fn the_audit_fails_a_history_that_moved_by_fewer_than_k() {
    let app = crate::helpers::spawn_app().await;
    let links = issue_all(
        &app,
        (0..3)
            .map(|i| valid_dossier(&format!("AUDIT.{i}")))
            .collect(),
    )
    .await;
    for path in &links {
        let csrf = app.open_survey(path).await;
        app.submit(path, &[("csrf", &csrf), ("q_A1", "4")]).await;
        crate::helpers::release_held(&mut app.conn());
    }
    let dir = tempfile::tempdir().unwrap();
    let lenient = app
        .db
        .run_cli(dir.path(), &["privacy", "audit", "--k", "1"]);
    assert!(lenient.status.success());
    let audit = app
        .db
        .run_cli(dir.path(), &["privacy", "audit", "--k", "5"]);
    let report = String::from_utf8_lossy(&audit.stdout);
    assert_eq!(audit.status.code(), Some(1), "{report}");
    assert!(
        report.contains("agency, quarter (its page): smallest step 1 (AG-X-OCEO")
            && report.contains("<< under k"),
        "{report}"
    );
}
