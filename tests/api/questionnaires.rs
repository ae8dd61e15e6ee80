//! A new questionnaire version is used by new invitations; earlier invitations and stored
//! responses keep theirs; a published version never changes.

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_new_version_applies_to_new_invitations_only() {
    let app = spawn_app().await;
    let old_path = app.issue_survey("Q.1").await;
    let csrf = app.open_survey(&old_path).await;
    app.submit(&old_path, &[("csrf", &csrf), ("q_A1", "5")])
        .await;
    let open_old = app.issue_survey("Q.2").await;

    let dir = tempfile::tempdir().unwrap();
    let mut q: serde_json::Value =
        serde_json::from_str(hailong::services::questionnaires::DEFAULT_QUESTIONNAIRE).unwrap();
    q["version"] = "2026.3".into();
    q["items"][0]["texts"]["vi"] = "Câu hỏi mới về tiếp cận dịch vụ".into();
    std::fs::write(dir.path().join("q.json"), q.to_string()).unwrap();
    let published = app
        .db
        .run_cli(dir.path(), &["questionnaire", "publish", "q.json"]);
    assert!(
        published.status.success(),
        "{}",
        String::from_utf8_lossy(&published.stderr)
    );

    let new_path = app.issue_survey("Q.3").await;
    let new_page = app.get(&new_path).await.text().await.unwrap();
    let old_page = app.get(&open_old).await.text().await.unwrap();

    assert!(new_page.contains("Câu hỏi mới về tiếp cận dịch vụ"));
    assert!(!old_page.contains("Câu hỏi mới về tiếp cận dịch vụ"));
    let stored = crate::helpers::stored_responses(&mut app.conn());
    assert_eq!(stored[0].questionnaire_version, "2026.2");

    q["items"][0]["texts"]["vi"] = "Sửa lại".into();
    std::fs::write(dir.path().join("q.json"), q.to_string()).unwrap();
    let rewrite = app
        .db
        .run_cli(dir.path(), &["questionnaire", "publish", "q.json"]);
    assert!(!rewrite.status.success());
    assert!(
        String::from_utf8_lossy(&rewrite.stderr).contains("already published with other content")
    );
    q["dimensions"][0]["weight"] = 0.5.into();
    std::fs::write(dir.path().join("bad.json"), q.to_string()).unwrap();
    let bad = app
        .db
        .run_cli(dir.path(), &["questionnaire", "publish", "bad.json"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("bad.json"));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("weights sum"));
}

/// Publishes the shipped 2026.2 file with the command line (the default already: it stays
/// as it is, and the command says so without failing).
fn publish_the_short_version(app: &crate::helpers::TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let short =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/questionnaires/2026.2.json");
    let published = app.db.run_cli(
        dir.path(),
        &["questionnaire", "publish", short.to_str().unwrap()],
    );
    assert!(
        published.status.success(),
        "{}",
        String::from_utf8_lossy(&published.stderr)
    );
}

#[tokio::test]
async fn the_short_version_asks_each_respondent_the_core_and_a_few_others_and_refuses_the_rest() {
    let app = spawn_app().await;
    app.seed();
    publish_the_short_version(&app);

    let mut asked_somewhere = std::collections::BTreeSet::new();
    for n in 0..6 {
        // The test dossier came to the counter.
        let path = app.issue_survey(&format!("SHORT.{n}")).await;
        let page = app.get(&path).await.text().await.unwrap();
        let asked: std::collections::BTreeSet<String> = page
            .split("name=\"q_")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap().to_owned())
            .collect();
        assert!(asked.len() <= 10, "{} questions: {asked:?}", asked.len());
        for core in ["A1", "P5", "S1", "R3", "O1", "F2"] {
            assert!(asked.contains(core), "the core's {core}: {asked:?}");
        }
        assert!(
            !asked.contains("A4"),
            "the online portal's question is not a counter's"
        );
        assert!(
            page.contains(&format!(
                "Phiếu có {} câu hỏi, mất khoảng 1 phút",
                asked.len()
            )),
            "an honest estimate"
        );
        if asked.contains("S5") {
            assert!(page.contains("Không biết / Không muốn trả lời"));
        }
        let page = app.get(&path).await.text().await.unwrap();
        let again: std::collections::BTreeSet<String> = page
            .split("name=\"q_")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap().to_owned())
            .collect();
        assert_eq!(
            again, asked,
            "the same questions when the link is opened again"
        );
        let not_asked = [
            "A2", "A3", "P1", "P2", "P3", "P4", "S2", "S3", "S4", "R1", "R2", "F3", "F4",
        ]
        .into_iter()
        .find(|code| !asked.contains(*code))
        .unwrap();
        let csrf = crate::helpers::csrf_of(&page);
        let refused = app
            .submit(
                &path,
                &[
                    ("csrf", &csrf),
                    ("q_A1", "4"),
                    (&format!("q_{not_asked}"), "4"),
                ],
            )
            .await;
        assert_eq!(refused.status(), 422, "{not_asked} was not asked");
        // The form comes back with a fresh CSRF pair.
        let csrf = crate::helpers::csrf_of(&refused.text().await.unwrap());
        let answered = app
            .submit(&path, &[("csrf", &csrf), ("q_A1", "4"), ("q_O1", "5")])
            .await;
        assert_eq!(answered.status(), 200);
        asked_somewhere.extend(asked);
    }
    assert!(
        asked_somewhere.len() > 10,
        "others are drawn for others: {asked_somewhere:?}"
    );
    let stored = crate::helpers::stored_responses(&mut app.conn());
    assert!(stored.iter().all(|r| r.questionnaire_version == "2026.2"));
}

#[tokio::test]
async fn the_short_version_speaks_khmer_with_its_own_texts_and_shows_where_each_section_stands() {
    let app = spawn_app().await;
    app.seed();
    publish_the_short_version(&app);
    let path = app.issue_survey("KHMER.1").await;

    let page = app
        .get(&format!("{path}?lang=km"))
        .await
        .text()
        .await
        .unwrap();

    assert!(page.contains("<html lang=\"km\">"), "{page}");
    // The questionnaire's own Khmer: the title, the overall question (core), a section's name.
    assert!(page.contains("ការស្ទង់មតិអំពីការពេញចិត្តចំពោះសេវារដ្ឋបាល"));
    assert!(page.contains("ជារួម លោកអ្នកពេញចិត្តនឹងការដោះស្រាយនីតិវិធីរដ្ឋបាលនេះ"));
    assert!(page.contains("ការទទួលបានសេវា"));
    // The catalogue's Khmer: the scale, the button, the honest length.
    assert!(page.contains("ពេញចិត្តខ្លាំង") && page.contains("ផ្ញើចម្លើយ"));
    assert!(page.contains("ចំណាយពេលប្រហែល 1 នាទី"));
    // Where each section stands: the five SIPAS elements are all asked (the core has one each).
    for step in 1..=5 {
        assert!(page.contains(&format!("ផ្នែក {step} / 5")), "section {step}");
    }
    // The switch offers the two other languages, each named in itself.
    assert!(page.contains("hreflang=\"vi\"") && page.contains("Tiếng Việt"));
    assert!(page.contains("hreflang=\"en\"") && page.contains(">English<"));
    let vietnamese = app
        .get(&format!("{path}?lang=vi"))
        .await
        .text()
        .await
        .unwrap();
    assert!(vietnamese.contains("Phần 2 / 5"));
    assert!(vietnamese.contains("hreflang=\"km\"") && vietnamese.contains("ភាសាខ្មែរ"));
}
