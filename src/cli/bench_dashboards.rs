//! `hailong bench-dashboards`: a province after years of use (the demo, then millions of
//! responses written in bulk), served by the real application on the configured database,
//! and its dashboards viewed over HTTP by a signed-in analyst:
//!
//! 1. cold: the first views after a start with nothing computed yet;
//! 2. the background computation of every period, timed;
//! 3. warm: many views of the province page and of an agency page;
//! 4. restart: a new instance on the same database (it loads, never recomputes), then views;
//! 5. a late response for a closed quarter: how long until the pages show it.
//!
//! Latencies are printed as p50 / p95 / max in milliseconds. Run it on a release build.

use std::time::{Duration, Instant};

use anyhow::Context;

use crate::config::Settings;
use crate::db::{self, dashboard_reports, DbConnection, DbPool};
use crate::domain::period::Quarter;
use crate::services::reports::dashboards::{Kind, Revisions};
use crate::startup::{Application, Stopper};

pub struct Plan {
    pub responses: usize,
    pub dossiers_per_response: f64,
    pub views: usize,
}

/// (email, password) of the demo's province analyst.
fn analyst() -> (&'static str, &'static str) {
    let (email, _, _, password) = crate::demo::DEMO_ACCOUNTS
        .iter()
        .find(|(_, role, _, _)| *role == crate::domain::agency::Role::Province)
        .copied()
        .unwrap_or(("", crate::domain::agency::Role::Province, None, ""));
    (email, password)
}

pub async fn run(settings: Settings, plan: Plan) -> anyhow::Result<()> {
    let mut settings = settings;
    settings.bind = "127.0.0.1:0".parse()?;
    settings.public_url_given = false;
    let agency = prepare(&settings, &plan).await?;
    let (email, password) = analyst();
    let province = "/dashboard/province".to_owned();
    let agency_page = format!("/dashboard/agency/{agency}");

    let pool = db::build_pool(&settings.database, 1);

    // 1. Cold: nothing stored.
    on_db(&pool, |conn| Ok(dashboard_reports::forget_all(conn)?)).await?;
    let started = Instant::now();
    let (server, client) = start(&settings, email, password).await?;
    let cold = views(&client, &[&province, &agency_page], 20).await?;
    report("cold start, nothing computed yet", &cold);

    // 2. The background computation of every period.
    wait_until_current(&pool).await?;
    println!(
        "every period computed in the background: {:.1} s after the start",
        started.elapsed().as_secs_f64()
    );
    let stored_before = stored(&pool).await?;

    // 3. Warm.
    let warm = views(&client, &[&province], plan.views).await?;
    report("warm, province page", &warm);
    let warm = views(&client, &[&agency_page], plan.views).await?;
    report(&format!("warm, agency page ({agency})"), &warm);
    server.stop().await;

    // 4. Restart.
    let (server, client) = start(&settings, email, password).await?;
    let restarted = views(&client, &[&province, &agency_page], 20).await?;
    report("first views after a restart", &restarted);
    wait_until_current(&pool).await?;
    let recomputed = stored(&pool)
        .await?
        .iter()
        .zip(&stored_before)
        .filter(|(a, b)| a.computed_at != b.computed_at)
        .count();
    println!("periods computed again after the restart: {recomputed}");

    // 5. A late response for the first quarter of the span (closed).
    let late = Instant::now();
    let (first, _) = span();
    on_db(&pool, move |conn| {
        crate::demo::bulk::add_responses(conn, 1, 1.0, (first, first), |_| {})
    })
    .await?;
    wait_until_current(&pool).await?;
    println!(
        "a late response for a closed quarter shows after {:.1} s",
        late.elapsed().as_secs_f64()
    );
    server.stop().await;
    Ok(())
}

/// The quarters of the bench: three years up to the current one.
fn span() -> (Quarter, Quarter) {
    let now = Quarter::of_instant(chrono::Utc::now());
    let mut first = now;
    for _ in 0..11 {
        first = first.previous();
    }
    (first, now)
}

/// Loads the demo and the bulk responses unless the database has them; returns the code of
/// the commune-level agency whose page is viewed.
async fn prepare(settings: &Settings, plan: &Plan) -> anyhow::Result<String> {
    let settings = settings.clone();
    let (responses, dossiers_per_response) = (plan.responses, plan.dossiers_per_response);
    tokio::task::spawn_blocking(move || -> anyhow::Result<String> {
        let mut conn = db::build_pool(&settings.database, 1).get()?;
        crate::services::secret_guard::open(&mut conn, &settings)?;
        crate::demo::load(&mut conn, &settings.secret, settings.anonymity_k)?;
        let have = db::responses::count(&mut conn)? as usize;
        if have < responses {
            let started = Instant::now();
            let missing = responses - have;
            crate::demo::bulk::add_responses(
                &mut conn,
                missing,
                dossiers_per_response,
                span(),
                |done| {
                    if done % 200_000 == 0 || done == missing {
                        eprintln!("  {done} of {missing} responses written");
                    }
                },
            )?;
            println!(
                "wrote {missing} responses in {:.0} s",
                started.elapsed().as_secs_f64()
            );
        }
        println!(
            "database: {} responses, {} dossiers ({})",
            db::responses::count(&mut conn)?,
            db::dossiers::count(&mut conn)?,
            settings.database.backend_name()
        );
        let agencies = db::agencies::all(&mut conn)?;
        agencies
            .iter()
            .find(|a| {
                a.valid_to.is_none() && a.level == crate::domain::agency::AgencyLevel::Commune
            })
            .map(|a| a.code.clone())
            .context("the demo has no commune")
    })
    .await?
}

