use std::collections::HashMap;
use std::path::Path;
use std::process::Output;

use diesel::{Connection, PgConnection, RunQueryDsl};
use hailong::config::Settings;
use hailong::startup::Application;

pub const TEST_SECRET: &str = "5ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2";

/// A fresh database for one test, removed when the test ends.
pub enum TestDb {
    Sqlite {
        dir: tempfile::TempDir,
    },
    Postgres {
        admin_url: String,
        name: String,
        url: String,
    },
}

impl TestDb {
    pub fn new() -> Self {
        match std::env::var("HAILONG_TEST_DATABASE_URL") {
            Ok(base) if !base.is_empty() => {
                let mut admin = url::Url::parse(&base).expect("HAILONG_TEST_DATABASE_URL is a URL");
                admin.set_path("/postgres");
                let name = format!("hailong_test_{}", uuid::Uuid::new_v4().simple());
                let mut conn = PgConnection::establish(admin.as_str()).expect("reach PostgreSQL");
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .expect("create test database");
                let mut url = admin.clone();
                url.set_path(&format!("/{name}"));
                TestDb::Postgres {
                    admin_url: admin.to_string(),
                    name,
                    url: url.to_string(),
                }
            }
            _ => TestDb::Sqlite {
                dir: tempfile::tempdir().expect("temp dir"),
            },
        }
    }

    pub fn url(&self) -> String {
        match self {
            TestDb::Sqlite { dir } => {
                format!("sqlite://{}", dir.path().join("hailong.db").display())
            }
            TestDb::Postgres { url, .. } => url.clone(),
        }
    }

    pub fn backend(&self) -> &'static str {
        match self {
            TestDb::Sqlite { .. } => "sqlite",
            TestDb::Postgres { .. } => "postgres",
        }
    }

    pub fn settings(&self) -> Settings {
        let values = HashMap::from([
            ("HAILONG_DATABASE_URL", self.url()),
            ("HAILONG_BIND", "127.0.0.1:0".to_owned()),
            ("HAILONG_SECRET_KEY", TEST_SECRET.to_owned()),
            ("HAILONG_LOG", "warn".to_owned()),
            ("HAILONG_POOL_SIZE", "4".to_owned()),
        ]);
        Settings::from_values(&values).expect("test settings are valid")
    }

    /// Runs the real `hailong` binary against this database, in `cwd`.
    pub fn run_cli(&self, cwd: &Path, args: &[&str]) -> Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_hailong"))
            .args(args)
            .current_dir(cwd)
            .env_clear()
            .env("HAILONG_DATABASE_URL", self.url())
            .env("HAILONG_SECRET_KEY", TEST_SECRET)
            .env("HAILONG_LOG", "warn")
            .output()
            .expect("run hailong")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres {
            admin_url, name, ..
        } = self
        {
            if let Ok(mut conn) = PgConnection::establish(admin_url) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn);
            }
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub handle: actix_web::dev::ServerHandle,
    // Dropped last: the database outlives the server that uses it.
    pub db: TestDb,
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{}", self.address, path))
            .send()
            .await
            .expect("request sent")
    }

    pub async fn stop(&self) {
        self.handle.stop(true).await;
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_on(TestDb::new()).await
}

pub async fn spawn_app_on(db: TestDb) -> TestApp {
    let app = Application::build(db.settings()).expect("application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("client builds");
    TestApp {
        address,
        client,
        handle,
        db,
    }
}
