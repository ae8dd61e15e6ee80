//! Invitations reach a real HTTP gateway through the outbox, reminders follow while the survey
//! is unanswered, an opt-out link stops them; contacts are kept sealed, and erased after the
//! last message or at the opt-out.

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

/// The app, sending to a recording gateway that answers `status`, with these settings too.
pub(crate) async fn app_sending_to_gateway(
    status: u16,
    overrides: &[(&'static str, &str)],
) -> (crate::helpers::TestApp, Arc<Mutex<Vec<Value>>>) {
    let (hook, received) = gateway(status).await;
    let db = TestDb::new();
    let mut settings: Vec<(&'static str, &str)> = vec![("HAILONG_INVITATION_WEBHOOK", &hook)];
    settings.extend_from_slice(overrides);
    let settings = db.settings_with(&settings);
    (spawn_app_with(db, settings).await, received)
}

pub(crate) async fn eventually(mut check: impl FnMut() -> bool) -> bool {
    for _ in 0..50 {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

/// The dossier's sealed contact, as stored.
fn sealed_contact(app: &crate::helpers::TestApp) -> Option<Vec<u8>> {
    dossiers::table
        .select(dossiers::contact_sealed)
        .first(&mut *app.conn())
        .unwrap()
}

#[tokio::test]
async fn an_invitation_is_posted_to_the_gateway_and_the_contact_then_forgotten() {
    let (app, received) = app_sending_to_gateway(200, &[("HAILONG_REMINDERS", "0")]).await;
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
    assert_eq!(sent["message"], 0);
    assert_eq!(sent["survey_url"], issued["dossiers"][0]["survey_url"]);
    assert_eq!(
        sent["opt_out_url"],
        format!("{}/stop?lang=vi", sent["survey_url"].as_str().unwrap())
    );
    let erased = eventually(|| sealed_contact(&app).is_none()).await;
    assert!(erased, "the phone number outlived the last message");
    let delivered: Option<chrono::NaiveDateTime> = outbox::table
        .select(outbox::delivered_at)
        .first(&mut *app.conn())
        .unwrap();
    assert!(delivered.is_some());
}

#[tokio::test]
async fn a_failing_gateway_leaves_the_invitation_queued_for_a_retry_with_backoff() {
    let (app, received) = app_sending_to_gateway(503, &[]).await;
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
    let (clear, sealed): (Option<String>, Option<Vec<u8>>) = dossiers::table
        .select((dossiers::contact_phone, dossiers::contact_sealed))
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(clear, None, "never kept in clear");
    let sealed = sealed.expect("kept, sealed, until delivered");
    assert!(!String::from_utf8_lossy(&sealed).contains("0912345678"));
    assert!(
        !crate::helpers::dump_database(&app.db).contains("0912345678"),
        "no copy of the database shows the number"
    );
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
    let settings = db.settings_with(&[
        ("HAILONG_INVITATION_WEBHOOK", &hook),
        ("HAILONG_REMINDERS", "0"),
    ]);
    let second = crate::helpers::Served::start(settings.clone());
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
    second.stop().await;
}

/// The outbox as (message, delivered, due), in message order.
fn outbox_rows(
    app: &crate::helpers::TestApp,
) -> Vec<(i32, Option<chrono::NaiveDateTime>, chrono::NaiveDateTime)> {
    outbox::table
        .select((
            outbox::message,
            outbox::delivered_at,
            outbox::next_attempt_at,
        ))
        .order(outbox::message)
        .load(&mut *app.conn())
        .unwrap()
}

/// Brings message `message` forward to now, as if its day had come.
fn make_due(app: &crate::helpers::TestApp, message: i32) {
    diesel::update(outbox::table.filter(outbox::message.eq(message)))
        .set(outbox::next_attempt_at.eq(chrono::Utc::now().naive_utc()))
        .execute(&mut *app.conn())
        .unwrap();
}

#[tokio::test]
async fn reminders_follow_on_their_days_and_an_answered_survey_gets_none() {
    let (app, received) = app_sending_to_gateway(
        200,
        &[("HAILONG_REMINDERS", "2"), ("HAILONG_REMINDER_DAYS", "3,7")],
    )
    .await;
    let path = app.issue_survey("R.1").await;
    assert!(eventually(|| received.lock().unwrap().len() == 1).await);
    assert!(
        eventually(|| outbox_rows(&app).len() == 2).await,
        "the first reminder queued: {:?}",
        outbox_rows(&app)
    );
    let rows = outbox_rows(&app);
    let issued_at = rows[0].1.unwrap();
    let in_three_days = rows[1].2 - issued_at;
    assert!(
        (in_three_days - chrono::Duration::days(3))
            .num_seconds()
            .abs()
            < 60,
        "due three days after the invitation: {in_three_days}"
    );
    assert!(sealed_contact(&app).is_some(), "kept for the reminders");

    // Day three: the first reminder, with its own idempotency key.
    make_due(&app, 1);
    assert!(eventually(|| received.lock().unwrap().len() == 2).await);
    let reminder = received.lock().unwrap()[1].clone();
    assert_eq!(reminder["message"], 1);
    assert_eq!(reminder["phone"], "0912345678");
    let first_key = received.lock().unwrap()[0]["idempotency_key"].clone();
    assert_ne!(reminder["idempotency_key"], first_key);
    assert!(
        eventually(|| outbox_rows(&app).len() == 3).await,
        "the second queued"
    );

    // The citizen answers; on day seven nothing goes out, and the contact goes.
    let csrf = app.open_survey(&path).await;
    assert_eq!(
        app.submit(&path, &[("csrf", &csrf), ("q_A1", "4")])
            .await
            .status(),
        200
    );
    make_due(&app, 2);
    assert!(
        eventually(|| outbox_rows(&app).iter().all(|r| r.1.is_some())).await,
        "the last message's day passed"
    );
    assert!(eventually(|| sealed_contact(&app).is_none()).await);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        received.lock().unwrap().len(),
        2,
        "no reminder for an answered survey"
    );
}

/// An app sending through a recording gateway, a survey issued for `dossier`, its invitation
/// sent and the first reminder queued: the app, the survey's path, the invitation as sent.
async fn invited_with_a_reminder_queued(dossier: &str) -> (crate::helpers::TestApp, String, Value) {
    let (app, received) = app_sending_to_gateway(200, &[]).await;
    let path = app.issue_survey(dossier).await;
    assert!(
        eventually(|| outbox_rows(&app).len() == 2).await,
        "a reminder queued"
    );
    let invitation = received.lock().unwrap()[0].clone();
    (app, path, invitation)
}

#[tokio::test]
async fn the_opt_out_link_stops_every_message_and_forgets_the_contact() {
    let (app, path, invitation) = invited_with_a_reminder_queued("STOP.1").await;
    let stop_url = invitation["opt_out_url"]
        .as_str()
        .unwrap()
        .strip_prefix(&app.address)
        .unwrap()
        .to_owned();

    let survey = app.get(&path).await.text().await.unwrap();
    assert!(
        survey.contains(&format!("href=\"{stop_url}\"")),
        "the survey page links to it (an SMS has no room): {survey}"
    );
    let page = app.get(&stop_url).await.text().await.unwrap();
    assert!(page.contains("Ngừng nhận tin nhắn"), "{page}");
    assert!(
        sealed_contact(&app).is_some(),
        "opening the page (a link preview) stops nothing"
    );
    let csrf = crate::helpers::csrf_of(&page);
    let stopped = app.submit(&stop_url, &[("csrf", &csrf)]).await;
    assert_eq!(stopped.status(), 200);
    assert!(stopped
        .text()
        .await
        .unwrap()
        .contains("Đã ngừng gửi tin nhắn"));
    assert!(
        sealed_contact(&app).is_none(),
        "the contact is erased at once"
    );
    assert!(
        outbox_rows(&app).iter().all(|r| r.1.is_some()),
        "nothing left to send"
    );
    let again = app.submit(&stop_url, &[("csrf", &csrf)]).await;
    assert_eq!(again.status(), 200, "a second tap says the same");
    assert_eq!(
        app.get(&path).await.status(),
        200,
        "the survey itself stays open"
    );
    assert_eq!(
        app.get("/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/stop")
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn contacts_an_earlier_release_kept_in_clear_are_sealed_at_start() {
    let db = TestDb::new();
    let settings = db.settings_with(&[("HAILONG_REMINDERS", "0")]);
    let app = spawn_app_with(db, settings.clone()).await;
    app.seed();
    app.stop().await;
    // As an earlier release wrote it: the number in clear, nothing sealed.
    let mut conn = app.conn();
    hailong::db::dossiers::insert(
        &mut conn,
        &hailong::db::dossiers::NewDossier {
            external_id: "OLD.1".into(),
            agency_id: 1,
            procedure_id: 1,
            applicant_kind: "citizen".into(),
            channel: "counter".into(),
            received_at: chrono::Utc::now().naive_utc(),
            due_at: chrono::Utc::now().naive_utc(),
            completed_at: chrono::Utc::now().naive_utc(),
            applicant_hash: None,
            contact_sealed: None,
            created_at: chrono::Utc::now().naive_utc(),
            invited: true,
            submitted_by: None,
        },
    )
    .unwrap();
    diesel::sql_query("UPDATE dossiers SET contact_phone = '0987654321'")
        .execute(&mut *conn)
        .unwrap();

    hailong::services::privacy::migrate(&mut conn, &settings.secret, 1).unwrap();

    let (clear, sealed): (Option<String>, Option<Vec<u8>>) = dossiers::table
        .select((dossiers::contact_phone, dossiers::contact_sealed))
        .first(&mut *conn)
        .unwrap();
    assert_eq!(clear, None);
    let contact = hailong::services::dossiers::contact::Contact::unseal(
        &settings.secret,
        &sealed.expect("sealed"),
    )
    .unwrap();
    assert_eq!(contact.phone.as_deref(), Some("0987654321"));
}

/// A stand-in for Zalo's ZNS endpoint: records the access token and body of each request and
/// answers with `answer` (Zalo's own shape: `{"error": 0, …}` when accepted).
async fn zalo(answer: Value) -> (String, Arc<Mutex<Vec<(String, Value)>>>) {
    let received = Arc::new(Mutex::new(Vec::new()));
    let store = received.clone();
    let server = HttpServer::new(move || {
        let (store, answer) = (store.clone(), answer.clone());
        App::new().route(
            "/message/template",
            web::post().to(move |req: actix_web::HttpRequest, body: web::Json<Value>| {
                let (store, answer) = (store.clone(), answer.clone());
                async move {
                    let token = req
                        .headers()
                        .get("access_token")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned();
                    store.lock().unwrap().push((token, body.into_inner()));
                    HttpResponse::Ok().json(answer)
                }
            }),
        )
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .unwrap();
    let port = server.addrs()[0].port();
    tokio::spawn(server.run());
    (
        format!("http://127.0.0.1:{port}/message/template"),
        received,
    )
}

#[tokio::test]
async fn a_phone_number_is_reached_by_a_zalo_template_message_when_so_configured() {
    let (url, received) = zalo(serde_json::json!({"error": 0, "message": "Success"})).await;
    let db = TestDb::new();
    let settings = db.settings_with(&[
        ("HAILONG_PHONE_CHANNEL", "zalo"),
        ("HAILONG_ZALO_URL", &url),
        ("HAILONG_ZALO_ACCESS_TOKEN", "oa-access-token"),
        ("HAILONG_ZALO_TEMPLATE_ID", "231045"),
        ("HAILONG_REMINDERS", "0"),
    ]);
    let app = spawn_app_with(db, settings).await;
    let path = app.issue_survey("ZNS.1").await;
    assert!(eventually(|| !received.lock().unwrap().is_empty()).await);
    let (token, body) = received.lock().unwrap()[0].clone();
    assert_eq!(token, "oa-access-token");
    assert_eq!(body["phone"], "84912345678");
    assert_eq!(body["template_id"], "231045");
    assert_eq!(body["template_data"]["agency"], "Ủy ban nhân dân xã Óc Eo");
    assert_eq!(body["template_data"]["procedure"], "Đăng ký khai sinh");
    assert_eq!(
        body["template_data"]["survey_url"],
        format!("{}{path}", app.address)
    );
    assert!(body["tracking_id"]
        .as_str()
        .unwrap()
        .starts_with("hailong-invitation-"));
    assert!(
        eventually(|| sealed_contact(&app).is_none()).await,
        "sent: forgotten"
    );
}

#[tokio::test]
async fn a_zalo_refusal_is_a_failed_attempt_with_its_code() {
    let (url, received) =
        zalo(serde_json::json!({"error": -124, "message": "Access token invalid"})).await;
    let db = TestDb::new();
    let settings = db.settings_with(&[
        ("HAILONG_PHONE_CHANNEL", "zalo"),
        ("HAILONG_ZALO_URL", &url),
        ("HAILONG_ZALO_ACCESS_TOKEN", "expired"),
        ("HAILONG_ZALO_TEMPLATE_ID", "231045"),
    ]);
    let app = spawn_app_with(db, settings).await;
    app.issue_survey("ZNS.2").await;
    assert!(eventually(|| !received.lock().unwrap().is_empty()).await);
    let failed = eventually(|| {
        let error: Option<String> = outbox::table
            .select(outbox::last_error)
            .first(&mut *app.conn())
            .unwrap();
        error.is_some_and(|e| e.contains("-124"))
    })
    .await;
    assert!(failed, "the refusal is recorded for a retry");
    assert!(sealed_contact(&app).is_some(), "kept for the retry");
}

#[tokio::test]
async fn the_sms_gateway_gets_text_that_fits_one_segment() {
    let (app, received) = app_sending_to_gateway(200, &[]).await;
    let path = app.issue_survey("TEXT.1").await;
    assert!(eventually(|| !received.lock().unwrap().is_empty()).await);
    let sent = received.lock().unwrap()[0].clone();
    let text = sent["text"].as_str().unwrap();
    assert_eq!(sent["encoding"], "gsm7");
    assert!(text.is_ascii() && text.chars().count() <= 160, "{text}");
    assert!(
        text.starts_with("Uy ban nhan dan xa Oc Eo moi Ong/Ba danh gia ho so"),
        "{text}"
    );
    assert!(text.ends_with(&format!("{}{path}", app.address)), "{text}");
}

/// Debian's aiosmtpd, started as a real SMTP server on a free port, writing what it accepts to
/// a file (tests/smtp/capture.py); killed when dropped. `None` when it is not installed, unless
/// HAILONG_REQUIRE_SMTP is set (CI), where that is a failure.
struct SmtpServer {
    child: std::process::Child,
    port: u16,
    out: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl SmtpServer {
    fn start() -> Option<Self> {
        Self::start_with(&[])
    }

    /// With a certificate and its key: STARTTLS required.
    fn start_with(tls: &[&std::path::Path]) -> Option<Self> {
        let installed = std::process::Command::new("/usr/bin/python3")
            .args(["-c", "import aiosmtpd"])
            .status()
            .is_ok_and(|s| s.success());
        if !installed {
            assert!(
                std::env::var("HAILONG_REQUIRE_SMTP").is_err(),
                "HAILONG_REQUIRE_SMTP is set but aiosmtpd is not installed (apt-get install python3-aiosmtpd)"
            );
            eprintln!("skipped: no aiosmtpd (apt-get install python3-aiosmtpd)");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("mail.jsonl");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = std::process::Command::new("/usr/bin/python3")
            .arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp/capture.py"))
            .arg(port.to_string())
            .arg(&out)
            .args(tls)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut ready = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().unwrap()),
            &mut ready,
        )
        .unwrap();
        assert_eq!(ready.trim(), "ready");
        Some(Self {
            child,
            port,
            out,
            _dir: dir,
        })
    }

    fn received(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.out)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn an_e_mail_address_is_reached_over_smtp() {
    let Some(smtp) = SmtpServer::start() else {
        return;
    };
    let db = TestDb::new();
    let url = format!("smtp://127.0.0.1:{}", smtp.port);
    let settings = db.settings_with(&[
        ("HAILONG_SMTP_URL", &url),
        (
            "HAILONG_SMTP_FROM",
            "Khảo sát hài lòng <khaosat@angiang.example.vn>",
        ),
        ("HAILONG_REMINDERS", "0"),
    ]);
    let app = spawn_app_with(db, settings).await;
    app.seed();
    let key = app.new_api_key("mail test");
    let mut dossier = valid_dossier("MAIL.1");
    dossier["phone"] = Value::Null;
    dossier["email"] = Value::String("dan.nguyen@example.vn".into());
    let issued: Value = app
        .post_dossiers(&key, &dossier)
        .await
        .json()
        .await
        .unwrap();
    let link = issued["dossiers"][0]["survey_url"]
        .as_str()
        .unwrap()
        .to_owned();

    assert!(
        eventually(|| !smtp.received().is_empty()).await,
        "nothing reached the mail server"
    );
    let mail = smtp.received()[0].clone();
    assert_eq!(mail["rcpt_tos"][0], "dan.nguyen@example.vn");
    assert_eq!(mail["mail_from"], "khaosat@angiang.example.vn");
    assert_eq!(
        mail["subject"],
        "Ủy ban nhân dân xã Óc Eo mời Ông/Bà đánh giá việc giải quyết hồ sơ"
    );
    let body = mail["body"].as_str().unwrap();
    assert!(body.contains(&link), "{body}");
    assert!(body.contains(&format!("{link}/stop")), "{body}");
    assert!(body.contains("Đăng ký khai sinh"), "{body}");
    assert!(mail["message_id"]
        .as_str()
        .unwrap()
        .contains("hailong-invitation-"));
    assert!(
        eventually(|| sealed_contact(&app).is_none()).await,
        "sent: forgotten"
    );
}

/// A certificate authority, and a server certificate for 127.0.0.1 it signed with its key, made
/// by openssl in `dir`: (the authority's certificate, the server's certificate, its key).
fn certificates(dir: &std::path::Path) -> [std::path::PathBuf; 3] {
    let path = |name: &str| dir.join(name);
    let openssl = |args: &[&str]| {
        let made = std::process::Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl runs");
        assert!(
            made.status.success(),
            "{}",
            String::from_utf8_lossy(&made.stderr)
        );
    };
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=Test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
    ]);
    std::fs::write(
        path("server.ext"),
        "basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "1",
        "-extfile",
        "server.ext",
        "-out",
        "server.pem",
    ]);
    [path("ca.pem"), path("server.pem"), path("server.key")]
}

#[tokio::test]
async fn e_mail_goes_over_starttls_only_to_a_server_whose_certificate_is_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let [ca, cert, key] = certificates(dir.path());
    let Some(smtp) = SmtpServer::start_with(&[&cert, &key]) else {
        return;
    };
    let url = format!("smtp://127.0.0.1:{}?tls=required", smtp.port);
    let send = |ca: Option<&std::path::Path>| {
        let db = TestDb::new();
        let mut overrides: Vec<(&'static str, String)> = vec![
            ("HAILONG_SMTP_URL", url.clone()),
            ("HAILONG_SMTP_FROM", "khaosat@angiang.example.vn".into()),
            ("HAILONG_REMINDERS", "0".into()),
        ];
        if let Some(ca) = ca {
            overrides.push(("HAILONG_SMTP_CA_FILE", ca.display().to_string()));
        }
        let borrowed: Vec<(&'static str, &str)> =
            overrides.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let settings = db.settings_with(&borrowed);
        (db, settings)
    };
    let mut dossier = valid_dossier("TLS.1");
    dossier["phone"] = Value::Null;
    dossier["email"] = Value::String("dan.nguyen@example.vn".into());

    // A certificate nobody vouches for: nothing is sent (not even in clear), and it says so.
    let (db, settings) = send(None);
    let untrusted = spawn_app_with(db, settings).await;
    untrusted.seed();
    let key = untrusted.new_api_key("mail test");
    untrusted.post_dossiers(&key, &dossier).await;
    let refused = eventually(|| {
        let error: Option<String> = outbox::table
            .select(outbox::last_error)
            .first(&mut *untrusted.conn())
            .unwrap();
        error.is_some()
    })
    .await;
    assert!(refused, "an untrusted certificate is a failed attempt");
    assert!(smtp.received().is_empty());

    // Trusted through HAILONG_SMTP_CA_FILE: delivered, over TLS.
    let (db, settings) = send(Some(&ca));
    let trusted = spawn_app_with(db, settings).await;
    trusted.seed();
    let key = trusted.new_api_key("mail test");
    trusted.post_dossiers(&key, &dossier).await;
    assert!(
        eventually(|| !smtp.received().is_empty()).await,
        "nothing reached the mail server over STARTTLS: {:?}",
        outbox::table
            .select(outbox::last_error)
            .first::<Option<String>>(&mut *trusted.conn())
    );
    assert_eq!(smtp.received()[0]["rcpt_tos"][0], "dan.nguyen@example.vn");
}

#[tokio::test]
async fn a_dossier_in_khmer_gets_khmer_where_the_sms_can_carry_it_and_its_survey_in_khmer() {
    for (encoding, khmer_text) in [("ucs2", true), ("gsm7", false)] {
        let (app, received) =
            app_sending_to_gateway(200, &[("HAILONG_SMS_ENCODING", encoding)]).await;
        app.seed();
        let key = app.new_api_key("language test");
        let mut dossier = valid_dossier(&format!("KM.{encoding}"));
        dossier["language"] = Value::String("km".into());
        assert_eq!(app.post_dossiers(&key, &dossier).await.status(), 201);
        assert!(eventually(|| !received.lock().unwrap().is_empty()).await);
        let sent = received.lock().unwrap()[0].clone();
        assert_eq!(sent["language"], "km");
        let text = sent["text"].as_str().unwrap();
        if khmer_text {
            assert!(text.contains("សូមអញ្ជើញ"), "{encoding}: {text}");
        } else {
            // GSM-7 has no Khmer letters: Vietnamese without diacritics, never boxes or blanks.
            assert!(
                text.is_ascii() && text.contains("moi Ong/Ba danh gia"),
                "{text}"
            );
        }
        let link = sent["survey_url"].as_str().unwrap();
        assert!(link.ends_with("?lang=km") && text.ends_with(link), "{text}");
        let page = app.page(link.strip_prefix(&app.address).unwrap()).await;
        assert!(
            page.contains("<html lang=\"km\">"),
            "the survey opens in Khmer"
        );
    }
}

#[tokio::test]
async fn a_dossier_in_english_gets_its_messages_and_survey_in_english() {
    let (app, received) = app_sending_to_gateway(200, &[]).await;
    app.seed();
    let key = app.new_api_key("language test");
    let mut dossier = valid_dossier("EN.1");
    dossier["language"] = Value::String("en".into());
    assert_eq!(app.post_dossiers(&key, &dossier).await.status(), 201);
    assert!(eventually(|| !received.lock().unwrap().is_empty()).await);
    let sent = received.lock().unwrap()[0].clone();
    assert_eq!(sent["language"], "en");
    assert_eq!(sent["agency"], "People's Committee of Oc Eo Commune");
    let text = sent["text"].as_str().unwrap();
    assert!(
        text.starts_with("People's Committee of Oc Eo Commune asks you to rate"),
        "{text}"
    );
    let link = sent["survey_url"].as_str().unwrap();
    assert!(link.ends_with("?lang=en"), "{link}");
    let page = app.page(link.strip_prefix(&app.address).unwrap()).await;
    assert!(
        page.contains("<html lang=\"en\">"),
        "the survey opens in English"
    );

    let mut unknown = valid_dossier("EN.2");
    unknown["language"] = Value::String("fr".into());
    let refused = app.post_dossiers(&key, &unknown).await;
    assert_eq!(refused.status(), 422);
    let body = refused.text().await.unwrap();
    assert!(
        body.contains("language") && body.contains("one of vi, en, km"),
        "{body}"
    );
}

#[tokio::test]
async fn a_stop_reply_passed_on_by_the_gateway_stops_that_dossier_s_messages() {
    let (app, _, invitation) = invited_with_a_reminder_queued("REPLY.1").await;
    let message_key = invitation["idempotency_key"].as_str().unwrap().to_owned();
    let gateway_key = app.new_key_of("sms gateway", hailong::domain::api_scope::ApiScope::Gateway);
    let integrator_key = app.new_api_key("one-stop shop");
    let reply = |key: Option<&str>, body: Value| {
        let mut request = app
            .client
            .post(format!("{}/api/v1/opt-outs", app.address))
            .json(&body);
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        request.send()
    };
    let stop = |phone: &str| serde_json::json!({"message_key": message_key, "phone": phone});
    let said = |response: reqwest::Response| async move {
        (
            response.status().as_u16(),
            response.json::<Value>().await.unwrap(),
        )
    };
    let received = serde_json::json!({"status": "received"});

    assert_eq!(reply(None, stop("0912345678")).await.unwrap().status(), 401);
    // Only the gateway's key passes STOP replies on; the gateway's key sends no dossier.
    let wrong_scope = reply(Some(&integrator_key), stop("0912345678"))
        .await
        .unwrap();
    assert_eq!(wrong_scope.status(), 403);
    assert_eq!(
        app.post_dossiers(&gateway_key, &valid_dossier("REPLY.2"))
            .await
            .status(),
        403
    );
    // Another number, a message that does not exist: the same answer as a stop, nothing done.
    let other_number = reply(Some(&gateway_key), stop("0987000000")).await.unwrap();
    assert_eq!(said(other_number).await, (200, received.clone()));
    let no_such_message = reply(
        Some(&gateway_key),
        serde_json::json!({"message_key": "hailong-invitation-999999-0", "phone": "0912345678"}),
    )
    .await
    .unwrap();
    assert_eq!(said(no_such_message).await, (200, received.clone()));
    assert!(sealed_contact(&app).is_some());
    let garbage = reply(
        Some(&gateway_key),
        serde_json::json!({"message_key": "hello", "phone": "0912345678"}),
    )
    .await
    .unwrap();
    assert_eq!(garbage.status(), 422);

    let stopped = reply(Some(&gateway_key), stop("+84 912 345 678"))
        .await
        .unwrap();
    assert_eq!(said(stopped).await, (200, received.clone()));
    assert!(
        sealed_contact(&app).is_none(),
        "the contact is erased at once"
    );
    assert!(
        outbox_rows(&app).iter().all(|r| r.1.is_some()),
        "nothing left to send"
    );
    let again = reply(Some(&gateway_key), stop("0912345678")).await.unwrap();
    assert_eq!(said(again).await, (200, received), "already stopped: alike");

    // Trying keys at HTTP speed meets a limit per key and minute.
    let mut statuses = Vec::new();
    for _ in 0..hailong::web::key_limits::OPT_OUTS_PER_MINUTE {
        statuses.push(
            reply(Some(&gateway_key), stop("0987000000"))
                .await
                .unwrap()
                .status()
                .as_u16(),
        );
    }
    assert!(statuses.contains(&429), "no limit: {statuses:?}");
}

#[tokio::test]
async fn the_province_sees_what_was_issued_sent_and_stopped_per_agency_and_week() {
    let (app, received) = app_sending_to_gateway(200, &[]).await;
    app.seed();
    let key = app.new_api_key("report test");
    let mut no_contact = valid_dossier("REPORT.3");
    no_contact["phone"] = Value::Null;
    let batch = vec![
        valid_dossier("REPORT.1"),
        valid_dossier("REPORT.2"),
        no_contact,
    ];
    assert_eq!(
        app.post_dossiers(&key, &Value::Array(batch)).await.status(),
        201
    );
    assert!(eventually(|| received.lock().unwrap().len() == 2).await);
    let stop = received.lock().unwrap()[0]["opt_out_url"]
        .as_str()
        .unwrap()
        .strip_prefix(&app.address)
        .unwrap()
        .to_owned();
    let page = app.get(&stop).await.text().await.unwrap();
    let csrf = crate::helpers::csrf_of(&page);
    assert_eq!(app.submit(&stop, &[("csrf", &csrf)]).await.status(), 200);
    assert!(
        eventually(|| outbox_rows(&app)
            .iter()
            .filter(|r| r.0 == 0)
            .all(|r| r.1.is_some()))
        .await,
        "both invitations recorded as sent"
    );

    // Agency staff may not see it; the province does.
    app.add_user(
        "xa@angiang.test",
        hailong::domain::agency::Role::Agency,
        Some("AG-X-OCEO"),
    );
    let agency_staff = app
        .signed_in_client("xa@angiang.test", crate::helpers::PASSWORD)
        .await;
    let refused = agency_staff
        .get(format!("{}/dashboard/delivery", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 404, "as every page it may not see");

    app.add_user(
        "phantich@angiang.test",
        hailong::domain::agency::Role::Province,
        None,
    );
    app.login("phantich@angiang.test", crate::helpers::PASSWORD)
        .await;
    let report = app.get("/dashboard/delivery").await.text().await.unwrap();
    assert!(report.contains("Theo tuần phát hành"), "{report}");
    assert!(report.contains("Ủy ban nhân dân xã Óc Eo"));
    let csv = app.get("/exports/delivery.csv").await.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "\u{feff}week,agency_code,agency_name,issued,with_contact,sent,failing,reminders,opted_out"
    );
    assert_eq!(lines.len(), 2, "one agency, one week: {csv}");
    assert!(
        lines[1].ends_with(",AG-X-OCEO,Ủy ban nhân dân xã Óc Eo,3,2,2,0,0,1"),
        "three issued, two with a phone, both sent, one opted out: {csv}"
    );
}

/// A gateway on a random port that can be down (503), and counts the messages it accepted by
/// idempotency key.
struct FlakyGateway {
    url: String,
    down: Arc<std::sync::atomic::AtomicBool>,
    accepted: Arc<Mutex<std::collections::HashMap<String, usize>>>,
    refused: Arc<std::sync::atomic::AtomicUsize>,
}

impl FlakyGateway {
    async fn start() -> Self {
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        let down = Arc::new(AtomicBool::new(false));
        let accepted = Arc::new(Mutex::new(std::collections::HashMap::new()));
        let refused = Arc::new(AtomicUsize::new(0));
        let (d, a, r) = (down.clone(), accepted.clone(), refused.clone());
        let server = HttpServer::new(move || {
            let (d, a, r) = (d.clone(), a.clone(), r.clone());
            App::new().route(
                "/hook",
                web::post().to(move |req: actix_web::HttpRequest| {
                    let (d, a, r) = (d.clone(), a.clone(), r.clone());
                    async move {
                        if d.load(Ordering::SeqCst) {
                            r.fetch_add(1, Ordering::SeqCst);
                            return HttpResponse::ServiceUnavailable().finish();
                        }
                        let key = req
                            .headers()
                            .get("idempotency-key")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned();
                        *a.lock().unwrap().entry(key).or_insert(0) += 1;
                        HttpResponse::Ok().finish()
                    }
                }),
            )
        })
        .workers(2)
        .bind("127.0.0.1:0")
        .unwrap();
        let port = server.addrs()[0].port();
        tokio::spawn(server.run());
        Self {
            url: format!("http://127.0.0.1:{port}/hook"),
            down,
            accepted,
            refused,
        }
    }
}

/// `hailong serve` as a separate process on the test's database; killed when dropped.
struct Instance(std::process::Child);

impl Instance {
    fn start(db: &TestDb, hook: &str) -> Self {
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_hailong"))
            .arg("serve")
            .env_clear()
            .env("HAILONG_DATABASE_URL", db.url())
            .env("HAILONG_SECRET_KEY", crate::helpers::TEST_SECRET)
            .env("HAILONG_BIND", "127.0.0.1:0")
            .env("HAILONG_INVITATION_WEBHOOK", hook)
            .env("HAILONG_QUIET_HOURS", "off")
            .env("HAILONG_REMINDERS", "0")
            .env("HAILONG_OUTBOX_CLAIM_SECONDS", "10")
            .env("HAILONG_LOG", "error")
            .spawn()
            .expect("hailong serve starts");
        Instance(child)
    }

    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.kill();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_deliver_5000_invitations_once_through_an_outage_and_a_kill() {
    use std::sync::atomic::Ordering;
    const DOSSIERS: usize = 5_000;
    let db = TestDb::new();
    if db.backend() != "postgres" {
        eprintln!("skipped: several instances share a PostgreSQL database");
        return;
    }
    let gateway = FlakyGateway::start().await;
    let settings = db.settings_with(&[
        ("HAILONG_INVITATION_WEBHOOK", &gateway.url),
        ("HAILONG_REMINDERS", "0"),
        ("HAILONG_OUTBOX_CLAIM_SECONDS", "10"),
    ]);
    let mut others = vec![
        Instance::start(&db, &gateway.url),
        Instance::start(&db, &gateway.url),
    ];
    let app = spawn_app_with(db, settings).await;
    app.seed();
    let key = app.new_api_key("one-stop shop");

    // The gateway is down while the first batches arrive.
    gateway.down.store(true, Ordering::SeqCst);
    for batch in 0..DOSSIERS / 1_000 {
        let dossiers: Vec<Value> = (0..1_000)
            .map(|i| valid_dossier(&format!("MANY.{batch}.{i}")))
            .collect();
        assert_eq!(
            app.post_dossiers(&key, &Value::Array(dossiers))
                .await
                .status(),
            201
        );
        if batch == 1 {
            // Every instance polls every 3 s: each meets the outage at least once.
            tokio::time::sleep(Duration::from_secs(4)).await;
            gateway.down.store(false, Ordering::SeqCst);
        }
        if batch == 2 {
            // One instance dies mid-run, whatever it had claimed.
            tokio::time::sleep(Duration::from_millis(500)).await;
            others[0].kill();
        }
    }
    assert!(
        gateway.refused.load(Ordering::SeqCst) > 0,
        "the outage was met"
    );

    // Failed messages come back after their backoff (30 s), a dead instance's claims after
    // HAILONG_OUTBOX_CLAIM_SECONDS.
    let deadline = std::time::Instant::now() + Duration::from_secs(180);
    while hailong::db::outbox::pending_count(&mut app.conn()).unwrap() > 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "{} messages never went out",
            hailong::db::outbox::pending_count(&mut app.conn()).unwrap()
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let accepted = gateway.accepted.lock().unwrap().clone();
    assert_eq!(
        accepted.len(),
        DOSSIERS,
        "every invitation reached the gateway"
    );
    let repeated = accepted.values().filter(|n| **n > 1).count();
    eprintln!(
        "{DOSSIERS} invitations: {} refused during the outage, {repeated} accepted twice (same key)",
        gateway.refused.load(Ordering::SeqCst)
    );
    // Only what the killed instance sent and could not record goes twice, with the same key
    // (a gateway that drops repeats by key delivers it once): at most the chunk it was
    // recording (32) and the sends then in flight (32), never its whole claimed batch (200).
    assert!(repeated <= 64, "{repeated} invitations accepted twice");
    let attempts: Vec<i32> = outbox::table
        .select(outbox::attempts)
        .load(&mut *app.conn())
        .unwrap();
    assert!(
        attempts.iter().any(|a| *a >= 2),
        "the outage's failures were counted and retried"
    );
    drop(others);
}

/// During an outage a real send records attempts, an error and a retry: the message of an
/// answered survey, which goes out quietly, records exactly the same, so the outbox does not
/// tell who answered.
#[tokio::test]
async fn during_an_outage_an_answered_surveys_message_is_recorded_as_a_real_one() {
    let (app, received) = app_sending_to_gateway(503, &[("HAILONG_REMINDERS", "0")]).await;
    let answered = app.issue_survey("OUT.A").await;
    app.issue_survey("OUT.B").await;
    let attempts = |app: &crate::helpers::TestApp| -> Vec<(i32, Option<String>, bool)> {
        outbox::table
            .select((
                outbox::attempts,
                outbox::last_error,
                outbox::delivered_at.is_not_null(),
            ))
            .order(outbox::id)
            .load(&mut *app.conn())
            .unwrap()
    };
    assert!(eventually(|| attempts(&app).iter().all(|a| a.0 == 1)).await);
    let csrf = app.open_survey(&answered).await;
    assert_eq!(
        app.submit(&answered, &[("csrf", &csrf), ("q_A1", "4")])
            .await
            .status(),
        200
    );
    // The retry is due: the unanswered survey's message goes to the failing gateway again,
    // the answered one's goes nowhere, and both are recorded alike.
    make_due(&app, 0);
    assert!(
        eventually(|| attempts(&app).iter().all(|a| a.0 == 2)).await,
        "{:?}",
        attempts(&app)
    );
    let rows = attempts(&app);
    assert_eq!(rows[0], rows[1], "alike in every column");
    assert!(!rows[0].2 && rows[0].1.as_deref().unwrap_or("").contains("503"));
    let next: Vec<chrono::NaiveDateTime> = outbox::table
        .select(outbox::next_attempt_at)
        .load(&mut *app.conn())
        .unwrap();
    assert!(
        (next[0] - next[1]).num_seconds().abs() <= 1,
        "retried alike: {next:?}"
    );
    assert_eq!(
        received.lock().unwrap().len(),
        3,
        "two first tries, one retry"
    );
}
