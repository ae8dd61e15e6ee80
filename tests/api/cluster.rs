//! Several instances behind nginx, as `scripts/cluster` starts them (the real binary, Debian's
//! nginx, PostgreSQL): surveys answered through the proxy exactly once whichever instance takes
//! each request, every invitation sent once, the same dashboards on every instance, and one
//! instance killed mid-run with the others carrying on. Runs on PostgreSQL when nginx is
//! installed (CI installs it and sets HAILONG_REQUIRE_CLUSTER=1, which turns "skipped" into a
//! failure).

use std::collections::{BTreeSet, HashMap};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use crate::helpers::{csrf_of, stored_count, TestDb, TEST_SECRET};

const DOSSIERS: usize = 120;

/// The running script; stopped (and so every instance, nginx and the gateway) when dropped.
struct Cluster {
    script: Child,
    dir: tempfile::TempDir,
    env: HashMap<String, String>,
}

impl Cluster {
    fn start(database_url: String) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let script = Command::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/cluster"))
            .env("HAILONG_BIN", env!("CARGO_BIN_EXE_hailong"))
            .env("CLUSTER_DATABASE_URL", database_url)
            .env("CLUSTER_PORT", free_port_run(5).to_string())
            .env("CLUSTER_DIR", dir.path())
            .env("HAILONG_SECRET_KEY", TEST_SECRET)
            .env("HAILONG_LOG", "warn")
            .env("HAILONG_QUIET_HOURS", "off")
            .spawn()
            .expect("scripts/cluster starts");
        let mut cluster = Cluster {
            script,
            dir,
            env: HashMap::new(),
        };
        let ready = cluster.dir.path().join("cluster.env");
        let deadline = Instant::now() + Duration::from_secs(300);
        while !ready.exists() {
            if let Some(status) = cluster.script.try_wait().unwrap() {
                panic!("scripts/cluster ended with {status}:\n{}", cluster.logs());
            }
            assert!(
                Instant::now() < deadline,
                "the cluster never came up:\n{}",
                cluster.logs()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        cluster.env = std::fs::read_to_string(&ready)
            .unwrap()
            .lines()
            .filter_map(|line| line.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        cluster
    }

    fn get(&self, name: &str) -> &str {
        self.env.get(name).map(String::as_str).unwrap_or_default()
    }

    fn instances(&self) -> Vec<String> {
        self.get("CLUSTER_INSTANCE_URLS")
            .split(' ')
            .map(str::to_owned)
            .collect()
    }

    fn kill_instance(&self, index: usize) {
        let pid = self
            .get("CLUSTER_INSTANCE_PIDS")
            .split(' ')
            .nth(index)
            .unwrap();
        let killed = Command::new("kill").args(["-KILL", pid]).status().unwrap();
        assert!(killed.success());
    }

    fn gateway_lines(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(PathBuf::from(self.get("CLUSTER_GATEWAY_LOG")))
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).expect("the gateway writes JSON lines"))
            .collect()
    }

    fn logs(&self) -> String {
        let mut all = String::new();
        for entry in std::fs::read_dir(self.dir.path()).unwrap().flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "log") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                let tail: Vec<&str> = text.lines().rev().take(30).collect();
                all += &format!("--- {}\n", path.display());
                for line in tail.into_iter().rev() {
                    all += line;
                    all += "\n";
                }
            }
        }
        all
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.script.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.script.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.script.kill();
    }
}

/// The first of `n` consecutive free loopback ports.
pub fn free_port_run(n: u16) -> u16 {
    let probe = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut base = probe.local_addr().unwrap().port().clamp(20_000, 60_000);
    drop(probe);
    loop {
        let all_free = (0..n).all(|i| TcpListener::bind(("127.0.0.1", base + i)).is_ok());
        if all_free {
            return base;
        }
        base += n;
    }
}

pub fn nginx_installed() -> bool {
    Command::new("nginx").arg("-v").output().is_ok() || Path::new("/usr/sbin/nginx").exists()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap()
}

