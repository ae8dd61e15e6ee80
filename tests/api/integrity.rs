//! Integrity signals: each rule flags what it names, a normal counter day raises no flag, and
//! flagged responses are left out of the analysis inputs and counted on the integrity page.

use chrono::{Duration, SecondsFormat, Utc};
use hailong::domain::agency::Role;
use serde_json::Value;

use crate::helpers::{csrf_of, spawn_app_with, valid_dossier, TestApp, TestDb, PASSWORD};
use crate::kiosk::{enrol_from_admin_page, every_item, receipt, Tablet};

/// The `shown` field of the form of the survey at `link` (its path or URL) as if it had been
/// shown `seconds` ago.
fn shown_ago(app: &TestApp, link: &str, seconds: i64) -> String {
    let secret = app.db.settings().secret;
    let token = link.rsplit('/').next().unwrap();
    hailong::services::integrity::shown_token(
        &secret,
        Utc::now() - Duration::seconds(seconds),
        &hailong::domain::token::spent_key(&secret, token),
    )
}

/// Every question answered as people do: rated ones varied, yes/no ones yes.
fn varied(form: &str) -> Vec<(String, String)> {
    every_item(form, "4")
        .into_iter()
        .enumerate()
        .map(|(i, (name, v))| {
            let value = if v == "4" {
                ["3", "4", "5", "4"][i % 4]
            } else {
                v
            };
            (name, value.to_owned())
        })
        .collect()
}

/// Answers a link survey with `fields`, as if its form had been shown at `shown` (else when
/// it was, just now); returns the status.
async fn answer_link(
    app: &TestApp,
    path: &str,
    fields: &[(String, String)],
    shown: Option<String>,
) -> u16 {
    let form = app.get(path).await.text().await.unwrap();
    let as_shown = form
        .split("name=\"shown\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the form carries when it was shown")
        .to_owned();
    post_answers(
        app,
        path,
        &csrf_of(&form),
        fields,
        &shown.unwrap_or(as_shown),
    )
    .await
}

/// Posts `fields` to the survey at `path` with a form's CSRF token and `shown` field; returns
/// the status.
async fn post_answers(
    app: &TestApp,
    path: &str,
    csrf: &str,
    fields: &[(String, String)],
    shown: &str,
) -> u16 {
    let mut posted = vec![("csrf", csrf)];
    posted.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    posted.push(("shown", shown));
    app.submit(path, &posted).await.status().as_u16()
}

fn flags(app: &TestApp) -> Vec<Option<String>> {
    let mut flags: Vec<Option<String>> = crate::helpers::stored_responses(&mut app.conn())
        .into_iter()
        .map(|r| r.flag)
        .collect();
    flags.sort();
    flags
}

