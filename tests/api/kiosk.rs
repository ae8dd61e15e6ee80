//! The counter's kiosk: enrolled from the admin page or the command line, it takes the survey
//! code printed on a receipt and stores one response, as the kiosk's; a code answered one way
//! cannot be answered the other; it opens only its agency's surveys, and pauses after a few
//! wrong codes.

use hailong::domain::agency::Role;
use serde_json::Value;

use crate::helpers::{csrf_of, spawn_app, valid_dossier, TestApp, PASSWORD};

/// Posts a dossier (of `agency`) and returns its survey's path and the receipt's code.
pub(crate) async fn receipt(app: &TestApp, key: &str, id: &str, agency: &str) -> (String, String) {
    let mut dossier = valid_dossier(id);
    dossier["agency_code"] = Value::from(agency);
    receipt_of(app, key, &dossier).await
}

/// Sends `dossier`; returns its survey's path and the code printed on its receipt.
pub(crate) async fn receipt_of(app: &TestApp, key: &str, dossier: &Value) -> (String, String) {
    let response = app.post_dossiers(key, dossier).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    let issued = &body["dossiers"][0];
    let path = issued["survey_url"]
        .as_str()
        .unwrap()
        .strip_prefix(&app.address)
        .unwrap()
        .to_owned();
    let code = issued["survey_code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 12, "printed as 123 456 7890: {code}");
    (path, code)
}

/// A tablet: a browser of its own (cookies, no redirects followed).
pub(crate) struct Tablet {
    app_address: String,
    client: reqwest::Client,
}

impl Tablet {
    async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.app_address))
            .send()
            .await
            .unwrap()
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.app_address))
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    /// Opens the set-up link and presses its button: the tablet is then the kiosk.
    pub(crate) async fn enrol(app: &TestApp, enrol_path: &str) -> Self {
        let tablet = Tablet {
            app_address: app.address.clone(),
            client: app.another_client(),
        };
        let page = tablet.get(enrol_path).await;
        assert_eq!(page.status(), 200);
        let page = page.text().await.unwrap();
        assert!(
            page.contains("Dùng thiết bị này làm máy đánh giá"),
            "{page}"
        );
        let done = tablet.post(enrol_path, &[("csrf", &csrf_of(&page))]).await;
        assert_eq!(done.status(), 303);
        assert_eq!(done.headers()["location"], "/kiosk?lang=vi");
        tablet
    }

    /// Types a code on the keypad: the response to the code (a redirect to the survey when it
    /// is taken).
    async fn type_code(&self, code: &str) -> reqwest::Response {
        let keypad = self.get("/kiosk").await.text().await.unwrap();
        self.post(
            "/kiosk",
            &[("csrf", &csrf_of(&keypad)), ("lang", "vi"), ("code", code)],
        )
        .await
    }

    /// Types the code and answers its survey; returns the final page's response.
    pub(crate) async fn answer(&self, code: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let opened = self.open(code).await;
        self.send(&opened, fields).await
    }

    /// Types the code and opens its survey: the ticket and the form's CSRF token.
    async fn open(&self, code: &str) -> (String, String) {
        let typed = self.type_code(code).await;
        assert_eq!(typed.status(), 303, "{}", typed.text().await.unwrap());
        let survey_path = typed.headers()["location"].to_str().unwrap().to_owned();
        let form = self.get(&survey_path).await;
        assert_eq!(form.status(), 200);
        // A survey left unsent goes back to an empty keypad by itself, without script.
        let refresh = form.headers()["refresh"].to_str().unwrap().to_owned();
        assert!(refresh.starts_with("240;url=/kiosk?lang="), "{refresh}");
        let form = form.text().await.unwrap();
        assert!(form.contains("trở về bàn phím"), "the page says so");
        assert!(form.contains("action=\"/kiosk/survey\""), "{form}");
        let ticket = survey_path
            .split("t=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap()
            .to_owned();
        (ticket, csrf_of(&form))
    }

    /// Sends a survey opened at the kiosk.
    async fn send(&self, opened: &(String, String), fields: &[(&str, &str)]) -> reqwest::Response {
        let (ticket, csrf) = opened.clone();
        let mut posted = vec![("csrf", csrf), ("lang", "vi".to_owned()), ("t", ticket)];
        posted.extend(fields.iter().map(|(k, v)| (*k, (*v).to_owned())));
        let posted: Vec<(&str, &str)> = posted.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.post("/kiosk/survey", &posted).await
    }
}

