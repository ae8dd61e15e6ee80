//! `hailong-load`: the load generator of BENCHMARKS.md. Against a running hailong it measures
//! (1) ingestion of completed dossiers through the batch API, (2) survey pages served (GET of
//! fresh links), (3) stored submissions (POST of answers to links never answered before),
//! and prints throughput with p50/p99/max latency. It uses only the public HTTP interface.
//!
//!   hailong-load --url http://127.0.0.1:8080 --api-key hl_… [--dossiers 100000]
//!                [--concurrency 32] [--seconds 10] [--phases ingest,pages,submissions]
//!                [--links-out FILE] [--links-in FILE]
//!
//! `--links-out` keeps the issued links so that another tool (scripts/load runs wrk, whose
//! client costs less CPU than this one) can load the pages, and a later run with `--links-in`
//! can go on with the submissions without ingesting again.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;

#[derive(Debug, Parser)]
#[command(name = "hailong-load", about = "Load generator for a running hailong")]
struct Args {
    /// Base URL of the service.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// An integrator's API key (`hailong apikey create --name load`).
    #[arg(long)]
    api_key: String,
    /// Dossiers to ingest first (each gives a survey link for the other phases).
    #[arg(long, default_value_t = 100_000)]
    dossiers: usize,
    /// Dossiers per batch request (the API takes at most 1,000).
    #[arg(long, default_value_t = 1_000)]
    batch: usize,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Length of the page and submission phases.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// An agency code and procedure code of the target's catalogue.
    #[arg(long, default_value = "AG-X-OCEO")]
    agency: String,
    #[arg(long, default_value = "1.001193")]
    procedure: String,
    /// The phases to run, in this order.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [PhaseName::Ingest, PhaseName::Pages, PhaseName::Submissions])]
    phases: Vec<PhaseName>,
    /// Write the issued survey links to this file, one per line.
    #[arg(long)]
    links_out: Option<std::path::PathBuf>,
    /// Take the survey links from this file (as `--links-out` wrote it) instead of ingesting.
    #[arg(long, conflicts_with = "links_out")]
    links_in: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum PhaseName {
    Ingest,
    Pages,
    Submissions,
}

/// Latencies of one phase, in microseconds, and what went wrong.
#[derive(Default)]
struct Phase {
    latencies_us: Vec<u64>,
    failures: usize,
}

impl Phase {
    fn merge(&mut self, other: Phase) {
        self.latencies_us.extend(other.latencies_us);
        self.failures += other.failures;
    }

