//! Who sees what, and that the dashboards show the analysis library's numbers and nothing
//! that rests on fewer than min_cell responses.

use std::collections::{BTreeMap, HashMap};

use hailong::domain::agency::Role;
use hailong::services::reports::dashboards::{Kind, PeriodReport};
use hailong::views::format::number;
use hailong::views::i18n::Lang;
use hailong_analysis::scores::Measure;

use crate::helpers::{post_from, spawn_app, TestApp, PASSWORD};

/// Answers `count` surveys of `agency` (quarter 2026-Q2), the first with `comment`.
pub async fn answer(app: &TestApp, agency: &str, count: usize, value: &str, comment: &str) {
    answer_dossiers(app, agency, count, value, comment, None).await;
}

/// As [`answer`], for dossiers completed at `completed_at`, without a comment.
pub async fn answer_in(app: &TestApp, agency: &str, count: usize, value: &str, completed_at: &str) {
    answer_dossiers(app, agency, count, value, "", Some(completed_at)).await;
}

/// Dossiers of `agency` (completed at `completed_at`, or the test dossier's time), each
/// answered with `value` on every question; the first with `comment` when there is one.
async fn answer_dossiers(
    app: &TestApp,
    agency: &str,
    count: usize,
    value: &str,
    comment: &str,
    completed_at: Option<&str>,
) {
    app.seed();
    let stamp: String = completed_at
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let key = app.new_api_key(&format!("gateway {agency} {value} {stamp}"));
    for i in 0..count {
        let mut dossier = crate::helpers::valid_dossier(&format!("{agency}.{value}.{stamp}.{i}"));
        dossier["agency_code"] = agency.into();
        if let Some(completed_at) = completed_at {
            // Received early in the year of completion (2026 unless told otherwise).
            let year = &completed_at[..4];
            dossier["received_at"] = format!("{year}-01-05T08:00:00+07:00").into();
            dossier["due_at"] = format!("{year}-03-01T17:00:00+07:00").into();
            dossier["completed_at"] = completed_at.into();
        }
        let comment = if i == 0 { comment } else { "" };
        let items = ["A1", "P5", "S1", "R3", "F2"];
        crate::helpers::answer_dossier(app, &key, &dossier, &items, value, comment).await;
    }
}

