//! Mergers and splits: an administrator closes an agency and names its successors; dossiers
//! completed after its last day are refused, naming where its work went.

use hailong::db::agencies;
use hailong::domain::agency::Role;

use crate::helpers::{confirm, post_from, spawn_app, valid_dossier, TestApp, PASSWORD};

fn last_day_of(app: &TestApp, code: &str) -> Option<chrono::NaiveDate> {
    agencies::find_by_code(&mut app.conn(), code)
        .unwrap()
        .unwrap()
        .valid_to
}

async fn close(
    app: &TestApp,
    code: &str,
    effective_on: &str,
    successors: &str,
) -> reqwest::Response {
    post_from(
        app,
        "/admin/agencies",
        "/admin/agencies/close",
        &[
            ("code", code),
            ("effective_on", effective_on),
            ("successors", successors),
        ],
    )
    .await
}

#[tokio::test]
async fn an_admin_closes_a_merged_agency_and_later_dossiers_go_to_its_successor() {
    let app = spawn_app().await;
    app.seed();
    app.add_user("admin@angiang.test", Role::Admin, None);
    app.login("admin@angiang.test", PASSWORD).await;

    // Each refusal is shown beside its field, in Vietnamese, and changes nothing.
    let refusals = [
        ("NO-SUCH", "2026-04-01", "AG-P-RACHGIA", "code", "Không có cơ quan nào mang mã “NO-SUCH”"),
        ("AG-X-OCEO", "2026-04-01", "AG-X-OCEO", "successor", "AG-X-OCEO là chính cơ quan đang đóng"),
        ("AG-X-OCEO", "2026-04-01", "AG-P-RACHGIA, NOPE", "successor", "Không có cơ quan nào mang mã “NOPE”"),
        (
            "AG-X-OCEO",
            "2025-07-01",
            "AG-P-RACHGIA",
            "effective_on",
            "AG-X-OCEO bắt đầu hoạt động ngày 2025-07-01, nên việc đóng có hiệu lực sớm nhất từ ngày 2025-07-02",
        ),
        ("AG-X-OCEO", "2099-01-01", "AG-P-RACHGIA", "effective_on", "Ngày 2099-01-01 chưa đến"),
        ("AG-X-OCEO", "1 April", "AG-P-RACHGIA", "effective_on", "Hãy nhập ngày có hiệu lực"),
        ("AG-X-OCEO", "2026-04-01", " , ", "successor", "Hãy chọn ít nhất một cơ quan kế thừa"),
    ];
    for (code, effective_on, successors, field, message) in refusals {
        let refused = close(&app, code, effective_on, successors).await;
        assert_eq!(refused.status(), 422, "{code} {effective_on} {successors}");
        let page = refused.text().await.unwrap();
        let beside = format!("id=\"close-{field}-error\" role=\"alert\">{message}");
        assert!(page.contains(&beside), "{beside:?} not in the page");
        assert!(
            page.contains(&format!("value=\"{code}\"")),
            "what was typed is kept"
        );
        assert_eq!(last_day_of(&app, "AG-X-OCEO"), None);
        assert!(agencies::successions(&mut app.conn()).unwrap().is_empty());
    }

    // The merger: Óc Eo's last day is 31 March, Rạch Giá carries its lineage from 1 April.
    // The first post asks; nothing changes until it is confirmed.
    let asked = close(&app, "AG-X-OCEO", "2026-04-01", "AG-P-RACHGIA").await;
    assert_eq!(asked.status(), 200);
    let question = asked.text().await.unwrap();
    assert!(
        question.contains("Ngày hoạt động cuối cùng là 2026-03-31"),
        "{question}"
    );
    assert!(question.contains("Không thể hoàn tác"));
    assert_eq!(last_day_of(&app, "AG-X-OCEO"), None);
    let closed = confirm(&app, &question).await;
    assert_eq!(closed.status(), 303);
    let notice = app.get("/admin/agencies").await.text().await.unwrap();
    assert!(notice.contains("Đã đóng AG-X-OCEO từ ngày 2026-04-01."));
    let april = chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
    assert_eq!(last_day_of(&app, "AG-X-OCEO"), april.pred_opt());
    assert_eq!(
        agencies::successions(&mut app.conn()).unwrap(),
        vec![("AG-X-OCEO".to_owned(), "AG-P-RACHGIA".to_owned(), april)]
    );
    let page = app.get("/admin/agencies").await.text().await.unwrap();
    assert!(page.contains("2025-07-01 – 2026-03-31</td><td>AG-P-RACHGIA</td>"));
    let again = close(&app, "AG-X-OCEO", "2026-05-01", "AG-P-RACHGIA").await;
    assert_eq!(again.status(), 422);
    assert!(again
        .text()
        .await
        .unwrap()
        .contains("AG-X-OCEO đã đóng (ngày cuối: 2026-03-31)"));
    let under_closed = post_from(
        &app,
        "/admin/agencies",
        "/admin/agencies",
        &[
            ("code", "AG-X-OCEO-1"),
            ("name_vi", "Bộ phận Một cửa xã Óc Eo"),
            ("name_en", "Oc Eo one-stop desk"),
            ("level", "commune"),
            ("kind", "commune"),
            ("parent", "AG-X-OCEO"),
        ],
    )
    .await;
    assert_eq!(under_closed.status(), 422);
    assert!(under_closed
        .text()
        .await
        .unwrap()
        .contains("AG-X-OCEO đã ngừng hoạt động (ngày cuối: 2026-03-31)"));

    // 00:30 on 1 April in Vietnam is after the last day; 23:30 on 31 March is not.
    let key = app.new_api_key("one-stop shop");
    let mut late = valid_dossier("MERGED.LATE");
    late["completed_at"] = "2026-03-31T17:30:00Z".into();
    let refused = app.post_dossiers(&key, &late).await;
    assert_eq!(refused.status(), 422);
    let body: serde_json::Value = refused.json().await.unwrap();
    let error = &body["errors"][0];
    assert_eq!(error["field"], "agency_code");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("2026-03-31") && message.contains("AG-P-RACHGIA"),
        "{message}"
    );
    assert!(
        hailong::db::dossiers::find_by_external_id(&mut app.conn(), "MERGED.LATE")
            .unwrap()
            .is_none()
    );
    let mut in_time = valid_dossier("MERGED.IN-TIME");
    in_time["completed_at"] = "2026-03-31T16:30:00Z".into();
    assert_eq!(app.post_dossiers(&key, &in_time).await.status(), 201);
}