#[tokio::test]
async fn each_link_rule_flags_what_it_names_and_flagged_responses_stay_out_of_the_analysis() {
    let db = TestDb::new();
    let settings = db.settings_with(&[
        ("HAILONG_INTEGRITY_SECONDS_PER_ANSWER", "1"),
        ("HAILONG_INTEGRITY_STRAIGHT_LINE_ITEMS", "8"),
        ("HAILONG_INTEGRITY_ANSWERS_PER_ADDRESS", "3"),
    ]);
    let app = spawn_app_with(db, settings).await;
    // One form's answers are sent for several dossiers: every dossier asks every item.
    app.ask_every_item();
    let key = app.new_api_key("one-stop shop");
    let mut paths = Vec::new();
    for i in 0..4 {
        paths.push(receipt(&app, &key, &format!("I.{i}"), "AG-X-OCEO").await.0);
    }
    let form = app.get(&paths[0]).await.text().await.unwrap();
    assert!(
        form.contains("name=\"shown\""),
        "the form carries when it was shown"
    );
    let people = varied(&form);
    let all_fives: Vec<(String, String)> = every_item(&form, "5")
        .into_iter()
        .map(|(k, v)| (k, v.to_owned()))
        .collect();

    // A person who read the questions (a minute and a half).
    assert_eq!(
        answer_link(
            &app,
            &paths[0],
            &people,
            Some(shown_ago(&app, &paths[0], 90))
        )
        .await,
        200
    );
    // Sent a second after the form was shown: nobody reads 18 questions that fast.
    assert_eq!(answer_link(&app, &paths[1], &people, None).await, 200);
    // The same mark on every rated question.
    assert_eq!(
        answer_link(
            &app,
            &paths[2],
            &all_fives,
            Some(shown_ago(&app, &paths[2], 90))
        )
        .await,
        200
    );
    // The fourth answer from one address today.
    assert_eq!(
        answer_link(
            &app,
            &paths[3],
            &people,
            Some(shown_ago(&app, &paths[3], 90))
        )
        .await,
        200
    );

    assert_eq!(
        flags(&app),
        [
            None,
            Some("one_address".to_owned()),
            Some("straight_line".to_owned()),
            Some("too_fast".to_owned()),
        ]
    );

    // Out of the analysis inputs, counted on the integrity page.
    app.add_user("tinh@angiang.test", Role::Province, None);
    let province = app.signed_in_client("tinh@angiang.test", PASSWORD).await;
    let csv = province
        .get(format!("{}/exports/raw/responses.csv", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        csv.lines().count(),
        2,
        "the header and the one unflagged response: {csv}"
    );
    let page = province
        .get(format!(
            "{}/dashboard/integrity?period=2026-Q2",
            app.address
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("Ủy ban nhân dân xã Óc Eo"), "{page}");
    assert!(page.contains("Trả lời quá nhanh") && page.contains("quá 3 phiếu qua đường dẫn"));
    // Counts under 5 are not shown as such.
    assert!(!page.contains("<td class=\"num\">1</td>"), "{page}");
    app.add_user("xa@angiang.test", Role::Agency, Some("AG-X-OCEO"));
    let agency = app.signed_in_client("xa@angiang.test", PASSWORD).await;
    let refused = agency
        .get(format!("{}/dashboard/integrity", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 404, "the province's page only");
}

/// A dossier of the Óc Eo commune completed `ago` before now.
fn completed_ago(id: &str, ago: Duration) -> Value {
    let completed = Utc::now() - ago;
    let mut dossier = valid_dossier(id);
    let at = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    dossier["received_at"] = Value::from(at(completed - Duration::days(1)));
    dossier["due_at"] = Value::from(at(completed + Duration::days(1)));
    dossier["completed_at"] = Value::from(at(completed));
    dossier
}

#[tokio::test]
async fn a_normal_counter_day_raises_no_flag_and_a_burst_at_a_kiosk_does() {
    let db = TestDb::new();
    let settings = db.settings_with(&[
        ("HAILONG_INTEGRITY_SECONDS_PER_ANSWER", "1"),
        ("HAILONG_INTEGRITY_STRAIGHT_LINE_ITEMS", "8"),
        ("HAILONG_INTEGRITY_KIOSK_SLACK", "2"),
    ]);
    let app = spawn_app_with(db, settings).await;
    // One form's answers are sent for several dossiers: every dossier asks every item.
    app.ask_every_item();
    app.add_user("admin@angiang.test", Role::Admin, None);
    let key = app.new_api_key("one-stop shop");
    let hour = || Utc::now().format("%Y-%m-%d %H").to_string();
    let started = hour();
    let mut codes = Vec::new();
    for (i, ago) in [Duration::minutes(10); 6]
        .into_iter()
        .chain([Duration::days(3); 3])
        .enumerate()
    {
        let body: Value = app
            .post_dossiers(&key, &completed_ago(&format!("I.K{i}"), ago))
            .await
            .json()
            .await
            .unwrap();
        let survey = &body["dossiers"][0];
        codes.push((
            survey["survey_code"].as_str().unwrap().to_owned(),
            survey["survey_url"].as_str().unwrap().to_owned(),
        ));
    }
    let tablet = Tablet::enrol(
        &app,
        &enrol_from_admin_page(&app, "AG-X-OCEO", "Quầy 1").await,
    )
    .await;
    let form = {
        let (path, _) = receipt(&app, &key, "I.FORM", "AG-X-OCEO").await;
        app.get(&path).await.text().await.unwrap()
    };
    let people = varied(&form);
    // The day's citizens, each answering after reading, one after the other: as many answers
    // as dossiers completed, then two more (the slack), then one too many.
    for (code, link) in &codes {
        let mut fields: Vec<(&str, &str)> = people
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let shown = shown_ago(&app, link, 120);
        fields.push(("shown", &shown));
        assert_eq!(tablet.answer(code, &fields).await.status(), 200);
    }
    if hour() != started {
        eprintln!("skipped: the clock hour turned during the test, and kiosk hours with it");
        return;
    }
    let flags = flags(&app);
    assert_eq!(
        flags.iter().filter(|f| f.is_none()).count(),
        8,
        "six completed dossiers and a slack of two raise no flag: {flags:?}"
    );
    assert_eq!(
        flags
            .iter()
            .filter(|f| f.as_deref() == Some("burst"))
            .count(),
        1,
        "{flags:?}"
    );
}

/// The time a form was shown is bound to its survey and required: a form sent without it,
/// or with the token of another survey's form (an old one, say), counts as sent at once.
#[tokio::test]
async fn a_form_without_its_own_shown_time_is_flagged_too_fast() {
    let db = TestDb::new();
    let settings = db.settings_with(&[("HAILONG_INTEGRITY_SECONDS_PER_ANSWER", "1")]);
    let app = spawn_app_with(db, settings).await;
    app.ask_every_item();
    let key = app.new_api_key("one-stop shop");
    let mut paths = Vec::new();
    for i in 0..3 {
        paths.push(receipt(&app, &key, &format!("I.S{i}"), "AG-X-OCEO").await.0);
    }
    let form = app.get(&paths[0]).await.text().await.unwrap();
    let people = varied(&form);
    // Read for a minute and a half, with its own form's time: no flag.
    assert_eq!(
        answer_link(
            &app,
            &paths[0],
            &people,
            Some(shown_ago(&app, &paths[0], 90))
        )
        .await,
        200
    );
    // Another survey's form time, however old: flagged.
    assert_eq!(
        answer_link(
            &app,
            &paths[1],
            &people,
            Some(shown_ago(&app, &paths[0], 900))
        )
        .await,
        200
    );
    // No time at all: flagged.
    let form = app.get(&paths[2]).await.text().await.unwrap();
    let csrf = csrf_of(&form);
    let mut posted: Vec<(&str, &str)> = vec![("csrf", &csrf)];
    posted.extend(people.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    assert_eq!(app.submit(&paths[2], &posted).await.status(), 200);
    assert_eq!(
        flags(&app),
        [
            None,
            Some("too_fast".to_owned()),
            Some("too_fast".to_owned())
        ]
    );
}

/// Link answers sent together are written together (one statement counts the group's
/// addresses): the rule still sees them as if they came one after the other.
#[tokio::test]
async fn answers_sent_together_from_one_address_are_counted_as_one_after_the_other() {
    let db = TestDb::new();
    let settings = db.settings_with(&[("HAILONG_INTEGRITY_ANSWERS_PER_ADDRESS", "5")]);
    let app = spawn_app_with(db, settings).await;
    app.ask_every_item();
    let key = app.new_api_key("one-stop shop");
    let mut paths = Vec::new();
    for i in 0..24 {
        paths.push(receipt(&app, &key, &format!("T.{i}"), "AG-X-OCEO").await.0);
    }
    // One form's CSRF pair serves every post (the cookie jar holds the last one's).
    let form = app.get(&paths[0]).await.text().await.unwrap();
    let (csrf, people) = (csrf_of(&form), varied(&form));
    let sent = paths.iter().map(|path| {
        let (csrf, people, app) = (&csrf, &people, &app);
        async move { post_answers(app, path, csrf, people, &shown_ago(app, path, 90)).await }
    });
    let statuses = futures_util::future::join_all(sent).await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");

    let flags = flags(&app);
    assert_eq!(flags.iter().filter(|f| f.is_none()).count(), 5, "{flags:?}");
    assert_eq!(
        flags
            .iter()
            .filter(|f| f.as_deref() == Some("one_address"))
            .count(),
        19,
        "{flags:?}"
    );
}
