//! The anonymity promise, tried as an attacker with a copy of the database would (see
//! docs/PRIVACY.md): what a submission writes, what the stored responses say, what is forgotten
//! and when, who may look a dossier up, and the staff forms' CSRF binding.

use std::collections::BTreeSet;

use diesel::prelude::*;
use serde_json::{json, Value};

use crate::helpers::{
    changes, csrf_of, dump_database, issue_all, snapshot, spawn_app, spawn_app_with, valid_dossier,
    TestApp, TestDb, NAMING, SUBMISSION_WRITES,
};

async fn spawn_with(overrides: &[(&'static str, &str)]) -> TestApp {
    let db = TestDb::new();
    let settings = db.settings_with(overrides);
    spawn_app_with(db, settings).await
}

async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    // Up to 30 s: the background work (releases, the dashboards' numbers) shares two cores
    // with every other test running at the same time.
    for _ in 0..600 {
        if done() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("timed out waiting until {what}");
}

fn released(app: &TestApp) -> i64 {
    hailong::db::responses::count(&mut app.conn()).unwrap()
}

fn held(app: &TestApp) -> i64 {
    hailong::db::held_responses::count(&mut app.conn()).unwrap()
}

#[derive(QueryableByName)]
struct Xmin {
    #[diesel(sql_type = diesel::sql_types::Text)]
    xmin: String,
}

fn xmins(app: &TestApp, table: &str) -> BTreeSet<String> {
    diesel::sql_query(format!("SELECT xmin::text AS xmin FROM {table}"))
        .load::<Xmin>(&mut *app.conn())
        .unwrap()
        .into_iter()
        .map(|x| x.xmin)
        .collect()
}

#[tokio::test]
async fn a_submission_writes_nothing_that_names_its_invitation_and_staff_see_batches() {
    const SURVEYS: usize = 30;
    const BATCH: i64 = 10;
    let app = spawn_with(&[("HAILONG_RELEASE_BATCH", "10")]).await;
    let paths = issue_all(
        &app,
        (0..SURVEYS)
            .map(|i| valid_dossier(&format!("ANON.{i}")))
            .collect(),
    )
    .await;

    // The releaser's first pass starts the daily clock, and the outbox delivers the SMS
    // invitations (queuing their reminders, days away): after that, only submissions write.
    wait_until(
        "the daily clock starts and the invitations are sent",
        || {
            use hailong::db::schema::outbox;
            let mut conn = app.conn();
            let unsent_invitations: i64 = outbox::table
                .filter(outbox::message.eq(0))
                .filter(outbox::delivered_at.is_null())
                .count()
                .get_result(&mut *conn)
                .unwrap();
            let reminders: i64 = outbox::table
                .filter(outbox::message.eq(1))
                .count()
                .get_result(&mut *conn)
                .unwrap();
            hailong::db::releases::last_at(&mut conn, 0)
                .unwrap()
                .is_some()
                && unsent_invitations == 0
                && reminders == i64::try_from(SURVEYS).unwrap()
        },
    )
    .await;
    for (i, path) in paths.iter().enumerate() {
        let before_open = snapshot(&app);
        let csrf = app.open_survey(path).await;
        let before = snapshot(&app);
        // Opening writes nothing; a release of the batch before may land meanwhile, and the
        // dashboards' numbers after it.
        let meanwhile = changes(&before_open, &before);
        assert!(
            meanwhile.keys().all(|t| [
                "responses",
                "answers",
                "releases",
                "held_responses",
                "data_revisions",
                "dashboard_reports",
                "dashboard_leases",
                "survey_rate_windows"
            ]
            .contains(&t.as_str())),
            "opening a survey wrote {meanwhile:?}"
        );
        let comment = format!("góp ý số {i}");
        let response = app
            .submit(
                path,
                &[("csrf", &csrf), ("q_A1", "4"), ("comment", &comment)],
            )
            .await;
        assert_eq!(response.status(), 200);
        let after = snapshot(&app);

        let changed = changes(&before, &after);
        for table in changed.keys() {
            assert!(
                SUBMISSION_WRITES.contains(&table.as_str()),
                "submission {i} changed {table}: {changed:?}"
            );
            assert!(!NAMING.contains(&table.as_str()));
        }
        // Staff see responses only in batches: none appears alone.
        if let Some((added, _)) = changed.get("responses") {
            assert!(*added as i64 >= BATCH, "{added} responses released at once");
        }
    }
    // Batches of at least BATCH: submissions that arrive together are released together, and
    // what remains under a batch waits for more (or the day's end).
    wait_until("every full batch is released", || {
        held(&app) < BATCH && released(&app) + held(&app) == SURVEYS as i64
    })
    .await;
    assert!(released(&app) > SURVEYS as i64 - BATCH);

    if app.db.backend() == "postgres" {
        // Rows written by one transaction share xmin: nothing that names an invitation, a
        // dossier or an applicant shares one with a response or a spent link.
        let mut naming = BTreeSet::new();
        for table in NAMING {
            naming.extend(xmins(&app, table));
        }
        for table in ["responses", "answers", "spent_links"] {
            let shared: Vec<String> = xmins(&app, table).intersection(&naming).cloned().collect();
            assert!(shared.is_empty(), "{table} shares transactions {shared:?}");
        }
    }
}

#[tokio::test]
async fn a_rare_procedure_is_stored_as_its_field_or_not_at_all_and_the_audit_passes() {
    let app = spawn_with(&[("HAILONG_ANONYMITY_K", "3")]).await;
    app.seed();
    {
        use hailong::db::procedures::{self, NewProcedure};
        let mut conn = app.conn();
        for (code, field) in [("2.000001", "Hộ tịch"), ("3.000001", "Thuế")] {
            procedures::insert(
                &mut conn,
                &NewProcedure {
                    code,
                    name_vi: "Thủ tục hiếm",
                    name_en: "A rare procedure",
                    field,
                },
            )
            .unwrap();
        }
    }
    let dossier = |id: &str, procedure: &str, channel: &str| {
        let mut d = valid_dossier(id);
        d["procedure_code"] = json!(procedure);
        d["channel"] = json!(channel);
        d
    };
    let paths = issue_all(
        &app,
        vec![
            dossier("K.1", "1.001193", "counter"),
            dossier("K.2", "1.001193", "counter"),
            dossier("K.3", "1.001193", "counter"),
            dossier("K.RARE", "2.000001", "counter"),
            dossier("K.TAX", "3.000001", "counter"),
            dossier("K.ONLINE", "1.001193", "online"),
        ],
    )
    .await;
    for path in &paths[..] {
        let csrf = app.open_survey(path).await;
        let response = app.submit(path, &[("csrf", &csrf), ("q_A1", "5")]).await;
        assert_eq!(response.status(), 200);
    }
    // Five can be stored k-anonymously, but their commune's cell is open and steps by 2k:
    // they wait. Its quarter is over; once every invitation of the commune's quarter has
    // expired, the cell closes and its last step shows all five; the online response, whose
    // own cell never had k invitations, can never be stored k-anonymously: it is dropped and
    // counted.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!((released(&app), held(&app)), (0, 6));
    let mut conn = app.conn();
    diesel::sql_query("UPDATE invitations SET expires_at = '2026-05-01 00:00:00'")
        .execute(&mut *conn)
        .unwrap();
    let secret = app.db.settings().secret;
    let rules = hailong::services::privacy::release::ReleaseRules {
        batch: 1,
        k: 3,
        followup_due_days: 10,
    };
    // (The background pass may take this step first: the outcome is the same.)
    hailong::services::privacy::release::release_due(
        &mut conn,
        &secret,
        rules,
        chrono::Utc::now().naive_utc(),
        false,
    )
    .unwrap();
    assert_eq!((released(&app), held(&app)), (5, 0));
    assert_eq!(hailong::db::releases::withheld_total(&mut conn).unwrap(), 1);
    drop(conn);

    let stored = hailong::db::responses::all(&mut app.conn()).unwrap();
    let shown: BTreeSet<(Option<i32>, Option<String>)> = stored
        .iter()
        .map(|r| (r.procedure_id, r.procedure_field.clone()))
        .collect();
    let common = hailong::db::procedures::all(&mut app.conn())
        .unwrap()
        .into_iter()
        .find(|p| p.code == "1.001193")
        .unwrap()
        .id;
    assert_eq!(
        shown,
        BTreeSet::from([
            (Some(common), Some("Hộ tịch".to_owned())),
            (None, Some("Hộ tịch".to_owned())),
            (None, None),
        ]),
        "the common procedure exact, the rare one as its field (4 invitations), the tax one \
         as nothing (its field has 1; the cell 5)"
    );
    let dir = tempfile::tempdir().unwrap();
    let audit = app
        .db
        .run_cli(dir.path(), &["privacy", "audit", "--k", "3"]);
    let out = String::from_utf8_lossy(&audit.stdout);
    assert!(audit.status.success(), "{out}");
    assert!(
        out.contains("responses that fit fewer than 3 invitations: 0 (0.00 %)"),
        "{out}"
    );
    let strict = app
        .db
        .run_cli(dir.path(), &["privacy", "audit", "--k", "6"]);
    assert!(
        !strict.status.success(),
        "5 invitations fit the largest set"
    );
}

#[tokio::test]
async fn the_daily_release_shows_fewer_than_a_batch_after_a_day() {
    let app = spawn_with(&[("HAILONG_RELEASE_BATCH", "20")]).await;
    let paths = issue_all(&app, vec![valid_dossier("D.1"), valid_dossier("D.2")]).await;
    for path in &paths {
        let csrf = app.open_survey(path).await;
        assert_eq!(
            app.submit(path, &[("csrf", &csrf), ("q_A1", "3")])
                .await
                .status(),
            200
        );
    }
    wait_until("the daily clock starts", || {
        hailong::db::releases::last_at(&mut app.conn(), 0)
            .unwrap()
            .is_some()
    })
    .await;
    assert_eq!((released(&app), held(&app)), (0, 2));

    app.add_user(
        "phantich@angiang.test",
        hailong::domain::agency::Role::Province,
        None,
    );
    app.login("phantich@angiang.test", crate::helpers::PASSWORD)
        .await;
    let page = app.get("/dashboard/province").await.text().await.unwrap();
    assert!(
        page.contains("theo từng bước") && !page.contains("Đang chờ công bố"),
        "the page says how responses are released, not how many wait"
    );

    let secret = app.db.settings().secret;
    let rules = hailong::services::privacy::release::ReleaseRules {
        batch: 20,
        k: 1,
        followup_due_days: 10,
    };
    let mut conn = app.conn();
    let now = chrono::Utc::now().naive_utc();
    let early =
        hailong::services::privacy::release::release_due(&mut conn, &secret, rules, now, false)
            .unwrap();
    assert_eq!(early.released, 0, "2 of 20, less than a day: they wait");
    let a_day_later = now + chrono::Duration::hours(25);
    let late = hailong::services::privacy::release::release_due(
        &mut conn,
        &secret,
        rules,
        a_day_later,
        false,
    )
    .unwrap();
    assert_eq!(late.released, 2, "once a day, however few");
}

#[tokio::test]
async fn what_names_a_person_is_erased_at_expiry_and_the_link_forgotten_after_retention() {
    let app = spawn_app().await;
    let paths = issue_all(&app, vec![valid_dossier("R.1"), valid_dossier("R.2")]).await;
    let csrf = app.open_survey(&paths[0]).await;
    assert_eq!(
        app.submit(&paths[0], &[("csrf", &csrf), ("q_A1", "4")])
            .await
            .status(),
        200
    );
    let mut conn = app.conn();
    crate::helpers::release_held(&mut conn);
    let expired_at = chrono::Utc::now().naive_utc() - chrono::Duration::days(1);
    diesel::update(hailong::db::schema::invitations::table)
        .set(hailong::db::schema::invitations::expires_at.eq(expired_at))
        .execute(&mut *conn)
        .unwrap();

    let now = chrono::Utc::now().naive_utc();
    let forgotten = hailong::services::privacy::retention::forget_due(&mut conn, now, 400).unwrap();
    assert_eq!(forgotten.erased, 2, "answered and unanswered alike");
    let dump = dump_database(&app.db);
    let applicant = hailong::domain::identity::ApplicantId::parse("089 123 456 789")
        .unwrap()
        .keyed_hash(&app.db.settings().secret);
    let hex: String = applicant.iter().map(|b| format!("{b:02x}")).collect();
    assert!(
        !dump.to_lowercase().contains(&hex),
        "no applicant hash left"
    );
    assert!(!dump.contains("0912345678"), "no phone left");
    use hailong::db::schema::{dossiers, invitations};
    let salts: Vec<Option<Vec<u8>>> = invitations::table
        .select(invitations::token_salt)
        .load(&mut *conn)
        .unwrap();
    assert!(salts.iter().all(Option::is_none), "no salt left");
    assert_eq!(
        app.get(&paths[0]).await.status(),
        200,
        "answered, still known"
    );
    assert_eq!(
        app.get(&paths[1]).await.status(),
        410,
        "expired, still known"
    );

    let past_retention = now + chrono::Duration::days(402);
    let forgotten =
        hailong::services::privacy::retention::forget_due(&mut conn, past_retention, 400).unwrap();
    assert_eq!(forgotten.purged, 2);
    assert_eq!(
        forgotten.spent_marks, 1,
        "the quarter has no invitation left"
    );
    for path in &paths {
        assert_eq!(app.get(path).await.status(), 404, "the link is forgotten");
    }
    let invited: Vec<bool> = dossiers::table
        .select(dossiers::invited)
        .load(&mut *conn)
        .unwrap();
    assert_eq!(
        invited,
        [true, true],
        "the census keeps that they were invited"
    );
    assert_eq!(
        crate::helpers::stored_count(&mut conn),
        1,
        "the response stays"
    );
}

#[tokio::test]
async fn only_the_integrator_that_sent_a_dossier_may_look_it_up() {
    let app = spawn_app().await;
    app.seed();
    let mine = app.new_api_key("one-stop shop");
    let theirs = app.new_api_key("another integrator");
    assert_eq!(
        app.post_dossiers(&mine, &valid_dossier("Q.1"))
            .await
            .status(),
        201
    );
    let qr = |key: String| {
        let url = format!("{}/api/v1/dossiers/Q.1/qr.svg", app.address);
        let client = app.client.clone();
        async move {
            client
                .get(url)
                .header("authorization", format!("bearer {key}"))
                .send()
                .await
                .unwrap()
                .status()
        }
    };

    assert_eq!(qr(mine.clone()).await, 200, "lower-case bearer is accepted");
    assert_eq!(qr(theirs.clone()).await, 404);
    let resent = app.post_dossiers(&theirs, &valid_dossier("Q.1")).await;
    assert_eq!(resent.status(), 409);
    let body: Value = resent.json().await.unwrap();
    assert_eq!(
        body["conflicts"][0]["differing_fields"],
        json!(["dossier_id"])
    );
    assert!(body.to_string().find("/s/").is_none(), "no link for them");
}

/// The `name=value` of the cookie `name` a response sets.
fn set_cookie(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie"))
}

#[tokio::test]
async fn a_csrf_pair_fetched_without_a_session_does_not_pass_a_signed_in_form() {
    let app = spawn_app().await;
    app.seed();
    app.add_user(
        "admin@angiang.test",
        hailong::domain::agency::Role::Admin,
        None,
    );
    // Cookies by hand: the admin's session, and the attacker's pair beside it.
    let bare = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let url = |path: &str| format!("{}{path}", app.address);
    let login_page = bare.get(url("/login")).send().await.unwrap();
    let admin_pair = set_cookie(&login_page, "hl_staff_csrf");
    let login_token = csrf_of(&login_page.text().await.unwrap());
    let signed_in = bare
        .post(url("/login"))
        .header("cookie", &admin_pair)
        .form(&[
            ("csrf", login_token.as_str()),
            ("email", "admin@angiang.test"),
            ("password", crate::helpers::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 303);
    let session = set_cookie(&signed_in, "hl_session");
    let attacker_page = bare.get(url("/login")).send().await.unwrap();
    let attacker_pair = set_cookie(&attacker_page, "hl_staff_csrf");
    let attacker_token = csrf_of(&attacker_page.text().await.unwrap());

    let forged = bare
        .post(url("/admin/api-clients"))
        .header("cookie", format!("{session}; {attacker_pair}"))
        .form(&[("csrf", attacker_token.as_str()), ("name", "planted")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);

    let page = bare
        .get(url("/admin/api-clients"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    let session_token = csrf_of(&page.text().await.unwrap());
    let legit = bare
        .post(url("/admin/api-clients"))
        .header("cookie", &session)
        .form(&[("csrf", session_token.as_str()), ("name", "real")])
        .send()
        .await
        .unwrap();
    assert_eq!(legit.status(), 201);
}

#[tokio::test]
async fn behind_https_cookies_are_host_only_and_browsers_are_told_to_stay_on_https() {
    let app = spawn_with(&[("HAILONG_PUBLIC_URL", "https://hailong.angiang.example")]).await;

    let login = app.get("/login").await;
    let hsts = login.headers()["strict-transport-security"]
        .to_str()
        .unwrap();
    assert_eq!(hsts, "max-age=31536000; includeSubDomains");
    let cookie = login.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("__Host-hl_staff_csrf="), "{cookie}");
    assert!(
        cookie.contains("Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );

    let plain = spawn_app().await;
    assert!(plain
        .get("/login")
        .await
        .headers()
        .get("strict-transport-security")
        .is_none());
}

#[cfg(unix)]
#[tokio::test]
async fn the_sqlite_files_are_readable_by_the_service_alone() {
    use std::os::unix::fs::PermissionsExt;
    let app = spawn_app().await;
    if app.db.backend() != "sqlite" {
        return;
    }
    let path = app.issue_survey("F.1").await;
    let csrf = app.open_survey(&path).await;
    app.submit(&path, &[("csrf", &csrf), ("q_A1", "2")]).await;

    let db = app.db.url().strip_prefix("sqlite://").unwrap().to_owned();
    let mut seen = 0;
    for suffix in ["", "-wal", "-shm"] {
        if let Ok(meta) = std::fs::metadata(format!("{db}{suffix}")) {
            assert_eq!(meta.permissions().mode() & 0o777, 0o600, "{db}{suffix}");
            seen += 1;
        }
    }
    assert_eq!(seen, 3, "the database runs in WAL mode");
}

#[tokio::test]
async fn an_upgraded_database_keeps_its_answered_links_answered() {
    let db = TestDb::new();
    let settings = db.settings();
    let secret = settings.secret.clone();
    let pool = hailong::db::build_pool(&settings.database, 1);
    let mut conn = pool.get().unwrap();
    // The database as the previous version left it: migrations up to 000004.
    let stopped = hailong::db::run_migrations_with(&mut conn, |_, version| {
        anyhow::ensure!(version < "20261130000005", "stop before {version}");
        Ok(())
    });
    assert!(stopped.is_err());
    let salt = [7u8; 16];
    let token = hailong::domain::token::survey_token(&secret, &salt);
    let token_hash = hailong::domain::token::survey_token_hash(&secret, &token);
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    let blob = |b: &[u8]| match db.backend() {
        "sqlite" => format!("X'{}'", hex(b)),
        _ => format!("'\\x{}'::bytea", hex(b)),
    };
    for statement in [
        "INSERT INTO agencies (id, code, name_vi, name_en, level, kind, valid_from) \
         VALUES (1, 'AG', 'Tỉnh', 'Province', 'province', 'people_committee', '2025-07-01')"
            .to_owned(),
        "INSERT INTO procedures (id, code, name_vi, name_en, field) \
         VALUES (1, 'P', 'Thủ tục', 'Procedure', 'Hộ tịch')"
            .to_owned(),
        // No explicit id: PostgreSQL's sequence must count it (startup publishes the default).
        "INSERT INTO questionnaires (version, definition, published_at) \
         VALUES ('2026.1', '{}', '2026-01-01 00:00:00')"
            .to_owned(),
        format!(
            "INSERT INTO dossiers (id, external_id, agency_id, procedure_id, applicant_kind, \
             channel, received_at, due_at, completed_at, applicant_hash, created_at) VALUES \
             (1, 'OLD.1', 1, 1, 'citizen', 'counter', '2026-11-01 00:00:00', \
             '2026-11-02 00:00:00', '2026-11-01 01:00:00', {}, '2026-11-01 01:00:00')",
            blob(&[1, 2, 3])
        ),
        format!(
            "INSERT INTO invitations (id, dossier_id, token_salt, token_hash, questionnaire_id, \
             created_at, expires_at, answered, answered_on) VALUES (1, 1, {}, {}, 1, \
             '2026-11-01 01:00:00', '2099-01-01 00:00:00', TRUE, '2026-11-02')",
            blob(&salt),
            blob(&token_hash)
        ),
    ] {
        diesel::sql_query(statement).execute(&mut **conn).unwrap();
    }

    let applied = hailong::services::privacy::migrate(&mut conn, &secret, 1).unwrap();
    for version in ["20261130000005", "20261130000006"] {
        assert!(
            applied.iter().any(|v| v == version),
            "{version} in {applied:?}"
        );
    }
    assert_eq!(hailong::db::spent_links::count(&mut conn).unwrap(), 1);
    drop(conn);
    let app = spawn_app_with(db, settings).await;
    let page = app.get(&format!("/s/{token}")).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("đã được trả lời"));
}
