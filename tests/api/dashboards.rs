//! Who sees what, and that the dashboards show the analysis library's numbers and nothing
//! that rests on fewer than min_cell responses.

use hailong::domain::agency::Role;
use hailong::views::format::number;
use hailong::views::i18n::Lang;
use hailong_analysis::scores::Measure;

use crate::helpers::{post_from, spawn_app, TestApp, PASSWORD};

/// Answers `count` surveys of `agency` (quarter 2026-Q2), the first with `comment`.
pub async fn answer(app: &TestApp, agency: &str, count: usize, value: &str, comment: &str) {
    app.seed();
    let key = app.new_api_key(&format!("gateway {agency} {value}"));
    for i in 0..count {
        let mut dossier = crate::helpers::valid_dossier(&format!("{agency}.{value}.{i}"));
        dossier["agency_code"] = agency.into();
        let body: serde_json::Value = app
            .post_dossiers(&key, &dossier)
            .await
            .json()
            .await
            .unwrap();
        let url = body["dossiers"][0]["survey_url"]
            .as_str()
            .unwrap()
            .to_owned();
        let path = url.strip_prefix(&app.address).unwrap().to_owned();
        let csrf = app.open_survey(&path).await;
        let mut form: Vec<(String, String)> = ["A1", "P1", "S1", "R1", "F2"]
            .iter()
            .map(|i| (format!("q_{i}"), value.to_owned()))
            .collect();
        form.push(("csrf".into(), csrf));
        if i == 0 {
            form.push(("comment".into(), comment.to_owned()));
        }
        let response = app
            .client
            .post(format!("{}{}", app.address, path))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
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

    // As in the server: polars runs on a blocking thread, not inside the async runtime.
    let pool = hailong::db::build_pool(&app.db.settings().database, 1);
    let (library, unsuppressed) = tokio::task::spawn_blocking(move || {
        (
            hailong::services::reports::snapshot::compute(&pool, 5).unwrap(),
            hailong::services::reports::snapshot::compute(&pool, 1).unwrap(),
        )
    })
    .await
    .unwrap();
    let shown = library
        .quarter
        .value("2026-Q2", "AG-X-OCEO", Measure::SatIndex, "")
        .unwrap();
    let hidden = unsuppressed
        .quarter
        .value("2026-Q2", "AG-P-RACHGIA", Measure::PapiTotal, "")
        .unwrap();
    assert!(library
        .quarter
        .value("2026-Q2", "AG-P-RACHGIA", Measure::PapiTotal, "")
        .is_none());

    let oceo = app
        .get("/dashboard/agency/AG-X-OCEO?period=2026-Q2")
        .await
        .text()
        .await
        .unwrap();
    let rach_gia = app
        .get("/dashboard/agency/AG-P-RACHGIA?period=2026-Q2")
        .await
        .text()
        .await
        .unwrap();
    let province = app
        .get("/dashboard/province?period=2026-Q2")
        .await
        .text()
        .await
        .unwrap();
    let english = app
        .get("/dashboard/agency/AG-X-OCEO?period=2026-Q2&lang=en")
        .await
        .text()
        .await
        .unwrap();

    assert!(
        oceo.contains(&number(Lang::Vi, shown, 1)),
        "{}",
        number(Lang::Vi, shown, 1)
    );
    assert!(english.contains(&number(Lang::En, shown, 1)));
    assert!(
        oceo.contains("Cán bộ rất tận tình"),
        "comments of a shown group"
    );
    assert!(
        !rach_gia.contains(&number(Lang::Vi, hidden, 2)),
        "a suppressed total never appears"
    );
    assert!(
        !rach_gia.contains("Một góp ý riêng tư"),
        "comments of a suppressed group stay hidden"
    );
    assert!(rach_gia.contains("Không hiển thị góp ý"));
    assert!(!province.contains(&number(Lang::Vi, hidden, 2)));
    assert!(province.contains("<svg"));
    assert!(
        province.contains("60,45"),
        "An Giang's published PCI 2006 with its rank"
    );
    assert!(province.contains("Kiên Giang"));
    let by_field = app
        .get("/dashboard/province?period=2026-Q2&field=H%E1%BB%99%20t%E1%BB%8Bch")
        .await
        .text()
        .await
        .unwrap();
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
    assert!(csv.starts_with("period,agency_code,measure,key,value,ci_low,ci_high,n,n_eff,status\n"));
    assert!(
        csv.contains("2026-Q2,AG-P-RACHGIA,papi_total,,,,,2,"),
        "suppressed: counts kept, no value"
    );
    let xlsx = app
        .get("/exports/scores.xlsx?period=2026-Q2")
        .await
        .bytes()
        .await
        .unwrap();
    assert!(xlsx.starts_with(b"PK"), "an XLSX is a zip");
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

    let agency_user = app.another_client();
    let login_page = agency_user
        .get(format!("{}/login", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let their_csrf = crate::helpers::csrf_of(&login_page);
    agency_user
        .post(format!("{}/login", app.address))
        .form(&[
            ("csrf", their_csrf.as_str()),
            ("email", "xa@angiang.test"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
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
        .contains("Phiên bản 2026.1 đã được công bố với đúng nội dung này; không có gì thay đổi."));
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

/// The agency's dashboard before and after the group reaches `min_cell`, viewed in between.
async fn comment_shown_after_the_group_grows(app: &TestApp) -> bool {
    answer(app, "AG-X-OCEO", 4, "4", "Góp ý của nhóm còn nhỏ").await;
    app.add_user("phantich@angiang.test", Role::Province, None);
    app.login("phantich@angiang.test", PASSWORD).await;
    let path = "/dashboard/agency/AG-X-OCEO?period=2026-Q2";
    let small = app.get(path).await.text().await.unwrap();
    assert!(!small.contains("Góp ý của nhóm còn nhỏ"), "4 < min_cell");
    answer(app, "AG-X-OCEO", 2, "5", "").await;
    let grown = app.get(path).await.text().await.unwrap();
    grown.contains("Góp ý của nhóm còn nhỏ")
}

#[tokio::test]
async fn dashboards_reuse_their_numbers_for_the_configured_time() {
    let cached = spawn_app().await;
    assert!(
        !comment_shown_after_the_group_grows(&cached).await,
        "within the default minute the numbers are reused"
    );
    let db = crate::helpers::TestDb::new();
    let settings = db.settings_with(&[("HAILONG_DASHBOARD_FRESH_SECONDS", "0")]);
    let uncached = crate::helpers::spawn_app_with(db, settings).await;
    assert!(
        comment_shown_after_the_group_grows(&uncached).await,
        "with 0 every view recomputes"
    );
}
