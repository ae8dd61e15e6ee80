use serde_json::{json, Value};

use crate::helpers::{spawn_app, valid_dossier};

#[tokio::test]
async fn a_valid_dossier_gets_a_survey_link_and_a_qr_code() {
    let app = spawn_app().await;
    app.seed();
    let key = app.new_api_key("one-stop shop");

    let response = app.post_dossiers(&key, &valid_dossier("G22.1")).await;

    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    let issued = &body["dossiers"][0];
    assert_eq!(issued["status"], "created");
    let url = issued["survey_url"].as_str().unwrap();
    let token = url.rsplit('/').next().unwrap();
    assert!(url.starts_with(&format!("{}/s/", app.address)));
    assert!(token.len() >= 22, "at least 128 bits");
    let qr = app
        .client
        .get(format!("{}/api/v1/dossiers/G22.1/qr.svg", app.address))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(qr.status(), 200);
    assert_eq!(qr.headers()["content-type"], "image/svg+xml");
    assert!(qr.text().await.unwrap().contains("<svg"));
}

#[tokio::test]
async fn neither_the_id_number_nor_the_token_is_stored_in_clear() {
    let app = spawn_app().await;
    app.seed();
    let key = app.new_api_key("one-stop shop");
    let body: Value = app
        .post_dossiers(&key, &valid_dossier("G22.2"))
        .await
        .json()
        .await
        .unwrap();
    let token = body["dossiers"][0]["survey_url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();

    let dump = crate::privacy::dump_all_text(&app);

    assert!(!dump.contains("089123456789"));
    assert!(!dump.contains("089 123 456 789"));
    assert!(!dump.contains(&token));
    assert!(!dump.contains(&key));
}

#[tokio::test]
async fn sending_the_same_dossier_again_returns_the_same_link() {
    let app = spawn_app().await;
    app.seed();
    let key = app.new_api_key("one-stop shop");

    let first: Value = app
        .post_dossiers(&key, &valid_dossier("G22.3"))
        .await
        .json()
        .await
        .unwrap();
    let again = app.post_dossiers(&key, &valid_dossier("G22.3")).await;

    assert_eq!(again.status(), 200);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["dossiers"][0]["status"], "existing");
    assert_eq!(
        again["dossiers"][0]["survey_url"],
        first["dossiers"][0]["survey_url"]
    );
}

#[tokio::test]
async fn the_same_id_with_other_content_is_a_conflict_that_names_the_fields() {
    let app = spawn_app().await;
    app.seed();
    let key = app.new_api_key("one-stop shop");
    app.post_dossiers(&key, &valid_dossier("G22.4")).await;
    let mut changed = valid_dossier("G22.4");
    changed["channel"] = json!("online");
    changed["applicant_id"] = json!("089999999999");

    let response = app.post_dossiers(&key, &changed).await;

    assert_eq!(response.status(), 409);
    let body: Value = response.json().await.unwrap();
    let fields = &body["conflicts"][0]["differing_fields"];
    assert_eq!(fields, &json!(["channel", "applicant_id"]));
}

#[tokio::test]
async fn invalid_fields_are_each_named_in_a_422() {
    let app = spawn_app().await;
    app.seed();
    let key = app.new_api_key("one-stop shop");
    let mut bad = valid_dossier("G22.5");
    bad["channel"] = json!("fax");
    bad["completed_at"] = json!("31/03/2026");
    bad["agency_code"] = json!("NO-SUCH");
    bad["applicant_id"] = json!(12345);

    let response = app.post_dossiers(&key, &bad).await;

    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for field in ["channel", "completed_at", "applicant_id"] {
        assert!(fields.contains(&field), "{field} missing from {fields:?}");
    }
    let unknown_agency = app
        .post_dossiers(&key, &{
            let mut d = valid_dossier("G22.6");
            d["agency_code"] = json!("NO-SUCH");
            d
        })
        .await;
    assert_eq!(unknown_agency.status(), 422);
    let body: Value = unknown_agency.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "agency_code");
    let not_json = app
        .client
        .post(format!("{}/api/v1/dossiers", app.address))
        .bearer_auth(&key)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);
}

#[tokio::test]
async fn a_batch_with_one_bad_dossier_stores_nothing() {
    let app = spawn_app().await;
    app.seed();
    let key = app.new_api_key("one-stop shop");
    let mut bad = valid_dossier("B.3");
    bad["applicant_kind"] = json!("robot");
    let batch = json!([valid_dossier("B.1"), valid_dossier("B.2"), bad]);

    let response = app.post_dossiers(&key, &batch).await;

    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["index"], 2);
    assert_eq!(hailong::db::dossiers::count(&mut app.conn()).unwrap(), 0);
    let good = app
        .post_dossiers(&key, &json!([valid_dossier("B.1"), valid_dossier("B.2")]))
        .await;
    assert_eq!(good.status(), 201);
    assert_eq!(hailong::db::dossiers::count(&mut app.conn()).unwrap(), 2);
}

#[tokio::test]
async fn a_batch_that_conflicts_stores_nothing_of_it() {
    let app = spawn_app().await;
    app.seed();
    let key = app.new_api_key("one-stop shop");
    app.post_dossiers(&key, &valid_dossier("C.1")).await;
    let mut changed = valid_dossier("C.1");
    changed["procedure_code"] = json!("1.001193");
    changed["due_at"] = json!("2026-04-30T17:00:00+07:00");

    let response = app
        .post_dossiers(&key, &json!([valid_dossier("C.2"), changed]))
        .await;

    assert_eq!(response.status(), 409);
    assert_eq!(hailong::db::dossiers::count(&mut app.conn()).unwrap(), 1);
}

