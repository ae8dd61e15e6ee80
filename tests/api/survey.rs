use diesel::prelude::*;

use crate::helpers::{csrf_of, spawn_app};

#[tokio::test]
async fn the_survey_is_in_vietnamese_by_default_and_names_agency_and_procedure() {
    let app = spawn_app().await;
    let path = app.issue_survey("S.1").await;

    let response = app.get(&path).await;

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["referrer-policy"], "no-referrer");
    let page = response.text().await.unwrap();
    assert!(page.contains("<html lang=\"vi\">"));
    assert!(page.contains("Ủy ban nhân dân xã Óc Eo"));
    assert!(page.contains("Đăng ký khai sinh"));
    for label in [
        "Rất không hài lòng",
        "Không hài lòng",
        "Bình thường",
        "Hài lòng",
        "Rất hài lòng",
        "Không áp dụng",
    ] {
        assert!(page.contains(label), "{label}");
    }
    assert!(page.contains("<legend>"));
    assert!(page.contains("type=\"radio\""));
    assert!(!page.contains("<script"));
    assert!(
        page.contains("hreflang=\"en\""),
        "a visible switch to English"
    );
}

#[tokio::test]
async fn english_comes_from_the_switch_or_accept_language() {
    let app = spawn_app().await;
    let path = app.issue_survey("S.2").await;

    let by_header = app
        .client
        .get(format!("{}{}", app.address, path))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let by_switch = app
        .get(&format!("{path}?lang=en"))
        .await
        .text()
        .await
        .unwrap();
    let remembered = app.get(&path).await.text().await.unwrap();

    for page in [&by_header, &by_switch, &remembered] {
        assert!(page.contains("<html lang=\"en\">"));
        assert!(page.contains("Very satisfied"));
        assert!(page.contains("People's Committee of Oc Eo Commune"));
    }
}

#[tokio::test]
async fn khmer_comes_from_accept_language_and_a_version_without_khmer_texts_asks_in_vietnamese() {
    let app = spawn_app().await;
    app.ask_every_item();
    let path = app.issue_survey("S.KM").await;

    let page = app
        .client
        .get(format!("{}{}", app.address, path))
        .header("accept-language", "km-KH,km;q=0.9,vi;q=0.5")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    assert!(page.contains("<html lang=\"km\">"));
    assert!(page.contains("មិនពេញចិត្តខ្លាំង") && page.contains("ផ្ញើចម្លើយ"));
    // 2026.1 has Vietnamese and English texts only: its questions read in Vietnamese, the
    // province's language, and the agency keeps its Vietnamese name.
    assert!(page.contains("Ủy ban nhân dân xã Óc Eo"));
    assert!(page.contains("Thủ tục hành chính"));
}

#[tokio::test]
async fn the_page_and_its_stylesheet_stay_under_14_kb_compressed() {
    let app = spawn_app().await;
    let path = app.issue_survey("S.3").await;
    let compressed_size = |body: &[u8]| {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(body).unwrap();
        encoder.finish().unwrap().len()
    };

    let page = app.get(&path).await.bytes().await.unwrap();
    let css = app.get("/static/hailong.css").await.bytes().await.unwrap();

    let total = compressed_size(&page) + compressed_size(&css);
    assert!(total < 14 * 1024, "{total} bytes compressed");
    let raw_client = reqwest::Client::builder().no_gzip().build().unwrap();
    let served = raw_client
        .get(format!("{}{}", app.address, path))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(
        served.headers()["content-encoding"],
        "gzip",
        "the server compresses"
    );
}

#[tokio::test]
async fn search_engines_are_kept_off_survey_links_and_pages_carry_an_icon_and_a_description() {
    let app = spawn_app().await;
    let path = app.issue_survey("S.robots").await;
    let robots = app.get("/robots.txt").await.text().await.unwrap();
    for private in ["Disallow: /s/", "Disallow: /help/", "Disallow: /dashboard"] {
        assert!(robots.contains(private), "{robots}");
    }
    assert!(robots.contains("Allow: /cong-khai"));
    let icon = app.get("/favicon.svg").await;
    assert_eq!(icon.headers()["content-type"], "image/svg+xml");
    assert!(icon.text().await.unwrap().starts_with("<svg"));
    let page = app.get(&path).await.text().await.unwrap();
    assert!(page.contains("<link rel=\"icon\" href=\"/favicon.svg\""));
    assert!(page.contains("<meta name=\"description\" content=\"Đánh giá mức độ hài lòng"));
}