#[tokio::test]
async fn only_an_administrator_may_close_an_agency() {
    let app = spawn_app().await;
    app.seed();
    app.add_user("phantich@angiang.test", Role::Province, None);
    app.login("phantich@angiang.test", PASSWORD).await;
    let page = app.get("/dashboard/province").await.text().await.unwrap();
    let csrf = crate::helpers::csrf_of(&page);
    let attempt = app
        .client
        .post(format!("{}/admin/agencies/close", app.address))
        .form(&[
            ("csrf", csrf.as_str()),
            ("code", "AG-X-OCEO"),
            ("effective_on", "2026-04-01"),
            ("successors", "AG-P-RACHGIA"),
        ])
        .send()
        .await
        .unwrap();
    assert!(!attempt.status().is_success(), "{}", attempt.status());
    assert_eq!(last_day_of(&app, "AG-X-OCEO"), None);
}

#[tokio::test]
async fn the_agency_close_command_records_a_split_and_names_a_bad_field() {
    let app = spawn_app().await;
    app.seed();
    let dir = tempfile::tempdir().unwrap();
    let unknown = app.db.run_cli(
        dir.path(),
        &[
            "agency",
            "close",
            "AG-X-OCEO",
            "--effective-on",
            "2026-04-01",
            "--successor",
            "NOPE",
        ],
    );
    assert!(!unknown.status.success());
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        stderr.contains("successor") && stderr.contains("NOPE"),
        "{stderr}"
    );
    assert_eq!(last_day_of(&app, "AG-X-OCEO"), None);

    let split = app.db.run_cli(
        dir.path(),
        &[
            "agency",
            "close",
            "AG-X-OCEO",
            "--effective-on",
            "2026-04-01",
            "--successor",
            "AG-P-RACHGIA",
            "--successor",
            "AG",
        ],
    );
    assert!(
        split.status.success(),
        "{}",
        String::from_utf8_lossy(&split.stderr)
    );
    let successors: Vec<String> = agencies::successions(&mut app.conn())
        .unwrap()
        .into_iter()
        .map(|(_, successor, _)| successor)
        .collect();
    assert_eq!(successors, ["AG", "AG-P-RACHGIA"]);
}

