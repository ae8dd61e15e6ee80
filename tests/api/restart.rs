use serde_json::Value;

use crate::helpers::{spawn_app_on, TestDb};

#[tokio::test]
async fn data_survives_a_restart_of_the_service() {
    let db = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    let first = spawn_app_on(db).await;
    assert!(first.db.run_cli(dir.path(), &["demo"]).status.success());
    let before: Vec<Value> = first.get("/api/v1/agencies").await.json().await.unwrap();
    let db = first.shut_down().await;

    let second = spawn_app_on(db).await;
    let response = second.get("/api/v1/agencies").await;
    assert_eq!(response.status(), 200);
    let after: Vec<Value> = response.json().await.unwrap();

    assert!(before.len() > 100);
    assert_eq!(before, after);
    assert_eq!(second.get("/healthz").await.status(), 200);
}
