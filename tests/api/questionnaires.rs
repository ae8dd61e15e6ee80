//! A new questionnaire version is used by new invitations; earlier invitations and stored
//! responses keep theirs; a published version never changes.

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_new_version_applies_to_new_invitations_only() {
    let app = spawn_app().await;
    let old_path = app.issue_survey("Q.1").await;
    let csrf = app.open_survey(&old_path).await;
    app.submit(&old_path, &[("csrf", &csrf), ("q_A1", "5")])
        .await;
    let open_old = app.issue_survey("Q.2").await;

    let dir = tempfile::tempdir().unwrap();
    let mut q: serde_json::Value =
        serde_json::from_str(hailong::services::questionnaires::DEFAULT_QUESTIONNAIRE).unwrap();
    q["version"] = "2026.2".into();
    q["items"][0]["text_vi"] = "Câu hỏi mới về tiếp cận dịch vụ".into();
    std::fs::write(dir.path().join("q.json"), q.to_string()).unwrap();
    let published = app
        .db
        .run_cli(dir.path(), &["questionnaire", "publish", "q.json"]);
    assert!(
        published.status.success(),
        "{}",
        String::from_utf8_lossy(&published.stderr)
    );

    let new_path = app.issue_survey("Q.3").await;
    let new_page = app.get(&new_path).await.text().await.unwrap();
    let old_page = app.get(&open_old).await.text().await.unwrap();

    assert!(new_page.contains("Câu hỏi mới về tiếp cận dịch vụ"));
    assert!(!old_page.contains("Câu hỏi mới về tiếp cận dịch vụ"));
    let stored = crate::helpers::stored_responses(&mut app.conn());
    assert_eq!(stored[0].questionnaire_version, "2026.1");

    q["items"][0]["text_vi"] = "Sửa lại".into();
    std::fs::write(dir.path().join("q.json"), q.to_string()).unwrap();
    let rewrite = app
        .db
        .run_cli(dir.path(), &["questionnaire", "publish", "q.json"]);
    assert!(!rewrite.status.success());
    assert!(
        String::from_utf8_lossy(&rewrite.stderr).contains("already published with other content")
    );
    q["dimensions"][0]["weight"] = 0.5.into();
    std::fs::write(dir.path().join("bad.json"), q.to_string()).unwrap();
    let bad = app
        .db
        .run_cli(dir.path(), &["questionnaire", "publish", "bad.json"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("bad.json"));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("weights sum"));
}
