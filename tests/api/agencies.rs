//! Mergers and splits: an administrator closes an agency and names its successors; dossiers
//! completed after its last day are refused, naming where its work went.

use hailong::db::agencies;
use hailong::domain::agency::Role;

use crate::helpers::{post_from, spawn_app, valid_dossier, TestApp, PASSWORD};

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

    // Each refusal names its field, and changes nothing.
    let refusals = [
        (
            "NO-SUCH",
            "2026-04-01",
            "AG-P-RACHGIA",
            "code: no agency has the code",
        ),
        (
            "AG-X-OCEO",
            "2026-04-01",
            "AG-X-OCEO",
            "is the agency being closed",
        ),
        (
            "AG-X-OCEO",
            "2026-04-01",
            "AG-P-RACHGIA, NOPE",
            "successor: no agency has the code &quot;NOPE&quot;",
        ),
        (
            "AG-X-OCEO",
            "2025-07-01",
            "AG-P-RACHGIA",
            "effective_on: 2025-07-01 is before AG-X-OCEO started",
        ),
        (
            "AG-X-OCEO",
            "2099-01-01",
            "AG-P-RACHGIA",
            "effective_on: 2099-01-01 is in the future",
        ),
        (
            "AG-X-OCEO",
            "1 April",
            "AG-P-RACHGIA",
            "effective_on: &quot;1 April&quot; is not a date",
        ),
        (
            "AG-X-OCEO",
            "2026-04-01",
            " , ",
            "successor: name at least one agency",
        ),
    ];
    for (code, effective_on, successors, message) in refusals {
        let refused = close(&app, code, effective_on, successors).await;
        assert_eq!(refused.status(), 422, "{code} {effective_on} {successors}");
        let page = refused.text().await.unwrap();
        assert!(page.contains(message), "{message:?} not in the page");
        assert_eq!(last_day_of(&app, "AG-X-OCEO"), None);
        assert!(agencies::successions(&mut app.conn()).unwrap().is_empty());
    }

    // The merger: Óc Eo's last day is 31 March, Rạch Giá carries its lineage from 1 April.
    let closed = close(&app, "AG-X-OCEO", "2026-04-01", "AG-P-RACHGIA").await;
    assert_eq!(closed.status(), 303);
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
    assert!(again.text().await.unwrap().contains("already closed"));

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
