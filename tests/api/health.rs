use crate::helpers::spawn_app;

#[tokio::test]
async fn health_reports_the_backend_and_a_database_that_answers() {
    let app = spawn_app().await;

    let response = app.get("/healthz").await;

    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-request-id"));
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
    assert_eq!(body["backend"], app.db.backend());
}

#[tokio::test]
async fn unknown_paths_get_a_404_with_a_message() {
    let app = spawn_app().await;

    let page = app.get("/no/such/page").await;
    let api = app.get("/api/v1/no/such/thing").await;

    assert_eq!(page.status(), 404);
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let text = page.text().await.unwrap();
    assert!(
        text.contains("<html lang=\"vi\"") && text.contains("Không tìm thấy"),
        "{text}"
    );
    assert_eq!(api.status(), 404);
    let body: serde_json::Value = api.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("not found"));
}

/// PostgreSQL only: a SQLite file cannot go away under a running process in a way that a
/// health check could see; that case is covered by the fault tests.
#[tokio::test]
async fn health_is_503_while_postgres_refuses_connections_and_recovers_after() {
    let app = spawn_app().await;
    let crate::helpers::TestDb::Postgres {
        admin_url, name, ..
    } = &app.db
    else {
        return;
    };
    use diesel::{Connection, RunQueryDsl};
    let mut admin = diesel::PgConnection::establish(admin_url).unwrap();
    let sql = |conn: &mut diesel::PgConnection, q: String| {
        diesel::sql_query(q).execute(conn).unwrap();
    };
    assert_eq!(app.get("/healthz").await.status(), 200);

    sql(
        &mut admin,
        format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"),
    );
    sql(
        &mut admin,
        format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"),
    );
    let down = app.get("/healthz").await;
    assert_eq!(down.status(), 503);
    let body: serde_json::Value = down.json().await.unwrap();
    assert_eq!(body["database"], "unreachable");
    assert_eq!(body["backend"], "postgres");

    sql(
        &mut admin,
        format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"),
    );
    assert_eq!(app.get("/healthz").await.status(), 200);
}