    fn report(mut self, name: &str, elapsed: Duration, unit: &str) {
        self.latencies_us.sort_unstable();
        let n = self.latencies_us.len();
        let at = |q: f64| -> f64 {
            if n == 0 {
                return f64::NAN;
            }
            let i = ((q * n as f64).ceil() as usize).clamp(1, n) - 1;
            self.latencies_us[i] as f64 / 1000.0
        };
        println!(
            "{name:<12} {n:>9} {unit:<12} in {:>6.2} s = {:>9.0}/s   p50 {:>7.2} ms   p99 {:>7.2} ms   max {:>8.2} ms   failures {}",
            elapsed.as_secs_f64(),
            n as f64 / elapsed.as_secs_f64(),
            at(0.50),
            at(0.99),
            at(1.0),
            self.failures
        );
    }
}

fn dossier(i: usize, agency: &str, procedure: &str) -> serde_json::Value {
    let channel = ["online", "counter", "postal"][i % 3];
    let applicant = if i % 4 == 0 {
        format!("{:010}", 1_600_000_000 + i)
    } else {
        format!("{:012}", 89_000_000_000u64 + i as u64)
    };
    serde_json::json!({
        "dossier_id": format!("LOAD.{}.{i}", std::process::id()),
        "agency_code": agency,
        "procedure_code": procedure,
        "applicant_kind": if i % 4 == 0 { "business" } else { "citizen" },
        "channel": channel,
        "received_at": "2026-10-01T08:00:00+07:00",
        "due_at": "2026-10-03T17:00:00+07:00",
        "completed_at": "2026-10-02T10:00:00+07:00",
        "applicant_id": applicant,
    })
}

async fn ingest(client: &reqwest::Client, args: &Args) -> anyhow::Result<Vec<String>> {
    let started = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let batches = args.dossiers.div_ceil(args.batch);
    let mut tasks = tokio::task::JoinSet::new();
    // Batches are big: a few in flight keep both cores busy.
    for _ in 0..4 {
        let (client, next) = (client.clone(), next.clone());
        let (url, key, batch, total) = (
            format!("{}/api/v1/dossiers", args.url),
            args.api_key.clone(),
            args.batch,
            args.dossiers,
        );
        let (agency, procedure) = (args.agency.clone(), args.procedure.clone());
        tasks.spawn(async move {
            let mut links = Vec::new();
            let mut phase = Phase::default();
            loop {
                let b = next.fetch_add(1, Ordering::Relaxed);
                if b >= batches {
                    break;
                }
                let body: Vec<_> = (b * batch..((b + 1) * batch).min(total))
                    .map(|i| dossier(i, &agency, &procedure))
                    .collect();
                let sent = Instant::now();
                let response = client.post(&url).bearer_auth(&key).json(&body).send().await;
                let Ok(response) = response else {
                    phase.failures += 1;
                    continue;
                };
                if !response.status().is_success() {
                    phase.failures += 1;
                    continue;
                }
                let Ok(answer) = response.json::<serde_json::Value>().await else {
                    phase.failures += 1;
                    continue;
                };
                phase.latencies_us.push(sent.elapsed().as_micros() as u64);
                for d in answer["dossiers"].as_array().into_iter().flatten() {
                    if let Some(link) = d["survey_url"].as_str() {
                        links.push(link.to_owned());
                    }
                }
            }
            (links, phase)
        });
    }
    let mut links = Vec::new();
    let mut phase = Phase::default();
    while let Some(done) = tasks.join_next().await {
        let (l, p) = done?;
        links.extend(l);
        phase.merge(p);
    }
    let elapsed = started.elapsed();
    println!(
        "ingestion    {:>9} dossiers     in {:>6.2} s = {:>9.0}/s   ({} batch requests)",
        links.len(),
        elapsed.as_secs_f64(),
        links.len() as f64 / elapsed.as_secs_f64(),
        phase.latencies_us.len()
    );
    phase.report("  batches", elapsed, "requests");
    Ok(links)
}

/// The survey pages: each request a GET of some link, as phones opening their QR codes.
async fn pages(client: &reqwest::Client, args: &Args, links: Arc<Vec<String>>) -> Phase {
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..args.concurrency {
        let (client, links) = (client.clone(), links.clone());
        tasks.spawn(async move {
            let mut phase = Phase::default();
            let mut i = worker;
            while Instant::now() < deadline {
                let link = &links[i % links.len()];
                i += 97;
                let sent = Instant::now();
                match client.get(link).send().await {
                    Ok(r) if r.status() == 200 => {
                        if r.bytes().await.is_ok() {
                            phase.latencies_us.push(sent.elapsed().as_micros() as u64);
                        } else {
                            phase.failures += 1;
                        }
                    }
                    _ => phase.failures += 1,
                }
            }
            phase
        });
    }
    let mut phase = Phase::default();
    while let Some(done) = tasks.join_next().await {
        if let Ok(p) = done {
            phase.merge(p);
        }
    }
    phase
}

/// Stored submissions: each POST answers a link never answered before. Each worker opens one
/// survey first for its CSRF pair (cookie and field), then reuses it, as a form may.
async fn submissions(args: &Args, links: Arc<Vec<String>>) -> anyhow::Result<Phase> {
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..args.concurrency {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let (links, next) = (links.clone(), next.clone());
        tasks.spawn(async move {
            let mut phase = Phase::default();
            let first = next.fetch_add(1, Ordering::Relaxed);
            let Some(link) = links.get(first) else {
                return phase;
            };
            let Ok(page) = client.get(link).send().await else {
                phase.failures += 1;
                return phase;
            };
            // The CSRF cookie goes back as it came (name=value, before the attributes).
            let cookie = page
                .headers()
                .get_all(reqwest::header::SET_COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find(|v| v.starts_with("hl_csrf="))
                .and_then(|v| v.split(';').next())
                .unwrap_or_default()
                .to_owned();
            let page = page.text().await.unwrap_or_default();
            let Some(csrf) = page
                .split("name=\"csrf\" value=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .map(str::to_owned)
            else {
                phase.failures += 1;
                return phase;
            };
            let mut index = first;
            while Instant::now() < deadline {
                let Some(link) = links.get(index) else {
                    break;
                };
                // Items every respondent is asked, in 2026.1 and in 2026.2's core alike.
                let form = [
                    ("csrf", csrf.as_str()),
                    ("q_A1", "4"),
                    ("q_P5", "5"),
                    ("q_S1", "3"),
                    ("q_R3", "4"),
                    ("q_F2", "5"),
                ];
                let sent = Instant::now();
                let request = client
                    .post(link)
                    .header(reqwest::header::COOKIE, &cookie)
                    .form(&form);
                match request.send().await {
                    Ok(r) if r.status() == 200 => {
                        let _ = r.bytes().await;
                        phase.latencies_us.push(sent.elapsed().as_micros() as u64);
                    }
                    _ => phase.failures += 1,
                }
                index = next.fetch_add(1, Ordering::Relaxed);
            }
            phase
        });
    }
    let mut phase = Phase::default();
    while let Some(done) = tasks.join_next().await {
        phase.merge(done?);
    }
    Ok(phase)
}

fn read_links(path: &std::path::Path) -> anyhow::Result<Vec<String>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the links from {}", path.display()))?;
    Ok(text
        .lines()
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(args.concurrency)
        .build()?;
    client
        .get(format!("{}/healthz", args.url))
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .with_context(|| format!("{} does not answer /healthz", args.url))?;
    println!(
        "target {}, {} in flight, {} s per phase",
        args.url, args.concurrency, args.seconds
    );
    let links = match &args.links_in {
        Some(path) => read_links(path)?,
        None if args.phases.contains(&PhaseName::Ingest) => ingest(&client, &args).await?,
        None => anyhow::bail!("without the ingest phase, give the links with --links-in"),
    };
    anyhow::ensure!(!links.is_empty(), "no survey links were issued");
    if let Some(path) = &args.links_out {
        std::fs::write(path, links.join("\n") + "\n")
            .with_context(|| format!("writing the links to {}", path.display()))?;
    }
    let links = Arc::new(links);

    if args.phases.contains(&PhaseName::Pages) {
        let started = Instant::now();
        let page_phase = pages(&client, &args, links.clone()).await;
        page_phase.report("pages", started.elapsed(), "GET 200");
    }
    if args.phases.contains(&PhaseName::Submissions) {
        let started = Instant::now();
        let submit_phase = submissions(&args, links).await?;
        submit_phase.report("submissions", started.elapsed(), "stored");
    }
    Ok(())
}
