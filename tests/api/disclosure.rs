//! What staff can learn from watching their pages (docs/PRIVACY.md, "What staff can learn"):
//! an agency's released responses move only in steps of at least k, and a request for help
//! never arrives together with a step of its agency's responses.

use hailong::services::privacy::release::{release_due, ReleaseRules};

use crate::helpers::{csrf_of, issue_all, spawn_app_with, valid_dossier, TestDb, TEST_SECRET};

const K: i64 = 5;
/// The differencing auditor's k: small, so that its cells step often.
const K3: i64 = 3;

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
            ask_for_help(&app, &thanks, "Tôi cần được hướng dẫn bổ sung hồ sơ").await;
            asked_for_help = true;
        }
        release_pass(&mut conn, rules);
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
        release_pass(&mut conn, rules);
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
    release_pass(&mut conn, rules);
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

/// What one capture saw: output → the responses it rests on.
type Capture = std::collections::BTreeMap<String, i64>;

/// The differencing auditor of issue #33: citizens of two agencies answer at random, by link
/// and at a kiosk, in two quarters, some with a comment, two asking for help; after every
/// release pass it captures what staff and the public see (each agency's count of responses
/// for each quarter and the year, for all, link and kiosk answers — the number every page,
/// export and the open data rest on —, the delivery report's answers per agency, way of
/// answering and dossier channel, the comments and the requests for help) and checks that
/// no output moved by fewer than k, that no year differs from its quarters, that no filter's
/// complement rests on fewer than k, and that comments and requests arrive as the rule says.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_differencing_auditor_finds_no_output_that_moved_by_fewer_than_k() {
    use hailong::domain::response_mode::ResponseMode;
    use hailong::services::reports::dashboards::{compute_period, Kind, Scope};
    use rand::{Rng, SeedableRng};
    let db = TestDb::new();
    let settings = db.settings_with(&[
        ("HAILONG_ANONYMITY_K", "3"),
        ("HAILONG_RELEASE_BATCH", "100000"),
    ]);
    let app = spawn_app_with(db, settings).await;
    app.seed();
    app.add_user(
        "admin@angiang.test",
        hailong::domain::agency::Role::Admin,
        None,
    );
    let key = app.new_api_key("one-stop shop");
    let agencies = ["AG-X-OCEO", "AG-P-RACHGIA"];
    let clerks = [
        crate::paper::Clerk::sign_in(&app, "nhap1@angiang.test").await,
        crate::paper::Clerk::sign_in(&app, "nhap2@angiang.test").await,
    ];
    let mut tablets = Vec::new();
    for agency in agencies {
        let link = crate::kiosk::enrol_from_admin_page(&app, agency, "Quầy 1").await;
        tablets.push(crate::kiosk::Tablet::enrol(&app, &link).await);
    }
    // 48 dossiers: two agencies, two quarters (completed mid-February and mid-May).
    let mut surveys = Vec::new();
    for i in 0..48 {
        let mut dossier = valid_dossier(&format!("AUDITOR.{i}"));
        let agency = i % 2;
        let (received, due, completed) = if i % 4 < 2 {
            (
                "2026-02-10T08:00:00+07:00",
                "2026-02-20T17:00:00+07:00",
                "2026-02-15T09:00:00+07:00",
            )
        } else {
            (
                "2026-05-10T08:00:00+07:00",
                "2026-05-20T17:00:00+07:00",
                "2026-05-15T09:00:00+07:00",
            )
        };
        dossier["agency_code"] = serde_json::json!(agencies[agency]);
        if i % 3 == 0 {
            dossier["channel"] = serde_json::json!("online");
        }
        dossier["received_at"] = serde_json::json!(received);
        dossier["due_at"] = serde_json::json!(due);
        dossier["completed_at"] = serde_json::json!(completed);
        let (path, code) = crate::kiosk::receipt_of(&app, &key, &dossier).await;
        surveys.push((agency, path, code));
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(33);
    let rules = ReleaseRules {
        batch: 1,
        k: K3 as u32,
        followup_due_days: 10,
    };
    let mut conn = app.conn();
    let ids: Vec<i32> = agencies
        .iter()
        .map(|code| {
            hailong::db::agencies::find_by_code(&mut conn, code)
                .unwrap()
                .unwrap()
                .id
        })
        .collect();
    let capture = |conn: &mut hailong::db::DbConnection| -> Capture {
        let mut seen = Capture::new();
        let scopes = [
            ("all", Scope::PROVINCE),
            (
                "link",
                Scope {
                    field: None,
                    mode: Some(ResponseMode::Link),
                },
            ),
            (
                "kiosk",
                Scope {
                    field: None,
                    mode: Some(ResponseMode::Kiosk),
                },
            ),
            (
                "paper",
                Scope {
                    field: None,
                    mode: Some(ResponseMode::Paper),
                },
            ),
            ("field", Scope::of_field("Hộ tịch".to_owned())),
        ];
        for (scope_name, scope) in &scopes {
            for (kind, period) in [
                (Kind::Quarter, "2026-Q1"),
                (Kind::Quarter, "2026-Q2"),
                (Kind::Year, "2026"),
            ] {
                let report = compute_period(conn, scope, kind, period, K3 as u32).unwrap();
                // The Decision 766 group's responses (its dissatisfied ones are a statistic of
                // them, like the index).
                for (code, (n, _)) in &report.responses_dissatisfied {
                    seen.insert(format!("766 {code} {period} {scope_name}"), *n as i64);
                }
                for code in agencies {
                    let n = report
                        .scores
                        .iter()
                        .find(|s| s.agency == code && s.measure == "completed" && s.key.is_empty())
                        .map_or(0, |s| i64::from(s.n));
                    seen.insert(format!("{code} {period} {scope_name}"), n);
                }
            }
        }
        // The delivery report: answers per agency, per way of answering, per dossier channel.
        for quarter in ["2026-Q1", "2026-Q2"] {
            let report = hailong::services::reports::delivery::of_quarter(
                conn,
                quarter.parse().unwrap(),
                K3 as u32,
            )
            .unwrap();
            for (agency, answered) in &report.by_agency {
                seen.insert(
                    format!("delivery {quarter} agency {agency}"),
                    answered.answered as i64,
                );
            }
            for (mode, answered) in &report.by_mode {
                seen.insert(
                    format!("delivery {quarter} mode {mode}"),
                    answered.answered as i64,
                );
            }
            for (channel, answered) in &report.by_channel {
                seen.insert(
                    format!("delivery {quarter} channel {channel}"),
                    answered.answered as i64,
                );
            }
        }
        for (code, id) in agencies.iter().zip(&ids) {
            let quarters = vec!["2026-Q1".to_owned(), "2026-Q2".to_owned()];
            let comments = hailong::db::responses::comments(conn, &[*id], &quarters, 10_000)
                .unwrap()
                .len();
            seen.insert(format!("{code} comments"), comments as i64);
            let requests = hailong::db::followups::released_of(conn, &[*id])
                .unwrap()
                .len();
            seen.insert(format!("{code} requests"), requests as i64);
        }
        seen
    };
    let mut before = capture(&mut conn);
    let mut asked_for_help = 0;
    let mut released_steps = 0;
    // Every survey answered one by one, then the quarters closed (every invitation expired):
    // the last steps show what was kept back.
    let steps = surveys.iter().map(Some).chain([None]);
    for step in steps {
        let Some((agency, path, code)) = step else {
            diesel::RunQueryDsl::execute(
                diesel::sql_query("UPDATE invitations SET expires_at = '2026-07-01 00:00:00'"),
                &mut *conn,
            )
            .unwrap();
            release_pass(&mut conn, rules);
            let now = capture(&mut conn);
            released_steps += check(&before, &now, &agencies);
            before = now;
            continue;
        };
        let value = rng.random_range(1..=5).to_string();
        let comment = rng
            .random_bool(0.3)
            .then_some("Thủ tục nhanh, cán bộ nhiệt tình");
        let way: f64 = rng.random();
        if way < 0.25 {
            let fields = [("q_A1", value.as_str()), ("q_P5", value.as_str())];
            let sent = tablets[*agency].answer(code, &fields).await;
            assert_eq!(sent.status(), 200);
        } else if way < 0.5 {
            // A paper form, entered twice by two people.
            let digits = [("p_A1", value.as_str()), ("p_P5", value.as_str())];
            for clerk in &clerks {
                let (status, page) = clerk.enter(code, &digits).await;
                assert_eq!(status, 303, "{page}");
            }
        } else {
            let csrf = app.open_survey(path).await;
            let mut form = vec![
                ("csrf", csrf.as_str()),
                ("q_A1", value.as_str()),
                ("q_P5", value.as_str()),
            ];
            if let Some(comment) = comment {
                form.push(("comment", comment));
            }
            let thanks = app.submit(path, &form).await.text().await.unwrap();
            if asked_for_help < 2 && rng.random_bool(0.2) {
                ask_for_help(&app, &thanks, "Xin hướng dẫn nộp bổ sung").await;
                asked_for_help += 1;
            }
        }
        release_pass(&mut conn, rules);
        let now = capture(&mut conn);
        released_steps += check(&before, &now, &agencies);
        before = now;
    }
    assert!(released_steps > 0, "the agencies' pages moved at all");
    for mode in ["link", "kiosk", "paper"] {
        let shown: i64 = agencies
            .iter()
            .map(|code| before[&format!("{code} 2026 {mode}")])
            .sum();
        assert!(shown > 0, "{mode} answers were shown at some step");
    }
    assert!(asked_for_help > 0);
    app.stop().await;
}