#[tokio::test]
async fn a_missing_wrong_or_revoked_key_is_refused() {
    let app = spawn_app().await;
    app.seed();
    let key = app.new_api_key("old gateway");
    let url = format!("{}/api/v1/dossiers", app.address);

    let none = app
        .client
        .post(&url)
        .json(&valid_dossier("K.1"))
        .send()
        .await
        .unwrap();
    let wrong = app
        .post_dossiers("hl_not-a-real-key", &valid_dossier("K.1"))
        .await;
    hailong::db::api_clients::revoke(&mut app.conn(), "old gateway").unwrap();
    let revoked = app.post_dossiers(&key, &valid_dossier("K.1")).await;

    for response in [none, wrong, revoked] {
        assert_eq!(response.status(), 401);
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
    }
    assert_eq!(hailong::db::dossiers::count(&mut app.conn()).unwrap(), 0);
}

#[tokio::test]
async fn a_batch_over_1000_is_refused() {
    let app = spawn_app().await;
    app.seed();
    let key = app.new_api_key("one-stop shop");
    let batch: Vec<Value> = (0..1001)
        .map(|i| valid_dossier(&format!("L.{i}")))
        .collect();

    let response = app.post_dossiers(&key, &json!(batch)).await;

    assert_eq!(
        response.status(),
        422,
        "a rule of the contract, like the others"
    );
    let body: Value = response.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("at most 1000"));
    assert_eq!(hailong::db::dossiers::count(&mut app.conn()).unwrap(), 0);
}

#[tokio::test]
async fn the_openapi_document_describes_the_dossier_api() {
    let app = spawn_app().await;

    let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();

    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["paths"]["/api/v1/dossiers"]["post"].is_object());
    assert!(doc["paths"]["/api/v1/dossiers/{dossier_id}/qr.svg"]["get"].is_object());
    assert!(doc["components"]["securitySchemes"]["api_key"].is_object());
    // The batch's bounds are part of the contract (schemathesis sent `[]` when they were not).
    let reference = doc["paths"]["/api/v1/dossiers"]["post"]["requestBody"]["content"]
        ["application/json"]["schema"]["$ref"]
        .as_str()
        .unwrap();
    let body = &doc["components"]["schemas"][reference.rsplit('/').next().unwrap()];
    assert_eq!(body["minItems"], 1, "{body}");
    assert_eq!(body["maxItems"], 1000);
    assert!(doc["components"]["schemas"]["DossierIn"].is_object());
}

#[tokio::test]
async fn an_api_path_answers_an_unsupported_method_with_405_and_allow() {
    let app = spawn_app().await;
    for (method, path, allow) in [
        (reqwest::Method::GET, "/api/v1/dossiers", "POST"),
        (reqwest::Method::TRACE, "/api/v1/dossiers", "POST"),
        (reqwest::Method::DELETE, "/api/v1/agencies", "GET"),
        (reqwest::Method::POST, "/api/v1/openapi.json", "GET"),
    ] {
        let response = app
            .client
            .request(method.clone(), format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 405, "{method} {path}");
        assert_eq!(response.headers()["allow"], allow);
    }
}

#[tokio::test]
async fn the_import_command_issues_links_and_names_the_line_of_a_bad_field() {
    let app = spawn_app().await;
    app.seed();
    let dir = tempfile::tempdir().unwrap();
    let header = "dossier_id,agency_code,procedure_code,applicant_kind,channel,received_at,due_at,completed_at,invited,applicant_id";
    let good = "I.1,AG-X-OCEO,1.001193,citizen,online,2026-07-01T08:00:00+07:00,2026-07-02T17:00:00+07:00,2026-07-02T09:00:00+07:00,true,089123456789";
    let bad = "I.2,AG-X-OCEO,1.001193,citizen,fax,2026-07-01T08:00:00+07:00,2026-07-02T17:00:00+07:00,2026-07-02T09:00:00+07:00,true,089123456789";
    std::fs::write(
        dir.path().join("bad.csv"),
        format!("{header}\n{good}\n{bad}\n"),
    )
    .unwrap();
    std::fs::write(dir.path().join("good.csv"), format!("{header}\n{good}\n")).unwrap();

    let failed = app
        .db
        .run_cli(dir.path(), &["import", "dossiers", "bad.csv"]);
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(!failed.status.success());
    assert!(
        stderr.contains("bad.csv: line 3: field `channel`"),
        "{stderr}"
    );
    assert_eq!(hailong::db::dossiers::count(&mut app.conn()).unwrap(), 0);

    let imported = app
        .db
        .run_cli(dir.path(), &["import", "dossiers", "good.csv"]);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let stdout = String::from_utf8_lossy(&imported.stdout);
    assert!(stdout.contains("I.1,created,"), "{stdout}");
    assert_eq!(hailong::db::dossiers::count(&mut app.conn()).unwrap(), 1);

    // The links follow the server's own configuration file, and the command says which
    // address it used.
    std::fs::write(
        dir.path().join("hailong.toml"),
        "bind = \"127.0.0.1:9123\"\n",
    )
    .unwrap();
    let again = app
        .db
        .run_cli(dir.path(), &["import", "dossiers", "good.csv"]);
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stdout).contains("I.1,existing,"));
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(
        said.contains("survey links use http://127.0.0.1:9123 (the server's HAILONG_BIND"),
        "{said}"
    );
}
