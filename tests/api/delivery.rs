//! Invitations reach a real HTTP gateway through the outbox; contacts are erased once
//! delivered and kept for a retry when the gateway fails.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{web, App, HttpResponse, HttpServer};
use diesel::prelude::*;
use hailong::db::schema::{dossiers, outbox};
use serde_json::Value;

use crate::helpers::{spawn_app_with, valid_dossier, TestDb};

/// A gateway on a random port that records what it receives and answers with `status`.
async fn gateway(status: u16) -> (String, Arc<Mutex<Vec<Value>>>) {
    let received = Arc::new(Mutex::new(Vec::new()));
    let store = received.clone();
    let server = HttpServer::new(move || {
        let store = store.clone();
        App::new().route(
            "/hook",
            web::post().to(move |body: web::Json<Value>| {
                let store = store.clone();
                async move {
                    store.lock().unwrap().push(body.into_inner());
                    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
                        .finish()
                }
            }),
        )
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .unwrap();
    let port = server.addrs()[0].port();
    tokio::spawn(server.run());
    (format!("http://127.0.0.1:{port}/hook"), received)
}

async fn eventually(mut check: impl FnMut() -> bool) -> bool {
    for _ in 0..50 {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

#[tokio::test]
async fn an_invitation_is_posted_to_the_gateway_and_the_contact_then_forgotten() {
    let (hook, received) = gateway(200).await;
    let db = TestDb::new();
    let settings = db.settings_with(&[("HAILONG_INVITATION_WEBHOOK", &hook)]);
    let app = spawn_app_with(db, settings).await;
    app.seed();
    let key = app.new_api_key("gateway test");
    let issued: Value = app
        .post_dossiers(&key, &valid_dossier("W.1"))
        .await
        .json()
        .await
        .unwrap();

    assert!(
        eventually(|| !received.lock().unwrap().is_empty()).await,
        "nothing reached the gateway"
    );

    let sent = received.lock().unwrap()[0].clone();
    assert_eq!(sent["dossier_id"], "W.1");
    assert_eq!(sent["phone"], "0912345678");
    assert_eq!(sent["survey_url"], issued["dossiers"][0]["survey_url"]);
    let erased = eventually(|| {
        let phone: Option<String> = dossiers::table
            .select(dossiers::contact_phone)
            .first(&mut *app.conn())
            .unwrap();
        phone.is_none()
    })
    .await;
    assert!(erased, "the phone number outlived the delivery");
    let delivered: Option<chrono::NaiveDateTime> = outbox::table
        .select(outbox::delivered_at)
        .first(&mut *app.conn())
        .unwrap();
    assert!(delivered.is_some());
}

#[tokio::test]
async fn a_failing_gateway_leaves_the_invitation_queued_for_a_retry_with_backoff() {
    let (hook, received) = gateway(503).await;
    let db = TestDb::new();
    let settings = db.settings_with(&[("HAILONG_INVITATION_WEBHOOK", &hook)]);
    let app = spawn_app_with(db, settings).await;
    app.seed();
    let key = app.new_api_key("gateway test");
    app.post_dossiers(&key, &valid_dossier("W.2")).await;

    assert!(eventually(|| !received.lock().unwrap().is_empty()).await);
    let failed = eventually(|| {
        let attempts: i32 = outbox::table
            .select(outbox::attempts)
            .first(&mut *app.conn())
            .unwrap();
        attempts == 1
    })
    .await;

    assert!(failed);
    let (next, error, delivered): (
        chrono::NaiveDateTime,
        Option<String>,
        Option<chrono::NaiveDateTime>,
    ) = outbox::table
        .select((
            outbox::next_attempt_at,
            outbox::last_error,
            outbox::delivered_at,
        ))
        .first(&mut *app.conn())
        .unwrap();
    assert!(delivered.is_none());
    assert!(error.unwrap().contains("503"));
    assert!(
        next > chrono::Utc::now().naive_utc() + chrono::Duration::seconds(20),
        "retried after a backoff"
    );
    let phone: Option<String> = dossiers::table
        .select(dossiers::contact_phone)
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(phone.as_deref(), Some("0912345678"), "kept until delivered");
    assert_eq!(
        received.lock().unwrap().len(),
        1,
        "no retry before the backoff"
    );
}

#[tokio::test]
async fn two_instances_send_each_invitation_exactly_once() {
    let (hook, received) = gateway(200).await;
    let db = TestDb::new();
    let settings = db.settings_with(&[("HAILONG_INVITATION_WEBHOOK", &hook)]);
    let second = hailong::startup::Application::build(settings.clone()).expect("builds");
    let second_handle = second.handle();
    tokio::spawn(second.run_until_stopped());
    let app = spawn_app_with(db, settings).await;
    app.seed();
    let key = app.new_api_key("gateway test");
    let batch: Vec<Value> = (0..300)
        .map(|i| valid_dossier(&format!("ONCE.{i}")))
        .collect();
    assert_eq!(
        app.post_dossiers(&key, &Value::Array(batch)).await.status(),
        201
    );

    let all_sent =
        eventually(|| hailong::db::outbox::pending_count(&mut app.conn()).unwrap() == 0).await;
    assert!(all_sent, "the outbox emptied");
    let received = received.lock().unwrap().clone();
    let mut per_dossier = std::collections::HashMap::new();
    for delivery in &received {
        *per_dossier
            .entry(delivery["dossier_id"].as_str().unwrap().to_owned())
            .or_insert(0) += 1;
        assert_eq!(
            delivery["phone"], "0912345678",
            "never sent without its contact"
        );
        assert!(delivery["idempotency_key"]
            .as_str()
            .unwrap()
            .starts_with("hailong-invitation-"));
    }
    assert_eq!(per_dossier.len(), 300, "every invitation sent");
    assert!(
        per_dossier.values().all(|n| *n == 1),
        "{} sent more than once",
        per_dossier.values().filter(|n| **n > 1).count()
    );
    let attempts: Vec<i32> = outbox::table
        .select(outbox::attempts)
        .load(&mut *app.conn())
        .unwrap();
    assert!(
        attempts.iter().all(|a| *a == 1),
        "every attempt counted once"
    );
    second_handle.stop(true).await;
}
