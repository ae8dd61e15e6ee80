//! Opt-in follow-up requests, kept apart from the score: filed from the thank-you page, sealed,
//! released to the agency, answered through the delivery channels, rated, and counted in the
//! Decision 766 group.

use std::time::Duration;

use hailong::domain::agency::Role;

use crate::helpers::{csrf_of, dump_database, TestApp, PASSWORD};

const PROBLEM: &str = "Hồ sơ cấp đổi giấy phép của tôi bị trả lại hai lần mà không rõ lý do";
const PHONE: &str = "0987 654 321";

/// Answers one survey of Ôc Eo with `value` everywhere; returns the thank-you page.
async fn answer_one(app: &TestApp, key: &str, id: &str, value: &str) -> String {
    let dossier = crate::helpers::valid_dossier(id);
    let items = ["A1", "P5", "S1", "R3", "F2"];
    crate::helpers::answer_dossier(app, key, &dossier, &items, value, "").await
}

pub(crate) fn help_path(thanks: &str) -> String {
    let at = thanks
        .find("href=\"/help/")
        .expect("the thank-you page offers help")
        + 6;
    thanks[at..]
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&")
}

pub(crate) async fn post(app: &TestApp, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let response = app
        .client
        .post(format!("{}{}", app.address, path))
        .form(form)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn a_request_from_the_thank_you_page_reaches_the_agency_and_its_answer_the_citizen() {
    let (app, received) =
        crate::delivery::app_sending_to_gateway(200, &[("HAILONG_REMINDERS", "0")]).await;
    app.seed();
    let key = app.new_api_key("follow-up gateway");
    let thanks = answer_one(&app, &key, "F-1", "2").await;
    for i in 2..7 {
        answer_one(&app, &key, &format!("F-{i}"), "4").await;
    }
    let help = help_path(&thanks);
    let form = app.get(&help).await.text().await.unwrap();
    assert!(
        form.contains("Xã Óc Eo") || form.contains("Óc Eo"),
        "{form}"
    );
    assert!(form.contains("không biết Ông/Bà đã đánh giá thế nào"));
    // The same form in Khmer (the thank-you page links it in the survey's language).
    let khmer_path = format!("{}lang=km", help.split("lang=").next().unwrap());
    // (another browser: this one's CSRF cookie belongs to the form above)
    let khmer = app.page_as(&app.another_client(), &khmer_path).await;
    assert!(
        khmer.contains("<html lang=\"km\">") && khmer.contains("សំណើសុំជំនួយ"),
        "{khmer}"
    );
    let csrf = csrf_of(&form);
    let action = help.split('?').next().unwrap().to_owned();

    let (status, refused) = post(&app, &action, &[("csrf", &csrf), ("problem", "")]).await;
    assert_eq!(status, 422, "{action} {refused}");
    for message in [
        "Xin cho biết vấn đề",
        "Xin ghi số điện thoại hoặc địa chỉ thư điện tử",
        "Xin đánh dấu đồng ý",
    ] {
        assert!(refused.contains(message), "{message}:\n{refused}");
    }
    // Each form comes back with a fresh CSRF pair.
    let csrf = csrf_of(&refused);
    let (status, bad_phone) = post(
        &app,
        &action,
        &[
            ("csrf", &csrf),
            ("problem", PROBLEM),
            ("phone", "12"),
            ("consent", "yes"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(bad_phone.contains("Số điện thoại chưa đúng") && bad_phone.contains(PROBLEM));

    let csrf = csrf_of(&bad_phone);
    let filed = [
        ("csrf", csrf.as_str()),
        ("problem", PROBLEM),
        ("phone", PHONE),
        ("consent", "yes"),
    ];
    let (status, stored) = post(&app, &action, &filed).await;
    assert_eq!(status, 200, "{stored}");
    assert!(stored.contains("Đã nhận yêu cầu"));
    let (status, _) = post(&app, &action, &filed).await;
    assert_eq!(status, 409, "one request per thank-you page");
    let (status, _) = post(&app, "/help/not-a-grant", &filed).await;
    assert_eq!(status, 410);

    let dump = dump_database(&app.db);
    // The number as typed and as normalised; a shorter piece of it could turn up by chance in
    // the hexadecimal of any stored hash (one 32-byte hash in a thousand holds "0987").
    for clear in [PROBLEM, PHONE, "987654321", "0987 654"] {
        assert!(!dump.contains(clear), "{clear} is stored sealed only");
    }

    // Released with the responses: the agency reads it (and the contact), the province the
    // request without the contact.
    crate::helpers::release_held(&mut app.conn());
    app.add_user("xa@angiang.test", Role::Agency, Some("AG-X-OCEO"));
    app.add_user("phantich@angiang.test", Role::Province, None);
    app.login("phantich@angiang.test", PASSWORD).await;
    let agency = app.signed_in_client("xa@angiang.test", PASSWORD).await;
    let page = app.page_as(&agency, "/dashboard/followups").await;
    assert!(
        page.contains(PROBLEM) && page.contains("0987654321"),
        "{page}"
    );
    let due = hailong::domain::working_days::add_working_days(hailong::domain::period::today(), 10);
    assert!(
        page.contains(&format!("hạn {due}")),
        "due in 10 working days:\n{page}"
    );
    let province = app.current_page("/dashboard/province?period=2026-Q2").await;
    assert!(province.contains("Nhóm chỉ tiêu sự hài lòng"));
    let province_requests = app.page("/dashboard/followups").await;
    assert!(province_requests.contains(PROBLEM));
    assert!(
        !province_requests.contains("0987654321") && !province_requests.contains("Gửi trả lời"),
        "the province reads, the agency answers"
    );

    let marker = "action=\"/dashboard/followups/";
    let id_at = page.find(marker).unwrap() + marker.len();
    let id: String = page[id_at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let answered = agency
        .post(format!("{}/dashboard/followups/{id}", app.address))
        .form(&[
            ("csrf", csrf_of(&page).as_str()),
            ("action", "answer"),
            (
                "answer",
                "Hồ sơ thiếu bản sao căn cước; cán bộ sẽ gọi điện hướng dẫn.",
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), 303);

    // The answer goes out through the gateway, with its own idempotency key and link.
    let sent = crate::delivery::eventually(|| {
        received
            .lock()
            .unwrap()
            .iter()
            .any(|m| m["purpose"] == "follow_up_answer")
    })
    .await;
    assert!(sent, "the answer reached the gateway");
    let message = received
        .lock()
        .unwrap()
        .iter()
        .find(|m| m["purpose"] == "follow_up_answer")
        .cloned()
        .unwrap();
    assert_eq!(message["phone"], "0987654321");
    assert_eq!(message["idempotency_key"], format!("hailong-followup-{id}"));
    let link = message["survey_url"].as_str().unwrap();
    assert!(message["text"].as_str().unwrap().contains(link));
    let answer_path = link.strip_prefix(&app.address).unwrap().to_owned();

    let citizen = app.another_client();
    let page = citizen
        .get(format!("{}{answer_path}", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("cán bộ sẽ gọi điện hướng dẫn") && page.contains(PROBLEM));
    let rate = |rating: &'static str, csrf: String| {
        let (citizen, url) = (citizen.clone(), format!("{}{answer_path}", app.address));
        async move {
            citizen
                .post(url)
                .form(&[("csrf", csrf.as_str()), ("rating", rating)])
                .send()
                .await
                .unwrap()
        }
    };
    let invalid = rate("9", csrf_of(&page)).await;
    assert_eq!(invalid.status(), 422);
    let page = invalid.text().await.unwrap();
    assert!(page.contains("Xin chọn một mức từ 1 đến 5."));
    let rated = rate("5", csrf_of(&page)).await;
    assert_eq!(rated.status(), 200);
    let thanked = rated.text().await.unwrap();
    assert!(thanked.contains("Cảm ơn Ông/Bà đã cho biết"));
    assert_eq!(rate("1", csrf_of(&page)).await.status(), 409, "rated once");

    // Decision 766: (a) 1 of 1 answered on time, in the quarter it fell due; (c) on the
    // agency page of the responses' quarter: 6 dossiers, 1 rated dissatisfied (all 2s).
    let quarter =
        hailong::domain::period::Quarter::of_instant(due.and_hms_opt(12, 0, 0).unwrap().and_utc());
    let mut conn = app.conn();
    let agency_id = hailong::db::agencies::all(&mut conn)
        .unwrap()
        .into_iter()
        .find(|a| a.code == "AG-X-OCEO")
        .unwrap()
        .id;
    let groups = hailong::services::reports::group766::of_quarter(
        &mut conn,
        &[(agency_id, "AG-X-OCEO".to_owned())],
        quarter,
        None,
    )
    .unwrap();
    // (c) read from the database (no computed report) agrees with the page's, which comes
    // with the dashboards' report.
    let from_database = hailong::services::reports::group766::of_quarter(
        &mut conn,
        &[(agency_id, "AG-X-OCEO".to_owned())],
        "2026-Q2".parse().unwrap(),
        None,
    )
    .unwrap();
    drop(conn);
    let share = from_database[&agency_id].not_dissatisfied.unwrap();
    assert_eq!((share.part, share.of), (5, 6));
    let group = &groups[&agency_id];
    assert_eq!((group.on_time.part, group.on_time.of), (1, 1));
    assert_eq!(group.satisfied, None, "one rating is under min_cell");
    let oceo = app
        .current_page("/dashboard/agency/AG-X-OCEO?period=2026-Q2")
        .await;
    assert!(
        oceo.contains("83,3% <span class=\"ci\">(5/6)</span>"),
        "{oceo}"
    );

    // Thirty days after the answer, the contact is gone.
    let later = chrono::Utc::now().naive_utc() + chrono::Duration::days(31);
    let forgotten = hailong::services::followups::forget_contacts(&mut app.conn(), later).unwrap();
    assert_eq!(forgotten, 1);
    tokio::time::sleep(Duration::from_millis(10)).await;
}