/// Runs `work` on a connection of `pool`, off the async runtime.
async fn on_db<T: Send + 'static>(
    pool: &DbPool,
    work: impl FnOnce(&mut DbConnection) -> anyhow::Result<T> + Send + 'static,
) -> anyhow::Result<T> {
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || work(&mut *pool.get()?)).await?
}

async fn stored(pool: &DbPool) -> anyhow::Result<Vec<dashboard_reports::StoredBasis>> {
    on_db(pool, |conn| Ok(dashboard_reports::bases(conn)?)).await
}

/// Waits until every period with data has province numbers stored from the data as it is.
async fn wait_until_current(pool: &DbPool) -> anyhow::Result<()> {
    loop {
        let done = on_db(pool, |conn| {
            let revisions = Revisions::read(conn)?;
            let stored = dashboard_reports::bases(conn)?;
            Ok(Kind::BOTH.into_iter().all(|kind| {
                let periods = revisions.periods(kind);
                periods.iter().all(|p| {
                    stored.iter().any(|s| {
                        s.scope == "province"
                            && s.kind == kind.as_str()
                            && s.period == *p
                            && s.basis == revisions.basis(kind, p)
                    })
                })
            }))
        })
        .await?;
        if done {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Starts the application and signs the analyst in.
async fn start(
    settings: &Settings,
    email: &str,
    password: &str,
) -> anyhow::Result<(Stopper, Client)> {
    let app = Application::build(settings.clone())?;
    let address = format!("http://127.0.0.1:{}", app.port());
    let handle = app.stopper();
    tokio::spawn(app.run_until_stopped());
    let client = Client::signed_in(address, email, password).await?;
    Ok((handle, client))
}

/// An HTTP client that keeps the session cookie by hand (one cookie jar, one site).
struct Client {
    http: reqwest::Client,
    address: String,
    cookies: String,
}

impl Client {
    async fn signed_in(address: String, email: &str, password: &str) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let mut client = Self {
            http,
            address,
            cookies: String::new(),
        };
        let login = client.get("/login").await?;
        let page = login.text().await?;
        let csrf = page
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .context("the sign-in page has no CSRF field")?
            .to_owned();
        let response = client
            .http
            .post(format!("{}/login", client.address))
            .header(reqwest::header::COOKIE, &client.cookies)
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", email),
                ("password", password),
            ])
            .send()
            .await?;
        client.keep_cookies(&response);
        anyhow::ensure!(
            response.status() == reqwest::StatusCode::SEE_OTHER,
            "signing in as {email} failed: {}",
            response.status()
        );
        Ok(client)
    }

    fn keep_cookies(&mut self, response: &reqwest::Response) {
        for cookie in response.headers().get_all(reqwest::header::SET_COOKIE) {
            let Some(pair) = cookie.to_str().ok().and_then(|c| c.split(';').next()) else {
                continue;
            };
            let name = pair.split('=').next().unwrap_or_default();
            let mut kept: Vec<&str> = self
                .cookies
                .split("; ")
                .filter(|c| !c.is_empty() && !c.starts_with(&format!("{name}=")))
                .collect();
            kept.push(pair);
            self.cookies = kept.join("; ");
        }
    }

    async fn get(&mut self, path: &str) -> anyhow::Result<reqwest::Response> {
        let response = self
            .http
            .get(format!("{}{path}", self.address))
            .header(reqwest::header::COOKIE, &self.cookies)
            .send()
            .await?;
        self.keep_cookies(&response);
        Ok(response)
    }
}

/// Views each path `rounds` times in turn; the latencies (whole body read) and the mean size.
async fn views(
    client: &Client,
    paths: &[&String],
    rounds: usize,
) -> anyhow::Result<(Vec<Duration>, usize)> {
    let mut times = Vec::with_capacity(paths.len() * rounds);
    let mut bytes = 0;
    for _ in 0..rounds {
        for path in paths {
            let started = Instant::now();
            let response = client
                .http
                .get(format!("{}{path}", client.address))
                .header(reqwest::header::COOKIE, &client.cookies)
                .send()
                .await?;
            anyhow::ensure!(
                response.status() == reqwest::StatusCode::OK,
                "{path}: {}",
                response.status()
            );
            bytes += response.bytes().await?.len();
            times.push(started.elapsed());
        }
    }
    let mean = bytes / times.len().max(1);
    Ok((times, mean))
}

fn report(what: &str, (times, mean_bytes): &(Vec<Duration>, usize)) {
    let mut ms: Vec<f64> = times.iter().map(|t| t.as_secs_f64() * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{what}: {} views of {:.0} kB, p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        ms.len(),
        *mean_bytes as f64 / 1000.0,
        at(0.5),
        at(0.95),
        ms.last().copied().unwrap_or_default()
    );
}
