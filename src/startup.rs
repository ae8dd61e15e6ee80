//! Builds the running service from settings: pool, migrations, routes, listener.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};
use anyhow::Context;

use crate::config::Settings;
use crate::db::{self, DbPool};
use crate::routes;
use crate::telemetry;

/// What every handler may need, shared across workers.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub settings: Settings,
}

pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Binds (port 0 picks a free one), applies pending migrations, and prepares the server.
    pub fn build(settings: Settings) -> anyhow::Result<Self> {
        let pool = db::build_pool(&settings.database, settings.pool_size);
        {
            let mut conn = pool.get().with_context(|| {
                format!(
                    "connecting to the {} database",
                    settings.database.backend_name()
                )
            })?;
            let applied = db::run_migrations(&mut conn)?;
            if !applied.is_empty() {
                tracing::info!(count = applied.len(), "applied migrations");
            }
        }
        let listener = TcpListener::bind(settings.bind)
            .with_context(|| format!("binding HAILONG_BIND={}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let state = web::Data::new(AppState { pool, settings });
        let server = HttpServer::new(move || {
            App::new()
                .wrap(from_fn(telemetry::log_requests))
                .app_data(state.clone())
                .configure(routes::configure)
        })
        .listen(listener)?
        .shutdown_timeout(10)
        .run();
        Ok(Self { port, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGTERM or Ctrl-C, then finishes the requests in flight.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