fn dossier(i: usize) -> serde_json::Value {
    let now = chrono::Utc::now();
    serde_json::json!({
        "dossier_id": format!("CLUSTER.{i}"),
        "agency_code": "AG-X-OCEO",
        "procedure_code": "1.001193",
        "applicant_kind": "citizen",
        "channel": "counter",
        "received_at": (now - chrono::Duration::days(2)).to_rfc3339(),
        "due_at": (now + chrono::Duration::days(1)).to_rfc3339(),
        "completed_at": (now - chrono::Duration::hours(1)).to_rfc3339(),
        "applicant_id": format!("089 200 {:06}", i),
        "phone": format!("09{:08}", 12_000_000 + i)
    })
}

/// A citizen, from their own address (which nginx passes on in X-Forwarded-For).
struct Citizen {
    browser: reqwest::Client,
    from: String,
    csrf: String,
}

impl Citizen {
    /// Opens the survey through the proxy.
    async fn open(url: &str, i: usize) -> Self {
        let browser = client();
        let from = format!("198.51.{}.{}", i / 250, i % 250 + 1);
        let page = browser
            .get(url)
            .header("x-forwarded-for", &from)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("name=\"csrf\""), "no survey form:\n{page}");
        Citizen {
            browser,
            from,
            csrf: csrf_of(&page),
        }
    }

    /// Sends the answers through the proxy: maybe to another instance than the page's.
    async fn answer(&self, url: &str) -> (u16, String) {
        let response = self
            .browser
            .post(url)
            .header("x-forwarded-for", &self.from)
            .form(&[
                ("csrf", self.csrf.as_str()),
                ("q_A1", "5"),
                ("q_P5", "4"),
                ("q_R3", "3"),
            ])
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }
}

async fn page_of(browser: &reqwest::Client, url: &str) -> String {
    browser.get(url).send().await.unwrap().text().await.unwrap()
}

/// Where two of these pages first differ, with some context.
fn first_difference(pages: &[String]) -> String {
    let (a, b) = (&pages[0], &pages[pages.len() - 1]);
    let at = a
        .char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((i, _), _)| i);
    let around = |p: &str| -> String {
        p.char_indices()
            .filter(|(i, _)| i + 150 >= at && *i <= at + 150)
            .map(|(_, c)| c)
            .collect()
    };
    format!("{}\n---\n{}", around(a), around(b))
}