#[tokio::test]
async fn answering_stores_one_response_with_its_answers_and_thanks() {
    let app = spawn_app().await;
    app.ask_every_item();
    let path = app.issue_survey("S.4").await;
    let csrf = app.open_survey(&path).await;

    let response = app
        .submit(
            &path,
            &[
                ("csrf", &csrf),
                ("q_A1", "5"),
                ("q_A2", "na"),
                ("q_P1", "4"),
                ("q_S5", "0"),
                ("comment", "Cán bộ rất nhiệt tình"),
            ],
        )
        .await;

    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("Cảm ơn"));
    let mut conn = app.conn();
    let stored = crate::helpers::stored_responses(&mut conn);
    assert_eq!(stored.len(), 1);
    let r = &stored[0];
    assert_eq!(
        r.quarter, "2026-Q2",
        "completed 31 March 17:30 UTC: already 1 April in Vietnam"
    );
    assert_eq!(r.questionnaire_version, "2026.1");
    assert_eq!(r.comment.as_deref(), Some("Cán bộ rất nhiệt tình"));
    let answers = hailong::db::responses::answers_of(&mut conn, &r.id).unwrap();
    let pairs: Vec<(&str, i32)> = answers
        .iter()
        .map(|a| (a.item_code.as_str(), a.value))
        .collect();
    assert_eq!(
        pairs,
        [("A1", 5), ("P1", 4), ("S5", 0)],
        "not applicable leaves no row"
    );
}

#[tokio::test]
async fn a_second_submission_sees_already_answered_and_changes_nothing() {
    let app = spawn_app().await;
    let path = app.issue_survey("S.5").await;
    let csrf = app.open_survey(&path).await;
    app.submit(&path, &[("csrf", &csrf), ("q_A1", "5")]).await;

    let again = app.submit(&path, &[("csrf", &csrf), ("q_A1", "1")]).await;
    let reopened = app.get(&path).await;

    assert_eq!(again.status(), 409);
    assert!(again.text().await.unwrap().contains("đã được trả lời"));
    assert_eq!(reopened.status(), 200);
    assert!(reopened.text().await.unwrap().contains("đã được trả lời"));
    let mut conn = app.conn();
    let stored = crate::helpers::stored_responses(&mut conn);
    assert_eq!(stored.len(), 1);
    assert_eq!(
        hailong::db::responses::answers_of(&mut conn, &stored[0].id).unwrap()[0].value,
        5
    );
}

#[tokio::test]
async fn fifty_concurrent_submissions_of_one_token_store_exactly_one_response() {
    let app = spawn_app().await;
    let path = app.issue_survey("S.6").await;
    let csrf = app.open_survey(&path).await;
    let url = format!("{}{}", app.address, path);

    let mut attempts = tokio::task::JoinSet::new();
    for i in 0..50 {
        let (client, url, csrf) = (app.client.clone(), url.clone(), csrf.clone());
        attempts.spawn(async move {
            let value = (i % 5 + 1).to_string();
            let form = [("csrf", csrf.as_str()), ("q_A1", value.as_str())];
            client
                .post(url)
                .form(&form)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        });
    }
    let statuses = attempts.join_all().await;

    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        49,
        "{statuses:?}"
    );
    assert_eq!(crate::helpers::stored_count(&mut app.conn()), 1);
}