#[tokio::test]
async fn each_role_sees_what_it_may_and_nothing_more() {
    let app = spawn_app().await;
    app.seed();
    app.add_user("xa@angiang.test", Role::Agency, Some("AG-X-OCEO"));
    app.add_user("tinh@angiang.test", Role::Agency, Some("AG"));
    app.add_user("phantich@angiang.test", Role::Province, None);
    app.add_user("admin@angiang.test", Role::Admin, None);
    let routes = [
        "/dashboard/province",
        "/dashboard/agency/AG-X-OCEO",
        "/dashboard/agency/AG-P-RACHGIA",
        "/dashboard/agency/NO-SUCH",
        "/exports/scores.csv",
        "/exports/scores.xlsx",
        "/admin/users",
        "/exports/raw/responses.csv",
        "/admin/api-clients",
        "/admin/questionnaires",
        "/admin/agencies",
    ];
    // Expected status per route, per user; None: anonymous.
    let matrix: [(Option<&str>, [u16; 6]); 5] = [
        (None, [303, 303, 303, 303, 303, 303]),
        (Some("xa@angiang.test"), [404, 200, 404, 404, 404, 404]),
        // The province's own People's Committee sees the agencies below it.
        (Some("tinh@angiang.test"), [404, 200, 200, 404, 404, 404]),
        (
            Some("phantich@angiang.test"),
            [200, 200, 200, 404, 200, 200],
        ),
        (Some("admin@angiang.test"), [200, 200, 200, 404, 200, 200]),
    ];
    for (user, expected) in matrix {
        let client = app.another_client();
        if let Some(email) = user {
            let page = client
                .get(format!("{}/login", app.address))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let csrf = crate::helpers::csrf_of(&page);
            let login = client
                .post(format!("{}/login", app.address))
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("email", email),
                    ("password", PASSWORD),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(login.status(), 303, "{email} signs in");
        }
        for (route, status) in routes.iter().zip(expected) {
            let response = client
                .get(format!("{}{}", app.address, route))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status().as_u16(), status, "{user:?} on {route}");
            if status == 404 {
                let body = response.text().await.unwrap();
                assert!(
                    !body.contains("Rạch Giá") && !body.contains("sat_index"),
                    "a 404 shows no data"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_dashboards_show_the_library_s_numbers_and_hide_what_is_suppressed() {
    let app = spawn_app().await;
    answer(&app, "AG-X-OCEO", 6, "4", "Cán bộ rất tận tình").await;
    answer(&app, "AG-P-RACHGIA", 2, "2", "Một góp ý riêng tư").await;
    app.add_user("phantich@angiang.test", Role::Province, None);
    app.login("phantich@angiang.test", PASSWORD).await;

    let library = library_report(&app, Kind::Quarter, 5).await;
    let unsuppressed = library_report(&app, Kind::Quarter, 1).await;
    let shown = value_of(&library, "2026-Q2", "AG-X-OCEO", Measure::SatIndex).unwrap();
    let hidden = value_of(&unsuppressed, "2026-Q2", "AG-P-RACHGIA", Measure::PapiTotal).unwrap();
    assert!(value_of(&library, "2026-Q2", "AG-P-RACHGIA", Measure::PapiTotal).is_none());

    let oceo = app
        .current_page("/dashboard/agency/AG-X-OCEO?period=2026-Q2")
        .await;
    let rach_gia = app
        .current_page("/dashboard/agency/AG-P-RACHGIA?period=2026-Q2")
        .await;
    let province = app.current_page("/dashboard/province?period=2026-Q2").await;
    let english = app
        .current_page("/dashboard/agency/AG-X-OCEO?period=2026-Q2&lang=en")
        .await;

    assert!(
        oceo.contains(&number(Lang::VI, shown, 1)),
        "{}",
        number(Lang::VI, shown, 1)
    );
    assert!(english.contains(&number(Lang::EN, shown, 1)));
    assert!(
        oceo.contains("Cán bộ rất tận tình"),
        "comments of a shown group"
    );
    assert!(
        !rach_gia.contains(&number(Lang::VI, hidden, 2)),
        "a suppressed total never appears"
    );
    assert!(
        !rach_gia.contains("Một góp ý riêng tư"),
        "comments of a suppressed group stay hidden"
    );
    assert!(rach_gia.contains("Không hiển thị góp ý"));
    assert!(!province.contains(&number(Lang::VI, hidden, 2)));
    assert!(province.contains("<svg"));
    // The province's national standing, both former provinces, PAPI 2011-2024 and PCI
    // 2006-2022, as published (data/reference/README.md: An Giang PAPI 2024, rank 40 of the
    // 61 provinces scored; Kiên Giang PCI 2020, rank 62).
    assert!(
        province.contains("42,89 · hạng 40/61 (chưa đạt)"),
        "An Giang's PAPI 2024"
    );
    assert!(
        province.contains("60,01 · hạng 62/63"),
        "Kiên Giang's PCI 2020"
    );
    assert!(province.contains("PAPI: thứ hạng toàn quốc theo năm"));
    assert!(
        province.contains("PCI: điểm theo năm"),
        "totals charted too"
    );
    assert!(
        province.contains("60,45"),
        "An Giang's published PCI 2006 with its rank"
    );
    assert!(province.contains("Kiên Giang"));
    let by_field = app
        .current_page("/dashboard/province?period=2026-Q2&field=H%E1%BB%99%20t%E1%BB%8Bch")
        .await;
    assert!(
        by_field.contains("Toàn tỉnh · 2026-Q2 · Hộ tịch"),
        "the field filter applies"
    );
    let other_field = app
        .get("/dashboard/province?period=2026-Q2&field=Kh%C3%B4ng%20c%C3%B3")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !other_field.contains("· Không có"),
        "an unknown field is ignored"
    );

    let csv = app
        .get("/exports/scores.csv?period=2026-Q2")
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.starts_with(
        "\u{feff}period,agency_code,agency_name,measure,key,value,ci_low,ci_high,n,n_eff,status\n"
    ));
    assert!(
        csv.contains("2026-Q2,AG-P-RACHGIA,Ủy ban nhân dân phường Rạch Giá,papi_total,,,,,2,"),
        "suppressed: counts kept, no value; the name beside the code:\n{csv}"
    );
    let xlsx = app.get("/exports/scores.xlsx?period=2026-Q2").await;
    assert!(xlsx.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("scores-2026-Q2.xlsx"));
    let xlsx = xlsx.bytes().await.unwrap();
    assert!(xlsx.starts_with(b"PK"), "an XLSX is a zip");
    let sheet = xlsx_sheet(&xlsx);
    assert!(
        sheet.contains("<pane ySplit=\"1\"") && sheet.contains("<autoFilter"),
        "the header row is frozen and filtered"
    );

    // The page's filters travel with the export, and a Vietnamese header row on request.
    let communes = app
        .get("/exports/scores.csv?period=2026-Q2&level=commune&header=vi")
        .await;
    assert!(communes.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("scores-2026-Q2-commune.csv"));
    let communes = communes.text().await.unwrap();
    assert!(communes.starts_with("\u{feff}Kỳ,Mã cơ quan,Tên cơ quan,Chỉ số,"));
    assert!(communes.contains(",AG-X-OCEO,") && communes.contains(",AG-P-RACHGIA,"));
    assert!(
        !communes.contains(",ALL,"),
        "the province row is no commune"
    );
    let departments = app
        .get("/exports/scores.csv?period=2026-Q2&level=department")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !departments.contains(",AG-X-OCEO,"),
        "a commune is no department"
    );
}

#[tokio::test]
async fn an_admin_adds_and_disables_accounts_in_the_web_interface() {
    let app = spawn_app().await;
    app.seed();
    app.add_user("admin@angiang.test", Role::Admin, None);
    app.login("admin@angiang.test", PASSWORD).await;
    let page = app.get("/admin/users").await.text().await.unwrap();
    let csrf = crate::helpers::csrf_of(&page);
    let post = |path: &'static str, form: Vec<(&'static str, String)>| {
        let client = app.client.clone();
        let url = format!("{}{}", app.address, path);
        async move { client.post(url).form(&form).send().await.unwrap() }
    };

    let short = post(
        "/admin/users",
        vec![
            ("csrf", csrf.clone()),
            ("email", "xa@angiang.test".into()),
            ("role", "agency".into()),
            ("agency", "AG-X-OCEO".into()),
            ("password", "ngắn".into()),
        ],
    )
    .await;
    assert_eq!(short.status(), 422);
    let again = short.text().await.unwrap();
    assert!(
        again.contains("id=\"add-password-error\" role=\"alert\">Mật khẩu cần ít nhất 12 ký tự.")
    );
    assert!(
        again.contains("value=\"xa@angiang.test\""),
        "what was typed is kept"
    );
    assert!(!again.contains("ngắn"), "but never the password");
    // The page that came back carries a fresh CSRF pair.
    let csrf = crate::helpers::csrf_of(&again);
    let forged = post(
        "/admin/users",
        vec![
            ("csrf", "forged".into()),
            ("email", "xa@angiang.test".into()),
            ("role", "agency".into()),
            ("agency", "AG-X-OCEO".into()),
            ("password", PASSWORD.into()),
        ],
    )
    .await;
    assert_eq!(forged.status(), 403);
    let created = post(
        "/admin/users",
        vec![
            ("csrf", csrf.clone()),
            ("email", "xa@angiang.test".into()),
            ("role", "agency".into()),
            ("agency", "AG-X-OCEO".into()),
            ("password", PASSWORD.into()),
        ],
    )
    .await;
    assert_eq!(created.status(), 303);

    let agency_user = app.signed_in_client("xa@angiang.test", PASSWORD).await;
    assert_eq!(
        agency_user
            .get(format!("{}/dashboard/agency/AG-X-OCEO", app.address))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    let id = hailong::db::users::by_email(&mut app.conn(), "xa@angiang.test")
        .unwrap()
        .unwrap()
        .id;
    let asked = app
        .client
        .post(format!("{}/admin/users/{id}/disable", app.address))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), 200, "a confirmation first");
    let question = asked.text().await.unwrap();
    assert!(question.contains("Khóa tài khoản xa@angiang.test?"));
    assert_eq!(
        agency_user
            .get(format!("{}/dashboard/agency/AG-X-OCEO", app.address))
            .send()
            .await
            .unwrap()
            .status(),
        200,
        "nothing changed before the confirmation"
    );
    let disable = crate::helpers::confirm(&app, &question).await;
    assert_eq!(disable.status(), 303);
    let listed = app.get("/admin/users").await.text().await.unwrap();
    assert!(
        listed.contains("Đã khóa tài khoản xa@angiang.test"),
        "a notice once"
    );
    assert!(!app
        .get("/admin/users")
        .await
        .text()
        .await
        .unwrap()
        .contains("Đã khóa tài khoản xa@"));
    let after = agency_user
        .get(format!("{}/dashboard/agency/AG-X-OCEO", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 303, "the disabled user's session has ended");
}

