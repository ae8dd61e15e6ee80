//! The comments inbox: every released comment of a period, paged, with topics and filters,
//! suppressed with its group, exported, and marked by the agency.

use hailong::domain::agency::Role;

use crate::helpers::{csrf_of, TestApp, PASSWORD};

/// One survey of `agency` answered with `value` on every question shown, with `comment`.
async fn answer_one(app: &TestApp, key: &str, id: &str, agency: &str, value: &str, comment: &str) {
    let mut dossier = crate::helpers::valid_dossier(id);
    dossier["agency_code"] = agency.into();
    let items = ["A1", "P5", "S1", "O1", "R3", "F2"];
    crate::helpers::answer_dossier(app, key, &dossier, &items, value, comment).await;
}

async fn text(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let response = client
        .get(format!("{}{}", app.address, path))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Ôc Eo: a waiting complaint rated 1, a praise rated 5, a formula-like fee complaint rated 2,
/// three more without comments; Rạch Giá: two responses (a suppressed group).
async fn answered(app: &TestApp) {
    app.seed();
    let key = app.new_api_key("comments gateway");
    answer_one(app, &key, "C-1", "AG-X-OCEO", "1", "Phải chờ đợi quá lâu").await;
    answer_one(
        app,
        &key,
        "C-2",
        "AG-X-OCEO",
        "5",
        "Cán bộ tận tình, cảm ơn",
    )
    .await;
    answer_one(app, &key, "C-3", "AG-X-OCEO", "2", "=1+1 lệ phí cao").await;
    for i in 4..7 {
        answer_one(app, &key, &format!("C-{i}"), "AG-X-OCEO", "4", "").await;
    }
    answer_one(app, &key, "R-1", "AG-P-RACHGIA", "2", "Một góp ý riêng tư").await;
    answer_one(app, &key, "R-2", "AG-P-RACHGIA", "2", "").await;
}

#[tokio::test]
async fn the_inbox_filters_by_topic_and_satisfaction_and_hides_small_groups() {
    let app = crate::helpers::spawn_app().await;
    answered(&app).await;
    app.add_user("phantich@angiang.test", Role::Province, None);
    app.login("phantich@angiang.test", PASSWORD).await;
    // The periods come from the computed dashboards.
    app.current_page("/dashboard/province?period=2026-Q2").await;

    let all = app
        .get("/dashboard/comments?period=2026-Q2")
        .await
        .text()
        .await
        .unwrap();
    for comment in [
        "Phải chờ đợi quá lâu",
        "Cán bộ tận tình, cảm ơn",
        "=1+1 lệ phí cao",
    ] {
        assert!(all.contains(comment), "{comment} shown:\n{all}");
    }
    assert!(
        !all.contains("Một góp ý riêng tư"),
        "a group under min_cell is not shown"
    );
    assert!(all.contains("Không hiển thị góp ý của"));
    assert!(
        all.contains("Thời gian chờ, giải quyết"),
        "topics are shown"
    );

    let waiting = app
        .get("/dashboard/comments?period=2026-Q2&topic=waiting")
        .await
        .text()
        .await
        .unwrap();
    assert!(waiting.contains("Phải chờ đợi quá lâu"));
    assert!(!waiting.contains("Cán bộ tận tình"));

    let low = app
        .get("/dashboard/comments?period=2026-Q2&agency=AG-X-OCEO&dimension=staff&leaning=low")
        .await
        .text()
        .await
        .unwrap();
    assert!(low.contains("Phải chờ đợi quá lâu") && low.contains("=1+1 lệ phí cao"));
    assert!(!low.contains("Cán bộ tận tình"));
    assert!(low.contains("Điểm ở lĩnh vực này: 1"), "{low}");
    let high = app
        .get("/dashboard/comments?period=2026-Q2&agency=AG-X-OCEO&dimension=staff&leaning=high")
        .await
        .text()
        .await
        .unwrap();
    assert!(high.contains("Cán bộ tận tình") && !high.contains("Phải chờ đợi quá lâu"));

    let csv = app
        .get("/exports/comments.csv?period=2026-Q2")
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.starts_with(
        "\u{feff}period,agency_code,agency_name,comment,topics,dimension_mean,status,action_note"
    ));
    assert!(csv.contains("'=1+1 lệ phí cao"), "formula-escaped:\n{csv}");
    assert!(csv.contains("waiting"));
    assert!(!csv.contains("Một góp ý riêng tư"));
    let xlsx = app.get("/exports/comments.xlsx?period=2026-Q2").await;
    assert_eq!(xlsx.status(), 200);
    assert!(xlsx.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("comments-province-2026-Q2.xlsx"));
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));
}

