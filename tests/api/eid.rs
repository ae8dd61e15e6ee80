//! Identity-verified surveys against a real OpenID Connect provider over HTTP: the development
//! provider, with discovery, a JWKS and RS256-signed ID tokens, started next to the app.

use std::net::TcpListener;

use hailong::dev_idp::{self, DevIdpConfig, Misbehaviour, DEMO_CITIZENS};

use crate::helpers::{csrf_of, spawn_app_with, TestApp, TestDb};

/// The applicant of the verified dossiers below, and someone else.
pub const APPLICANT: usize = 0;
pub const SOMEONE_ELSE: usize = 1;

pub struct Verified {
    pub app: TestApp,
    issuer: String,
    idp: actix_web::dev::ServerHandle,
}

impl Verified {
    pub async fn stop(&self) {
        self.idp.stop(false).await;
        self.app.stop().await;
    }
}

/// An app whose agency AG-X-OCEO is `verified`, and a provider that misbehaves as told.
pub async fn verified_app(misbehaviour: Misbehaviour, extra: &[(&'static str, &str)]) -> Verified {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let db = TestDb::new();
    let mut overrides = vec![("HAILONG_EID_ISSUER", issuer.as_str())];
    overrides.extend_from_slice(extra);
    let settings = db.settings_with(&overrides);
    let app = spawn_app_with(db, settings).await;
    // The provider learns the app's callback only now that the app has its port; hailong
    // reads discovery lazily, at the first sign-in.
    let server = dev_idp::start(
        listener,
        DevIdpConfig {
            issuer: issuer.clone(),
            client_id: "hailong".into(),
            client_secret: None,
            redirect_uris: vec![format!("{}/s/eid/callback", app.address)],
            identity_claim: "citizen_id".into(),
            misbehaviour,
        },
    )
    .unwrap();
    let idp = server.handle();
    tokio::spawn(server);
    seed_verified(&app);
    Verified { app, issuer, idp }
}

/// Seeds the test province and makes AG-X-OCEO ask for the e-ID.
pub fn seed_verified(app: &TestApp) {
    app.seed();
    assert!(hailong::db::agencies::set_survey_policy(
        &mut app.conn(),
        "AG-X-OCEO",
        hailong::domain::agency::SurveyPolicy::Verified
    )
    .unwrap());
}

/// Issues a survey for a dossier of the verified agency filed by `DEMO_CITIZENS[applicant]`.
pub async fn issue(app: &TestApp, dossier_id: &str, applicant: usize) -> String {
    let key = app.new_api_key(&format!("client for {dossier_id}"));
    let mut dossier = crate::helpers::valid_dossier(dossier_id);
    dossier["applicant_id"] = DEMO_CITIZENS[applicant].citizen_id.into();
    let response = app.post_dossiers(&key, &dossier).await;
    assert_eq!(response.status(), 201);
    let body: serde_json::Value = response.json().await.unwrap();
    let url = body["dossiers"][0]["survey_url"].as_str().unwrap();
    url.strip_prefix(&app.address).unwrap().to_owned()
}

pub fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

/// What a sign-in left to look at: the callback's response and the nonce that was sent.
struct SignedIn {
    callback: reqwest::Response,
    callback_url: String,
    nonce: String,
}

/// Clicks "sign in" on the survey, picks a citizen on the provider's page, follows the
/// provider back to hailong's callback.
async fn sign_in(v: &Verified, survey_path: &str, citizen: usize) -> SignedIn {
    let app = &v.app;
    let start = app.get(&format!("{survey_path}/sign-in")).await;
    assert_eq!(start.status(), 303);
    let authorize = location(&start);
    assert!(
        authorize.contains("scope=openid&"),
        "the openid scope is asked for once: {authorize}"
    );
    assert!(authorize.starts_with(&format!("{}/authorize?", v.issuer)));
    let url = url::Url::parse(&authorize).unwrap();
    let params: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(param("code_challenge_method"), "S256", "PKCE");
    assert!(!param("nonce").is_empty());
    assert!(
        !authorize.contains(survey_path.trim_start_matches("/s/")),
        "the survey token never leaves for the provider"
    );

    let login_page = app.client.get(&authorize).send().await.unwrap();
    assert_eq!(login_page.status(), 200);
    assert!(login_page
        .text()
        .await
        .unwrap()
        .contains(DEMO_CITIZENS[citizen].name));

    let mut form = params.clone();
    form.push(("citizen".into(), citizen.to_string()));
    let approved = app
        .client
        .post(format!("{}/authorize", v.issuer))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status(), 303);
    let callback_url = location(&approved);
    assert!(callback_url.starts_with(&format!("{}/s/eid/callback?", app.address)));
    let callback = app.client.get(&callback_url).send().await.unwrap();
    SignedIn {
        callback,
        callback_url,
        nonce: param("nonce"),
    }
}

pub async fn answer(app: &TestApp, survey_path: &str) -> reqwest::Response {
    let page = app.get(survey_path).await;
    assert_eq!(page.status(), 200);
    let csrf = csrf_of(&page.text().await.unwrap());
    app.submit(
        survey_path,
        &[("csrf", csrf.as_str()), ("q_A1", "4"), ("q_P5", "5")],
    )
    .await
}

pub fn sign_ins_left(app: &TestApp) -> i64 {
    hailong::db::eid_sign_ins::count(&mut app.conn()).unwrap()
}

#[tokio::test]
async fn the_applicant_signs_in_answers_once_and_no_trace_of_the_sign_in_remains() {
    let v = verified_app(Misbehaviour::None, &[]).await;
    let app = &v.app;
    let path = issue(app, "EID.1", APPLICANT).await;

    // Before signing in: a page that asks for the e-ID, and no form to answer.
    let page = app.get(&path).await;
    assert_eq!(page.status(), 200);
    let text = page.text().await.unwrap();
    assert!(text.contains("Đăng nhập bằng định danh điện tử"));
    assert!(!text.contains("name=\"csrf\""), "no answer form yet");
    assert!(!text.contains("<script"));
    // Answering without signing in is refused and stores nothing.
    let refused = app.submit(&path, &[("q_A1", "4")]).await;
    assert_eq!(refused.status(), 403);

    let signed_in = sign_in(&v, &path, APPLICANT).await;
    assert_eq!(signed_in.callback.status(), 303);
    assert_eq!(
        location(&signed_in.callback),
        format!("{path}?lang=vi"),
        "back to the survey"
    );

    let page = app.get(&path).await;
    let csrf = csrf_of(&page.text().await.unwrap());
    let before = crate::helpers::snapshot(app);
    let stored = app
        .submit(
            &path,
            &[("csrf", csrf.as_str()), ("q_A1", "4"), ("q_P5", "5")],
        )
        .await;
    assert_eq!(stored.status(), 200);
    assert!(stored.text().await.unwrap().contains("Cảm ơn"));
    // The submission of a verified survey names no invitation or dossier either.
    let changed = crate::helpers::changes(&before, &crate::helpers::snapshot(app));
    for table in changed.keys() {
        assert!(
            crate::helpers::SUBMISSION_WRITES.contains(&table.as_str())
                || ["eid_sign_ins", "eid_daily_counts"].contains(&table.as_str()),
            "the submission changed {table}: {changed:?}"
        );
    }
    assert!(changed.contains_key("eid_daily_counts"));
    assert_eq!(
        sign_ins_left(app),
        0,
        "the sign-in ends with the submission"
    );
    assert_eq!(answer_again(app, &path).await, 200, "answered page");

    // Nothing of the ID token anywhere: not the citizen's number, name or subject, not the
    // nonce that bound the token to this sign-in.
    let dump = crate::helpers::dump_database(&app.db);
    let citizen = &DEMO_CITIZENS[APPLICANT];
    for needle in [
        citizen.citizen_id,
        citizen.name,
        &dev_idp::subject(citizen.citizen_id),
        &signed_in.nonce,
    ] {
        assert!(!dump.contains(needle), "the database holds {needle:?}");
    }
    assert!(dump.contains("EID.1"), "the dump does see the data");
    v.stop().await;
}

/// The survey page once it has been answered (a second visit).
async fn answer_again(app: &TestApp, path: &str) -> u16 {
    let page = app.get(path).await;
    let status = page.status().as_u16();
    assert!(page.text().await.unwrap().contains("đã được trả lời"));
    status
}

#[tokio::test]
async fn someone_else_is_told_the_survey_belongs_to_another_person() {
    let v = verified_app(Misbehaviour::None, &[]).await;
    let app = &v.app;
    let path = issue(app, "EID.2", APPLICANT).await;

    let signed_in = sign_in(&v, &path, SOMEONE_ELSE).await;
    assert_eq!(signed_in.callback.status(), 303);
    let landing = location(&signed_in.callback);
    assert_eq!(landing, format!("{path}/not-the-applicant?lang=vi"));
    let page = app.get(&landing).await;
    assert_eq!(page.status(), 403);
    let page = page.text().await.unwrap();
    assert!(page.contains("thuộc về người khác"));
    assert!(
        page.contains(&format!("href=\"{path}/sign-in?again=1&amp;lang=vi\""))
            && page.contains("Đăng nhập bằng tài khoản khác"),
        "it offers to sign in again"
    );
    assert_eq!(sign_ins_left(app), 0);
    // The language switch and a reload keep the page (the callback's code is spent).
    let english = app.get(&format!("{path}/not-the-applicant?lang=en")).await;
    assert_eq!(english.status(), 403);
    assert!(english
        .text()
        .await
        .unwrap()
        .contains("Sign in as someone else"));
    // Signing in again asks the provider for a fresh sign-in, not its remembered one.
    let again = app.get(&format!("{path}/sign-in?again=1")).await;
    assert_eq!(again.status(), 303);
    assert!(location(&again).contains("prompt=login"));

    // Still no way to answer, and the real applicant can still sign in.
    let page = app.get(&path).await.text().await.unwrap();
    assert!(!page.contains("name=\"csrf\""));
    let applicant = sign_in(&v, &path, APPLICANT).await;
    assert_eq!(applicant.callback.status(), 303);
    v.stop().await;
}

#[tokio::test]
async fn tokens_that_are_expired_wrongly_signed_or_for_another_client_are_refused() {
    for misbehaviour in [
        Misbehaviour::ExpiredToken,
        Misbehaviour::NotYetValid,
        Misbehaviour::ForeignKey,
        Misbehaviour::WrongAudience,
    ] {
        let v = verified_app(misbehaviour.clone(), &[]).await;
        let app = &v.app;
        let path = issue(app, "EID.3", APPLICANT).await;

        let signed_in = sign_in(&v, &path, APPLICANT).await;
        assert_eq!(
            signed_in.callback.status(),
            401,
            "{misbehaviour:?} was accepted"
        );
        assert!(signed_in
            .callback
            .text()
            .await
            .unwrap()
            .contains("Không xác thực được"));
        let page = app.get(&path).await.text().await.unwrap();
        assert!(!page.contains("name=\"csrf\""), "{misbehaviour:?}");
        assert_eq!(sign_ins_left(app), 0);
        v.stop().await;
    }
}

#[tokio::test]
async fn a_replayed_nonce_or_callback_is_refused() {
    let v = verified_app(Misbehaviour::ReplayFirstNonce, &[]).await;
    let app = &v.app;
    let first = issue(app, "EID.4a", APPLICANT).await;
    let second = issue(app, "EID.4b", APPLICANT).await;

    // The first sign-in is genuine (its token carries its own nonce).
    let signed_in = sign_in(&v, &first, APPLICANT).await;
    assert_eq!(signed_in.callback.status(), 303);
    // The same callback again (a replay of code and state): nothing left to redeem.
    let replayed = app
        .client
        .get(&signed_in.callback_url)
        .send()
        .await
        .unwrap();
    assert_eq!(replayed.status(), 400);
    // The replay changed nothing: the genuine sign-in still answers its survey.
    assert_eq!(answer(app, &first).await.status(), 200);

    // The provider now hands out a token bearing the first sign-in's nonce.
    let replay = sign_in(&v, &second, APPLICANT).await;
    assert_eq!(replay.callback.status(), 401);
    v.stop().await;
}

#[tokio::test]
async fn one_identity_answers_at_most_the_daily_limit() {
    let v = verified_app(Misbehaviour::None, &[("HAILONG_EID_DAILY_LIMIT", "1")]).await;
    let app = &v.app;
    let first = issue(app, "EID.5a", APPLICANT).await;
    let second = issue(app, "EID.5b", APPLICANT).await;

    assert_eq!(sign_in(&v, &first, APPLICANT).await.callback.status(), 303);
    assert_eq!(answer(app, &first).await.status(), 200);

    let over = sign_in(&v, &second, APPLICANT).await;
    assert_eq!(over.callback.status(), 429);
    assert!(over
        .callback
        .text()
        .await
        .unwrap()
        .contains("giới hạn trong ngày"));
    let page = app.get(&second).await.text().await.unwrap();
    assert!(!page.contains("name=\"csrf\""), "still closed today");
    v.stop().await;
}

#[tokio::test]
async fn a_sign_in_opens_only_its_own_survey() {
    let v = verified_app(Misbehaviour::None, &[]).await;
    let app = &v.app;
    let mine = issue(app, "EID.6a", APPLICANT).await;
    let also_mine = issue(app, "EID.6b", APPLICANT).await;

    assert_eq!(sign_in(&v, &mine, APPLICANT).await.callback.status(), 303);
    let other = app.get(&also_mine).await.text().await.unwrap();
    assert!(
        !other.contains("name=\"csrf\""),
        "each survey needs its own sign-in"
    );
    v.stop().await;
}

#[tokio::test]
async fn link_surveys_are_unchanged_and_a_missing_provider_is_a_clear_503() {
    // No provider configured: a `verified` agency's survey says it is unavailable.
    let app = crate::helpers::spawn_app().await;
    let path = app.issue_survey("EID.7").await;
    assert_eq!(app.get(&path).await.status(), 200, "link policy: open");
    hailong::db::agencies::set_survey_policy(
        &mut app.conn(),
        "AG-X-OCEO",
        hailong::domain::agency::SurveyPolicy::Verified,
    )
    .unwrap();
    let page = app.get(&path).await;
    assert_eq!(page.status(), 503);
    assert!(page.text().await.unwrap().contains("tạm thời gián đoạn"));
    app.stop().await;
}

#[tokio::test]
async fn an_unreachable_provider_is_a_page_in_the_citizen_s_language_with_a_retry() {
    let v = verified_app(Misbehaviour::None, &[]).await;
    let app = &v.app;
    let path = issue(app, "EID.9", APPLICANT).await;
    v.idp.stop(false).await;

    let start = app.get(&format!("{path}/sign-in")).await;
    assert_eq!(start.status(), 503);
    assert_eq!(start.headers()["retry-after"], "60");
    let page = start.text().await.unwrap();
    assert!(page.contains("Chưa kết nối được với hệ thống định danh điện tử"));
    assert!(page.contains(&format!("href=\"{path}/sign-in?lang=vi\"")));
    let english = app.get(&format!("{path}/sign-in?lang=en")).await;
    assert!(english
        .text()
        .await
        .unwrap()
        .contains("The electronic identity service cannot be reached"));
    let khmer = app
        .get(&format!("{path}/sign-in?lang=km"))
        .await
        .text()
        .await
        .unwrap();
    assert!(khmer.contains("<html lang=\"km\">"));
    assert!(khmer.contains("មិនអាចភ្ជាប់ទៅប្រព័ន្ធអត្តសញ្ញាណអេឡិចត្រូនិកបានទេ"));
    assert_eq!(
        sign_ins_left(app),
        0,
        "nothing is kept of a sign-in never started"
    );
    app.stop().await;
}

#[tokio::test]
async fn an_abandoned_sign_in_is_purged_once_expired() {
    let v = verified_app(Misbehaviour::None, &[]).await;
    let app = &v.app;
    let path = issue(app, "EID.8", APPLICANT).await;
    // Sent to the provider, never back.
    assert_eq!(app.get(&format!("{path}/sign-in")).await.status(), 303);
    assert_eq!(sign_ins_left(app), 1);
    let mut conn = app.conn();
    assert_eq!(
        hailong::services::eid::sign_in::purge_expired(&mut conn).unwrap(),
        0,
        "not yet"
    );
    let later = chrono::Utc::now().naive_utc()
        + chrono::Duration::minutes(hailong::services::eid::sign_in::PENDING_MINUTES + 1);
    assert_eq!(
        hailong::db::eid_sign_ins::delete_expired(&mut conn, later).unwrap(),
        1
    );
    assert_eq!(sign_ins_left(app), 0);
    v.stop().await;
}