#[tokio::test]
async fn an_admin_manages_api_keys_questionnaires_and_agencies_in_the_web_interface() {
    let app = spawn_app().await;
    app.seed();
    app.add_user("admin@angiang.test", Role::Admin, None);
    app.login("admin@angiang.test", PASSWORD).await;

    // An API key, shown once, that works until revoked.
    let created = post_from(
        &app,
        "/admin/api-clients",
        "/admin/api-clients",
        &[("name", "Một cửa điện tử")],
    )
    .await;
    assert_eq!(created.status(), 201);
    let page = created.text().await.unwrap();
    let key = page
        .split("<code>")
        .nth(1)
        .unwrap()
        .split("</code>")
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.post_dossiers(&key, &crate::helpers::valid_dossier("ADM.1"))
            .await
            .status(),
        201
    );
    assert!(
        !app.get("/admin/api-clients")
            .await
            .text()
            .await
            .unwrap()
            .contains(&key),
        "shown once"
    );
    let asked = post_from(
        &app,
        "/admin/api-clients",
        "/admin/api-clients/revoke",
        &[("name", "Một cửa điện tử")],
    )
    .await;
    assert_eq!(asked.status(), 200, "a confirmation first");
    let revoked = crate::helpers::confirm(&app, &asked.text().await.unwrap()).await;
    assert_eq!(revoked.status(), 303);
    assert_eq!(
        app.post_dossiers(&key, &crate::helpers::valid_dossier("ADM.2"))
            .await
            .status(),
        401
    );

    // A questionnaire version: refused when invalid, published when valid.
    let bad = post_from(
        &app,
        "/admin/questionnaires",
        "/admin/questionnaires",
        &[("definition", "{\"version\": \"x\"}")],
    )
    .await;
    assert_eq!(bad.status(), 422);
    // The shipped file pasted as it is (a browser sends CRLF line endings): nothing changes.
    let pasted = hailong::services::questionnaires::DEFAULT_QUESTIONNAIRE.replace('\n', "\r\n");
    let same = post_from(
        &app,
        "/admin/questionnaires",
        "/admin/questionnaires",
        &[("definition", &pasted)],
    )
    .await;
    assert_eq!(same.status(), 303);
    assert!(app
        .get("/admin/questionnaires")
        .await
        .text()
        .await
        .unwrap()
        .contains("Phiên bản 2026.2 đã được công bố với đúng nội dung này; không có gì thay đổi."));
    let mut q: serde_json::Value =
        serde_json::from_str(hailong::services::questionnaires::DEFAULT_QUESTIONNAIRE).unwrap();
    q["version"] = "2027.1".into();
    let good = post_from(
        &app,
        "/admin/questionnaires",
        "/admin/questionnaires",
        &[("definition", &q.to_string())],
    )
    .await;
    assert_eq!(good.status(), 303);
    assert!(app
        .get("/admin/questionnaires")
        .await
        .text()
        .await
        .unwrap()
        .contains("2027.1"));

    // An agency: a bad parent is named; a good one joins the tree.
    let orphan = post_from(
        &app,
        "/admin/agencies",
        "/admin/agencies",
        &[
            ("code", "AG-X-MOI"),
            ("name_vi", "Ủy ban nhân dân xã Mới"),
            ("name_en", "Moi Commune"),
            ("level", "commune"),
            ("kind", "commune"),
            ("parent", "NOPE"),
        ],
    )
    .await;
    assert_eq!(orphan.status(), 422);
    assert!(orphan
        .text()
        .await
        .unwrap()
        .contains("id=\"add-parent-error\" role=\"alert\">Không có cơ quan nào mang mã “NOPE”."));
    let added = post_from(
        &app,
        "/admin/agencies",
        "/admin/agencies",
        &[
            ("code", "AG-X-MOI"),
            ("name_vi", "Ủy ban nhân dân xã Mới"),
            ("name_en", "Moi Commune"),
            ("level", "commune"),
            ("kind", "commune"),
            ("parent", "AG"),
        ],
    )
    .await;
    assert_eq!(added.status(), 303);
    let tree: Vec<serde_json::Value> = app.get("/api/v1/agencies").await.json().await.unwrap();
    assert!(tree
        .iter()
        .any(|a| a["code"] == "AG-X-MOI" && a["parent_code"] == "AG"));

    // Its surveys can be made to need an e-ID sign-in; an unknown policy is refused.
    let bad = post_from(
        &app,
        "/admin/agencies",
        "/admin/agencies/policy",
        &[("code", "AG-X-MOI"), ("policy", "maybe")],
    )
    .await;
    assert_eq!(bad.status(), 422);
    let verified = post_from(
        &app,
        "/admin/agencies",
        "/admin/agencies/policy",
        &[("code", "AG-X-MOI"), ("policy", "verified")],
    )
    .await;
    assert_eq!(verified.status(), 303, "saved");
    assert!(
        app.get("/admin/agencies")
            .await
            .text()
            .await
            .unwrap()
            .contains("HAILONG_EID_ISSUER"),
        "with a warning"
    );
    let stored = hailong::db::agencies::find_by_code(&mut app.conn(), "AG-X-MOI")
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.survey_policy,
        hailong::domain::agency::SurveyPolicy::Verified
    );
    let page = app.get("/admin/agencies").await.text().await.unwrap();
    assert!(page.contains("<option value=\"verified\" selected>"));
}

