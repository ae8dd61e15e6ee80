//! Paper forms: printed with the receipt's code, entered twice by two different people of the
//! province; matching entries are stored once (`mode = paper`), differing ones wait for a third
//! person; nothing is stored twice, whichever way the dossier was answered first.

use hailong::domain::agency::Role;

use crate::helpers::{csrf_of, spawn_app, valid_dossier, TestApp, PASSWORD};

async fn receipt(app: &TestApp, key: &str, id: &str) -> (String, String) {
    crate::kiosk::receipt_of(app, key, &valid_dossier(id)).await
}

/// A member of the province's staff at the entry page.
pub(crate) struct Clerk {
    base: String,
    client: reqwest::Client,
}

impl Clerk {
    pub(crate) async fn sign_in(app: &TestApp, email: &str) -> Self {
        app.add_user(email, Role::Province, None);
        Clerk {
            base: app.address.clone(),
            client: app.signed_in_client(email, PASSWORD).await,
        }
    }

    async fn page(&self, path: &str) -> (u16, String) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// Enters a form: the response (a redirect to the entry page when taken), and the page
    /// shown after it.
    pub(crate) async fn enter(&self, code: &str, digits: &[(&str, &str)]) -> (u16, String) {
        let (_, page) = self.page("/admin/paper").await;
        let mut fields = vec![
            ("csrf", csrf_of(&page)),
            ("version", "2026.1".to_owned()),
            ("code", code.to_owned()),
        ];
        fields.extend(digits.iter().map(|(k, v)| (*k, (*v).to_owned())));
        let response = self
            .client
            .post(format!("{}/admin/paper", self.base))
            .form(&fields)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        if status == 303 {
            let location = response.headers()["location"].to_str().unwrap().to_owned();
            return (303, self.page(&location).await.1);
        }
        (status, response.text().await.unwrap())
    }

