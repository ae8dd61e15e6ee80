//! Sign-in, sign-out, session lifetimes, throttling and CSRF for staff.

use diesel::prelude::*;
use hailong::db::schema::sessions;
use hailong::domain::agency::Role;

use crate::helpers::{assert_redirect_to, spawn_app, PASSWORD};

#[tokio::test]
async fn a_user_signs_in_reaches_their_dashboard_and_signs_out_for_good() {
    let app = spawn_app().await;
    app.seed();
    app.add_user("phantich@angiang.test", Role::Province, None);

    let login = app.login("PhanTich@AnGiang.test ", PASSWORD).await;
    assert_redirect_to(&login, "/dashboard");
    assert_redirect_to(&app.get("/dashboard").await, "/dashboard/province");
    assert_eq!(app.get("/dashboard/province").await.status(), 200);
    let cookie = app
        .client
        .get(format!("{}/dashboard/province", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(cookie.status(), 200);

    let page = app.get("/dashboard/province").await.text().await.unwrap();
    let csrf = crate::helpers::csrf_of(&page);
    let logout = app
        .client
        .post(format!("{}/logout", app.address))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();

    assert_redirect_to(&logout, "/login");
    assert_redirect_to(&app.get("/dashboard/province").await, "/login");
    assert_eq!(
        sessions::table
            .count()
            .get_result::<i64>(&mut *app.conn())
            .unwrap(),
        0,
        "ended on the server"
    );
}

#[tokio::test]
async fn an_unknown_email_and_a_wrong_password_get_the_same_answer() {
    let app = spawn_app().await;
    app.add_user("admin@angiang.test", Role::Admin, None);

    let unknown = app.login("nobody@angiang.test", PASSWORD).await;
    let wrong = app.login("admin@angiang.test", "không phải mật khẩu").await;

    assert_eq!(unknown.status(), 401);
    assert_eq!(wrong.status(), 401);
    let (a, b) = (unknown.text().await.unwrap(), wrong.text().await.unwrap());
    assert!(
        a.contains("Thư điện tử hoặc mật khẩu không đúng")
            && b.contains("Thư điện tử hoặc mật khẩu không đúng")
    );
    assert_redirect_to(&app.get("/dashboard/province").await, "/login");
}

#[tokio::test]
async fn five_failures_lock_the_account_for_a_while_even_with_the_right_password() {
    let app = spawn_app().await;
    app.add_user("admin@angiang.test", Role::Admin, None);

    for _ in 0..5 {
        assert_eq!(
            app.login("admin@angiang.test", "sai mật khẩu rồi")
                .await
                .status(),
            401
        );
    }
    let locked = app.login("admin@angiang.test", PASSWORD).await;

    assert_eq!(locked.status(), 429);
    assert!(locked.text().await.unwrap().contains("15 phút"));
    assert_redirect_to(&app.get("/dashboard").await, "/login");
}

#[tokio::test]
async fn a_sign_in_without_its_csrf_pair_is_refused() {
    let app = spawn_app().await;
    app.add_user("admin@angiang.test", Role::Admin, None);

    let forged = app
        .another_client()
        .post(format!("{}/login", app.address))
        .form(&[
            ("email", "admin@angiang.test"),
            ("password", PASSWORD),
            ("csrf", "x"),
        ])
        .send()
        .await
        .unwrap();

    assert_eq!(forged.status(), 403);
}

#[tokio::test]
async fn a_logout_without_its_csrf_token_does_not_end_the_session() {
    let app = spawn_app().await;
    app.add_user("admin@angiang.test", Role::Admin, None);
    app.login("admin@angiang.test", PASSWORD).await;

    let forged = app
        .client
        .post(format!("{}/logout", app.address))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();

    assert_eq!(forged.status(), 403);
    assert_eq!(app.get("/dashboard/province").await.status(), 200);
}

#[tokio::test]
async fn an_idle_session_and_a_twelve_hour_old_one_both_end() {
    let app = spawn_app().await;
    app.add_user("admin@angiang.test", Role::Admin, None);
    app.login("admin@angiang.test", PASSWORD).await;
    assert_eq!(app.get("/dashboard/province").await.status(), 200);

    // 30 minutes without a request: the server-side state has lapsed.
    let lapsed = chrono::Utc::now().naive_utc() - chrono::Duration::minutes(1);
    diesel::update(sessions::table)
        .set(sessions::expires_at.eq(lapsed))
        .execute(&mut *app.conn())
        .unwrap();
    assert_redirect_to(&app.get("/dashboard/province").await, "/login");

    // Active all along, but signed in 13 hours ago.
    app.login("admin@angiang.test", PASSWORD).await;
    let state: String = sessions::table
        .select(sessions::state)
        .first(&mut *app.conn())
        .unwrap();
    let mut state: std::collections::HashMap<String, String> =
        serde_json::from_str(&state).unwrap();
    state.insert(
        "login_at".into(),
        (chrono::Utc::now().timestamp() - 13 * 3600).to_string(),
    );
    diesel::update(sessions::table)
        .set(sessions::state.eq(serde_json::to_string(&state).unwrap()))
        .execute(&mut *app.conn())
        .unwrap();
    assert_redirect_to(&app.get("/dashboard/province").await, "/login");
}

#[tokio::test]
async fn disabling_a_user_ends_their_sessions() {
    let app = spawn_app().await;
    app.add_user("admin@angiang.test", Role::Admin, None);
    app.login("admin@angiang.test", PASSWORD).await;
    let user = hailong::db::users::by_email(&mut app.conn(), "admin@angiang.test")
        .unwrap()
        .unwrap();

    hailong::db::users::set_disabled(&mut app.conn(), user.id, true).unwrap();

    assert_redirect_to(&app.get("/dashboard/province").await, "/login");
    assert_eq!(
        app.login("admin@angiang.test", PASSWORD).await.status(),
        401
    );
}

#[tokio::test]
async fn the_user_add_command_creates_an_account_with_a_policy_checked_password() {
    let app = spawn_app().await;
    app.seed();
    let dir = tempfile::tempdir().unwrap();

    let created = app.db.run_cli(
        dir.path(),
        &[
            "user",
            "add",
            "--email",
            "xa@angiang.test",
            "--role",
            "agency",
            "--agency",
            "AG-X-OCEO",
        ],
    );
    let no_agency = app.db.run_cli(
        dir.path(),
        &[
            "user",
            "add",
            "--email",
            "x2@angiang.test",
            "--role",
            "agency",
        ],
    );

    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let stdout = String::from_utf8_lossy(&created.stdout);
    let password = stdout
        .lines()
        .find_map(|l| l.strip_prefix("password (shown once; store it now): "))
        .unwrap()
        .to_owned();
    assert!(password.chars().count() >= 12);
    assert!(!no_agency.status.success());
    assert!(String::from_utf8_lossy(&no_agency.stderr).contains("--agency"));
    assert_redirect_to(&app.login("xa@angiang.test", &password).await, "/dashboard");
    assert_redirect_to(&app.get("/dashboard").await, "/dashboard/agency/AG-X-OCEO");
}
