//! `/metrics` on its own address: Prometheus text with route patterns, never a token.

use crate::helpers::{spawn_app_with, TestDb};

#[tokio::test]
async fn metrics_are_served_apart_and_name_routes_never_tokens() {
    let db = TestDb::new();
    let settings = db.settings_with(&[("HAILONG_METRICS_BIND", "127.0.0.1:0")]);
    let app = spawn_app_with(db, settings).await;
    let metrics_url = format!(
        "http://127.0.0.1:{}/metrics",
        app.served.metrics_port.unwrap()
    );

    let path = app.issue_survey("METRICS.1").await;
    assert_eq!(app.get(&path).await.status(), 200);
    assert_eq!(
        app.get("/metrics").await.status(),
        404,
        "not on the citizens' port"
    );

    // A made-up method is counted as `other`: no client can add series at will.
    for made_up in ["BREW", "XYZZY1", "XYZZY2"] {
        let method = reqwest::Method::from_bytes(made_up.as_bytes()).unwrap();
        app.client
            .request(method, format!("{}/healthz", app.address))
            .send()
            .await
            .unwrap();
    }

    let scraped = reqwest::get(&metrics_url).await.unwrap();
    assert_eq!(scraped.status(), 200);
    let text = scraped.text().await.unwrap();
    assert!(
        text.contains(
            "hailong_http_requests_total{method=\"GET\",route=\"/s/{token}\",status=\"200\"}"
        ),
        "{text}"
    );
    assert!(text.contains("hailong_http_request_duration_seconds_bucket"));
    for gauge in [
        "hailong_outbox_backlog",
        "hailong_outbox_failing",
        "hailong_responses_held",
        "hailong_responses_released",
        "hailong_db_pool_connections",
        "hailong_dashboard_computation_seconds",
        "hailong_group_commit_seconds",
        "hailong_group_commit_jobs",
    ] {
        assert!(text.contains(gauge), "{gauge} in {text}");
    }
    assert!(text.contains("method=\"other\""), "{text}");
    for made_up in ["BREW", "XYZZY"] {
        assert!(!text.contains(made_up), "{made_up} is no label: {text}");
    }
    let token = path.trim_start_matches("/s/");
    assert!(!text.contains(token), "no token in any label");
    app.stop().await;
}
