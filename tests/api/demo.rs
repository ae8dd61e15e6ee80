use std::collections::HashMap;

use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

use crate::helpers::spawn_app;

#[tokio::test]
async fn the_demo_province_is_todays_an_giang_with_its_history() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();

    let output = app.db.run_cli(dir.path(), &["demo"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let agencies: Vec<Value> = app.get("/api/v1/agencies").await.json().await.unwrap();
    // Stored as the service stores responses: at least 5 invitations fit each.
    let audit = app.db.run_cli(dir.path(), &["privacy", "audit"]);
    let report = String::from_utf8_lossy(&audit.stdout);
    assert!(audit.status.success(), "{report}");
    assert!(
        report.contains("responses that fit fewer than 5 invitations: 0 (0.00 %)"),
        "{report}"
    );
    // Its history is one release: every output moved by at least k in it.
    assert!(
        report.contains("(the released cell): smallest step") && !report.contains("under k"),
        "{report}"
    );

    let current = |a: &&Value| a["valid_to"].is_null();
    let count_kind = |kind: &str| {
        agencies
            .iter()
            .filter(current)
            .filter(|a| a["kind"] == kind)
            .count()
    };
    let commune_level = agencies
        .iter()
        .filter(current)
        .filter(|a| a["level"] == "commune")
        .count();
    assert!(
        (95..=105).contains(&commune_level),
        "{commune_level} commune-level units"
    );
    assert_eq!(count_kind("special_zone"), 3);
    assert_eq!(count_kind("ward"), 14);
    assert!(count_kind("department") >= 10);
    assert!(agencies
        .iter()
        .filter(current)
        .all(|a| a["level"] != "district"));

    // Districts are history: ended the day before the reform, each with successors.
    let districts: Vec<&Value> = agencies
        .iter()
        .filter(|a| a["level"] == "district")
        .collect();
    assert!(!districts.is_empty());
    for district in &districts {
        assert_eq!(district["valid_to"], "2025-06-30");
        assert!(
            !district["successors"].as_array().unwrap().is_empty(),
            "{district}"
        );
    }

    let by_code: HashMap<&str, &Value> = agencies
        .iter()
        .map(|a| (a["code"].as_str().unwrap(), a))
        .collect();
    let phu_quoc = by_code["AG-DK-PHUQUOC"];
    assert_eq!(phu_quoc["name_vi"], "Ủy ban nhân dân đặc khu Phú Quốc");
    assert_eq!(phu_quoc["parent_code"], "AG");
    for agency in &agencies {
        let name = agency["name_vi"].as_str().unwrap();
        assert_eq!(name.nfc().collect::<String>(), name, "{name} is not NFC");
    }
}

#[tokio::test]
async fn loading_the_demo_twice_changes_nothing() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();

    let first = app.db.run_cli(dir.path(), &["demo"]);
    let before: Vec<Value> = app.get("/api/v1/agencies").await.json().await.unwrap();
    let second = app.db.run_cli(dir.path(), &["demo"]);
    let after: Vec<Value> = app.get("/api/v1/agencies").await.json().await.unwrap();

    assert!(String::from_utf8_lossy(&first.stdout).contains("completed dossiers"));
    assert!(String::from_utf8_lossy(&second.stdout).contains("already loaded"));
    assert_eq!(before, after);
}