/// What a page says once per-request parts (CSRF tokens) are taken out.
fn without_tokens(page: &str) -> String {
    page.split("name=\"csrf\" value=\"")
        .enumerate()
        .map(|(n, part)| {
            if n == 0 {
                part
            } else {
                part.split_once('"').map_or("", |(_, rest)| rest)
            }
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_instances_behind_nginx_act_as_one_and_outlive_one_of_them() {
    let db = TestDb::new();
    if db.backend() != "postgres" || !nginx_installed() {
        assert!(
            std::env::var("HAILONG_REQUIRE_CLUSTER").is_err(),
            "HAILONG_REQUIRE_CLUSTER is set but this run has no PostgreSQL or no nginx"
        );
        eprintln!("skipped: the cluster test needs HAILONG_TEST_DATABASE_URL and nginx");
        return;
    }
    let url = db.url();
    let cluster = tokio::task::spawn_blocking(move || Cluster::start(url))
        .await
        .unwrap();
    let proxy = cluster.get("CLUSTER_URL").to_owned();
    let pool = hailong::db::build_pool(&db.settings().database, 1);
    let before = stored_count(&mut pool.get().unwrap());

    // The one-stop shop posts completed dossiers through the proxy.
    let dossiers: Vec<serde_json::Value> = (0..DOSSIERS).map(dossier).collect();
    for batch in dossiers.chunks(40) {
        let posted = client()
            .post(format!("{proxy}/api/v1/dossiers"))
            .bearer_auth(cluster.get("CLUSTER_API_KEY"))
            .json(&batch)
            .send()
            .await
            .unwrap();
        assert_eq!(posted.status(), 201, "{}", posted.text().await.unwrap());
    }

    // Every invitation reaches the gateway once, whichever instance sends it.
    let deadline = Instant::now() + Duration::from_secs(120);
    while cluster.gateway_lines().len() < DOSSIERS {
        assert!(
            Instant::now() < deadline,
            "{} of {DOSSIERS} invitations sent:\n{}",
            cluster.gateway_lines().len(),
            cluster.logs()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // Three more polling rounds of every instance: a second sender would show now.
    tokio::time::sleep(Duration::from_secs(10)).await;
    let sent = cluster.gateway_lines();
    let keys: BTreeSet<&str> = sent
        .iter()
        .map(|m| m["idempotency_key"].as_str().unwrap())
        .collect();
    let dossier_ids: BTreeSet<&str> = sent
        .iter()
        .map(|m| m["body"]["dossier_id"].as_str().unwrap())
        .collect();
    assert_eq!(sent.len(), DOSSIERS, "each invitation sent once");
    assert_eq!(keys.len(), DOSSIERS);
    assert_eq!(dossier_ids.len(), DOSSIERS);
    let links: Vec<String> = sent
        .iter()
        .map(|m| m["body"]["survey_url"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        links.iter().all(|l| l.starts_with(&proxy)),
        "links point at the proxy"
    );

    // Half the citizens answer; then an instance dies; the other half answer.
    let (first, second) = links.split_at(DOSSIERS / 2);
    let mut answered = Vec::new();
    for (i, link) in first.iter().enumerate() {
        let citizen = Citizen::open(link, i).await;
        let (status, page) = citizen.answer(link).await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("Cảm ơn"), "{page}");
        answered.push((link, citizen));
    }
    cluster.kill_instance(1);
    for (i, link) in second.iter().enumerate() {
        let citizen = Citizen::open(link, DOSSIERS / 2 + i).await;
        let (status, page) = citizen.answer(link).await;
        assert_eq!(status, 200, "with an instance down: {page}");
    }
    // Sending the same answers again is refused, whichever instance takes them.
    for (link, citizen) in answered.iter().take(9) {
        let (status, page) = citizen.answer(link).await;
        assert_eq!(status, 409, "{page}");
    }
    let after = stored_count(&mut pool.get().unwrap());
    assert_eq!(
        after - before,
        i64::try_from(DOSSIERS).unwrap(),
        "one response per dossier"
    );

    // The instances still running show the same province dashboard, numbers and time alike.
    let survivors: Vec<String> = cluster
        .instances()
        .into_iter()
        .enumerate()
        .filter(|(i, _)| *i != 1)
        .map(|(_, url)| url)
        .collect();
    let mut staff = Vec::new();
    for url in &survivors {
        let browser = client();
        let login = page_of(&browser, &format!("{url}/login")).await;
        let signed_in = browser
            .post(format!("{url}/login"))
            .form(&[
                ("csrf", csrf_of(&login).as_str()),
                ("email", cluster.get("CLUSTER_ADMIN_EMAIL")),
                ("password", cluster.get("CLUSTER_ADMIN_PASSWORD")),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(signed_in.status(), 303);
        staff.push((url.clone(), browser));
    }
    // The killed instance may have held the dashboards' lease: the others take over once it
    // lapses (two minutes), then compute in a debug build on a busy machine.
    let deadline = Instant::now() + Duration::from_secs(420);
    loop {
        let mut pages = Vec::new();
        for (url, browser) in &staff {
            let page = page_of(browser, &format!("{url}/dashboard/province")).await;
            pages.push(without_tokens(&page));
        }
        let current = pages.iter().all(|p| p.contains("data-current=\"true\""));
        if current && pages.windows(2).all(|w| w[0] == w[1]) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the instances never showed the same dashboard (current: {current}); first \
             difference:\n{}\n{}",
            first_difference(&pages),
            cluster.logs()
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