/// The auditor's checks of one capture against the one before: how many agencies stepped.
fn check(before: &Capture, now: &Capture, agencies: &[&str]) -> usize {
    let mut stepped_agencies = 0;
    // Counts of responses (comments and requests have rules of their own, below).
    for (output, n) in now
        .iter()
        .filter(|(o, _)| !o.ends_with("comments") && !o.ends_with("requests"))
    {
        let moved = n - before.get(output).copied().unwrap_or(0);
        assert!(
            moved == 0 || moved >= K3,
            "{output} moved by {moved} at a release"
        );
    }
    for code in agencies {
        let count = |c: &Capture, period: &str, scope: &str| c[&format!("{code} {period} {scope}")];
        for period in ["2026-Q1", "2026-Q2", "2026"] {
            // Each filter's complement (all answers but that way's) moves and holds in
            // steps of k as well, and the ways add up to all.
            for mode in ["link", "kiosk", "paper"] {
                let complement = count(now, period, "all") - count(now, period, mode);
                assert!(
                    complement == 0 || complement >= K3,
                    "{code} {period} not {mode}: {complement}"
                );
            }
            assert_eq!(
                count(now, period, "all"),
                count(now, period, "link")
                    + count(now, period, "kiosk")
                    + count(now, period, "paper")
            );
        }
        assert_eq!(
            count(now, "2026", "all"),
            count(now, "2026-Q1", "all") + count(now, "2026-Q2", "all"),
            "{code}: the year is its quarters"
        );
        let stepped = count(now, "2026", "all") != count(before, "2026", "all");
        let comments = now[&format!("{code} comments")] != before[&format!("{code} comments")];
        let requests = now[&format!("{code} requests")] != before[&format!("{code} requests")];
        assert!(
            !comments || stepped,
            "{code}: comments arrived without a step"
        );
        assert!(
            !(requests && stepped),
            "{code}: a request arrived with a step"
        );
        stepped_agencies += usize::from(stepped);
    }
    stepped_agencies
}

/// Files a request for help (with a phone number) from a thank-you page.
async fn ask_for_help(app: &crate::helpers::TestApp, thanks: &str, problem: &str) {
    let help = crate::followups::help_path(thanks);
    let form = app.get(&help).await.text().await.unwrap();
    let action = help.split('?').next().unwrap().to_owned();
    let (status, body) = crate::followups::post(
        app,
        &action,
        &[
            ("csrf", &csrf_of(&form)),
            ("problem", problem),
            ("phone", "0987 654 321"),
            ("consent", "yes"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

/// One release pass, at once whatever the batch (as the daily release would), now.
fn release_pass(conn: &mut hailong::db::DbConnection, rules: ReleaseRules) {
    let secret = hailong::secret::SecretKey::from_hex(TEST_SECRET).unwrap();
    release_due(conn, &secret, rules, chrono::Utc::now().naive_utc(), true).unwrap();
}
