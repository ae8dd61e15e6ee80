//! The survey in a real browser: Debian's headless chromium, driven by playwright-core from
//! tests/browser (npm), on a 360×640 viewport with JavaScript off, checked with axe.
//! Skipped with a notice where chromium or the npm packages are missing, unless
//! HAILONG_REQUIRE_BROWSER=1 (as in CI), where their absence fails the test.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::helpers::spawn_app;

fn browser_available() -> bool {
    let chromium = std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let ready = Path::new(&chromium).exists()
        && Path::new("tests/browser/node_modules/playwright-core").exists();
    if !ready && std::env::var("HAILONG_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
        panic!("HAILONG_REQUIRE_BROWSER=1 but chromium or tests/browser/node_modules is missing (see .ci/run)");
    }
    ready
}

#[tokio::test]
async fn a_phone_user_without_javascript_answers_the_survey_and_axe_finds_nothing() {
    if !browser_available() {
        eprintln!("SKIPPED: no chromium or tests/browser/node_modules (apt-get install chromium; npm ci --prefix tests/browser)");
        return;
    }
    let app = spawn_app().await;
    let path = app.issue_survey("BR.1").await;
    let shots = std::env::var("HAILONG_SCREENSHOTS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| std::env::temp_dir());
    std::fs::create_dir_all(&shots).unwrap();

    let url = format!("{}{}", app.address, path);
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg("tests/browser/survey.mjs")
            .arg(url)
            .arg(shots)
            .output()
            .unwrap()
    })
    .await
    .unwrap();

    let stdout = String::from_utf8_lossy(&output.stdout);
    let result: Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|_| {
        panic!(
            "no JSON from the browser script: {stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    assert!(result["error"].is_null(), "{}", result["error"]);
    assert_eq!(result["form_status"], 200);
    assert_eq!(result["lang"], "vi");
    assert_eq!(result["axe_form"], serde_json::json!([]), "axe on the form");
    assert_eq!(
        result["axe_answered"],
        serde_json::json!([]),
        "axe after answering"
    );
    assert!(
        result["smallest_target_px"].as_f64().unwrap() >= 44.0,
        "{}",
        result["smallest_target_px"]
    );
    assert_eq!(
        result["horizontal_overflow"], false,
        "no sideways scrolling on a 360 px screen"
    );
    // The default, 2026.2: the core's six and four drawn from the rest.
    assert!((6..=10).contains(&result["questions"].as_u64().unwrap()));
    assert!(result["after_submit_heading"]
        .as_str()
        .unwrap()
        .contains("Cảm ơn"));
    assert_eq!(crate::helpers::stored_count(&mut app.conn()), 1);
    let stored = crate::helpers::stored_responses(&mut app.conn());
    assert_eq!(
        stored[0].comment.as_deref(),
        Some("Cán bộ hướng dẫn rất tận tình.")
    );
}

#[tokio::test]
async fn each_dashboard_renders_on_desktop_and_phone_and_axe_finds_nothing() {
    if !browser_available() {
        eprintln!("SKIPPED: no chromium or tests/browser/node_modules");
        return;
    }
    let app = spawn_app().await;
    crate::dashboards::answer(&app, "AG-X-OCEO", 6, "4", "Tốt").await;
    app.add_user(
        "phantich@angiang.test",
        hailong::domain::agency::Role::Province,
        None,
    );
    // The numbers are computed in the background: the pages are checked once they show them.
    app.login("phantich@angiang.test", crate::helpers::PASSWORD)
        .await;
    app.current_page("/dashboard/province?period=2026-Q2").await;
    app.current_page("/dashboard/agency/AG-X-OCEO?period=2026-Q2")
        .await;
    let shots = std::env::var("HAILONG_SCREENSHOTS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| std::env::temp_dir());
    std::fs::create_dir_all(&shots).unwrap();

    // (page, path, whether it draws charts)
    for (name, path, charts) in [
        ("province", "/dashboard/province?period=2026-Q2", true),
        ("agency", "/dashboard/agency/AG-X-OCEO?period=2026-Q2", true),
        ("delivery", "/dashboard/delivery", false),
        ("integrity", "/dashboard/integrity", false),
        ("paper-entry", "/admin/paper", false),
        ("paper-reconcile", "/admin/paper/reconcile", false),
        ("paper-form", "/paper/form", false),
        ("public", "/cong-khai?period=2026-Q2", false),
    ] {
        let (address, shots) = (app.address.clone(), shots.clone());
        let output = tokio::task::spawn_blocking(move || {
            Command::new("node")
                .args([
                    "tests/browser/dashboards.mjs",
                    &address,
                    "phantich@angiang.test",
                    crate::helpers::PASSWORD,
                    path,
                    name,
                ])
                .arg(shots)
                .output()
                .unwrap()
        })
        .await
        .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let result: Value = serde_json::from_str(stdout.trim())
            .unwrap_or_else(|_| panic!("{stdout}\n{}", String::from_utf8_lossy(&output.stderr)));
        assert!(result["error"].is_null(), "{name}: {}", result["error"]);
        let smallest = result["phone_chart_text_min_px"].as_f64();
        assert!(
            !charts || smallest.is_some_and(|px| px >= 12.0),
            "{name}: chart text on a phone is {smallest:?} px"
        );
        for size in ["desktop", "phone"] {
            assert_eq!(result[format!("{size}_status")], 200, "{name} {size}");
            assert_eq!(
                result[format!("{size}_overflow")],
                false,
                "{name} {size} scrolls sideways"
            );
            assert_eq!(
                result[format!("{size}_axe")],
                serde_json::json!([]),
                "{name} {size}"
            );
            assert!(
                !charts || result[format!("{size}_svg")].as_u64().unwrap() >= 1,
                "{name} {size} has its charts"
            );
        }
    }
}

#[tokio::test]
async fn a_verified_survey_round_trips_through_the_provider_in_a_real_browser() {
    use crate::eid::{issue, verified_app, APPLICANT, SOMEONE_ELSE};
    use hailong::dev_idp::{Misbehaviour, DEMO_CITIZENS};
    if !browser_available() {
        eprintln!("SKIPPED: no chromium or tests/browser/node_modules");
        return;
    }
    let v = verified_app(Misbehaviour::None, &[]).await;
    let path = issue(&v.app, "BR.EID", APPLICANT).await;
    let shots = std::env::var("HAILONG_SCREENSHOTS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| std::env::temp_dir());
    std::fs::create_dir_all(&shots).unwrap();
    let url = format!("{}{}", v.app.address, path);
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg("tests/browser/eid.mjs")
            .arg(url)
            .arg(DEMO_CITIZENS[APPLICANT].name)
            .arg(shots)
            .arg(DEMO_CITIZENS[SOMEONE_ELSE].name)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let result: Value = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|_| panic!("{stdout}\n{}", String::from_utf8_lossy(&output.stderr)));
    assert!(result["error"].is_null(), "{}", result["error"]);
    assert_eq!(result["axe_sign_in"], serde_json::json!([]), "axe");
    // Someone else first: a page of its own, on a phone, that survives the language switch
    // and leads back to the provider for a fresh sign-in.
    assert_eq!(result["wrong_status"], 403);
    assert!(result["wrong_heading"]
        .as_str()
        .unwrap()
        .contains("thuộc về người khác"));
    assert_eq!(result["wrong_again"], "Đăng nhập bằng tài khoản khác");
    assert_eq!(result["wrong_overflow"], false, "fits a 360 px phone");
    assert_eq!(result["switched_status"], 403);
    assert!(result["switched_heading"]
        .as_str()
        .unwrap()
        .contains("belongs to someone else"));
    assert!(result["again_url"]
        .as_str()
        .unwrap()
        .contains("prompt=login"));
    assert_eq!(result["form_before"], 0, "no answer form before signing in");
    assert!(result["provider_url"]
        .as_str()
        .unwrap()
        .contains("/authorize?"));
    assert!(result["back_url"].as_str().unwrap().contains(&path));
    assert!(
        result["radios_after"].as_u64().unwrap() > 0,
        "the form opened"
    );
    assert!(result["after_submit_heading"]
        .as_str()
        .unwrap()
        .contains("Cảm ơn"));
    assert_eq!(crate::helpers::stored_count(&mut v.app.conn()), 1);
    v.stop().await;
}

#[tokio::test]
async fn an_administrator_walks_every_admin_flow_in_vietnamese_without_an_english_message() {
    if !browser_available() {
        eprintln!("SKIPPED: no chromium or tests/browser/node_modules");
        return;
    }
    let app = spawn_app().await;
    app.seed();
    app.add_user(
        "admin@angiang.test",
        hailong::domain::agency::Role::Admin,
        None,
    );
    let shots = std::env::var("HAILONG_SCREENSHOTS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| std::env::temp_dir());
    std::fs::create_dir_all(&shots).unwrap();
    let address = app.address.clone();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .args([
                "tests/browser/admin.mjs",
                &address,
                "admin@angiang.test",
                crate::helpers::PASSWORD,
            ])
            .arg(shots)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let result: Value = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|_| panic!("{stdout}\n{}", String::from_utf8_lossy(&output.stderr)));
    assert!(result["error"].is_null(), "{}", result["error"]);
    let steps = result["steps"].as_array().unwrap();
    let step = |name: &str| {
        steps
            .iter()
            .find(|s| s["name"] == name)
            .unwrap_or_else(|| panic!("no step {name}"))
    };
    for s in steps {
        assert_eq!(s["lang"], "vi", "{}", s["name"]);
        assert_eq!(
            s["english"],
            serde_json::json!([]),
            "{}: English on a Vietnamese page",
            s["name"]
        );
        assert_eq!(s["axe"], serde_json::json!([]), "{}", s["name"]);
    }
    let refused = |name: &str, status: u64, words: &str| {
        let s = step(name);
        assert_eq!(s["status"], status, "{name}");
        let errors = s["field_errors"].to_string();
        assert!(errors.contains(words), "{name}: {errors}");
    };
    refused("users-refused", 422, "Mật khẩu cần ít nhất 12 ký tự");
    refused("keys-refused", 422, "Tên cần từ 1 đến 100 ký tự");
    refused(
        "questionnaires-refused",
        422,
        "Tổng trọng số các nhóm tiêu chí là 1,3",
    );
    refused("agencies-refused", 422, "không thể trực thuộc");
    assert_eq!(result["kept_email"], "xa.moi@angiang.test");
    assert_eq!(result["kept_definition"], true);
    for (name, notice) in [
        ("users-added", "Đã thêm tài khoản xa.moi@angiang.test"),
        ("users-disabled", "Đã khóa tài khoản"),
        (
            "keys-revoked",
            "Đã thu hồi khóa của Hệ thống một cửa điện tử",
        ),
        ("agencies-added", "Đã thêm cơ quan AG-X-THUNGHIEM"),
        ("agencies-closed", "Đã đóng AG-X-OCEO từ ngày 2026-04-01."),
    ] {
        let s = step(name);
        assert_eq!(s["status"], 200, "{name}: the list after the redirect");
        assert!(
            s["notice"].to_string().contains(notice),
            "{name}: {}",
            s["notice"]
        );
    }
    for name in [
        "users-disable-asked",
        "keys-revoke-asked",
        "agencies-close-asked",
    ] {
        assert!(
            step(name)["url"].as_str().unwrap().starts_with("/admin/"),
            "{name}"
        );
    }
    assert_eq!(step("keys-created")["status"], 201);
}

#[tokio::test]
async fn a_citizen_answers_at_a_tablet_kiosk_in_both_orientations_and_axe_finds_nothing() {
    if !browser_available() {
        eprintln!("SKIPPED: no chromium or tests/browser/node_modules");
        return;
    }
    let app = spawn_app().await;
    app.seed();
    let key = app.new_api_key("one-stop shop");
    let mut codes = serde_json::Map::new();
    for size in ["800x1280", "1280x800"] {
        let mut pair = serde_json::Map::new();
        for role in ["citizen", "audit"] {
            let id = format!("BR.K.{size}.{role}");
            let body: Value = app
                .post_dossiers(&key, &crate::helpers::valid_dossier(&id))
                .await
                .json()
                .await
                .unwrap();
            pair.insert(role.into(), body["dossiers"][0]["survey_code"].clone());
        }
        codes.insert(size.into(), Value::Object(pair));
    }
    let enrolled = hailong::services::kiosks::enrol(
        &mut app.conn(),
        &app.db.settings().secret,
        "test",
        "AG-X-OCEO",
        "Quầy 1",
        chrono::Utc::now().naive_utc(),
    )
    .unwrap();
    let enrol_path = format!("/kiosk/enrol/{}", enrolled.credential);
    let shots = std::env::var("HAILONG_SCREENSHOTS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| std::env::temp_dir());
    std::fs::create_dir_all(&shots).unwrap();
    let (base, codes) = (app.address.clone(), Value::Object(codes).to_string());
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg("tests/browser/kiosk.mjs")
            .args([&base, &enrol_path, &codes])
            .arg(shots)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let result: Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|_| {
        panic!(
            "no JSON from the browser script: {stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    assert!(result["error"].is_null(), "{}", result["error"]);
    for size in ["800x1280", "1280x800"] {
        let r = &result[size];
        assert_eq!(r["lang"], "vi", "{size}");
        assert!(r["keypad_url"]
            .as_str()
            .unwrap()
            .ends_with("/kiosk?lang=vi"));
        for target in ["smallest_keypad_target_px", "smallest_survey_target_px"] {
            assert!(
                r[target].as_f64().unwrap() >= 56.0,
                "{size} {target}: {}",
                r[target]
            );
        }
        assert_eq!(r["keypad_overflow"], false, "{size}");
        assert_eq!(r["survey_overflow"], false, "{size}");
        assert!(
            (6..=10).contains(&r["questions"].as_u64().unwrap()),
            "{size}"
        );
        assert!(r["thanks_heading"].as_str().unwrap().contains("Cảm ơn"));
        assert_eq!(r["refresh"], "30;url=/kiosk?lang=vi");
        assert_eq!(r["back_at_keypad"], true, "{size}: back at the keypad");
        assert_eq!(r["keypad_empty"], true);
        for page in [
            "axe_enrol",
            "axe_keypad",
            "axe_refused",
            "axe_survey",
            "axe_thanks",
        ] {
            assert_eq!(r[page], serde_json::json!([]), "{size} {page}");
        }
    }
    let waited = result["800x1280"]["returned_after_s"].as_f64().unwrap();
    assert!(
        (29.0..40.0).contains(&waited),
        "left alone, the thank-you page went back to the keypad after {waited} s"
    );
    let stored = crate::helpers::stored_responses(&mut app.conn());
    assert_eq!(stored.len(), 4, "two citizens and two audits answered");
    assert!(stored.iter().all(|r| r.mode == "kiosk"));
}

/// What the experience script measured in one language.
fn experience(lang: &str, urls: &[String], shots: &Path) -> Value {
    let output = Command::new("node")
        .arg("tests/browser/experience.mjs")
        .arg(lang)
        .arg(shots)
        .args(urls)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let result: Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|_| {
        panic!(
            "no JSON from the experience script: {stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    assert!(result["error"].is_null(), "{lang}: {}", result["error"]);
    result
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    if values.len() % 2 == 1 {
        values[middle]
    } else {
        (values[middle - 1] + values[middle]) / 2.0
    }
}

/// Issue #20's experience benchmark: the default survey (2026.2) answered on a 360×640 phone, in each
/// language, by counter and online applicants alike (their questions differ). Prints the
/// medians that the README states.
#[tokio::test]
async fn the_short_survey_takes_few_taps_and_screens_in_every_language_and_axe_finds_nothing() {
    if !browser_available() {
        eprintln!("SKIPPED: no chromium or tests/browser/node_modules");
        return;
    }
    let app = spawn_app().await;
    app.seed();
    let key = app.new_api_key("experience");
    let shots = std::env::var("HAILONG_SCREENSHOTS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| std::env::temp_dir());
    std::fs::create_dir_all(&shots).unwrap();

    let mut report = Vec::new();
    for lang in ["vi", "en", "km"] {
        let mut urls = Vec::new();
        for n in 0..6 {
            let mut dossier = crate::helpers::valid_dossier(&format!("EXP.{lang}.{n}"));
            dossier["channel"] = if n % 2 == 0 { "counter" } else { "online" }.into();
            let body: Value = app
                .post_dossiers(&key, &serde_json::json!([dossier]))
                .await
                .json()
                .await
                .unwrap();
            urls.push(
                body["dossiers"][0]["survey_url"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }
        let shots = shots.clone();
        let result = tokio::task::spawn_blocking(move || experience(lang, &urls, &shots))
            .await
            .unwrap();
        assert_eq!(result["axe_form"], serde_json::json!([]), "axe in {lang}");
        let glyphs = &result["glyphs"];
        if lang == "km" {
            assert!(glyphs["letters"].as_u64().unwrap() >= 8, "{glyphs}");
        }
        assert_eq!(
            glyphs["distinct"], glyphs["letters"],
            "{lang}: every letter has its own glyph (no tofu): {glyphs}"
        );
        let runs = result["runs"].as_array().unwrap();
        for run in runs {
            assert_eq!(run["lang"], lang);
            assert_eq!(run["horizontal_overflow"], false, "{run}");
            assert!(run["questions"].as_u64().unwrap() <= 10, "{run}");
            assert_ne!(run["after"].as_str().unwrap_or(""), "", "{run}");
        }
        let of = |key: &str| {
            runs.iter()
                .map(|r| r[key].as_f64().unwrap())
                .collect::<Vec<_>>()
        };
        let (taps, screens, questions) = (
            median(of("taps")),
            median(of("screens")),
            median(of("questions")),
        );
        assert!(taps <= 12.0, "{lang}: median {taps} taps");
        assert!(screens <= 4.0, "{lang}: median {screens:.2} screens");
        report.push(format!(
            "{lang}: median {questions} questions, {taps} taps, {screens:.2} screens of 640 px ({} runs)",
            runs.len()
        ));
    }
    eprintln!("EXPERIENCE 2026.2 at 360x640:\n{}", report.join("\n"));
}
