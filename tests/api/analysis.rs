//! `hailong export` then `hailong analyze`, through the real binary, on the demo database.

use crate::helpers::{spawn_app, TestDb};

#[tokio::test]
async fn the_analysis_runs_on_an_export_of_the_demo_database() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    assert!(app.db.run_cli(dir.path(), &["demo"]).status.success());

    let export = app.db.run_cli(dir.path(), &["export", "--out", "export"]);
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    let analyze = app.db.run_cli(
        dir.path(),
        &[
            "analyze",
            "--data",
            "export",
            "--questionnaire",
            "export/questionnaire.json",
            "--period",
            "quarter",
            "--bootstrap",
            "20",
            "--out",
            "out",
        ],
    );

    assert!(
        analyze.status.success(),
        "{}",
        String::from_utf8_lossy(&analyze.stderr)
    );
    let scores = std::fs::read_to_string(dir.path().join("out/scores.csv")).unwrap();
    let mut lines = scores.lines();
    assert_eq!(
        lines.next(),
        Some("period,agency_code,measure,key,value,ci_low,ci_high,n,n_eff,status")
    );
    assert!(scores.contains(",ALL,sat_index,,"));
    assert!(
        scores.contains(",rank,,")
            && scores.contains(",tier,,")
            && scores.contains(",pci_composite,,")
    );
    let trends = std::fs::read_to_string(dir.path().join("out/trends.csv")).unwrap();
    assert!(trends.starts_with(
        "period,previous_period,agency_code,measure,key,value,previous_value,delta,significant\n"
    ));
    assert!(trends.lines().count() > 100);
    let benchmarks = std::fs::read_to_string(dir.path().join("out/benchmarks.csv")).unwrap();
    assert!(benchmarks.contains(",commune,papi_total,,"));
    // The 2025 reform's mergers travel with the export; the demo's data starts with the new
    // tree (2025-Q3), so no successor has a period before it and lineage.csv is its header
    // (the lineage itself: the analysis crate's tests/analysis/lineage.rs).
    let successions = std::fs::read_to_string(dir.path().join("export/successions.csv")).unwrap();
    assert!(successions.starts_with("predecessor_code,successor_code,effective_on\n"));
    assert!(successions.contains(",2025-07-01"), "{successions}");
    let lineage = std::fs::read_to_string(dir.path().join("out/lineage.csv")).unwrap();
    assert!(
        lineage.starts_with("period,agency_code,measure,key,value,ci_low,ci_high,n,n_eff,status\n")
    );
    assert_eq!(lineage.lines().count(), 1, "{lineage}");
    let exported = std::fs::read_to_string(dir.path().join("export/dossiers.csv")).unwrap();
    assert_eq!(
        exported.lines().next(),
        Some("dossier_id,agency_code,procedure_code,applicant_kind,channel,received_at,due_at,completed_at,invited"),
        "no identity or contact column leaves in an export"
    );
}

#[tokio::test]
async fn bad_input_exits_2_names_file_line_and_field_and_writes_nothing() {
    let db = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(
        data.join("agencies.csv"),
        "agency_code,name,level,parent_code\nP,Tỉnh,province,\nA,Xã,commune,P\n",
    )
    .unwrap();
    std::fs::write(
        data.join("dossiers.csv"),
        "dossier_id,agency_code,procedure_code,applicant_kind,channel,received_at,due_at,completed_at,invited\n\
         D1,A,1,citizen,counter,2026-01-01T08:00:00+07:00,2026-01-02T08:00:00+07:00,2026-01-02T08:00:00+07:00,true\n",
    )
    .unwrap();
    std::fs::write(data.join("responses.csv"), "response_id,agency_code,procedure_code,applicant_kind,channel,quarter,questionnaire_version\nR1,A,1,citizen,counter,2026-Q1,2026.1\n").unwrap();
    std::fs::write(
        data.join("answers.csv"),
        "response_id,item_code,value\nR1,A1,4\nR1,A2,9\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("q.json"),
        hailong::services::questionnaires::DEFAULT_QUESTIONNAIRE,
    )
    .unwrap();

    let output = db.run_cli(
        dir.path(),
        &[
            "analyze",
            "--data",
            "data",
            "--questionnaire",
            "q.json",
            "--period",
            "quarter",
            "--out",
            "out",
        ],
    );

    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("answers.csv: line 3: field `value`"),
        "{stderr}"
    );
    assert!(!dir.path().join("out").exists(), "nothing is written");
}