#[tokio::test]
async fn invalid_answers_come_back_with_a_message_beside_the_field_and_the_form_kept() {
    let app = spawn_app().await;
    let path = app.issue_survey("S.7").await;
    let csrf = app.open_survey(&path).await;

    let response = app
        .submit(
            &path,
            &[
                ("csrf", &csrf),
                ("q_A1", "4"),
                ("q_P5", "9"),
                ("comment", "giữ lại"),
            ],
        )
        .await;

    assert_eq!(response.status(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("id=\"err-P5\""));
    assert!(page.contains("aria-describedby=\"err-P5\""));
    assert!(
        page.contains("name=\"q_A1\" value=\"4\" checked"),
        "the valid answer is kept"
    );
    assert!(page.contains(">giữ lại</textarea>"));
    assert_eq!(crate::helpers::stored_count(&mut app.conn()), 0);

    let empty = app.submit(&path, &[("csrf", &csrf_of(&page))]).await;
    assert_eq!(empty.status(), 422);
    assert!(empty.text().await.unwrap().contains("ít nhất một câu"));
}

#[tokio::test]
async fn a_submission_without_the_csrf_pair_is_refused() {
    let app = spawn_app().await;
    let path = app.issue_survey("S.8").await;
    let _ = app.open_survey(&path).await;

    let forged = app
        .submit(&path, &[("csrf", "forged"), ("q_A1", "5")])
        .await;
    let cookieless = reqwest::Client::new()
        .post(format!("{}{}", app.address, path))
        .form(&[("q_A1", "5")])
        .send()
        .await
        .unwrap();

    assert_eq!(forged.status(), 403);
    assert_eq!(cookieless.status(), 403);
    assert_eq!(crate::helpers::stored_count(&mut app.conn()), 0);
}

#[tokio::test]
async fn unknown_and_expired_tokens_get_their_own_pages() {
    let app = spawn_app().await;
    let path = app.issue_survey("S.9").await;
    {
        use hailong::db::schema::invitations;
        let past = chrono::Utc::now().naive_utc() - chrono::Duration::days(1);
        diesel::update(invitations::table)
            .set(invitations::expires_at.eq(past))
            .execute(&mut *app.conn())
            .unwrap();
    }

    let expired = app.get(&path).await;
    let unknown = app
        .get("/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .await;
    let garbage = app.get("/s/not-a-token").await;

    assert_eq!(expired.status(), 410);
    assert!(expired.text().await.unwrap().contains("hết hạn"));
    assert_eq!(unknown.status(), 404);
    assert!(unknown.text().await.unwrap().contains("Không tìm thấy"));
    assert_eq!(garbage.status(), 404);
}

/// On PostgreSQL the limit counts per clock minute: a test of it starts well inside one.
async fn inside_one_rate_window() {
    use chrono::Timelike;
    let second = chrono::Utc::now().second();
    if second >= 55 {
        tokio::time::sleep(std::time::Duration::from_secs(u64::from(61 - second))).await;
    }
}

#[tokio::test]
async fn two_instances_on_postgres_share_one_survey_limit() {
    let db = crate::helpers::TestDb::new();
    if db.backend() != "postgres" {
        // One instance on SQLite: the limit lives in its memory (README).
        return;
    }
    let settings = db.settings_with(&[("HAILONG_SURVEY_RATE_PER_MINUTE", "5")]);
    let second = crate::helpers::Served::start(settings.clone());
    let second_address = second.address();
    let app = crate::helpers::spawn_app_with(db, settings).await;
    inside_one_rate_window().await;

    let mut statuses = Vec::new();
    for i in 0..8 {
        let base = if i % 2 == 0 {
            &app.address
        } else {
            &second_address
        };
        let response = app
            .client
            .get(format!(
                "{base}/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
            ))
            .send()
            .await
            .unwrap();
        if response.status() == 429 {
            assert!(response.headers().contains_key("retry-after"));
        }
        statuses.push(response.status().as_u16());
    }
    assert_eq!(&statuses[..5], &[404; 5], "{statuses:?}");
    assert!(
        statuses[5..].iter().all(|s| *s == 429),
        "five in all, whichever instance: {statuses:?}"
    );
    second.stop().await;
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_citizen_has_their_own_limit() {
    let db = crate::helpers::TestDb::new();
    let settings = db.settings_with(&[
        ("HAILONG_SURVEY_RATE_PER_MINUTE", "5"),
        ("HAILONG_TRUSTED_PROXIES", "127.0.0.0/8"),
    ]);
    let app = crate::helpers::spawn_app_with(db, settings).await;
    inside_one_rate_window().await;
    let get = |forwarded: String| {
        app.client
            .get(format!(
                "{}/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                app.address
            ))
            .header("x-forwarded-for", forwarded)
            .send()
    };

    let mut town = Vec::new();
    for i in 0..8 {
        town.push(
            get(format!("198.51.100.{i}"))
                .await
                .unwrap()
                .status()
                .as_u16(),
        );
    }
    assert_eq!(
        town, [404; 8],
        "eight citizens through one proxy: none is limited"
    );
    let mut one = Vec::new();
    for _ in 0..8 {
        // What the citizen wrote (6.6.6.6) is not believed; the proxy's hop is.
        one.push(
            get("6.6.6.6, 203.0.113.5".into())
                .await
                .unwrap()
                .status()
                .as_u16(),
        );
    }
    assert_eq!(&one[..5], &[404; 5], "{one:?}");
    assert!(one[5..].iter().all(|s| *s == 429), "{one:?}");
}

#[tokio::test]
async fn survey_requests_are_rate_limited_per_address_and_forwarded_for_is_not_trusted() {
    let db = crate::helpers::TestDb::new();
    let settings = db.settings_with(&[("HAILONG_SURVEY_RATE_PER_MINUTE", "5")]);
    let app = crate::helpers::spawn_app_with(db, settings).await;
    inside_one_rate_window().await;

    let mut statuses = Vec::new();
    for i in 0..8 {
        let response = app
            .client
            .get(format!(
                "{}/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                app.address
            ))
            .header("x-forwarded-for", format!("10.0.0.{i}"))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }

    assert_eq!(&statuses[..5], &[404; 5], "{statuses:?}");
    assert!(statuses[5..].iter().all(|s| *s == 429), "{statuses:?}");
    assert_eq!(
        app.get("/healthz").await.status(),
        200,
        "only the survey routes are limited"
    );
}

#[tokio::test]
async fn a_comment_is_stored_without_what_could_reach_a_person() {
    let app = crate::helpers::spawn_app().await;
    let path = app.issue_survey("SCREEN.1").await;
    let page = app.get(&path).await.text().await.unwrap();
    assert!(
        page.contains("sẽ được che trước khi lưu"),
        "the form says so"
    );
    let csrf = crate::helpers::csrf_of(&page);
    let response = app
        .submit(
            &path,
            &[
                ("csrf", &csrf),
                ("q_A1", "2"),
                (
                    "comment",
                    "Chị Lan bắt chờ lâu, gọi 0912 345 678 hoặc nguyen.van.a@gmail.com; bị đòi 2.000.000 đồng",
                ),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    let stored = crate::helpers::stored_responses(&mut app.conn());
    let comment = stored[0].comment.clone().unwrap();
    assert_eq!(
        comment,
        "Chị [đã ẩn] bắt chờ lâu, gọi [đã ẩn] hoặc [đã ẩn]; bị đòi 2.000.000 đồng"
    );
}

#[tokio::test]
async fn only_a_trusted_proxy_can_say_the_citizen_came_over_plain_http() {
    let no_redirects = || {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    };
    let path = "/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA?lang=en";
    let get = |address: String, proto: &'static str| {
        no_redirects()
            .get(format!("{address}{path}"))
            .header("x-forwarded-proto", proto)
            .send()
    };

    let db = crate::helpers::TestDb::new();
    let settings = db.settings_with(&[
        ("HAILONG_PUBLIC_URL", "https://khaosat.example.gov.vn"),
        ("HAILONG_TRUSTED_PROXIES", "127.0.0.0/8"),
    ]);
    let behind_proxy = crate::helpers::spawn_app_with(db, settings).await;
    let upgraded = get(behind_proxy.address.clone(), "http").await.unwrap();
    assert_eq!(upgraded.status(), 308);
    assert_eq!(
        upgraded.headers()["location"],
        format!("https://khaosat.example.gov.vn{path}").as_str()
    );
    let over_tls = get(behind_proxy.address.clone(), "https").await.unwrap();
    assert_eq!(over_tls.status(), 404, "came over HTTPS: served");

    let db = crate::helpers::TestDb::new();
    let settings = db.settings_with(&[("HAILONG_PUBLIC_URL", "https://khaosat.example.gov.vn")]);
    let no_proxy = crate::helpers::spawn_app_with(db, settings).await;
    let spoofed = get(no_proxy.address.clone(), "http").await.unwrap();
    assert_eq!(
        spoofed.status(),
        404,
        "from a peer that is not a trusted proxy, the header is not read"
    );
}

#[tokio::test]
async fn an_error_page_speaks_the_citizen_s_language() {
    let app = spawn_app().await;
    let khmer = app.get("/no/such/page?lang=km").await;
    assert_eq!(khmer.status(), 404);
    let page = khmer.text().await.unwrap();
    assert!(
        page.contains("<html lang=\"km\">") && page.contains("រកមិនឃើញ"),
        "{page}"
    );
    let vietnamese = app.get("/no/such/page?lang=vi").await.text().await.unwrap();
    assert!(vietnamese.contains("Không tìm thấy"));
}
