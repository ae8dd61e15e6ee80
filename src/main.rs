use clap::Parser;
use hailong::cli::{self, Cli, Command};
use hailong::config::Settings;
use hailong::telemetry;

/// mimalloc rather than the system allocator: the analysis allocates and frees large column
/// buffers from many threads, where glibc's arenas keep freed memory resident (and are slower).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Blocking work (each database call runs there) needs no more threads than the pool has
/// connections, and a few for the analysis: extra threads would only queue on the pool, and
/// waking hundreds of them costs more than the queries (measured in BENCHMARKS.md).
const BLOCKING_THREADS: usize = 32;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    // The analysis reads files only: no settings, no database, no runtime (building one and
    // tearing it down is time a batch run need not spend).
    if let Some(exit) = run_analysis(&cli) {
        return exit;
    }
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(BLOCKING_THREADS)
        .build()
    {
        Ok(runtime) => runtime.block_on(run(cli)),
        Err(e) => {
            eprintln!("hailong: cannot start the runtime: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// `analyze` and `bench-analysis`, run to their exit status (2 on bad input for `analyze`);
/// None for every other command.
fn run_analysis(cli: &Cli) -> Option<std::process::ExitCode> {
    match &cli.command {
        #[cfg(feature = "dev-tools")]
        Some(Command::BenchAnalysis {
            responses,
            replicates,
            measure,
            write_csv,
            dossiers_per_response,
        }) => {
            let outcome = match (measure, write_csv) {
                (Some(dir), _) => cli::bench_measure(dir, *replicates),
                (None, Some(dir)) => cli::bench_write_csv(
                    dir,
                    responses.first().copied().unwrap_or(200_000),
                    *dossiers_per_response,
                ),
                (None, None) => cli::bench_analysis(responses, *replicates),
            };
            Some(match outcome {
                Ok(()) => std::process::ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("hailong bench-analysis: {e:#}");
                    std::process::ExitCode::FAILURE
                }
            })
        }
        Some(Command::Analyze(args)) => Some(match cli::analyze(args) {
            Ok(summary) => {
                println!("{summary}");
                std::process::ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("hailong analyze: {e}");
                std::process::ExitCode::from(2)
            }
        }),
        _ => None,
    }
}

async fn run(cli: Cli) -> std::process::ExitCode {
    // The development e-ID provider needs no database either.
    #[cfg(feature = "dev-tools")]
    if let Some(Command::DevIdp(args)) = &cli.command {
        return match cli::dev_idp(args).await {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("hailong dev-idp: {e:#}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("hailong: configuration error: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    telemetry::init(&settings.log_filter, settings.log_format);
    #[cfg(feature = "dev-tools")]
    if let Err(e) = hailong::clock::follow_test_clock_file() {
        eprintln!("hailong: cannot follow HAILONG_TEST_CLOCK_FILE: {e}");
        return std::process::ExitCode::FAILURE;
    }
    let command = cli.command.unwrap_or(Command::Serve { demo: false });
    match cli::run(command, settings).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) if still_locked(&e) => {
            eprintln!(
                "hailong: the database stayed locked for {} s: another process, most likely the \
                 running service (`hailong serve`) in a long write such as a release or an \
                 import, held its write lock all that time. Nothing was changed; run the command \
                 again in a moment ({e:#})",
                hailong::db::SQLITE_BUSY_TIMEOUT.as_secs()
            );
            std::process::ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("hailong: {e:#}");
            // A wrong or missing secret is a configuration error, like a bad setting.
            std::process::ExitCode::from(if refused_as_configured(&e) { 2 } else { 1 })
        }
    }
}

/// SQLite's busy timeout ran out: another writer kept the lock longer than a command waits.
fn still_locked(e: &anyhow::Error) -> bool {
    e.chain()
        .any(|cause| cause.to_string().contains("database is locked"))
}

/// Errors of configuration, not of the program: a wrong or missing secret, a backup that does
/// not fit where it is restored. They exit with status 2, like a bad setting.
fn refused_as_configured(e: &anyhow::Error) -> bool {
    use hailong::services::backup::BackupError;
    e.chain().any(|cause| {
        cause
            .downcast_ref::<hailong::services::secret_guard::SecretMismatch>()
            .is_some()
            || cause.downcast_ref::<hailong::db::NewerDatabase>().is_some()
            || matches!(
                cause.downcast_ref::<BackupError>(),
                Some(
                    BackupError::Exists(_)
                        | BackupError::NoBackup(_)
                        | BackupError::NotEmpty { .. }
                        | BackupError::OtherSecret
                        | BackupError::Crypt(_)
                )
            )
    })
}