fn agency_count(app: &TestApp) -> i64 {
    agencies::count(&mut app.conn()).unwrap()
}

#[tokio::test]
async fn an_agency_tree_is_imported_from_csv_parents_first_and_a_second_run_changes_nothing() {
    let app = spawn_app().await;
    app.seed();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("agencies.csv");
    // The child comes before its parent; the name is typed decomposed (NFD) and stored in NFC.
    let decomposed: String =
        unicode_normalization::UnicodeNormalization::nfd("Phòng Một cửa Sở Nội vụ").collect();
    std::fs::write(
        &file,
        format!(
            "code,name_vi,name_en,level,kind,parent_code,valid_from\n\
             AG-S-NV-MC,{decomposed},Home Affairs one-stop desk,department,department,AG-S-NV,\n\
             AG-S-NV,Sở Nội vụ,Department of Home Affairs,department,department,AG,2025-07-01\n\
             AG-X-OCEO,Ủy ban nhân dân xã Óc Eo,People's Committee of Oc Eo Commune,commune,commune,AG,2025-07-01\n"
        ),
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let first = app.db.run_cli(dir.path(), &["import", "agencies", path]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stdout).contains("2 new agency(ies), 1 already stored"));
    let desk = agencies::find_by_code(&mut app.conn(), "AG-S-NV-MC")
        .unwrap()
        .unwrap();
    assert_eq!(desk.name_vi, "Phòng Một cửa Sở Nội vụ");
    let parent = agencies::by_id(&mut app.conn(), desk.parent_id.unwrap()).unwrap();
    assert_eq!(parent.code, "AG-S-NV");
    assert_eq!(desk.valid_from, hailong::domain::period::today());

    let again = app.db.run_cli(dir.path(), &["import", "agencies", path]);
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 new agency(ies), 3 already stored"));
}