/// The analysis library's own report of the exported files (`hailong export`, then `hailong
/// analyze` with the dashboards' options), as (period, agency, measure, key) → row.
pub async fn library_report(
    app: &TestApp,
    kind: Kind,
    min_cell: u32,
) -> HashMap<(String, String, String, String), (Option<f64>, Option<(f64, f64)>, u32, String)> {
    let settings = app.db.settings();
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = hailong::db::build_pool(&settings.database, 1)
            .get()
            .unwrap();
        hailong::services::reports::export::export(&mut conn, dir.path()).unwrap();
        let questionnaire =
            hailong_analysis::read_questionnaire(&dir.path().join("questionnaire.json")).unwrap();
        let inputs = hailong_analysis::read_inputs(dir.path(), questionnaire).unwrap();
        let report = hailong_analysis::analyze(
            &inputs,
            &hailong_analysis::Options {
                period: match kind {
                    Kind::Quarter => hailong_analysis::period::PeriodKind::Quarter,
                    Kind::Year => hailong_analysis::period::PeriodKind::Year,
                },
                min_cell,
                bootstrap: hailong::services::reports::dashboards::REPLICATES,
                ..hailong_analysis::Options::default()
            },
        )
        .unwrap();
        report
            .scores
            .iter()
            .map(|r| {
                (
                    (
                        r.period.to_string(),
                        report.agency_code(r.agency).to_owned(),
                        r.measure.as_str().to_owned(),
                        r.key.clone(),
                    ),
                    (r.value, r.ci, r.n, r.status.as_str().to_owned()),
                )
            })
            .collect()
    })
    .await
    .unwrap()
}

