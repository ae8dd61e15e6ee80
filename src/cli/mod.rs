//! The `hailong` command line: one binary, one subcommand per job.

use anyhow::Context;
use clap::{Parser, Subcommand};

#[cfg(feature = "dev-tools")]
mod bench_dashboards;
#[cfg(feature = "dev-tools")]
mod bench_delivery;
#[cfg(feature = "dev-tools")]
mod dev;

#[cfg(feature = "dev-tools")]
pub use dev::{bench_analysis, bench_measure, bench_write_csv, dev_idp, DevIdpArgs};

use crate::config::Settings;
use crate::db;
use crate::domain::token;
use crate::services::dossiers::import;
use crate::services::dossiers::ingest::{IngestContext, IssuedStatus};
use crate::services::ServiceError;
use crate::startup::Application;

#[derive(Debug, Parser)]
#[command(
    name = "hailong",
    version,
    about = "Satisfaction with public administration, agency by agency"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web service (the default).
    Serve {
        /// Load the demo province first, if the database has no agencies yet.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    #[cfg(feature = "dev-tools")]
    /// Fill the database with the demo province (today's An Giang) and exit.
    Demo,
    /// Manage staff accounts.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Manage the API keys of one-stop-shop integrators.
    Apikey {
        #[command(subcommand)]
        action: ApikeyAction,
    },
    /// The province's yearly plan: the reform plan's targets beside the scores.
    Plan {
        #[command(subcommand)]
        action: PlanAction,
    },
    /// Manage the counter kiosks where citizens answer with their receipt's survey code.
    Kiosk {
        #[command(subcommand)]
        action: KioskAction,
    },
    /// Import data from files.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Compute the indices of the method from the four CSV (or Parquet) files of a folder.
    Analyze(AnalyzeArgs),
    /// Write the satisfaction report of a quarter or a year (the province's, or one agency's)
    /// in the administrative format: a Word document to finish and sign, or its PDF.
    Report {
        /// A quarter (2026-Q3) or a year (2026).
        #[arg(long)]
        period: String,
        /// An agency's code: its own report (default: the province's).
        #[arg(long)]
        agency: Option<String>,
        /// docx (to edit and sign), or pdf (the same pages, through LibreOffice).
        #[arg(long, default_value = "docx")]
        format: String,
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Write the database's data as the analysis files (agencies, dossiers, responses, answers
    /// and the questionnaires), without anything personal.
    Export {
        #[arg(long)]
        out: std::path::PathBuf,
    },
    #[cfg(feature = "dev-tools")]
    /// Time the analysis on synthetic data (run it with --release): load, the deterministic
    /// part and the bootstrap, with peak memory.
    BenchAnalysis {
        /// Sizes in responses, comma-separated.
        #[arg(long, value_delimiter = ',', default_values_t = [200_000usize, 2_000_000])]
        responses: Vec<usize>,
        #[arg(long, default_value_t = 200)]
        replicates: u32,
        /// Internal: measure the files of this folder and print the figures as JSON (the
        /// parent process generates the data, so that peak memory is the analysis's own).
        #[arg(long, hide = true)]
        measure: Option<std::path::PathBuf>,
        /// Only write the synthetic data (of the first size) as the four CSV files of
        /// METHODOLOGY §1 and the questionnaire into this folder, for `hailong analyze` and
        /// other implementations (scripts/bench/analysis-vs-pandas).
        #[arg(long)]
        write_csv: Option<std::path::PathBuf>,
        /// Dossiers generated per response.
        #[arg(long, default_value_t = hailong_analysis::bench::DOSSIERS_PER_RESPONSE)]
        dossiers_per_response: f64,
    },
    #[cfg(feature = "dev-tools")]
    /// Time the dashboards at province scale (run it with --release, on a database of its
    /// own): loads the demo and bulk responses over three years into the configured database
    /// unless it has them, then views the pages cold, warm and after a restart.
    BenchDashboards {
        /// Responses in the database.
        #[arg(long, default_value_t = 2_000_000)]
        responses: usize,
        /// Completed dossiers per response.
        #[arg(long, default_value_t = 2.0)]
        dossiers_per_response: f64,
        /// Warm views of each page.
        #[arg(long, default_value_t = 300)]
        views: usize,
    },
    #[cfg(feature = "dev-tools")]
    /// Time the delivery of invitations to a local gateway (run it with --release, on a
    /// database of its own): ingests the demo and fresh dossiers with a phone, then sends.
    BenchDelivery {
        #[arg(long, default_value_t = 5_000)]
        invitations: usize,
    },
    /// Copy the database into FILE while the service runs (SQLite: VACUUM INTO; PostgreSQL:
    /// pg_dump), with the secret's fingerprint beside it in FILE.secret-fingerprint.
    Backup {
        #[arg(long)]
        out: std::path::PathBuf,
        /// Encrypt the backup for this age public key (`age1…`, from `hailong backup-key`);
        /// may be given several times.
        #[arg(long = "encrypt-to")]
        encrypt_to: Vec<String>,
    },
    /// Make a key pair for encrypted backups: the identity (secret) into FILE, mode 0600, to
    /// keep apart from the backups and the server secret; prints the public key to give
    /// `backup --encrypt-to`.
    BackupKey {
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Bring a backup back into the configured database, which must be empty (stop the
    /// service first); refused when the configured secret is not the backup's.
    Restore {
        file: std::path::PathBuf,
        /// The identity file an encrypted backup was encrypted for.
        #[arg(long)]
        identity: Option<std::path::PathBuf>,
    },
    /// Manage questionnaire versions.
    Questionnaire {
        #[command(subcommand)]
        action: QuestionnaireAction,
    },
    /// Manage agencies.
    Agency {
        #[command(subcommand)]
        action: AgencyAction,
    },
    #[cfg(feature = "dev-tools")]
    /// Run a development OpenID Connect provider standing in for the national e-ID: signed ID
    /// tokens, a login page listing demo citizens. For development and the demo only.
    DevIdp(DevIdpArgs),
    /// Check what the database keeps against the privacy promises (docs/PRIVACY.md).
    Privacy {
        #[command(subcommand)]
        action: PrivacyAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum PrivacyAction {
    /// For every stored response, count the invitations that fit what it says (agency,
    /// procedure, applicant kind, channel, quarter); fails when any response is fitted by fewer
    /// than k.
    Audit {
        /// The k to check (default: HAILONG_ANONYMITY_K).
        #[arg(long)]
        k: Option<u32>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AgencyAction {
    /// Set how an agency's surveys are opened: `link` (the link suffices) or `verified` (the
    /// respondent must sign in with the national e-ID as the dossier's applicant).
    Policy {
        code: String,
        policy: crate::domain::agency::SurveyPolicy,
    },
    /// Set how citizens reach an agency about a dossier (shown on its surveys' thank-you page);
    /// an empty line removes it.
    Contact {
        code: String,
        /// The contact line: a telephone number with the desk's name and hours, say.
        #[arg(long)]
        line: String,
    },
    /// Close an agency in a merger or split: from --effective-on (YYYY-MM-DD, Vietnam time) it
    /// takes no new dossiers, and its successors carry its lineage. Its scores stay readable.
    Close {
        code: String,
        /// The first day the agency no longer exists (its last day is the day before).
        #[arg(long)]
        effective_on: chrono::NaiveDate,
        /// An agency that takes over its work; repeat for a split.
        #[arg(long = "successor", required = true)]
        successors: Vec<String>,
    },
}

#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    /// Folder with agencies, dossiers, responses and answers (.csv, or .parquet).
    #[arg(long)]
    pub data: std::path::PathBuf,
    /// The questionnaire's JSON interchange form.
    #[arg(long)]
    pub questionnaire: std::path::PathBuf,
    /// quarter or year.
    #[arg(long, default_value = "quarter")]
    pub period: hailong_analysis::period::PeriodKind,
    /// Only these quarters, e.g. 2025-Q1..2026-Q4.
    #[arg(long)]
    pub periods: Option<hailong_analysis::period::QuarterRange>,
    #[arg(long, default_value_t = 5)]
    pub min_cell: u32,
    #[arg(long, default_value_t = 30.0)]
    pub reliability: f64,
    #[arg(long, default_value_t = 1000)]
    pub bootstrap: u32,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Where scores.csv, trends.csv, benchmarks.csv and lineage.csv go.
    #[arg(long)]
    pub out: std::path::PathBuf,
}

/// `hailong analyze`: needs no database and no settings. Any input error names file, line and
/// field, and nothing is written.
pub fn analyze(args: &AnalyzeArgs) -> Result<String, hailong_analysis::error::AnalysisError> {
    // HAILONG_TIMINGS=1 prints how long each stage took (for benchmarks), on standard error.
    let timings = std::env::var("HAILONG_TIMINGS").is_ok_and(|v| v == "1");
    let started = std::time::Instant::now();
    let stage = |what: &str| {
        if timings {
            eprintln!("{what}: {:.3} s", started.elapsed().as_secs_f64());
        }
    };
    let questionnaire = hailong_analysis::read_questionnaire(&args.questionnaire)?;
    let inputs = hailong_analysis::read_inputs(&args.data, questionnaire)?;
    stage("read and checked");
    let options = hailong_analysis::Options {
        period: args.period,
        periods: args.periods,
        min_cell: args.min_cell,
        reliability: args.reliability,
        bootstrap: args.bootstrap,
        seed: args.seed,
    };
    let report = hailong_analysis::analyze(&inputs, &options)?;
    stage("analysed");
    report.write_csv(&args.out)?;
    stage("written");
    Ok(format!(
        "{} score rows, {} trend rows, {} benchmark rows, {} lineage rows written to {}",
        report.scores.len(),
        report.trends.len(),
        report.benchmarks.len(),
        report.lineage.len(),
        args.out.display()
    ))
}

#[derive(Debug, Subcommand)]
pub enum QuestionnaireAction {
    /// Publish a new version from its JSON interchange form; new invitations use it, earlier
    /// invitations and responses keep theirs. A published version is never changed.
    Publish { file: std::path::PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Add a staff account (e.g. the first admin). The password is read from standard input
    /// (one line) with --password-stdin; otherwise a strong one is generated and printed once.
    Add {
        #[arg(long)]
        email: String,
        /// agency, province or admin.
        #[arg(long)]
        role: crate::domain::agency::Role,
        /// The agency of an agency user.
        #[arg(long)]
        agency: Option<String>,
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ApikeyAction {
    /// Create a key; it is printed once and stored only as a hash.
    Create {
        #[arg(long)]
        name: String,
        /// `integrator` (the one-stop-shop system: dossiers, their links and QR codes) or
        /// `gateway` (the SMS gateway: STOP replies only).
        #[arg(long, default_value = "integrator")]
        scope: crate::domain::api_scope::ApiScope,
    },
    /// Revoke the named client's key.
    Revoke {
        #[arg(long)]
        name: String,
    },
    /// List clients (never their keys).
    List,
}

#[derive(Debug, Subcommand)]
pub enum PlanAction {
    /// Set a year's plan from a TOML file (year, source, on_time_percent, online_percent,
    /// e_authenticated_percent, satisfaction_index, par_index_rank, papi_rank, pci_rank):
    /// see examples/plan-2026.toml.
    Set { file: std::path::PathBuf },
    /// Show the stored plans, newest first.
    Show,
}

#[derive(Debug, Subcommand)]
pub enum KioskAction {
    /// Enrol a kiosk for an agency; prints the link to open once on the tablet (shown once:
    /// only a hash of its credential is stored).
    Enrol {
        /// The agency's code; the kiosk opens surveys of it and of the agencies below it.
        #[arg(long)]
        agency: String,
        /// What staff call the device ("Quầy 1").
        #[arg(long)]
        name: String,
    },
    /// Revoke a kiosk (its number, as `kiosk list` shows it): the device is refused at once.
    Revoke {
        #[arg(long)]
        id: i32,
    },
    /// List kiosks (never their credentials).
    List,
    /// The survey code and link of a dossier whose survey is open, to print a receipt again.
    Code {
        /// The dossier's id in the one-stop-shop system.
        #[arg(long)]
        dossier: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportWhat {
    /// Completed dossiers from a CSV file; prints each dossier's survey link.
    Dossiers { file: std::path::PathBuf },
    /// A province's agency tree from a CSV file (code, name_vi, name_en, level, kind,
    /// parent_code, optional valid_from); agencies already stored unchanged are skipped.
    Agencies { file: std::path::PathBuf },
}

/// `serve --demo` in a build without the development tools: refused, saying why.
#[cfg(not(feature = "dev-tools"))]
async fn prepare_demo(_: &mut Settings) -> anyhow::Result<()> {
    anyhow::bail!(
        "this build carries no development tools: `serve --demo` (the demo province and its \
         development e-ID provider) needs a build with the `dev-tools` feature, such as \
         `cargo run -- serve --demo`"
    )
}

#[cfg(feature = "dev-tools")]
use dev::prepare_demo;

pub async fn run(command: Command, settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve { demo: with_demo } => {
            let mut settings = settings;
            if with_demo {
                prepare_demo(&mut settings).await?;
            }
            let app = Application::build(settings.clone())?;
            tracing::info!(
                url = %settings.public_url,
                backend = settings.database.backend_name(),
                port = app.port(),
                "hailong is serving"
            );
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            let applied = tokio::task::spawn_blocking(move || {
                let pool = db::build_pool(&settings.database, 1);
                let mut conn = pool.get()?;
                crate::services::secret_guard::open(&mut conn, &settings)
            })
            .await??;
            println!("{} migration(s) applied", applied.len());
            for version in applied {
                println!("  {version}");
            }
        }
        #[cfg(feature = "dev-tools")]
        Command::Demo => dev::load_demo(&settings).await?,
        #[cfg(feature = "dev-tools")]
        Command::DevIdp(args) => dev_idp(&args).await?,
        Command::Agency {
            action: AgencyAction::Policy { code, policy },
        } => {
            tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
                let mut conn = open(&settings)?;
                Ok(crate::services::agencies::change_survey_policy(
                    &mut conn, "cli", &code, policy,
                )?)
            })
            .await??;
            println!("survey policy set to {policy}");
        }
        Command::Agency {
            action: AgencyAction::Contact { code, line },
        } => {
            let said = format!("contact line of {code} saved");
            tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
                let mut conn = open(&settings)?;
                Ok(crate::services::agencies::set_contact(
                    &mut conn, "cli", &code, &line,
                )?)
            })
            .await??;
            println!("{said}");
        }
        Command::Agency {
            action:
                AgencyAction::Close {
                    code,
                    effective_on,
                    successors,
                },
        } => {
            let summary = format!(
                "{code} closed from {effective_on}; successors: {}",
                successors.join(", ")
            );
            tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
                let mut conn = open(&settings)?;
                crate::services::agencies::close(
                    &mut conn,
                    "cli",
                    &code,
                    effective_on,
                    &successors,
                )?;
                Ok(())
            })
            .await??;
            println!("{summary}");
        }
        Command::Analyze(args) => {
            println!(
                "{}",
                tokio::task::spawn_blocking(move || analyze(&args)).await??
            );
        }
        #[cfg(feature = "dev-tools")]
        Command::BenchDashboards {
            responses,
            dossiers_per_response,
            views,
        } => {
            bench_dashboards::run(
                settings,
                bench_dashboards::Plan {
                    responses,
                    dossiers_per_response,
                    views,
                },
            )
            .await?;
        }
        #[cfg(feature = "dev-tools")]
        Command::BenchDelivery { invitations } => {
            bench_delivery::run(settings, invitations).await?;
        }
        Command::Backup { out, encrypt_to } => {
            let encrypted = !encrypt_to.is_empty();
            let written = tokio::task::spawn_blocking(move || {
                crate::services::backup::backup(&settings, &out, &encrypt_to)
            })
            .await??;
            println!(
                "{}: {} bytes{}; it restores with the secret whose fingerprint is {} (also in {}.secret-fingerprint): keep that secret apart from the backups",
                written.file.display(),
                written.bytes,
                if encrypted { ", encrypted" } else { "" },
                written.fingerprint,
                written.file.display()
            );
        }
        Command::BackupKey { out } => {
            let recipient = crate::cli::backup_key(&out)?;
            println!(
                "identity written to {} (mode 0600): keep it apart from the backups and the server secret\npublic key, for `hailong backup --encrypt-to`:\n{recipient}",
                out.display()
            );
        }
        Command::Restore { file, identity } => {
            let shown = file.display().to_string();
            tokio::task::spawn_blocking(move || {
                let restored =
                    crate::services::backup::restore(&settings, &file, identity.as_deref());
                if restored.is_err() {
                    // A secret file made for this run belongs to nothing: do not leave it.
                    if let crate::secret::SecretOrigin::Created(path) = &settings.secret_origin {
                        let _ = std::fs::remove_file(path);
                    }
                }
                restored
            })
            .await??;
            println!("{shown} restored; start the service to apply any newer migrations");
        }
        #[cfg(feature = "dev-tools")]
        Command::BenchAnalysis { .. } => {
            anyhow::bail!("bench-analysis runs without settings (see main)")
        }
        Command::Privacy {
            action: PrivacyAction::Audit { k },
        } => {
            let k = k.unwrap_or(settings.anonymity_k);
            let (audit, steps) = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
                let mut conn = open(&settings)?;
                Ok((
                    crate::services::privacy::audit::audit(&mut conn, k)?,
                    crate::services::privacy::steps::steps(&mut conn, k)?,
                ))
            })
            .await??;
            print!("{audit}{steps}");
            if !audit.passes() {
                anyhow::bail!(
                    "{} response(s) ({:.2} %) are fitted by fewer than {k} invitations",
                    audit.below_k,
                    audit.share_below_k()
                );
            }
            if !steps.passes() {
                anyhow::bail!(
                    "what staff or the public see moved by fewer than {k} responses at a release"
                );
            }
        }
        Command::Plan {
            action: PlanAction::Set { file },
        } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let plan = crate::services::plans::Plan::from_toml(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let year = plan.year;
            tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
                let mut conn = open(&settings)?;
                Ok(crate::services::plans::set(&mut conn, "cli", &plan)?)
            })
            .await??;
            println!("the plan of {year} is set");
        }
        Command::Plan {
            action: PlanAction::Show,
        } => {
            let plans = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
                let mut conn = open(&settings)?;
                Ok(crate::services::plans::all(&mut conn)?)
            })
            .await??;
            if plans.is_empty() {
                println!("no plan is set (hailong plan set FILE.toml)");
            }
            for plan in plans {
                print!("{}", toml::to_string(&plan)?);
                println!();
            }
        }
        Command::Report {
            period,
            agency,
            format,
            out,
        } => {
            if !["docx", "pdf"].contains(&format.as_str()) {
                anyhow::bail!("--format {format:?}: the report is written as docx or pdf");
            }
            let k = settings.anonymity_k;
            let written = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
                use crate::services::reports::{dashboards, satisfaction};
                let kind = dashboards::kind_of(&period)
                    .ok_or_else(|| satisfaction::ReportError::NotAPeriod(period.clone()))?;
                let mut conn = open(&settings)?;
                // The numbers as of now: the period (with the one before it, for the change)
                // and, for a quarter, the same quarter a year before, computed as the
                // dashboards compute them.
                let mut computed = Vec::new();
                for p in std::iter::once(period.clone()).chain(dashboards::year_before(&period)) {
                    let report = dashboards::compute_period(
                        &mut conn,
                        &dashboards::Scope::PROVINCE,
                        kind,
                        &p,
                        k,
                    )?;
                    computed.push((p, report));
                }
                let index = dashboards::Indexed::computed(computed);
                let report = satisfaction::prepare(
                    &mut conn,
                    &crate::services::surveys::Questionnaires::default(),
                    &index,
                    &period,
                    agency.as_deref(),
                    k,
                )?;
                let mut bytes = crate::views::report::docx(&report)?;
                if format == "pdf" {
                    bytes = crate::services::reports::pdf::from_docx(&bytes)?;
                }
                std::fs::write(&out, &bytes)
                    .with_context(|| format!("writing {}", out.display()))?;
                Ok((out, bytes.len()))
            })
            .await??;
            println!("wrote {} ({} bytes)", written.0.display(), written.1);
        }
        Command::Export { out } => {
            let done = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
                let mut conn = open(&settings)?;
                crate::services::reports::export::export(&mut conn, &out)
            })
            .await??;
            println!(
                "exported {} agencies, {} dossiers, {} responses, {} answers",
                done.agencies, done.dossiers, done.responses, done.answers
            );
        }
        Command::User {
            action:
                UserAction::Add {
                    email,
                    role,
                    agency,
                    password_stdin,
                },
        } => {
            let (password, generated) = if password_stdin {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line)?;
                (line.trim_end_matches(['\r', '\n']).to_owned(), false)
            } else {
                (
                    token::new_api_key()
                        .trim_start_matches(token::API_KEY_PREFIX)
                        .to_owned(),
                    true,
                )
            };
            let shown = password.clone();
            tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
                let mut conn = open(&settings)?;
                crate::services::accounts::add(
                    &mut conn,
                    "cli",
                    &crate::services::accounts::NewAccount {
                        email: &email,
                        role,
                        agency: agency.as_deref(),
                        password: &password,
                    },
                )?;
                Ok(())
            })
            .await??;
            println!("account created");
            if generated {
                println!("password (shown once; store it now): {shown}");
            }
        }
        Command::Apikey { action } => {
            let out = tokio::task::spawn_blocking(move || apikey(&settings, action)).await??;
            print!("{out}");
        }
        Command::Kiosk { action } => {
            let out = tokio::task::spawn_blocking(move || kiosk(&settings, action)).await??;
            print!("{out}");
        }
        Command::Questionnaire {
            action: QuestionnaireAction::Publish { file },
        } => {
            let out = tokio::task::spawn_blocking(move || publish_questionnaire(&settings, &file))
                .await??;
            println!("{out}");
        }
        Command::Import {
            what: ImportWhat::Agencies { file },
        } => {
            let shown = file.display().to_string();
            let imported = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
                let mut conn = open(&settings)?;
                let actor = format!("import:{}", file.display());
                Ok(crate::services::agencies::import::import_agencies(
                    &mut conn, &actor, &file,
                )?)
            })
            .await??;
            println!(
                "{shown}: {} new agency(ies), {} already stored",
                imported.created, imported.unchanged
            );
        }
        Command::Import {
            what: ImportWhat::Dossiers { file },
        } => {
            let (base_url, public_url_given) =
                (settings.public_url.clone(), settings.public_url_given);
            let issued = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
                let mut conn = open(&settings)?;
                let ctx = IngestContext {
                    secret: &settings.secret,
                    public_url: &settings.public_url,
                    survey_validity: chrono::Duration::days(i64::from(settings.survey_valid_days)),
                    actor: &format!("import:{}", file.display()),
                    client_id: None,
                    schedule: &settings.reminders,
                };
                Ok(import::import_dossiers(&mut conn, &ctx, &file)?)
            })
            .await??;
            let created = issued
                .iter()
                .filter(|i| i.status == IssuedStatus::Created)
                .count();
            println!("dossier_id,status,survey_url");
            for i in &issued {
                println!(
                    "{},{},{}",
                    i.dossier_id,
                    i.status.as_str(),
                    i.survey_url.as_deref().unwrap_or_default()
                );
            }
            eprintln!(
                "{} dossier(s): {created} new, {} already imported",
                issued.len(),
                issued.len() - created
            );
            eprintln!("{}", links_base(&base_url, public_url_given));
        }
    }
    Ok(())
}