#[tokio::test]
async fn a_bad_agency_file_names_file_line_and_field_and_stores_nothing() {
    let app = spawn_app().await;
    app.seed();
    // The province before the 2025 merger: nothing new may hang below it.
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    agencies::insert(
        &mut app.conn(),
        &agencies::NewAgency {
            code: "AG2020",
            name_vi: "Ủy ban nhân dân tỉnh An Giang (trước 01/7/2025)",
            name_en: "An Giang Provincial People's Committee (before 1 July 2025)",
            level: hailong::domain::agency::AgencyLevel::Province,
            kind: hailong::domain::agency::AgencyKind::PeopleCommittee,
            parent_id: None,
            valid_from: day(2020, 1, 1),
            valid_to: Some(day(2025, 6, 30)),
        },
    )
    .unwrap();
    let before = agency_count(&app);
    let dir = tempfile::tempdir().unwrap();
    let import = |name: &str, text: &str| {
        let file = dir.path().join(name);
        std::fs::write(&file, text).unwrap();
        let output = app
            .db
            .run_cli(dir.path(), &["import", "agencies", file.to_str().unwrap()]);
        assert!(!output.status.success(), "{name} was accepted");
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let header = "code,name_vi,name_en,level,kind,parent_code\n";

    let rows = import(
        "rows.csv",
        &format!(
            "{header}\
             AG-X-MOI,Xã Mới,Moi Commune,commune,commune,AG\n\
             AG-X-HAI,Xã Hai,Hai Commune,hamlet,commune,AG\n\
             AG-X-BA,Xã Ba,Ba Commune,commune,commune,NOPE\n\
             AG-X-MOI,Xã Mới,Moi Commune,commune,commune,AG\n\
             AG-X-BON,,Bon Commune,commune,commune,\n"
        ),
    );
    for expected in [
        "rows.csv: line 3: field `level`: unknown value \"hamlet\"",
        "rows.csv: line 5: field `code`: AG-X-MOI is already on line 2",
        "rows.csv: line 6: field `name_vi`: the Vietnamese name is required",
        "rows.csv: line 6: field `parent_code`: a commune unit needs its parent's code",
    ] {
        assert!(rows.contains(expected), "{expected:?} not in {rows}");
    }
    let parent = import(
        "parent.csv",
        &format!("{header}AG-X-BA,Xã Ba,Ba Commune,commune,commune,NOPE\n"),
    );
    assert!(parent.contains("line 2: field `parent_code`: no agency has the code \"NOPE\""));
    let changed = import(
        "changed.csv",
        &format!("{header}AG-X-OCEO,Xã Óc Eo mới,Oc Eo Commune,commune,commune,AG\n"),
    );
    assert!(changed.contains("line 2: field `name_vi`: AG-X-OCEO is stored with another name_vi"));
    let looped = import(
        "loop.csv",
        &format!(
            "{header}AG-A,Đơn vị A,Unit A,department,department,AG-B\n\
             AG-B,Đơn vị B,Unit B,department,department,AG-A\n"
        ),
    );
    assert!(looped
        .contains("line 2: field `parent_code`: the parents of AG-A in this file run in a loop"));
    let closed_parent = import(
        "closed.csv",
        &format!("{header}AG-X-NAM,Xã Năm,Nam Commune,commune,commune,AG2020\n"),
    );
    assert!(closed_parent
        .contains("line 2: field `parent_code`: AG2020 is closed (its last day was 2025-06-30)"));
    let columns = import("columns.csv", "code,name,level\nX,Y,commune\n");
    assert!(columns.contains("columns.csv: line 1: unknown column `name`"));
    let date = import(
        "date.csv",
        "code,name_vi,name_en,level,kind,parent_code,valid_from\nAG-X-NAM,Xã Năm,Nam Commune,commune,commune,AG,1/7/2025\n",
    );
    assert!(date.contains("line 2: field `valid_from`: \"1/7/2025\" is not a date"));

    assert_eq!(agency_count(&app), before);
}

#[tokio::test]
async fn an_admin_corrects_an_agency_s_names_and_the_survey_shows_them_at_once() {
    let app = spawn_app().await;
    let survey = app.issue_survey("RENAMED.1").await;
    app.add_user("admin@angiang.test", Role::Admin, None);
    app.login("admin@angiang.test", PASSWORD).await;
    let rename = |code: &'static str, vi: String, en: &'static str| {
        let app = &app;
        async move {
            post_from(
                app,
                "/admin/agencies",
                "/admin/agencies/rename",
                &[("code", code), ("name_vi", &vi), ("name_en", en)],
            )
            .await
        }
    };

    let unknown = rename("NO-SUCH", "Xã Mới".into(), "New Commune").await;
    assert_eq!(unknown.status(), 422);
    assert!(unknown
        .text()
        .await
        .unwrap()
        .contains("Không có cơ quan nào mang mã “NO-SUCH”"));
    let empty = rename("AG-X-OCEO", "  ".into(), "Oc Eo").await;
    assert_eq!(empty.status(), 422);
    let empty = empty.text().await.unwrap();
    assert!(empty.contains("id=\"rename-name_vi-error\" role=\"alert\">Cần có tên tiếng Việt."));
    assert!(empty.contains("value=\"Oc Eo\""), "what was typed is kept");
    let stored = agencies::find_by_code(&mut app.conn(), "AG-X-OCEO")
        .unwrap()
        .unwrap();
    assert_eq!(stored.name_vi, "Ủy ban nhân dân xã Óc Eo");

    // Typed decomposed (NFD), stored composed (NFC).
    let decomposed: String =
        unicode_normalization::UnicodeNormalization::nfd("Ủy ban nhân dân xã Óc Eo (mới)")
            .collect();
    let renamed = rename(
        "AG-X-OCEO",
        decomposed,
        "People's Committee of Oc Eo Commune (new)",
    )
    .await;
    assert_eq!(renamed.status(), 303);
    let stored = agencies::find_by_code(&mut app.conn(), "AG-X-OCEO")
        .unwrap()
        .unwrap();
    assert_eq!(stored.name_vi, "Ủy ban nhân dân xã Óc Eo (mới)");
    assert_eq!(stored.code, "AG-X-OCEO");
    let page = app
        .another_client()
        .get(format!("{}{survey}", app.address))
        .send()
        .await
        .unwrap();
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("Ủy ban nhân dân xã Óc Eo (mới)"));
}