pub type LibraryRows =
    HashMap<(String, String, String, String), (Option<f64>, Option<(f64, f64)>, u32, String)>;

pub fn value_of(rows: &LibraryRows, period: &str, agency: &str, measure: Measure) -> Option<f64> {
    rows.get(&(
        period.to_owned(),
        agency.to_owned(),
        measure.as_str().to_owned(),
        String::new(),
    ))
    .and_then(|r| r.0)
}

/// The stored reports of the province scope: (kind, period) → (computed at, numbers).
fn stored(app: &TestApp) -> BTreeMap<(String, String), (chrono::NaiveDateTime, PeriodReport)> {
    let mut conn = app.conn();
    hailong::db::dashboard_reports::bases(&mut conn)
        .unwrap()
        .into_iter()
        .filter(|b| b.scope == "province")
        .map(|b| {
            let (_, at, body) =
                hailong::db::dashboard_reports::report(&mut conn, &b.scope, &b.kind, &b.period)
                    .unwrap()
                    .unwrap();
            (
                (b.kind, b.period),
                (at, serde_json::from_str(&body).unwrap()),
            )
        })
        .collect()
}

/// Responses of two agencies in two quarters (2026-Q1 and 2026-Q2), some with a comment.
async fn two_quarters(app: &TestApp) {
    answer(app, "AG-X-OCEO", 6, "4", "Cán bộ rất tận tình").await;
    answer(app, "AG-P-RACHGIA", 7, "3", "").await;
    answer_in(app, "AG-X-OCEO", 5, "5", "2026-02-10T03:00:00Z").await;
    answer_in(app, "AG-P-RACHGIA", 5, "2", "2026-02-11T03:00:00Z").await;
}