/// Which address the printed survey links use, and where it came from: the same settings as
/// the server's (`hailong.toml`, then the environment).
fn links_base(base_url: &str, given: bool) -> String {
    if given {
        format!("survey links use {base_url} (HAILONG_PUBLIC_URL)")
    } else {
        format!(
            "survey links use {base_url} (the server's HAILONG_BIND; set HAILONG_PUBLIC_URL to \
             the address citizens reach)"
        )
    }
}

fn open(settings: &Settings) -> anyhow::Result<db::PooledConnection> {
    let pool = db::build_pool(&settings.database, 1);
    let mut conn = pool.get()?;
    // Before anything is written: a newer hailong's database is not this binary's to change.
    db::refuse_newer(&mut conn)?;
    crate::services::secret_guard::open(&mut conn, settings)?;
    crate::services::questionnaires::ensure_default(&mut conn)?;
    Ok(conn)
}

fn publish_questionnaire(settings: &Settings, file: &std::path::Path) -> anyhow::Result<String> {
    use crate::services::questionnaires::{self, Published};
    let name = file.display();
    let text = std::fs::read_to_string(file).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    let mut conn = open(settings)?;
    match questionnaires::publish(&mut conn, "cli", &text) {
        Ok(Published::New(version)) => Ok(format!("published questionnaire {version}")),
        Ok(Published::Unchanged(version)) => Ok(format!(
            "questionnaire {version} is already published; nothing changed"
        )),
        Err(ServiceError::Refused(refusal)) => {
            anyhow::bail!("{name}: {}", refusal.say(crate::domain::language::Lang::EN))
        }
        Err(e) => Err(e.into()),
    }
}

