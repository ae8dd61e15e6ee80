//! The province's yearly plan: set from a file or the admin page, and its targets beside the
//! scores on the province page, an agency's page and in the report.

use hailong::domain::agency::Role;

use crate::dashboards::answer;
use crate::helpers::{post_from, spawn_app, PASSWORD};

const PLAN: &str = include_str!("../../examples/plan-2026.toml");

#[tokio::test]
async fn a_plan_set_from_a_file_is_checked_line_by_line_and_shown() {
    let app = spawn_app().await;
    app.seed();
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("plan.toml");
    std::fs::write(&good, PLAN).unwrap();
    let set = app
        .db
        .run_cli(dir.path(), &["plan", "set", good.to_str().unwrap()]);
    assert!(set.status.success(), "{set:?}");
    let shown = app.db.run_cli(dir.path(), &["plan", "show"]);
    let shown = String::from_utf8(shown.stdout).unwrap();
    assert!(shown.contains("online_percent = 80.0") && shown.contains("papi_rank = 20"));

    // A target out of range: the file, the line and the field, and nothing stored changes.
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        PLAN.replace("online_percent = 80", "online_percent = 800"),
    )
    .unwrap();
    let refused = app
        .db
        .run_cli(dir.path(), &["plan", "set", bad.to_str().unwrap()]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    let line = PLAN
        .lines()
        .position(|l| l.starts_with("online_percent"))
        .unwrap()
        + 1;
    assert!(
        said.contains(&format!(
            "bad.toml: line {line}: online_percent: a percentage from 0 to 100"
        )),
        "{said}"
    );
    let shown = app.db.run_cli(dir.path(), &["plan", "show"]);
    assert!(String::from_utf8(shown.stdout)
        .unwrap()
        .contains("online_percent = 80.0"));
    app.stop().await;
}

#[tokio::test]
async fn an_administrator_sets_the_plan_and_the_pages_put_the_scores_beside_it() {
    let app = spawn_app().await;
    answer(&app, "AG-X-OCEO", 6, "4", "").await;
    app.add_user("admin@angiang.test", Role::Admin, None);
    app.login("admin@angiang.test", PASSWORD).await;

    // Before any plan: the pages say so.
    let province = app.current_page("/dashboard/province?period=2026-Q2").await;
    assert!(province.contains("Chưa có kế hoạch của năm này"));

    let page = app.page("/admin/plan").await;
    assert!(page.contains("Chưa có kế hoạch nào") && page.contains("online_percent = 80"));
    let refused = post_from(
        &app,
        "/admin/plan",
        "/admin/plan",
        &[("definition", &PLAN.replace("year = 2026", "year = 1999"))],
    )
    .await;
    assert_eq!(refused.status(), 422);
    let refused = refused.text().await.unwrap();
    assert!(refused.contains("Kế hoạch chưa hợp lệ") && refused.contains("year"));
    assert!(refused.contains("year = 1999"), "what was typed is kept");

    let saved = post_from(&app, "/admin/plan", "/admin/plan", &[("definition", PLAN)]).await;
    assert_eq!(saved.status(), 303);
    let page = app.page("/admin/plan").await;
    assert!(page.contains("Đã lưu kế hoạch năm 2026"));

    // 2026's plan holds for 2026-Q2: on time, online and satisfaction against their targets.
    let province = app.current_page("/dashboard/province?period=2026-Q2").await;
    assert!(province.contains("Chỉ tiêu kế hoạch"));
    assert!(province.contains("Kế hoạch cải cách hành chính năm 2026"));
    assert!(province.contains("Hồ sơ tiếp nhận trực tuyến (%)"));
    // And per agency of the level, each figure with "not met" where it falls short.
    let by_agency = province
        .rsplit("Chỉ tiêu theo từng cơ quan của cấp này")
        .next()
        .unwrap();
    assert!(by_agency.contains("Ủy ban nhân dân xã Óc Eo"));
    assert!(
        by_agency.contains("0,0 (Chưa đạt)"),
        "Óc Eo: no dossier online"
    );
    let agency = app
        .current_page("/dashboard/agency/AG-X-OCEO?period=2026-Q2")
        .await;
    assert!(agency.contains("Chỉ tiêu kế hoạch"));
    // The test dossiers all came in at the counter: 0 % online against 80 %, not met.
    let online_row = agency
        .split("Hồ sơ tiếp nhận trực tuyến (%)")
        .nth(1)
        .and_then(|rest| rest.split("</tr>").next())
        .unwrap();
    assert!(
        online_row.contains(">80<") && online_row.contains(">0,0<") && online_row.contains("-80,0"),
        "{online_row}"
    );
    assert!(online_row.contains("Chưa đạt"));

    let report = app
        .client
        .get(format!(
            "{}/exports/report.docx?period=2026-Q2",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(report.status(), 200);
    let bytes = report.bytes().await.unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.as_ref())).unwrap();
    let mut document = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("word/document.xml").unwrap(),
        &mut document,
    )
    .unwrap();
    assert!(document.contains("Chỉ tiêu theo Kế hoạch cải cách hành chính năm 2026"));
    assert!(document.contains("Hồ sơ tiếp nhận trực tuyến (%)"));
    app.stop().await;
}
