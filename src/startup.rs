//! Builds the running service from settings: pool, migrations, routes, listener.

use std::net::TcpListener;

use actix_web::dev::Server;
use std::sync::Arc;

use actix_governor::{Governor, GovernorConfigBuilder};
use actix_session::config::{BrowserSession, TtlExtensionPolicy};
use actix_session::SessionMiddleware;
use actix_web::cookie::{Key, SameSite};
use actix_web::http::header;
use actix_web::middleware::{from_fn, Compress, Condition, DefaultHeaders};
use actix_web::{web, App, HttpServer};
use anyhow::Context;

use crate::config::Settings;
use crate::db;
use crate::services::dossiers::delivery;
use crate::web::auth::session_store::DbSessionStore;
use crate::web::auth::user::IDLE_SECONDS;
use crate::web::csrf::CsrfGuard;
use crate::web::routes;
use crate::web::state::AppState;

/// No script anywhere, styles only from our own origin, no framing, no referrer: a survey link
/// carries a token, and it must never travel in a Referer header.
const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; style-src 'self'; img-src 'self' data:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Stops a running [`Application`], for callers that do not speak actix.
pub struct Stopper(actix_web::dev::ServerHandle);

impl Stopper {
    pub async fn stop(&self) {
        self.0.stop(true).await;
    }
}

pub struct Application {
    port: u16,
    server: Server,
    /// The metrics server, when `HAILONG_METRICS_BIND` is set: its port and handle.
    metrics: Option<(u16, Server)>,
    /// The state the server's workers share, to see them let go of it at the end.
    state: Arc<AppState>,
    /// The group-commit writer, to wait for at the end.
    group_writer: std::thread::JoinHandle<()>,
}

