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