    async fn decide(&self, entry: &str, action: &str) -> String {
        let (_, page) = self.page("/admin/paper/reconcile").await;
        let response = self
            .client
            .post(format!("{}/admin/paper/decide", self.base))
            .form(&[
                ("csrf", csrf_of(&page).as_str()),
                ("entry", entry),
                ("action", action),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
        self.page("/admin/paper/reconcile").await.1
    }
}

/// The entry numbers on a reconciliation page, in order.
fn entries_on(page: &str) -> Vec<String> {
    page.split("name=\"entry\" value=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn two_matching_entries_store_the_form_once_as_paper() {
    let app = spawn_app().await;
    app.seed();
    let key = app.new_api_key("one-stop shop");
    let (link, code) = receipt(&app, &key, "P.1").await;
    let first = Clerk::sign_in(&app, "nhap1@angiang.test").await;
    let second = Clerk::sign_in(&app, "nhap2@angiang.test").await;
    let third = Clerk::sign_in(&app, "nhap3@angiang.test").await;

    let (status, page) = first.page("/admin/paper").await;
    assert_eq!(status, 200);
    assert!(page.contains("name=\"p_A1\""), "{page}");
    assert!(page.contains("maxlength=\"1\""));

    let digits = [
        ("p_A1", "5"),
        ("p_A2", "0"),
        ("p_P1", "4"),
        ("comment", "Phòng  chờ nóng "),
    ];
    let (status, page) = first.enter(&code, &digits).await;
    assert_eq!(status, 303);
    assert!(page.contains("lần nhập thứ nhất"), "{page}");
    let (status, page) = first.enter(&code, &digits).await;
    assert_eq!(status, 409, "the same person cannot enter it twice");
    assert!(page.contains("người khác"), "{page}");
    assert!(crate::helpers::stored_responses(&mut app.conn()).is_empty());

    let (status, page) = second
        .enter(
            &code.replace(' ', ""),
            &[
                ("p_A1", "5"),
                ("p_A2", "0"),
                ("p_P1", "4"),
                ("comment", "Phòng chờ nóng"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    assert!(page.contains("khớp nhau"), "{page}");
    let stored = crate::helpers::stored_responses(&mut app.conn());
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].mode, "paper");
    assert_eq!(stored[0].comment.as_deref(), Some("Phòng chờ nóng"));
    let answers = hailong::db::responses::answers_of(&mut app.conn(), &stored[0].id).unwrap();
    let pairs: Vec<(&str, i32)> = answers
        .iter()
        .map(|a| (a.item_code.as_str(), a.value))
        .collect();
    assert_eq!(
        pairs,
        [("A1", 5), ("P1", 4)],
        "0: not applicable leaves no row"
    );
    let left: i64 = diesel::RunQueryDsl::get_result(
        diesel::QueryDsl::count(hailong::db::schema::paper_entries::table),
        &mut *app.conn(),
    )
    .unwrap();
    assert_eq!(left, 0, "the entries are forgotten once stored");

    // The dossier is answered: the link says so, and the form cannot be entered again.
    assert!(app
        .get(&link)
        .await
        .text()
        .await
        .unwrap()
        .contains("đã được trả lời"));
    let (status, page) = third.enter(&code, &digits).await;
    assert_eq!(status, 409);
    assert!(page.contains("đã được đánh giá"), "{page}");
    assert_eq!(crate::helpers::stored_responses(&mut app.conn()).len(), 1);
}

#[tokio::test]
async fn entries_that_differ_wait_for_a_third_person() {
    let app = spawn_app().await;
    app.seed();
    let key = app.new_api_key("one-stop shop");
    let (_, kept) = receipt(&app, &key, "P.2").await;
    let (link, discarded) = receipt(&app, &key, "P.3").await;
    let first = Clerk::sign_in(&app, "nhap1@angiang.test").await;
    let second = Clerk::sign_in(&app, "nhap2@angiang.test").await;
    let third = Clerk::sign_in(&app, "nhap3@angiang.test").await;

    first.enter(&kept, &[("p_A1", "4"), ("p_A2", "3")]).await;
    let (status, page) = second.enter(&kept, &[("p_A1", "2"), ("p_A2", "3")]).await;
    assert_eq!(status, 303);
    assert!(page.contains("khác nhau ở: A1."), "{page}");
    first.enter(&discarded, &[("p_A1", "1")]).await;
    second.enter(&discarded, &[("p_A1", "5")]).await;
    assert!(crate::helpers::stored_responses(&mut app.conn()).is_empty());
    let (_, page) = third.page("/admin/paper").await;
    assert!(page.contains("Chờ quyết định: 4"), "{page}");

    // The reconciliation list shows what differs, and who entered what.
    let (_, page) = third.page("/admin/paper/reconcile").await;
    assert!(page.contains("nhap1@angiang.test") && page.contains("nhap2@angiang.test"));
    let entries = entries_on(&page);
    assert_eq!(
        entries.len(),
        6,
        "keep either, or discard, for each of two forms: {page}"
    );
    // Someone who entered it does not decide.
    let refused = first.decide(&entries[1], "keep").await;
    assert!(refused.contains("người thứ ba"), "{refused}");
    assert!(crate::helpers::stored_responses(&mut app.conn()).is_empty());

    let after = third.decide(&entries[1], "keep").await;
    assert!(after.contains("lần nhập được chọn"), "{after}");
    let stored = crate::helpers::stored_responses(&mut app.conn());
    assert_eq!(stored.len(), 1);
    let answers = hailong::db::responses::answers_of(&mut app.conn(), &stored[0].id).unwrap();
    assert_eq!(
        answers.iter().find(|a| a.item_code == "A1").unwrap().value,
        2,
        "the second entry kept"
    );

    let remaining = entries_on(&after);
    let discarded_page = third.decide(&remaining[2], "discard").await;
    assert!(
        discarded_page.contains("Không có phiếu nào chờ quyết định"),
        "{discarded_page}"
    );
    assert_eq!(crate::helpers::stored_responses(&mut app.conn()).len(), 1);
    // A discarded form stores nothing: the citizen can still answer.
    let csrf = app.open_survey(&link).await;
    assert_eq!(
        app.submit(&link, &[("csrf", &csrf), ("q_A1", "3")])
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn bad_entries_say_what_is_wrong_and_store_nothing() {
    let app = spawn_app().await;
    app.seed();
    let key = app.new_api_key("one-stop shop");
    let (link, code) = receipt(&app, &key, "P.4").await;
    let clerk = Clerk::sign_in(&app, "nhap1@angiang.test").await;

    let digits: String = code.chars().filter(char::is_ascii_digit).collect();
    let typo = format!("{}{}", &digits[..9], (digits.as_bytes()[9] - b'0' + 1) % 10);
    let (status, page) = clerk.enter(&typo, &[("p_A1", "4")]).await;
    assert_eq!(status, 422);
    assert!(page.contains("gõ nhầm"), "{page}");
    let (status, page) = clerk.enter(&code, &[("p_A1", "7"), ("p_A2", "4")]).await;
    assert_eq!(status, 422);
    assert!(page.contains("id=\"err-A1\""), "{page}");
    assert!(page.contains("value=\"7\""), "what was typed is kept");

    // Answered by link first: the form is refused.
    let csrf = app.open_survey(&link).await;
    app.submit(&link, &[("csrf", &csrf), ("q_A1", "3")]).await;
    let (status, _) = clerk.enter(&code, &[("p_A1", "4")]).await;
    assert_eq!(status, 409);
    assert_eq!(crate::helpers::stored_responses(&mut app.conn()).len(), 1);

    // Agency staff print forms but do not enter them.
    app.add_user("xa@angiang.test", Role::Agency, Some("AG-X-OCEO"));
    let agency = app.signed_in_client("xa@angiang.test", PASSWORD).await;
    let entry = agency
        .get(format!("{}/admin/paper", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(entry.status(), 404);
    let (_, other_code) = receipt(&app, &key, "P.5").await;
    let print = |code: String| {
        let agency = &agency;
        let address = &app.address;
        async move {
            let printed = agency
                .get(format!(
                    "{address}/paper/form?code={}",
                    code.replace(' ', "")
                ))
                .send()
                .await
                .unwrap();
            assert_eq!(printed.status(), 200);
            let text = printed.text().await.unwrap();
            text.replace(&code, "CODE")
                .replace(&code.replace(' ', ""), "CODE")
        }
    };
    let open = agency
        .get(format!(
            "{}/paper/form?code={}",
            app.address,
            other_code.replace(' ', "")
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        open.contains(&other_code),
        "the code is printed as on the receipt"
    );
    assert!(open.contains("Phiên bản phiếu"));
    // The page is the same for an open, an answered and an unknown code: printing a form
    // tells staff nothing about whether its citizen has answered.
    let printed_open = print(other_code.clone()).await;
    assert!(!printed_open.contains("Óc Eo"), "no lookup: {printed_open}");
    assert_eq!(print(code.clone()).await, printed_open, "answered");
    assert_eq!(
        print("000 000 0000".to_owned()).await,
        printed_open,
        "unknown"
    );
    let blank = agency
        .get(format!("{}/paper/form?lang=en", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(blank.contains("class=\"box\"") && blank.contains("Survey code"));
}
