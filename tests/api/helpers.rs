use std::collections::{BTreeMap, BTreeSet, HashMap};
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
        self.settings_with(&[])
    }

    /// Test settings, with some variables overridden. The survey rate limit is off unless a
    /// test sets it: the suite sends many requests from one address.
    pub fn settings_with(&self, overrides: &[(&'static str, &str)]) -> Settings {
        let mut values = HashMap::from([
            ("HAILONG_SURVEY_RATE_PER_MINUTE", "0".to_owned()),
            ("HAILONG_DATABASE_URL", self.url()),
            ("HAILONG_BIND", "127.0.0.1:0".to_owned()),
            ("HAILONG_SECRET_KEY", TEST_SECRET.to_owned()),
            ("HAILONG_LOG", "warn".to_owned()),
            ("HAILONG_POOL_SIZE", "4".to_owned()),
            // Each response is released as it comes, and kept exact: tests that look at what
            // staff see need not wait for a batch. The privacy tests set their own.
            ("HAILONG_RELEASE_BATCH", "1".to_owned()),
            ("HAILONG_ANONYMITY_K", "1".to_owned()),
            // Invitations go out at once whatever the hour the suite runs; the quiet hours
            // have their own tests.
            ("HAILONG_QUIET_HOURS", "off".to_owned()),
            // The suite answers in milliseconds, from one address, often the same on every
            // question: the integrity rules have their own tests, which turn them on.
            ("HAILONG_INTEGRITY_SECONDS_PER_ANSWER", "0".to_owned()),
            ("HAILONG_INTEGRITY_STRAIGHT_LINE_ITEMS", "0".to_owned()),
            ("HAILONG_INTEGRITY_ANSWERS_PER_ADDRESS", "0".to_owned()),
            ("HAILONG_INTEGRITY_KIOSK_SLACK", "0".to_owned()),
        ]);
        for (name, value) in overrides {
            values.insert(name, (*value).to_owned());
        }
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

/// Releases every held response at once (as `hailong release` does) and returns what staff
/// can then see: the stored responses.
pub fn stored_responses(
    conn: &mut hailong::db::DbConnection,
) -> Vec<hailong::db::responses::Response> {
    release_held(conn);
    hailong::db::responses::all(conn).expect("responses")
}

/// How many responses are stored, held ones released first.
pub fn stored_count(conn: &mut hailong::db::DbConnection) -> i64 {
    release_held(conn);
    hailong::db::responses::count(conn).expect("count")
}

pub fn release_held(
    conn: &mut hailong::db::DbConnection,
) -> hailong::services::privacy::release::Pass {
    let secret = hailong::secret::SecretKey::from_hex(TEST_SECRET).expect("test secret");
    let rules = hailong::services::privacy::release::ReleaseRules {
        batch: 1,
        k: 1,
        followup_due_days: 10,
    };
    // A follow-up request never goes out in the pass that steps its agency's responses: a
    // second pass releases what the first held back for that reason.
    let mut pass = hailong::services::privacy::release::Pass::default();
    loop {
        let more = hailong::services::privacy::release::release_due(
            conn,
            &secret,
            rules,
            chrono::Utc::now().naive_utc(),
            true,
        )
        .expect("release");
        let done = more.released == 0 && more.withheld == 0;
        pass.released += more.released;
        pass.withheld += more.withheld;
        pass.followups += more.followups;
        pass.waiting = more.waiting;
        pass.stepped.extend(more.stepped);
        if done {
            return pass;
        }
    }
}

/// A running instance of the service, on a thread and runtime of its own. Dropping it stops
/// the server and waits for that thread: the instance's workers, pools and connections have
/// ended before the test returns, and nothing of a finished test is still at work while the
/// test binary exits (#39: the binary was once seen dying with SIGSEGV at exit on PostgreSQL;
/// a process that exits with database work in flight on other threads is the suspect).
pub struct Served {
    pub port: u16,
    pub metrics_port: Option<u16>,
    handle: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Served {
    pub fn start(settings: Settings) -> Self {
        let (started, built) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("test-instance".to_owned())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("runtime");
                runtime.block_on(async move {
                    let app = Application::build(settings).expect("application builds");
                    let _ = started.send((app.port(), app.metrics_port(), app.handle()));
                    let _ = app.run_until_stopped().await;
                });
                // Dropping the runtime ends the background work and waits for blocking calls.
                drop(runtime);
            })
            .expect("thread");
        let (port, metrics_port, handle) = built.recv().expect("the instance started");
        Self {
            port,
            metrics_port,
            handle,
            thread: Some(thread),
        }
    }

    pub fn address(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Stops the server gracefully (requests in flight are finished); the rest of the instance
    /// ends when this is dropped.
    pub async fn stop(&self) {
        self.handle.stop(true).await;
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        // The command is sent as the future is made; the instance's thread ends once the
        // server has stopped, and joining it is the wait.
        drop(self.handle.stop(false));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub served: Served,
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

    /// A dashboard page once it shows the numbers of the data as it is now: they are computed
    /// in the background, and the page says whether they are current (`data-current`).
    pub async fn current_page(&self, path: &str) -> String {
        self.current_page_as(&self.client, path).await
    }

    /// The text of the page at `path`.
    pub async fn page(&self, path: &str) -> String {
        self.page_as(&self.client, path).await
    }

    /// The text of the page at `path`, seen by `client` (another browser or signed-in user).
    pub async fn page_as(&self, client: &reqwest::Client, path: &str) -> String {
        client
            .get(format!("{}{}", self.address, path))
            .send()
            .await
            .expect("request sent")
            .text()
            .await
            .expect("page")
    }

    /// As [`TestApp::current_page`], seen by `client` (another signed-in user).
    pub async fn current_page_as(&self, client: &reqwest::Client, path: &str) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        loop {
            let page = self.page_as(client, path).await;
            if page.contains("data-current=\"true\"") {
                return page;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{path} never showed current numbers:\n{page}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    pub async fn stop(&self) {
        self.served.stop().await;
    }

    /// Stops the instance, waits until everything of it has ended, and gives back its
    /// database (for the next instance: a restart).
    pub async fn shut_down(self) -> TestDb {
        self.served.stop().await;
        let TestApp { served, db, .. } = self;
        tokio::task::spawn_blocking(move || drop(served))
            .await
            .expect("the instance ended");
        db
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_on(TestDb::new()).await
}

pub async fn spawn_app_on(db: TestDb) -> TestApp {
    let settings = db.settings();
    spawn_app_with(db, settings).await
}

/// A client as a browser is: its own cookies, redirects shown rather than followed. It drops a
/// kept-alive connection after 2 idle seconds, before the service's 5: one the service is
/// closing just then would fail the request (hyper's IncompleteMessage).
pub fn browser() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .pool_idle_timeout(std::time::Duration::from_secs(2))
}

pub async fn spawn_app_with(db: TestDb, settings: Settings) -> TestApp {
    let served = Served::start(settings);
    let client = browser().build().expect("client builds");
    TestApp {
        address: served.address(),
        client,
        served,
        db,
    }
}

impl TestApp {
    /// A connection to the app's database, for arranging and asserting what HTTP cannot show.
    pub fn conn(&self) -> Conn {
        Conn(
            hailong::db::build_pool(&self.db.settings().database, 1)
                .get()
                .expect("db connection"),
        )
    }

    /// A small agency tree and procedure catalogue (the demo is too big to load per test).
    pub fn seed(&self) {
        use hailong::db::agencies::{self, NewAgency};
        use hailong::db::procedures::{self, NewProcedure};
        let mut conn = self.conn();
        if agencies::find_by_code(&mut conn, "AG").unwrap().is_some() {
            return;
        }
        let day = chrono::NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
        let root = agencies::insert(
            &mut conn,
            &NewAgency {
                code: "AG",
                name_vi: "Ủy ban nhân dân tỉnh An Giang",
                name_en: "An Giang Provincial People's Committee",
                level: hailong::domain::agency::AgencyLevel::Province,
                kind: hailong::domain::agency::AgencyKind::PeopleCommittee,
                parent_id: None,
                valid_from: day,
                valid_to: None,
            },
        )
        .unwrap();
        for (code, vi, en) in [
            (
                "AG-X-OCEO",
                "Ủy ban nhân dân xã Óc Eo",
                "People's Committee of Oc Eo Commune",
            ),
            (
                "AG-P-RACHGIA",
                "Ủy ban nhân dân phường Rạch Giá",
                "People's Committee of Rach Gia Ward",
            ),
        ] {
            agencies::insert(
                &mut conn,
                &NewAgency {
                    code,
                    name_vi: vi,
                    name_en: en,
                    level: hailong::domain::agency::AgencyLevel::Commune,
                    kind: hailong::domain::agency::AgencyKind::Commune,
                    parent_id: Some(root),
                    valid_from: day,
                    valid_to: None,
                },
            )
            .unwrap();
        }
        procedures::insert(
            &mut conn,
            &NewProcedure {
                code: "1.001193",
                name_vi: "Đăng ký khai sinh",
                name_en: "Birth registration",
                field: "Hộ tịch",
            },
        )
        .unwrap();
    }

    /// An integrator's key (the one-stop-shop system's).
    pub fn new_api_key(&self, name: &str) -> String {
        self.new_key_of(name, hailong::domain::api_scope::ApiScope::Integrator)
    }

    pub fn new_key_of(&self, name: &str, scope: hailong::domain::api_scope::ApiScope) -> String {
        let secret = self.db.settings().secret;
        let key = hailong::domain::token::new_api_key();
        let hash = hailong::domain::token::api_key_hash(&secret, &key);
        hailong::db::api_clients::create(&mut self.conn(), name, &hash, scope.as_str()).unwrap();
        key
    }

    pub async fn post_dossiers(&self, key: &str, body: &serde_json::Value) -> reqwest::Response {
        self.client
            .post(format!("{}/api/v1/dossiers", self.address))
            .bearer_auth(key)
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// Makes the first version, 2026.1, the current one (published as the newest): every
    /// respondent is asked every item, for tests about particular items rather than about the
    /// default's sampling. Seeds first (startup has published the default).
    pub fn ask_every_item(&self) {
        self.seed();
        hailong::services::questionnaires::ensure_first(
            &mut self.conn(),
            chrono::Utc::now().naive_utc() + chrono::Duration::seconds(1),
        )
        .unwrap();
    }

    /// Seeds, posts one fresh dossier, and returns the path of its survey (`/s/{token}`).
    pub async fn issue_survey(&self, dossier_id: &str) -> String {
        self.seed();
        let key = self.new_api_key(&format!("client for {dossier_id}"));
        let response = self.post_dossiers(&key, &valid_dossier(dossier_id)).await;
        assert_eq!(response.status(), 201);
        let body: serde_json::Value = response.json().await.unwrap();
        let url = body["dossiers"][0]["survey_url"]
            .as_str()
            .unwrap()
            .to_owned();
        url.strip_prefix(&self.address)
            .expect("link on this app")
            .to_owned()
    }

    /// Opens the survey (which sets the CSRF cookie) and returns the page's CSRF token.
    pub async fn open_survey(&self, path: &str) -> String {
        csrf_of(&self.page(path).await)
    }

    pub async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}{}", self.address, path))
            .form(fields)
            .send()
            .await
            .expect("request sent")
    }
}

/// Sends `dossier` with `key`, answers its survey with `value` on each of `items` (and
/// `comment` when not empty), and returns the thank-you page.
pub async fn answer_dossier(
    app: &TestApp,
    key: &str,
    dossier: &serde_json::Value,
    items: &[&str],
    value: &str,
    comment: &str,
) -> String {
    let body: serde_json::Value = app.post_dossiers(key, dossier).await.json().await.unwrap();
    let url = body["dossiers"][0]["survey_url"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"));
    let path = url.strip_prefix(&app.address).unwrap().to_owned();
    let csrf = app.open_survey(&path).await;
    let mut form: Vec<(String, String)> = items
        .iter()
        .map(|i| (format!("q_{i}"), value.to_owned()))
        .collect();
    form.push(("csrf".into(), csrf));
    if !comment.is_empty() {
        form.push(("comment".into(), comment.to_owned()));
    }
    let response = app
        .client
        .post(format!("{}{}", app.address, path))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

impl TestApp {
    /// A commune closed by the 2025 reform (last day 2025-06-30), whose work `successor` took
    /// over on 2025-07-01 (the seed's agencies must exist).
    pub fn add_former_commune(&self, code: &str, name_vi: &str, successor: &str) {
        use hailong::db::agencies::{self, NewAgency};
        let mut conn = self.conn();
        let successor = agencies::find_by_code(&mut conn, successor)
            .unwrap()
            .unwrap()
            .id;
        let former = agencies::insert(
            &mut conn,
            &NewAgency {
                code,
                name_vi,
                name_en: name_vi,
                level: hailong::domain::agency::AgencyLevel::Commune,
                kind: hailong::domain::agency::AgencyKind::PeopleCommittee,
                parent_id: None,
                valid_from: chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
                valid_to: chrono::NaiveDate::from_ymd_opt(2025, 6, 30),
            },
        )
        .unwrap();
        agencies::add_successor(
            &mut conn,
            former,
            successor,
            chrono::NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(),
        )
        .unwrap();
    }
}

pub fn csrf_of(page: &str) -> String {
    let start = page
        .find("name=\"csrf\" value=\"")
        .expect("form has a CSRF field")
        + 19;
    page[start..].split('"').next().unwrap().to_owned()
}

pub fn valid_dossier(id: &str) -> serde_json::Value {
    serde_json::json!({
        "dossier_id": id,
        "agency_code": "AG-X-OCEO",
        "procedure_code": "1.001193",
        "applicant_kind": "citizen",
        "channel": "counter",
        "received_at": "2026-03-30T08:00:00+07:00",
        "due_at": "2026-03-31T17:00:00+07:00",
        "completed_at": "2026-03-31T17:30:00Z",
        "applicant_id": "089 123 456 789",
        "phone": "0912345678"
    })
}

pub const PASSWORD: &str = "một mật khẩu đủ dài";

impl TestApp {
    /// Creates a staff account (the seed's agencies must exist for an agency user).
    pub fn add_user(&self, email: &str, role: hailong::domain::agency::Role, agency: Option<&str>) {
        hailong::services::accounts::add(
            &mut self.conn(),
            "test",
            &hailong::services::accounts::NewAccount {
                email,
                role,
                agency,
                password: PASSWORD,
            },
        )
        .unwrap();
    }

    /// Signs in through the form (the client keeps the cookies); returns the POST's response.
    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        let page = self.get("/login").await.text().await.unwrap();
        let csrf = csrf_of(&page);
        self.client
            .post(format!("{}/login", self.address))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", email),
                ("password", password),
            ])
            .send()
            .await
            .unwrap()
    }

    /// A second person's browser, signed in through the form as `email`.
    pub async fn signed_in_client(&self, email: &str, password: &str) -> reqwest::Client {
        let browser = self.another_client();
        let login = browser
            .get(format!("{}/login", self.address))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let signed_in = browser
            .post(format!("{}/login", self.address))
            .form(&[
                ("csrf", csrf_of(&login).as_str()),
                ("email", email),
                ("password", password),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(signed_in.status(), 303, "{email} signs in");
        browser
    }

    /// A fresh client (no cookies) on the same app, for a second person.
    pub fn another_client(&self) -> reqwest::Client {
        browser().build().unwrap()
    }
}

pub fn assert_redirect_to(response: &reqwest::Response, location: &str) {
    assert_eq!(response.status(), 303, "expected a redirect to {location}");
    assert_eq!(response.headers()["location"], location);
}

#[derive(diesel::QueryableByName)]
struct TextRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    value: String,
}

/// Every row of every table as text, one row per line: for asserting that something is stored
/// nowhere at all.
pub fn dump_database(db: &TestDb) -> String {
    let texts = |rows: Vec<TextRow>| rows.into_iter().map(|r| r.value).collect::<Vec<_>>();
    let mut dump = String::new();
    match db {
        TestDb::Sqlite { .. } => {
            let url = db.url();
            let path = url.strip_prefix("sqlite://").unwrap();
            let mut conn = diesel::SqliteConnection::establish(path).unwrap();
            let tables = texts(
                diesel::sql_query("SELECT name AS value FROM sqlite_master WHERE type = 'table'")
                    .load(&mut conn)
                    .unwrap(),
            );
            for table in tables {
                let columns = texts(
                    diesel::sql_query(format!(
                        "SELECT name AS value FROM pragma_table_info('{table}')"
                    ))
                    .load(&mut conn)
                    .unwrap(),
                );
                let row = columns
                    .iter()
                    .map(|c| format!("quote(\"{c}\")"))
                    .collect::<Vec<_>>()
                    .join(" || '|' || ");
                let rows = texts(
                    diesel::sql_query(format!(
                        "SELECT coalesce(group_concat({row}, char(10)), '') AS value FROM \"{table}\""
                    ))
                    .load(&mut conn)
                    .unwrap(),
                );
                dump.push_str(&format!("== {table}\n{}\n", rows.join("\n")));
            }
        }
        TestDb::Postgres { url, .. } => {
            let mut conn = PgConnection::establish(url).unwrap();
            let tables = texts(
                diesel::sql_query(
                    "SELECT table_name::text AS value FROM information_schema.tables \
                     WHERE table_schema = 'public'",
                )
                .load(&mut conn)
                .unwrap(),
            );
            for table in tables {
                let rows = texts(
                    diesel::sql_query(format!(
                        "SELECT coalesce(string_agg(t::text, E'\\n'), '') AS value FROM \"{table}\" t"
                    ))
                    .load(&mut conn)
                    .unwrap(),
                );
                dump.push_str(&format!("== {table}\n{}\n", rows.join("\n")));
            }
        }
    }
    dump
}

/// Every row of every table, by table (rows as text).
pub fn snapshot(app: &TestApp) -> BTreeMap<String, BTreeSet<String>> {
    let dump = dump_database(&app.db);
    let mut tables = BTreeMap::new();
    for section in dump.split("== ").filter(|s| !s.is_empty()) {
        let mut lines = section.lines();
        let name = lines.next().unwrap_or_default().to_owned();
        let rows: BTreeSet<String> = lines.filter(|l| !l.is_empty()).map(str::to_owned).collect();
        tables.insert(name, rows);
    }
    tables
}

/// The tables whose rows changed between two snapshots, with the rows added and removed.
pub fn changes(
    before: &BTreeMap<String, BTreeSet<String>>,
    after: &BTreeMap<String, BTreeSet<String>>,
) -> BTreeMap<String, (usize, usize)> {
    let empty = BTreeSet::new();
    after
        .iter()
        .filter_map(|(table, rows)| {
            let old = before.get(table).unwrap_or(&empty);
            let added = rows.difference(old).count();
            let removed = old.difference(rows).count();
            (added + removed > 0).then(|| (table.clone(), (added, removed)))
        })
        .collect()
}

/// Rows of these name an invitation, a dossier or an applicant in the clear.
pub const NAMING: &[&str] = &["invitations", "dossiers", "outbox"];
/// What a submission (and a release) may write.
pub const SUBMISSION_WRITES: &[&str] = &[
    "spent_links",
    "held_responses",
    "releases",
    "responses",
    "answers",
    // A release counts a change of its responses' quarters; the dashboards' worker stores
    // their numbers (aggregates of at least min_cell responses) in the background.
    "data_revisions",
    "dashboard_reports",
    "dashboard_leases",
    // PostgreSQL counts survey requests per keyed client address and minute (the shared rate
    // limit), forgotten within minutes.
    "survey_rate_windows",
];

/// Posts a form from the page at `page_path`, with that page's CSRF token.
pub async fn post_from(
    app: &TestApp,
    page_path: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let page = app.get(page_path).await.text().await.unwrap();
    let csrf = csrf_of(&page);
    let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    app.client
        .post(format!("{}{}", app.address, action))
        .form(&form)
        .send()
        .await
        .unwrap()
}

/// Posts the form of a confirmation page (its hidden fields: the CSRF token, `confirm=yes`, and
/// what is to be done), as pressing its button would.
pub async fn confirm(app: &TestApp, page: &str) -> reqwest::Response {
    let at = page.find("name=\"confirm\"").expect("a confirmation form");
    let before = &page[..at];
    let form_start = before.rfind("<form").expect("a form");
    let action_at = before.rfind("action=\"").expect("an action") + "action=\"".len();
    let action = before[action_at..].split('"').next().unwrap();
    let form = &page[form_start..];
    let form = &form[..form.find("</form>").expect("a closed form")];
    let fields: Vec<(String, String)> = form
        .split("<input type=\"hidden\" ")
        .skip(1)
        .map(|hidden| {
            let attr = |name: &str| {
                let start = hidden.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                hidden[start..].split('"').next().unwrap().to_owned()
            };
            (attr("name"), attr("value"))
        })
        .collect();
    app.client
        .post(format!("{}{action}", app.address))
        .form(&fields)
        .send()
        .await
        .unwrap()
}

/// Posts these dossiers with one API key; returns their survey paths.
pub async fn issue_all(app: &TestApp, dossiers: Vec<serde_json::Value>) -> Vec<String> {
    app.seed();
    let key = app.new_api_key("one-stop shop");
    let response = app
        .post_dossiers(&key, &serde_json::Value::Array(dossiers))
        .await;
    assert_eq!(response.status(), 201);
    let body: serde_json::Value = response.json().await.unwrap();
    body["dossiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            d["survey_url"]
                .as_str()
                .unwrap()
                .strip_prefix(&app.address)
                .unwrap()
                .to_owned()
        })
        .collect()
}

/// A connection of the test's own, used as the database connection it holds.
pub struct Conn(hailong::db::PooledConnection);

impl std::ops::Deref for Conn {
    type Target = hailong::db::DbConnection;
    fn deref(&self) -> &hailong::db::DbConnection {
        &self.0
    }
}

impl std::ops::DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut hailong::db::DbConnection {
        &mut self.0
    }
}