#[tokio::test]
async fn the_tree_s_rules_hold_on_the_web_and_an_agency_added_today_closes_from_tomorrow() {
    let app = spawn_app().await;
    app.seed();
    app.add_user("admin@angiang.test", Role::Admin, None);
    app.login("admin@angiang.test", PASSWORD).await;
    let add =
        |code: &'static str, level: &'static str, kind: &'static str, parent: &'static str| {
            let app = &app;
            async move {
                post_from(
                    app,
                    "/admin/agencies",
                    "/admin/agencies",
                    &[
                        ("code", code),
                        ("name_vi", "Đơn vị mới"),
                        ("name_en", "New unit"),
                        ("level", level),
                        ("kind", kind),
                        ("parent", parent),
                    ],
                )
                .await
            }
        };

    let under_commune = add("AG-X-CON", "commune", "commune", "AG-X-OCEO").await;
    assert_eq!(under_commune.status(), 422);
    assert!(under_commune.text().await.unwrap().contains(
        "id=\"add-parent-error\" role=\"alert\">Đơn vị cấp xã không thể trực thuộc đơn vị cấp xã."
    ));
    let ward_department = add("AG-S-PHUONG", "department", "ward", "AG").await;
    assert_eq!(ward_department.status(), 422);
    assert!(ward_department
        .text()
        .await
        .unwrap()
        .contains("Loại “phường” không thuộc sở, ban, ngành."));
    assert!(agencies::find_by_code(&mut app.conn(), "AG-X-CON")
        .unwrap()
        .is_none());

    assert_eq!(
        add("AG-X-HOMNAY", "commune", "commune", "AG")
            .await
            .status(),
        303
    );
    let today = hailong::domain::period::today();
    let refused = close(&app, "AG-X-HOMNAY", &today.to_string(), "AG-X-OCEO").await;
    assert_eq!(refused.status(), 422);
    let tomorrow = today.succ_opt().unwrap();
    assert!(refused.text().await.unwrap().contains(&format!(
        "AG-X-HOMNAY bắt đầu hoạt động ngày {today}, nên việc đóng có hiệu lực sớm nhất từ ngày {tomorrow}."
    )));
}

#[tokio::test]
async fn the_thank_you_page_says_how_to_reach_the_agency_an_admin_gave() {
    let app = spawn_app().await;
    let survey = app.issue_survey("CONTACT.1").await;
    app.add_user("admin@angiang.test", Role::Admin, None);
    app.login("admin@angiang.test", PASSWORD).await;
    let set = |line: &'static str| {
        let app = &app;
        async move {
            post_from(
                app,
                "/admin/agencies",
                "/admin/agencies/contact",
                &[("code", "AG-X-OCEO"), ("contact", line)],
            )
            .await
        }
    };

    let refused = set("Bộ phận Một cửa\n0296 3 852 111").await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("trên một dòng"));
    assert_eq!(set("Bộ phận Một cửa: 0296 3 852 111").await.status(), 303);
    let page = app.get("/admin/agencies").await.text().await.unwrap();
    assert!(
        page.contains("<td>Bộ phận Một cửa: 0296 3 852 111</td>"),
        "{page}"
    );

    let csrf = app.open_survey(&survey).await;
    let thanks = app.submit(&survey, &[("csrf", &csrf), ("q_A1", "4")]).await;
    assert_eq!(thanks.status(), 200);
    let thanks = thanks.text().await.unwrap();
    assert!(
        thanks.contains(
            "Liên hệ <strong>Ủy ban nhân dân xã Óc Eo</strong>: Bộ phận Một cửa: 0296 3 852 111"
        ),
        "{thanks}"
    );
    assert!(thanks.contains("Tôi muốn được liên hệ về một vấn đề"));

    // The command line sets it too; an empty line removes it.
    let cwd = tempfile::tempdir().unwrap();
    let cleared = app.db.run_cli(
        cwd.path(),
        &["agency", "contact", "AG-X-OCEO", "--line", ""],
    );
    assert!(cleared.status.success(), "{cleared:?}");
    let stored = agencies::find_by_code(&mut app.conn(), "AG-X-OCEO")
        .unwrap()
        .unwrap();
    assert_eq!(stored.contact, None);
    let unknown = app
        .db
        .run_cli(cwd.path(), &["agency", "contact", "AG-NOPE", "--line", "x"]);
    assert!(!unknown.status.success());
}
