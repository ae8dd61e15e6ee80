//! The `hailong` command line: one binary, one subcommand per job.

use clap::{Parser, Subcommand};

use crate::config::Settings;
use crate::db;
use crate::demo;
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
    /// Fill the database with the demo province (today's An Giang) and exit.
    Demo,
}

pub async fn run(command: Command, settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve { demo: with_demo } => {
            if with_demo {
                load_demo(&settings).await?;
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
                db::run_migrations(&mut conn)
            })
            .await??;
            println!("{} migration(s) applied", applied.len());
            for version in applied {
                println!("  {version}");
            }
        }
        Command::Demo => load_demo(&settings).await?,
    }
    Ok(())
}

async fn load_demo(settings: &Settings) -> anyhow::Result<()> {
    let settings = settings.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let pool = db::build_pool(&settings.database, 1);
        let mut conn = pool.get()?;
        db::run_migrations(&mut conn)?;
        demo::load(&mut conn, &settings.secret)
    })
    .await??;
    println!("{outcome}");
    Ok(())
}
