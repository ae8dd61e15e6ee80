//! Development tools, compiled only with the `dev-tools` feature (on for `cargo run` and the
//! tests, off in the Dockerfile and the Debian package): the demo province, the development
//! e-ID provider and the bench commands. A production binary carries none of them.

use anyhow::Context;

use crate::config::Settings;
use crate::db;
use crate::demo;
use hailong_analysis::questionnaire::Questionnaire;

#[derive(Debug, Clone, clap::Args)]
pub struct DevIdpArgs {
    #[arg(long, default_value = "127.0.0.1:8090")]
    pub bind: std::net::SocketAddr,
    /// The issuer URL the provider announces (default: http:// and the bind address).
    #[arg(long)]
    pub issuer: Option<String>,
    #[arg(long, default_value = crate::config::DEFAULT_EID_CLIENT_ID)]
    pub client_id: String,
    /// Require this client secret at the token endpoint (default: a public client, PKCE only).
    #[arg(long)]
    pub client_secret: Option<String>,
    /// Redirect URIs the client may use (repeatable).
    #[arg(long = "redirect-uri", default_values_t = [format!("http://127.0.0.1:8080{}", crate::services::eid::CALLBACK_PATH)])]
    pub redirect_uris: Vec<String>,
    /// The ID-token claim that carries the citizen ID number.
    #[arg(long, default_value = crate::config::DEFAULT_EID_IDENTITY_CLAIM)]
    pub identity_claim: String,
}

/// `hailong dev-idp`: serves until stopped; needs no database.
pub async fn dev_idp(args: &DevIdpArgs) -> anyhow::Result<()> {
    let listener = std::net::TcpListener::bind(args.bind)
        .with_context(|| format!("binding --bind {}", args.bind))?;
    let issuer = args
        .issuer
        .clone()
        .unwrap_or_else(|| format!("http://{}", args.bind));
    let server = crate::dev_idp::start(
        listener,
        crate::dev_idp::DevIdpConfig {
            issuer: issuer.clone(),
            client_id: args.client_id.clone(),
            client_secret: args.client_secret.clone(),
            redirect_uris: args.redirect_uris.clone(),
            identity_claim: args.identity_claim.clone(),
            misbehaviour: crate::dev_idp::Misbehaviour::None,
        },
    )?;
    println!("development e-ID provider at {issuer} (HAILONG_EID_ISSUER={issuer})");
    server.await?;
    Ok(())
}