/// Every question of a survey form answered with `value` (a yes/no question: yes for 4 or 5,
/// no otherwise).
pub(crate) fn every_item<'v>(form: &str, value: &'v str) -> Vec<(String, &'v str)> {
    let mut offered: Vec<(String, Vec<String>)> = Vec::new();
    for radio in form.split("<input type=\"radio\" name=\"").skip(1) {
        let name = radio.split('"').next().unwrap().to_owned();
        let offers = radio
            .split("value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        match offered.last_mut() {
            Some((last, values)) if *last == name => values.push(offers.to_owned()),
            _ => offered.push((name, vec![offers.to_owned()])),
        }
    }
    offered
        .into_iter()
        .map(|(name, values)| {
            let chosen = if values.iter().any(|v| v == value) {
                value
            } else if value >= "4" {
                "1"
            } else {
                "0"
            };
            (name, chosen)
        })
        .collect()
}

/// The path of the set-up link shown on the admin page once.
fn enrol_path_of(page: &str) -> String {
    let start = page
        .find("/kiosk/enrol/")
        .expect("the set-up link is shown");
    page[start..].split(['<', '"']).next().unwrap().to_owned()
}

pub(crate) async fn enrol_from_admin_page(app: &TestApp, agency: &str, name: &str) -> String {
    let admin = app.signed_in_client("admin@angiang.test", PASSWORD).await;
    let page = admin
        .get(format!("{}/admin/kiosks", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let created = admin
        .post(format!("{}/admin/kiosks", app.address))
        .form(&[
            ("csrf", csrf_of(&page).as_str()),
            ("agency", agency),
            ("name", name),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let page = created.text().await.unwrap();
    assert!(page.contains("<svg"), "the set-up link's QR code is shown");
    enrol_path_of(&page)
}

#[tokio::test]
async fn a_kiosk_takes_a_receipt_code_and_stores_one_response_as_the_kiosks() {
    let app = spawn_app().await;
    app.seed();
    app.add_user("admin@angiang.test", Role::Admin, None);
    let key = app.new_api_key("one-stop shop");
    let (link, code) = receipt(&app, &key, "K.1", "AG-X-OCEO").await;

    let tablet = Tablet::enrol(
        &app,
        &enrol_from_admin_page(&app, "AG-X-OCEO", "Quầy 1").await,
    )
    .await;
    let keypad = tablet.get("/kiosk").await;
    assert_eq!(keypad.status(), 200);
    assert_eq!(keypad.headers()["cache-control"], "no-store");
    let keypad = keypad.text().await.unwrap();
    assert!(keypad.contains("Ủy ban nhân dân xã Óc Eo"), "{keypad}");
    assert!(keypad.contains("inputmode=\"numeric\""));

    let thanks = tablet
        .answer(
            &code.replace(' ', ""),
            &[("q_A1", "4"), ("comment", "Nhanh gọn")],
        )
        .await;
    assert_eq!(thanks.status(), 200);
    assert_eq!(
        thanks.headers()["refresh"],
        "30;url=/kiosk?lang=vi",
        "back to the keypad after 30 s"
    );
    let thanks = thanks.text().await.unwrap();
    assert!(thanks.contains("Cảm ơn"), "{thanks}");
    assert!(
        !thanks.contains("Nhanh gọn"),
        "nothing of the answers stays on screen"
    );

    let stored = crate::helpers::stored_responses(&mut app.conn());
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].mode, "kiosk");
    assert_eq!(stored[0].comment.as_deref(), Some("Nhanh gọn"));

    // Answered at the kiosk: the link is spent, and the code too.
    let by_link = app.get(&link).await.text().await.unwrap();
    assert!(by_link.contains("đã được trả lời"), "{by_link}");
    let again = tablet.type_code(&code).await;
    assert_eq!(again.status(), 409);
    assert!(again.text().await.unwrap().contains("đã được trả lời"));
}

#[tokio::test]
async fn a_survey_answered_by_link_cannot_be_answered_at_the_kiosk() {
    let app = spawn_app().await;
    app.seed();
    app.add_user("admin@angiang.test", Role::Admin, None);
    let key = app.new_api_key("one-stop shop");
    let (link, code) = receipt(&app, &key, "K.2", "AG-X-OCEO").await;
    let tablet = Tablet::enrol(
        &app,
        &enrol_from_admin_page(&app, "AG-X-OCEO", "Quầy 2").await,
    )
    .await;

    // Opened at the kiosk, then answered by link before the kiosk's form is sent.
    let opened = tablet.open(&code).await;
    let csrf = app.open_survey(&link).await;
    assert_eq!(
        app.submit(&link, &[("csrf", &csrf), ("q_A1", "5")])
            .await
            .status(),
        200
    );
    let late = tablet.send(&opened, &[("q_A1", "1")]).await;
    assert_eq!(late.status(), 409);
    assert!(late.text().await.unwrap().contains("đã được trả lời"));
    assert_eq!(tablet.type_code(&code).await.status(), 409);

    let stored = crate::helpers::stored_responses(&mut app.conn());
    assert_eq!(stored.len(), 1, "one dossier, one response");
    assert_eq!(stored[0].mode, "link");
    let answers = hailong::db::responses::answers_of(&mut app.conn(), &stored[0].id).unwrap();
    assert_eq!(answers[0].value, 5, "the link's answer stands");
}

#[tokio::test]
async fn a_kiosk_opens_only_its_agencys_surveys_and_pauses_after_wrong_codes() {
    let app = spawn_app().await;
    app.seed();
    app.add_user("admin@angiang.test", Role::Admin, None);
    let key = app.new_api_key("one-stop shop");
    let (_, oceo_code) = receipt(&app, &key, "K.3", "AG-X-OCEO").await;
    let (_, rachgia_code) = receipt(&app, &key, "K.4", "AG-P-RACHGIA").await;
    let tablet = Tablet::enrol(
        &app,
        &enrol_from_admin_page(&app, "AG-P-RACHGIA", "Quầy 1").await,
    )
    .await;

    // Typing mistakes are caught by the check digit, said plainly, and not held against it.
    let digits: String = oceo_code.chars().filter(char::is_ascii_digit).collect();
    let mut swapped: Vec<char> = digits.chars().collect();
    let at = (0..9).find(|i| swapped[*i] != swapped[i + 1]).unwrap();
    swapped.swap(at, at + 1);
    let swapped: String = swapped.into_iter().collect();
    for typo in ["12345", "12345abcde", swapped.as_str()] {
        let refused = tablet.type_code(typo).await;
        assert_eq!(refused.status(), 422, "{typo}");
        let page = refused.text().await.unwrap();
        assert!(page.contains("role=\"alert\""), "{page}");
    }

    // Another agency's survey: not this kiosk's, counted as a wrong code.
    let other = tablet.type_code(&oceo_code).await;
    assert_eq!(other.status(), 404);
    assert!(other
        .text()
        .await
        .unwrap()
        .contains("Không tìm thấy phiếu khảo sát"));
    for _ in 1..hailong::services::kiosks::WRONG_CODES_ALLOWED {
        assert_eq!(tablet.type_code(&oceo_code).await.status(), 404);
    }
    // Paused: even its own agency's right code waits, with a clear message.
    let paused = tablet.type_code(&rachgia_code).await;
    assert_eq!(paused.status(), 429);
    let page = paused.text().await.unwrap();
    assert!(page.contains("quá nhiều mã sai"), "{page}");

    // A kiosk of the province opens its communes' surveys.
    let province = Tablet::enrol(&app, &enrol_from_admin_page(&app, "AG", "Sảnh tỉnh").await).await;
    assert_eq!(province.type_code(&oceo_code).await.status(), 303);
    // A ticket is the kiosk's own: another kiosk cannot use it.
    let typed = province.type_code(&oceo_code).await;
    let survey_path = typed.headers()["location"].to_str().unwrap().to_owned();
    let elsewhere = tablet.get(&survey_path).await;
    assert_eq!(elsewhere.status(), 409);
}

/// Wrong codes sent in parallel are counted one after another: no more than the allowed
/// number get an answer before the kiosk pauses.
#[tokio::test]
async fn guesses_sent_in_parallel_are_paused_like_guesses_in_a_row() {
    let app = spawn_app().await;
    app.seed();
    app.add_user("admin@angiang.test", Role::Admin, None);
    let key = app.new_api_key("one-stop shop");
    let (_, oceo_code) = receipt(&app, &key, "K.P", "AG-X-OCEO").await;
    let tablet = Tablet::enrol(
        &app,
        &enrol_from_admin_page(&app, "AG-P-RACHGIA", "Quầy 2").await,
    )
    .await;
    let keypad = tablet.get("/kiosk").await.text().await.unwrap();
    let csrf = csrf_of(&keypad);
    let form = [
        ("csrf", csrf.as_str()),
        ("lang", "vi"),
        ("code", oceo_code.as_str()),
    ];
    let guesses = (0..20).map(|_| tablet.post("/kiosk", &form));
    let statuses: Vec<u16> = futures_util::future::join_all(guesses)
        .await
        .into_iter()
        .map(|r| r.status().as_u16())
        .collect();
    let answered = statuses.iter().filter(|s| **s == 404).count() as i64;
    assert_eq!(
        answered,
        hailong::services::kiosks::WRONG_CODES_ALLOWED,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 404 || *s == 429),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn a_revoked_kiosk_is_refused_and_a_device_that_is_not_one_is_told_so() {
    let app = spawn_app().await;
    app.seed();
    let key = app.new_api_key("one-stop shop");
    let (_, code) = receipt(&app, &key, "K.5", "AG-X-OCEO").await;
    let cwd = tempfile::tempdir().unwrap();
    let enrolled = app.db.run_cli(
        cwd.path(),
        &[
            "kiosk",
            "enrol",
            "--agency",
            "AG-X-OCEO",
            "--name",
            "Quầy 3",
        ],
    );
    assert!(enrolled.status.success(), "{enrolled:?}");
    let printed = String::from_utf8(enrolled.stdout).unwrap();
    let tablet = Tablet::enrol(&app, &enrol_path_of(&printed)).await;
    assert_eq!(tablet.get("/kiosk").await.status(), 200);

    // Staff reprint a receipt's code from the command line.
    let reprinted = app
        .db
        .run_cli(cwd.path(), &["kiosk", "code", "--dossier", "K.5"]);
    assert!(reprinted.status.success());
    assert!(String::from_utf8(reprinted.stdout)
        .unwrap()
        .starts_with(&code));
    let unknown = app
        .db
        .run_cli(cwd.path(), &["kiosk", "code", "--dossier", "K.404"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8(unknown.stderr)
        .unwrap()
        .contains("--dossier"));

    let listed = app.db.run_cli(cwd.path(), &["kiosk", "list"]);
    let listed = String::from_utf8(listed.stdout).unwrap();
    let id = listed.split('\t').next().unwrap().trim().to_owned();
    assert!(
        listed.contains("Quầy 3") && listed.contains("active"),
        "{listed}"
    );
    let revoked = app
        .db
        .run_cli(cwd.path(), &["kiosk", "revoke", "--id", &id]);
    assert!(revoked.status.success(), "{revoked:?}");

    let refused = tablet.get("/kiosk").await;
    assert_eq!(refused.status(), 403);
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("Thiết bị chưa được cài đặt"));
    let stranger = Tablet {
        app_address: app.address.clone(),
        client: app.another_client(),
    };
    assert_eq!(stranger.get("/kiosk").await.status(), 403);
    let bad_enrol = stranger.get("/kiosk/enrol/not-a-credential").await;
    assert_eq!(bad_enrol.status(), 403);

    // Refusals name the field.
    let no_agency = app.db.run_cli(
        cwd.path(),
        &["kiosk", "enrol", "--agency", "AG-NOPE", "--name", "Quầy 4"],
    );
    assert!(!no_agency.status.success());
    assert!(String::from_utf8(no_agency.stderr)
        .unwrap()
        .contains("--agency"));
}

#[tokio::test]
async fn the_mode_is_exported_with_each_response_and_its_rate_shown_to_the_province() {
    let app = spawn_app().await;
    app.seed();
    app.add_user("admin@angiang.test", Role::Admin, None);
    let key = app.new_api_key("one-stop shop");
    let tablet = Tablet::enrol(
        &app,
        &enrol_from_admin_page(&app, "AG-X-OCEO", "Quầy 1").await,
    )
    .await;
    // At the counter they are happier than those who answer the link, in this test.
    for i in 0..12 {
        let (link, code) = receipt(&app, &key, &format!("K.M{i}"), "AG-X-OCEO").await;
        let form = app.get(&link).await.text().await.unwrap();
        let value = if i % 2 == 0 { "5" } else { "2" };
        let every_item = every_item(&form, value);
        let fields: Vec<(&str, &str)> = every_item.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        if i % 2 == 0 {
            assert_eq!(tablet.answer(&code, &fields).await.status(), 200);
        } else {
            let mut posted = vec![("csrf", csrf_of(&form))];
            posted.extend(fields.iter().map(|(k, v)| (*k, (*v).to_owned())));
            let posted: Vec<(&str, &str)> = posted.iter().map(|(k, v)| (*k, v.as_str())).collect();
            assert_eq!(app.submit(&link, &posted).await.status(), 200);
        }
    }
    crate::helpers::release_held(&mut app.conn());
    let admin = app.signed_in_client("admin@angiang.test", PASSWORD).await;
    let csv = admin
        .get(format!("{}/exports/raw/responses.csv", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines
        .next()
        .unwrap()
        .trim_start_matches('\u{feff}')
        .split(',')
        .collect();
    let mode_at = header
        .iter()
        .position(|h| *h == "mode")
        .expect("a mode column");
    let modes: Vec<&str> = lines.map(|l| l.split(',').nth(mode_at).unwrap()).collect();
    assert_eq!(modes.iter().filter(|m| **m == "kiosk").count(), 6, "{csv}");
    assert_eq!(modes.iter().filter(|m| **m == "link").count(), 6, "{csv}");

    // The province's numbers and the agency's, of every response or of one mode's.
    for (page_path, card_label) in [
        ("/dashboard/province", "Chỉ số hài lòng toàn tỉnh"),
        ("/dashboard/agency/AG-X-OCEO", "Chỉ số hài lòng (0–100)"),
    ] {
        let mut index_of = std::collections::BTreeMap::new();
        for mode in ["", "kiosk", "link"] {
            let path = format!("{page_path}?period=2026-Q2&mode={mode}");
            let page = app.current_page_as(&admin, &path).await;
            let card = page
                .split(&format!("{card_label}</div><div class=\"big\">"))
                .nth(1)
                .unwrap_or_else(|| panic!("{page}"));
            let value: f64 = card
                .split('<')
                .next()
                .unwrap()
                .replace(',', ".")
                .parse()
                .unwrap_or_else(|_| panic!("a value: {card}"));
            index_of.insert(mode, value);
        }
        assert!(
            index_of["kiosk"] > index_of[""] && index_of[""] > index_of["link"],
            "{page_path}: {index_of:?}"
        );
    }

    let delivery = admin
        .get(format!("{}/dashboard/delivery?period=2026-Q2", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(delivery.contains("Trả lời theo cách trả lời"), "{delivery}");
    assert!(delivery.contains("Máy tại quầy"));
}

#[tokio::test]
async fn a_kiosk_speaks_khmer_from_the_keypad_to_the_survey() {
    let app = spawn_app().await;
    app.seed();
    app.add_user("admin@angiang.test", Role::Admin, None);
    let key = app.new_api_key("one-stop shop");
    let (_, code) = receipt(&app, &key, "K.KM", "AG-X-OCEO").await;
    let tablet = Tablet::enrol(
        &app,
        &enrol_from_admin_page(&app, "AG-X-OCEO", "Quầy 1").await,
    )
    .await;

    let keypad = tablet.get("/kiosk?lang=km").await.text().await.unwrap();
    assert!(keypad.contains("<html lang=\"km\">"));
    assert!(keypad.contains("សូមវាយលេខកូដស្ទង់មតិ"), "{keypad}");
    let mistyped = tablet
        .post(
            "/kiosk",
            &[("csrf", &csrf_of(&keypad)), ("lang", "km"), ("code", "123")],
        )
        .await;
    assert_eq!(mistyped.status(), 422);
    assert!(mistyped
        .text()
        .await
        .unwrap()
        .contains("លេខកូដស្ទង់មតិមាន 10 ខ្ទង់"));

    let keypad = tablet.get("/kiosk?lang=km").await.text().await.unwrap();
    let taken = tablet
        .post(
            "/kiosk",
            &[
                ("csrf", &csrf_of(&keypad)),
                ("lang", "km"),
                ("code", &code.replace(' ', "")),
            ],
        )
        .await;
    assert_eq!(taken.status(), 303);
    let survey = taken.headers()["location"].to_str().unwrap().to_owned();
    assert!(survey.ends_with("&lang=km"), "{survey}");
    let form = tablet.get(&survey).await.text().await.unwrap();
    assert!(form.contains("<html lang=\"km\">"));
    assert!(form.contains("ជារួម លោកអ្នកពេញចិត្តនឹងការដោះស្រាយនីតិវិធីរដ្ឋបាលនេះ"));
}