#[tokio::test]
async fn the_stored_numbers_are_those_of_hailong_analyze_on_the_exported_files() {
    let app = spawn_app().await;
    two_quarters(&app).await;
    app.add_user("phantich@angiang.test", Role::Province, None);
    app.login("phantich@angiang.test", PASSWORD).await;
    app.current_page("/dashboard/province?period=2026-Q2").await;
    app.current_page("/dashboard/agency/AG-X-OCEO?period=2026&kind=year")
        .await;
    app.current_page("/dashboard/agency/AG-X-OCEO?period=2026-Q1")
        .await;

    for kind in [Kind::Quarter, Kind::Year] {
        let library = library_report(&app, kind, 5).await;
        let stored = stored(&app);
        let mut compared = 0;
        for ((stored_kind, period), (_, report)) in &stored {
            if stored_kind != kind.as_str() {
                continue;
            }
            for score in &report.scores {
                let key = (
                    period.clone(),
                    score.agency.clone(),
                    score.measure.clone(),
                    score.key.clone(),
                );
                let expected = library
                    .get(&key)
                    .unwrap_or_else(|| panic!("{key:?} is not in the library's report"));
                assert_eq!(
                    (score.value, score.ci, score.n, &score.status),
                    (expected.0, expected.1, expected.2, &expected.3),
                    "{key:?}"
                );
                compared += 1;
            }
        }
        assert_eq!(
            compared,
            library.len(),
            "every row of the library's {kind:?} report is stored"
        );
        assert!(
            library.values().any(|r| r.1.is_some()),
            "intervals compared"
        );
        for measure in [Measure::SatIndexSe, Measure::FunnelZ, Measure::RankWorst] {
            assert!(
                library.keys().any(|k| k.2 == measure.as_str()),
                "§14's {measure:?} rows compared"
            );
        }
    }
}

#[tokio::test]
async fn a_restart_loads_the_stored_numbers_and_a_late_response_recomputes_only_its_periods() {
    let db = crate::helpers::TestDb::new();
    // The year 2026 is still open: without this its recomputation would wait for the minute.
    let settings = db.settings_with(&[("HAILONG_DASHBOARD_FRESH_SECONDS", "0")]);
    let app = crate::helpers::spawn_app_with(db, settings.clone()).await;
    two_quarters(&app).await;
    app.add_user("phantich@angiang.test", Role::Province, None);
    app.login("phantich@angiang.test", PASSWORD).await;
    app.current_page("/dashboard/province?period=2026-Q2").await;
    app.current_page("/dashboard/agency/AG-X-OCEO?period=2026&kind=year")
        .await;
    let before = stored(&app);
    assert_eq!(
        before.keys().cloned().collect::<Vec<_>>(),
        [
            ("quarter".to_owned(), "2026-Q1".to_owned()),
            ("quarter".to_owned(), "2026-Q2".to_owned()),
            ("year".to_owned(), "2026".to_owned()),
        ]
    );

    // A second instance on the same database (as after a restart) shows the stored numbers
    // as current without computing them again.
    let db = app.shut_down().await;
    let again = crate::helpers::spawn_app_with(db, settings).await;
    again.add_user("phantich2@angiang.test", Role::Province, None);
    again.login("phantich2@angiang.test", PASSWORD).await;
    let page = again
        .current_page("/dashboard/province?period=2026-Q1")
        .await;
    assert!(page.contains("Số liệu tính lúc"), "the page says when");
    assert_eq!(stored(&again), before, "nothing was computed again");

    // A late response for 2026-Q1 (closed): that quarter, the next one (its trend starts
    // there) and the year are computed again; nothing else is.
    answer_in(&again, "AG-X-OCEO", 1, "1", "2026-02-12T03:00:00Z").await;
    again
        .current_page("/dashboard/agency/AG-X-OCEO?period=2026-Q1")
        .await;
    again
        .current_page("/dashboard/agency/AG-X-OCEO?period=2026-Q2")
        .await;
    again
        .current_page("/dashboard/agency/AG-X-OCEO?period=2026&kind=year")
        .await;
    let after = stored(&again);
    for key in before.keys() {
        assert!(after[key].0 > before[key].0, "{key:?} recomputed");
    }
    assert_ne!(
        after[&("quarter".to_owned(), "2026-Q1".to_owned())].1,
        before[&("quarter".to_owned(), "2026-Q1".to_owned())].1
    );

    // A change the numbers do not rest on (contacts purged) recomputes nothing.
    let revisions = hailong::db::dashboard_reports::revisions(&mut again.conn()).unwrap();
    {
        use diesel::RunQueryDsl;
        let mut conn = again.conn();
        diesel::sql_query("UPDATE dossiers SET contact_sealed = NULL")
            .execute(&mut *conn)
            .unwrap();
    }
    assert_eq!(
        hailong::db::dashboard_reports::revisions(&mut again.conn()).unwrap(),
        revisions
    );
    again
        .current_page("/dashboard/province?period=2026-Q1")
        .await;
    assert_eq!(stored(&again), after);
}