#[tokio::test]
async fn an_agency_marks_its_comments_and_the_province_reads_the_marks() {
    let app = crate::helpers::spawn_app().await;
    answered(&app).await;
    app.add_user("xa@angiang.test", Role::Agency, Some("AG-X-OCEO"));
    app.add_user("phantich@angiang.test", Role::Province, None);
    app.login("phantich@angiang.test", PASSWORD).await;
    app.current_page("/dashboard/province?period=2026-Q2").await;
    let agency = app.signed_in_client("xa@angiang.test", PASSWORD).await;

    let (status, own) = text(&agency, &app, "/dashboard/comments?period=2026-Q2").await;
    assert_eq!(status, 200);
    assert!(own.contains("Phải chờ đợi quá lâu"));
    let (status, _) = text(
        &agency,
        &app,
        "/dashboard/comments?period=2026-Q2&agency=AG-P-RACHGIA",
    )
    .await;
    assert_eq!(status, 404, "another agency's comments are not found");
    let (status, _) = text(
        &agency,
        &app,
        "/exports/comments.csv?period=2026-Q2&agency=AG-P-RACHGIA",
    )
    .await;
    assert_eq!(status, 404);

    // The waiting complaint's mark form carries its response's id.
    let at = own.find("Phải chờ đợi quá lâu").unwrap();
    let form = &own[at..];
    let id_at = form.find("name=\"response\" value=\"").unwrap() + 23;
    let response_id = form[id_at..].split('"').next().unwrap().to_owned();
    let csrf = csrf_of(&own);
    let mark = |csrf: String, id: String, status: &'static str| {
        let agency = agency.clone();
        let address = app.address.clone();
        async move {
            agency
                .post(format!("{address}/dashboard/comments/mark"))
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("response", id.as_str()),
                    ("status", status),
                    ("note", "Đã bố trí thêm quầy tiếp nhận"),
                    ("back", "period=2026-Q2"),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let refused = mark(String::new(), response_id.clone(), "acted_on").await;
    assert_eq!(refused.status(), 403, "no CSRF token, no mark");
    let wrong = mark(csrf.clone(), response_id.clone(), "ignored").await;
    assert_eq!(wrong.status(), 422);
    assert!(wrong.text().await.unwrap().contains("đã xử lý"));
    let saved = mark(csrf.clone(), response_id.clone(), "acted_on").await;
    assert_eq!(saved.status(), 303);
    assert_eq!(
        saved.headers()["location"],
        "/dashboard/comments?period=2026-Q2"
    );

    let province = app
        .get("/dashboard/comments?period=2026-Q2&agency=AG-X-OCEO")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        province.contains("Đã xử lý") && province.contains("Đã bố trí thêm quầy tiếp nhận"),
        "the province reads the mark:\n{province}"
    );
    assert!(
        !province.contains("dashboard/comments/mark"),
        "the province reads, the agency marks"
    );
    let csv = app
        .get("/exports/comments.csv?period=2026-Q2&agency=AG-X-OCEO")
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("acted_on,Đã bố trí thêm quầy tiếp nhận"));

    // Rạch Giá's response cannot be marked by Ôc Eo's staff.
    let rach_gia: String = {
        use diesel::prelude::*;
        use hailong::db::schema::{agencies, responses};
        responses::table
            .inner_join(agencies::table)
            .filter(agencies::code.eq("AG-P-RACHGIA"))
            .filter(responses::comment.is_not_null())
            .select(responses::id)
            .first(&mut *app.conn())
            .unwrap()
    };
    let foreign = mark(csrf, rach_gia, "noted").await;
    assert_eq!(foreign.status(), 404);
}

#[tokio::test]
async fn the_inbox_pages_through_every_comment() {
    let app = crate::helpers::spawn_app().await;
    app.seed();
    let key = app.new_api_key("many comments");
    for i in 0..53 {
        answer_one(
            &app,
            &key,
            &format!("M-{i}"),
            "AG-X-OCEO",
            "3",
            &format!("Góp ý số {i:02} về thủ tục"),
        )
        .await;
    }
    app.add_user("phantich@angiang.test", Role::Province, None);
    app.login("phantich@angiang.test", PASSWORD).await;
    app.current_page("/dashboard/province?period=2026-Q2").await;
    let first = app
        .get("/dashboard/comments?period=2026-Q2")
        .await
        .text()
        .await
        .unwrap();
    let second = app
        .get("/dashboard/comments?period=2026-Q2&page=2")
        .await
        .text()
        .await
        .unwrap();
    let on = |page: &str| {
        (0..53)
            .filter(|i| page.contains(&format!("Góp ý số {i:02} về thủ tục")))
            .collect::<Vec<_>>()
    };
    let (a, b) = (on(&first), on(&second));
    assert_eq!(a.len(), 50);
    assert_eq!(b.len(), 3);
    assert!(a.iter().all(|i| !b.contains(i)), "no comment on two pages");
    assert!(first.contains("Trang 1 / 2") && second.contains("Trang 2 / 2"));
}