fn apikey(settings: &Settings, action: ApikeyAction) -> anyhow::Result<String> {
    use crate::services::api_clients;
    let mut conn = open(settings)?;
    match action {
        ApikeyAction::Create { name, scope } => {
            let created = api_clients::create(&mut conn, &settings.secret, "cli", &name, scope)?;
            Ok(format!(
                "API key ({scope}) for {} (shown once; store it now):\n{}\n",
                created.name, created.key
            ))
        }
        ApikeyAction::Revoke { name } => {
            api_clients::revoke(&mut conn, "cli", &name)?;
            Ok(format!("revoked the key of {}\n", name.trim()))
        }
        ApikeyAction::List => Ok(api_clients::list(&mut conn)?
            .iter()
            .map(|c| {
                let state = c
                    .revoked_at
                    .map_or("active".to_owned(), |t| format!("revoked {t}"));
                format!(
                    "{}\t{}\t{}\tcreated {}\n",
                    c.name, c.scope, state, c.created_at
                )
            })
            .collect()),
    }
}

fn kiosk(settings: &Settings, action: KioskAction) -> anyhow::Result<String> {
    use crate::services::kiosks;
    let mut conn = open(settings)?;
    let now = crate::clock::now().naive_utc();
    match action {
        KioskAction::Enrol { agency, name } => {
            let enrolled = kiosks::enrol(&mut conn, &settings.secret, "cli", &agency, &name, now)?;
            Ok(format!(
                "kiosk {} \"{}\" of {}: open this link once on the tablet (shown once; store it nowhere else):\n{}\n",
                enrolled.id,
                enrolled.name,
                enrolled.agency_code,
                kiosks::enrolment_link(&settings.public_url, &enrolled.credential)
            ))
        }
        KioskAction::Revoke { id } => {
            let revoked = kiosks::revoke(&mut conn, "cli", id, now)?;
            Ok(format!("revoked kiosk {id} \"{}\"\n", revoked.name))
        }
        KioskAction::List => Ok(kiosks::list(&mut conn)?
            .iter()
            .map(|(k, agency)| {
                let state = k
                    .revoked_at
                    .map_or("active".to_owned(), |t| format!("revoked {t}"));
                format!(
                    "{}\t{agency}\t{}\t{state}\tenrolled {}\n",
                    k.id, k.name, k.created_at
                )
            })
            .collect()),
        KioskAction::Code { dossier } => {
            match crate::services::dossiers::ingest::code_of(
                &mut conn,
                &settings.secret,
                &settings.public_url,
                dossier.trim(),
            )? {
                Some((code, link)) => Ok(format!("{code}\n{link}\n")),
                None => anyhow::bail!(
                    "--dossier: no open survey for dossier {:?} (unknown, or its survey expired)",
                    dossier.trim()
                ),
            }
        }
    }
}

/// Writes a new identity for encrypted backups to `out` (mode 0600, never over a file) and
/// returns its public key.
fn backup_key(out: &std::path::Path) -> anyhow::Result<String> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let (identity, recipient) = crate::services::backup_crypt::new_key_pair();
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(out)
        .with_context(|| {
            format!(
                "{}: not written (it exists, or its folder does not)",
                out.display()
            )
        })?;
    writeln!(
        file,
        "# hailong backup identity; public key: {recipient}\n{identity}"
    )?;
    Ok(recipient)
}