#[tokio::test]
async fn the_open_period_is_refreshed_no_more_often_than_configured() {
    let db = crate::helpers::TestDb::new();
    let settings = db.settings_with(&[("HAILONG_DASHBOARD_FRESH_SECONDS", "3600")]);
    let app = crate::helpers::spawn_app_with(db, settings).await;
    let now = chrono::Utc::now().to_rfc3339();
    answer_in(&app, "AG-X-OCEO", 5, "4", &now).await;
    app.add_user("phantich@angiang.test", Role::Province, None);
    app.login("phantich@angiang.test", PASSWORD).await;
    let path = "/dashboard/agency/AG-X-OCEO";
    let five = "class=\"big\">5</div>";
    let first = app.current_page(path).await;
    assert!(first.contains(five), "five responses shown");

    answer_in(&app, "AG-X-OCEO", 1, "2", &now).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let page = loop {
        let page = app.get(path).await.text().await.unwrap();
        if page.contains("data-current=\"false\"") {
            break page;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the new response is released"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(
        page.contains("đang cập nhật"),
        "the page shows the numbers it has and says newer ones are coming"
    );
    assert!(page.contains(five), "the open quarter waits for its hour");

    // A late response for a closed quarter is not held back.
    answer(&app, "AG-X-OCEO", 5, "4", "").await;
    app.current_page("/dashboard/agency/AG-X-OCEO?period=2026-Q2")
        .await;
}

#[tokio::test]
async fn one_instance_at_a_time_computes_a_scope() {
    let app = spawn_app().await;
    let mut conn = app.conn();
    let now = chrono::Utc::now().naive_utc();
    let later = now + chrono::Duration::minutes(15);
    use hailong::db::dashboard_reports::{end_lease, take_lease};
    assert!(take_lease(&mut conn, "province", "a", now, later).unwrap());
    assert!(!take_lease(&mut conn, "province", "b", now, later).unwrap());
    assert!(take_lease(&mut conn, "field:Hộ tịch", "b", now, later).unwrap());
    assert!(
        take_lease(&mut conn, "province", "a", now, later).unwrap(),
        "the holder renews"
    );
    assert!(
        take_lease(
            &mut conn,
            "province",
            "b",
            later + chrono::Duration::seconds(1),
            later
        )
        .unwrap(),
        "an expired lease is taken over"
    );
    end_lease(&mut conn, "province", "a").unwrap();
    assert!(
        !take_lease(&mut conn, "province", "a", now, later).unwrap(),
        "only its holder ends it"
    );
    end_lease(&mut conn, "province", "b").unwrap();
    assert!(take_lease(&mut conn, "province", "a", now, later).unwrap());
}

#[tokio::test]
async fn the_province_page_explains_its_colours_marks_and_empty_choices() {
    let app = spawn_app().await;
    answer(&app, "AG-X-OCEO", 6, "4", "").await;
    app.add_user("phantich@angiang.test", Role::Province, None);
    app.login("phantich@angiang.test", PASSWORD).await;

    let communes = app.current_page("/dashboard/province?period=2026-Q2").await;
    assert!(
        communes.contains("Điểm (1–10)"),
        "the heat map has a legend"
    );
    assert!(
        communes.contains("<abbr title=\"Độ tin cậy thấp (ít phản hồi)\">*</abbr>")
            && communes.contains("cỡ mẫu hiệu dụng dưới 30"),
        "low reliability is a marker explained once"
    );
    let districts = app
        .current_page("/dashboard/province?period=2026-Q2&level=district")
        .await;
    assert!(districts.contains("cấp huyện đã bỏ từ ngày 01/07/2025"));
    assert!(
        !districts.contains("<th class=\"num\">#</th>"),
        "no empty ranking"
    );
}

#[tokio::test]
async fn an_agency_page_opens_on_its_latest_shown_period_and_names_its_ranking_score() {
    let app = spawn_app().await;
    answer_in(&app, "AG-X-OCEO", 6, "4", "2026-02-10T03:00:00Z").await;
    answer_in(&app, "AG-P-RACHGIA", 6, "3", "2026-02-11T03:00:00Z").await;
    answer(&app, "AG-X-OCEO", 2, "5", "").await;
    app.add_user("phantich@angiang.test", Role::Province, None);
    app.login("phantich@angiang.test", PASSWORD).await;
    // Both quarters are computed, the newer with too few responses to show.
    app.current_page("/dashboard/agency/AG-X-OCEO?period=2026-Q2")
        .await;
    app.current_page("/dashboard/agency/AG-X-OCEO?period=2026-Q1")
        .await;

    let page = app.current_page("/dashboard/agency/AG-X-OCEO").await;
    assert!(
        page.contains("<title>Ủy ban nhân dân xã Óc Eo · 2026-Q1 ·"),
        "opens on 2026-Q1, the latest quarter whose index is shown: {}",
        &page[..page.find("</title>").unwrap_or(0) + 8]
    );
    assert!(page.contains("Xếp hạng cùng cấp (theo điểm PAPI)"));
    assert!(
        page.contains("Không tiêu chí nào thấp hơn trung vị"),
        "answered 4 everywhere, Óc Eo is above its peer on every item"
    );
    // Rạch Giá answered 3 everywhere: every item below the median, the first three listed
    // with the agency's value, its interval and the peers' median.
    let peer = app
        .current_page("/dashboard/agency/AG-P-RACHGIA?period=2026-Q1")
        .await;
    let weakest = &peer[peer.find("Cần cải thiện trước").expect("the section")..];
    let table = &weakest[..weakest.find("</table>").unwrap()];
    assert_eq!(
        table.matches("<tr>").count(),
        4,
        "a header and three items: {table}"
    );
    assert!(
        table.contains("Nơi tiếp nhận hồ sơ (hoặc Cổng dịch vụ công) dễ tìm, dễ tiếp cận"),
        "items by their wording: {table}"
    );
    assert!(table.contains("2 cơ quan"), "{table}");
    let asked = app
        .current_page("/dashboard/agency/AG-X-OCEO?period=2026-Q2")
        .await;
    assert!(
        asked.contains("<title>Ủy ban nhân dân xã Óc Eo · 2026-Q2 ·"),
        "a period asked for is kept"
    );
}

/// The first worksheet's XML of an XLSX file.
fn xlsx_sheet(xlsx: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut sheet = archive.by_name("xl/worksheets/sheet1.xml").unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut sheet, &mut text).unwrap();
    text
}

