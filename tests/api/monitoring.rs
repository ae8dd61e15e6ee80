//! Monitoring against the real thing: `/metrics` passes `promtool check metrics`, a real
//! Prometheus (Debian's) scrapes it, and the alert rules shipped in `monitoring/` pass
//! `promtool check rules` and their own `promtool test rules`.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::helpers::TestDb;

/// Debian's Prometheus tools, or `None` (a failure when HAILONG_REQUIRE_PROMETHEUS=1).
fn prometheus_tools() -> Option<()> {
    let found = ["promtool", "prometheus"].iter().all(|tool| {
        Command::new(tool)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    if !found {
        if std::env::var("HAILONG_REQUIRE_PROMETHEUS").is_ok_and(|v| v == "1") {
            panic!("HAILONG_REQUIRE_PROMETHEUS=1 but promtool or prometheus is missing");
        }
        eprintln!(
            "SKIPPED: promtool and prometheus are not installed (apt-get install prometheus)"
        );
        return None;
    }
    Some(())
}

fn promtool(args: &[&str], stdin: Option<&str>) -> (bool, String) {
    use std::io::Write;
    let mut child = Command::new("promtool")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn the_shipped_alert_rules_are_valid_and_fire_when_they_should() {
    if prometheus_tools().is_none() {
        return;
    }
    let (ok, said) = promtool(&["check", "rules", "monitoring/alerts.yml"], None);
    assert!(ok, "{said}");
    assert!(said.contains("6 rules found"), "{said}");
    let (ok, said) = promtool(&["test", "rules", "monitoring/alerts.test.yml"], None);
    assert!(ok, "{said}");
}

#[tokio::test]
async fn metrics_pass_promtool_and_a_real_prometheus_scrapes_them() {
    if prometheus_tools().is_none() {
        return;
    }
    let db = TestDb::new();
    let settings = db.settings_with(&[("HAILONG_METRICS_BIND", "127.0.0.1:0")]);
    let app = crate::helpers::spawn_app_with(db, settings).await;
    let metrics_port = app.served.metrics_port.unwrap();
    let path = app.issue_survey("PROM.1").await;
    assert_eq!(app.get(&path).await.status(), 200);

    let text = reqwest::get(format!("http://127.0.0.1:{metrics_port}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (ok, said) =
        tokio::task::spawn_blocking(move || promtool(&["check", "metrics"], Some(&text)))
            .await
            .unwrap();
    assert!(ok, "promtool check metrics: {said}");

    // A real Prometheus, scraping every second.
    let dir = tempfile::tempdir().unwrap();
    let web_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = dir.path().join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: hailong\n    static_configs:\n      - targets: ['127.0.0.1:{metrics_port}']\n"
        ),
    )
    .unwrap();
    let mut prometheus = Command::new("prometheus")
        .arg(format!("--config.file={}", config.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.path().join("data").display()
        ))
        .arg(format!("--web.listen-address=127.0.0.1:{web_port}"))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.path().join("prometheus.log")).unwrap())
        .spawn()
        .unwrap();
    let query = |q: &'static str| {
        let url = format!("http://127.0.0.1:{web_port}/api/v1/query?query={q}");
        async move {
            let body: serde_json::Value = reqwest::get(url).await.ok()?.json().await.ok()?;
            body["data"]["result"][0]["value"][1]
                .as_str()
                .map(str::to_owned)
        }
    };
    let mut scraped = None;
    for _ in 0..120 {
        let up = query("up%7Bjob%3D%22hailong%22%7D").await;
        let database = query("hailong_database_up").await;
        if up.as_deref() == Some("1") && database.as_deref() == Some("1") {
            scraped = query("sum(hailong_http_requests_total)").await;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let _ = prometheus.kill();
    let _ = prometheus.wait();
    let log = std::fs::read_to_string(dir.path().join("prometheus.log")).unwrap_or_default();
    let requests: f64 = scraped
        .unwrap_or_else(|| panic!("Prometheus never scraped hailong:\n{log}"))
        .parse()
        .unwrap();
    assert!(requests >= 1.0, "the survey page was counted");
    app.stop().await;
}