impl Application {
    /// Binds (port 0 picks a free one), applies pending migrations, and prepares the server.
    pub fn build(mut settings: Settings) -> anyhow::Result<Self> {
        let pool = db::build_pool(&settings.database, settings.pool_size);
        {
            let mut conn = pool.get().with_context(|| {
                format!(
                    "connecting to the {} database",
                    settings.database.backend_name()
                )
            })?;
            let applied = crate::services::secret_guard::open(&mut conn, &settings)?;
            if !applied.is_empty() {
                tracing::info!(count = applied.len(), "applied migrations");
            }
            // Instances upgraded together all find the new default missing: one publishes it.
            db::one_at_a_time(&mut conn, crate::services::questionnaires::ensure_default)?;
        }
        let listener = TcpListener::bind(settings.bind)
            .with_context(|| format!("binding HAILONG_BIND={}", settings.bind))?;
        let bound = listener.local_addr()?;
        let port = bound.port();
        if !settings.public_url_given {
            settings.public_url = format!("http://{bound}");
        }
        let write_gate = Arc::new(crate::db::write_gate::WriteGate::for_database(
            &settings.database,
        ));
        let sender = crate::services::dossiers::channels::for_settings(&settings)
            .map_err(anyhow::Error::msg)?;
        let replies = crate::services::followups::replies::run(
            pool.clone(),
            settings.secret.clone(),
            settings.public_url.clone(),
            crate::services::dossiers::channels::for_settings(&settings)
                .map_err(anyhow::Error::msg)?,
            write_gate.clone(),
        );
        let worker = delivery::run(
            pool.clone(),
            settings.secret.clone(),
            settings.public_url.clone(),
            delivery::DeliveryRules::of(&settings),
            sender,
            write_gate.clone(),
        );
        let rate = settings.survey_rate_per_minute;
        let shared_rate = matches!(settings.database, crate::config::DatabaseUrl::Postgres(_));
        // Keyed by the client's address: the TCP peer, or what one of our own proxies
        // (HAILONG_TRUSTED_PROXIES) says it saw; anyone else's X-Forwarded-For is ignored, so it
        // cannot be spoofed to escape the limit.
        let governor = GovernorConfigBuilder::default()
            .key_extractor(crate::web::client_address::ClientKey(Arc::new(
                settings.trusted_proxies.clone(),
            )))
            .requests_per_minute(u64::from(rate.max(1)))
            .burst_size(rate.clamp(1, 30))
            .finish()
            .context("rate limiter settings")?;
        let csrf = Arc::new(CsrfGuard::new(&settings.secret));
        let session_store = DbSessionStore::new(pool.clone(), settings.secret.clone());
        let session_key = Key::derive_from(&settings.secret.keyed_hash("session-cookie", b""));
        let secure_cookies = settings.https();
        let eid = match &settings.eid {
            Some(eid) => Some(Arc::new(
                crate::services::eid::Provider::new(eid.clone(), &settings.public_url)
                    .context("HAILONG_EID_ISSUER")?,
            )),
            None => None,
        };
        let inline_reads = match settings.database {
            crate::config::DatabaseUrl::Sqlite(_) => Some(db::build_pool(&settings.database, 4)),
            crate::config::DatabaseUrl::Postgres(_) => None,
        };
        let (group_commit, group_writer) = crate::services::store::GroupCommit::start(
            pool.clone(),
            write_gate.clone(),
            crate::services::surveys::LinkSubmissions {
                secret: settings.secret.clone(),
            },
        )
        .context("starting the group-commit writer")?;
        let dashboards = Arc::new(crate::services::reports::dashboards::Dashboards::new(
            pool.clone(),
            write_gate.clone(),
            std::time::Duration::from_secs(settings.dashboard_fresh_seconds.into()),
            settings.anonymity_k,
        ));
        let survey_rate = (rate > 0 && shared_rate)
            .then(|| Arc::new(crate::services::survey_rate::SharedWindows::new(rate)));
        let release_wake = Arc::new(tokio::sync::Notify::new());
        let privacy_work = crate::services::privacy::run(
            pool.clone(),
            settings.secret.clone(),
            crate::services::privacy::release::ReleaseRules::of(&settings),
            settings.retention_days,
            write_gate.clone(),
            release_wake.clone(),
        );
        let metrics = match settings.metrics_bind {
            Some(address) => Some(metrics_server(address, pool.clone())?),
            None => None,
        };
        let pool_for_rate = pool.clone();
        let state = Arc::new(AppState {
            pool,
            settings,
            csrf,
            dashboards: dashboards.clone(),
            eid,
            questionnaires: Arc::default(),
            fresh_questions: Arc::default(),
            write_gate,
            inline_reads,
            group_commit,
            release_wake,
            survey_rate: survey_rate.clone(),
            key_limits: Default::default(),
        });
        let shared_state = state.clone();
        let state = web::Data::from(state);
        // Behind HTTPS, browsers are told to come back only over HTTPS, subdomains included, for
        // a year: a survey link typed or followed over plain http never travels in the clear.
        let hsts = secure_cookies.then_some("max-age=31536000; includeSubDomains");
        let server = HttpServer::new(move || {
            App::new()
                // Innermost: an error a handler returned becomes a page in the reader's language
                // (JSON under /api/) before the headers below are added.
                .wrap(from_fn(crate::web::error::render))
                .wrap(
                    // Staff sessions: server-side, ended after 30 idle minutes (12 h at most,
                    // checked in auth::user), new id at sign-in.
                    SessionMiddleware::builder(session_store.clone(), session_key.clone())
                        .cookie_name(crate::web::csrf::cookie_name("hl_session", secure_cookies))
                        .cookie_http_only(true)
                        .cookie_secure(secure_cookies)
                        .cookie_same_site(SameSite::Lax)
                        .session_lifecycle(
                            BrowserSession::default()
                                .state_ttl(actix_web::cookie::time::Duration::seconds(IDLE_SECONDS))
                                .state_ttl_extension_policy(TtlExtensionPolicy::OnEveryRequest),
                        )
                        .build(),
                )
                .wrap(Compress::default())
                .wrap(
                    DefaultHeaders::new()
                        .add((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
                        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
                        .add((header::REFERRER_POLICY, "no-referrer"))
                        .add((header::X_FRAME_OPTIONS, "DENY")),
                )
                .wrap(Condition::new(
                    hsts.is_some(),
                    DefaultHeaders::new()
                        .add((header::STRICT_TRANSPORT_SECURITY, hsts.unwrap_or_default())),
                ))
                .wrap(from_fn(crate::web::plain_http::upgrade))
                .wrap(from_fn(crate::web::request_log::log_requests))
                .app_data(state.clone())
                .app_data(web::FormConfig::default().limit(64 * 1024))
                .app_data(web::PayloadConfig::default().limit(4 * 1024 * 1024))
                .service(
                    web::scope("/s")
                        // One instance on SQLite: the limit in memory. PostgreSQL, where
                        // instances share the database: counted there, shared by all.
                        .wrap(Condition::new(
                            rate > 0 && !shared_rate,
                            Governor::new(&governor),
                        ))
                        .wrap(Condition::new(
                            rate > 0 && shared_rate,
                            from_fn(crate::web::survey_rate::shared_limit),
                        ))
                        .configure(routes::configure_survey),
                )
                .configure(routes::configure)
        })
        .listen(listener)?
        .shutdown_timeout(10)
        .run();
        tokio::spawn(worker);
        tokio::spawn(replies);
        tokio::spawn(privacy_work);
        tokio::spawn(dashboards.run());
        if let Some(windows) = survey_rate {
            tokio::spawn(windows.flush_periodically(pool_for_rate));
        }
        Ok(Self {
            port,
            server,
            metrics,
            state: shared_state,
            group_writer,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// What stops the server from outside (gracefully: requests in flight are finished).
    pub fn stopper(&self) -> Stopper {
        Stopper(self.server.handle())
    }

    /// The port `/metrics` is served on, when it is.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(|(port, _)| *port)
    }

    /// Serves until SIGTERM or Ctrl-C (or a stop through the handle), then finishes the
    /// requests in flight; the metrics server stops with it.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = match self.metrics {
            None => self.server.await,
            Some((_, metrics)) => {
                let metrics_handle = metrics.handle();
                tokio::spawn(metrics);
                let served = self.server.await;
                metrics_handle.stop(true).await;
                served
            }
        };
        close(self.state, self.group_writer).await;
        served
    }
}

/// Waits, after the server has stopped, until its workers have let go of the state and the
/// group-commit writer has ended, each closing its database connections: actix's workers drop
/// their copies on their own threads after the server has returned, and a process that exits
/// meanwhile would be closing TLS connections to PostgreSQL while the C libraries' exit
/// handlers tear OpenSSL down (#39). Bounded: a worker that never lets go holds up nothing.
async fn close(state: Arc<AppState>, group_writer: std::thread::JoinHandle<()>) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while Arc::strong_count(&state) > 1 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    if Arc::strong_count(&state) > 1 {
        tracing::warn!("the server's workers still hold the state after 10 s");
        return;
    }
    // The last copy: with it goes the group-commit writer's last sender, and the thread ends.
    drop(state);
    if tokio::task::spawn_blocking(move || group_writer.join())
        .await
        .is_err()
    {
        tracing::warn!("waiting for the group-commit writer");
    }
}

/// `/metrics` on an address of its own, one worker: never on the citizens' port.
fn metrics_server(
    address: std::net::SocketAddr,
    pool: db::DbPool,
) -> anyhow::Result<(u16, Server)> {
    let listener = TcpListener::bind(address)
        .with_context(|| format!("binding HAILONG_METRICS_BIND={address}"))?;
    let port = listener.local_addr()?.port();
    let pool = web::Data::new(pool);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(pool.clone())
            .route("/metrics", web::get().to(routes::metrics::metrics_page))
    })
    .workers(1)
    .listen(listener)?
    .shutdown_timeout(5)
    .run();
    Ok((port, server))
}