/// For `serve --demo` without a configured provider: the development provider, in-process,
/// next to the service (its port + 10), so that `verified` surveys work on one machine.
fn start_demo_provider(settings: &mut Settings) -> anyhow::Result<()> {
    if settings.eid.is_some() {
        return Ok(());
    }
    let mut address = settings.bind;
    address.set_port(if address.port() == 0 {
        0
    } else {
        address.port() + 10
    });
    if address.ip().is_unspecified() {
        address.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let listener = std::net::TcpListener::bind(address)
        .with_context(|| format!("binding the demo e-ID provider on {address}"))?;
    let eid =
        crate::config::EidSettings::public_client(format!("http://{}", listener.local_addr()?));
    let server = crate::dev_idp::start(
        listener,
        crate::dev_idp::DevIdpConfig {
            issuer: eid.issuer.clone(),
            client_id: eid.client_id.clone(),
            client_secret: None,
            redirect_uris: vec![format!(
                "{}{}",
                settings.public_url,
                crate::services::eid::CALLBACK_PATH
            )],
            identity_claim: eid.identity_claim.clone(),
            misbehaviour: crate::dev_idp::Misbehaviour::None,
        },
    )?;
    tokio::spawn(server);
    tracing::info!(issuer = %eid.issuer, "demo e-ID provider (development only) is serving");
    settings.eid = Some(eid);
    Ok(())
}

/// `hailong bench-analysis --write-csv DIR`: the synthetic data as CSV, and the questionnaire.
pub fn bench_write_csv(
    dir: &std::path::Path,
    responses: usize,
    dossiers_per_response: f64,
) -> anyhow::Result<()> {
    let questionnaire =
        Questionnaire::from_json(crate::services::questionnaires::FULL_QUESTIONNAIRE)?;
    std::fs::create_dir_all(dir)?;
    let generated = hailong_analysis::bench::generate_csv(
        dir,
        &questionnaire,
        responses,
        dossiers_per_response,
        7,
    )?;
    std::fs::write(
        dir.join("questionnaire.json"),
        crate::services::questionnaires::FULL_QUESTIONNAIRE,
    )?;
    println!(
        "{}: {} responses, {} answers, {} dossiers (CSV)",
        dir.display(),
        generated.responses,
        generated.answers,
        generated.dossiers
    );
    Ok(())
}

/// `hailong bench-analysis`: needs no settings or database.
pub fn bench_analysis(sizes: &[usize], replicates: u32) -> anyhow::Result<()> {
    let questionnaire =
        Questionnaire::from_json(crate::services::questionnaires::FULL_QUESTIONNAIRE)?;
    println!(
        "{:>10} {:>11} {:>10} | {:>7} {:>11} | {:>13} {:>11} | {:>12} {:>11} | {:>8} {:>9} {:>8}",
        "responses",
        "answers",
        "dossiers",
        "load s",
        "resp/s",
        "determin. s",
        "resp/s",
        "bootstrap s",
        "resp/s",
        "load MiB",
        "determ MiB",
        "peak MiB"
    );
    for &size in sizes {
        let dir = tempfile::tempdir()?;
        let generated = hailong_analysis::bench::generate(dir.path(), &questionnaire, size, 7)?;
        let output = std::process::Command::new(std::env::current_exe()?)
            .arg("bench-analysis")
            .arg("--replicates")
            .arg(replicates.to_string())
            .arg("--measure")
            .arg(dir.path())
            .stderr(std::process::Stdio::inherit())
            .output()?;
        anyhow::ensure!(output.status.success(), "the measuring process failed");
        let f: hailong_analysis::bench::Figures = serde_json::from_slice(&output.stdout)?;
        let rate = |s: f64| {
            if s > 0.0 {
                size as f64 / s
            } else {
                f64::INFINITY
            }
        };
        println!(
            "{:>10} {:>11} {:>10} | {:>7.2} {:>11.0} | {:>13.2} {:>11.0} | {:>12.2} {:>11.0} | {:>8.0} {:>9.0} {:>8.0}",
            generated.responses,
            generated.answers,
            generated.dossiers,
            f.load_s,
            rate(f.load_s),
            f.deterministic_s,
            rate(f.deterministic_s),
            f.bootstrap_s,
            rate(f.bootstrap_s),
            f.load_peak_mib.unwrap_or(f64::NAN),
            f.deterministic_peak_mib.unwrap_or(f64::NAN),
            f.peak_mib.unwrap_or(f64::NAN)
        );
    }
    println!(
        "(bootstrap: {replicates} replicates; peak memory measured from the start of loading)"
    );
    Ok(())
}

/// The measuring half of `bench-analysis`, in its own process.
pub fn bench_measure(dir: &std::path::Path, replicates: u32) -> anyhow::Result<()> {
    let questionnaire =
        Questionnaire::from_json(crate::services::questionnaires::FULL_QUESTIONNAIRE)?;
    let figures = hailong_analysis::bench::measure(dir, &questionnaire, replicates)?;
    println!("{}", serde_json::to_string(&figures)?);
    Ok(())
}

/// `serve --demo`: the demo province (if the database has no agencies yet) and, without a
/// configured provider, the development e-ID provider beside the service.
pub async fn prepare_demo(settings: &mut Settings) -> anyhow::Result<()> {
    load_demo(settings).await?;
    start_demo_provider(settings)
}

pub async fn load_demo(settings: &Settings) -> anyhow::Result<()> {
    let settings = settings.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let pool = db::build_pool(&settings.database, 1);
        let mut conn = pool.get()?;
        crate::services::secret_guard::open(&mut conn, &settings)?;
        demo::load(&mut conn, &settings.secret, settings.anonymity_k)
    })
    .await??;
    println!("{outcome}");
    Ok(())
}