#[tokio::test]
async fn a_successor_s_trend_carries_its_predecessor_s_history_and_each_names_the_other() {
    let app = spawn_app().await;
    app.seed();
    app.add_former_commune(
        "AG2020-X-VONGTHE",
        "Ủy ban nhân dân xã Vọng Thê",
        "AG-X-OCEO",
    );
    // Vọng Thê's last quarter (2025-Q2), then Ôc Eo's own (2026-Q2).
    let key = app.new_api_key("lineage gateway");
    for i in 0..6 {
        let mut dossier = crate::helpers::valid_dossier(&format!("VT.{i}"));
        dossier["agency_code"] = "AG2020-X-VONGTHE".into();
        dossier["received_at"] = "2025-05-02T08:00:00+07:00".into();
        dossier["due_at"] = "2025-05-20T17:00:00+07:00".into();
        dossier["completed_at"] = "2025-05-15T10:00:00+07:00".into();
        let items = ["A1", "P5", "S1", "R3", "F2"];
        crate::helpers::answer_dossier(&app, &key, &dossier, &items, "2", "").await;
    }
    answer(&app, "AG-X-OCEO", 6, "5", "").await;
    app.add_user("phantich@angiang.test", Role::Province, None);
    app.login("phantich@angiang.test", PASSWORD).await;

    let oceo = app
        .current_page("/dashboard/agency/AG-X-OCEO?period=2026-Q2")
        .await;
    assert!(
        oceo.contains("đơn vị tiền thân") && oceo.contains("fill=\"#fff\" stroke=\"#6b7280\""),
        "the predecessor's 2025-Q2 is drawn as lineage:\n{oceo}"
    );
    assert!(oceo.contains("Tiếp nhận nhiệm vụ của:"));
    assert!(oceo.contains("/dashboard/agency/AG2020-X-VONGTHE?"));

    // The province page shows the tree as it was: Vọng Thê in 2025-Q2, not in 2026-Q2.
    let then = app.current_page("/dashboard/province?period=2025-Q2").await;
    let now = app.current_page("/dashboard/province?period=2026-Q2").await;
    assert!(then.contains("Cơ cấu tổ chức trong kỳ 2025-Q2"));
    assert!(then.contains("Ủy ban nhân dân xã Vọng Thê</a>"), "{then}");
    assert!(!now.contains("Ủy ban nhân dân xã Vọng Thê</a>"));
    // The former unit's page opens on its last quarter with data and names its successor.
    let former = app.current_page("/dashboard/agency/AG2020-X-VONGTHE").await;
    assert!(
        former.contains("<option value=\"2025-Q2\" selected"),
        "{former}"
    );
    assert!(former.contains("nhiệm vụ chuyển cho:"));
    assert!(former.contains("/dashboard/agency/AG-X-OCEO?"));
}
