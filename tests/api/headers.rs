//! Security headers on every kind of page, and what must never be cached.

use crate::helpers::{spawn_app, PASSWORD};

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or_else(|| panic!("{} has no {name}", response.url()))
}

fn assert_hardened(response: &reqwest::Response) {
    let csp = header(response, "content-security-policy");
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(
        !csp.contains("script-src"),
        "no script allowed at all: {csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(header(response, "x-content-type-options"), "nosniff");
    assert_eq!(header(response, "referrer-policy"), "no-referrer");
    assert_eq!(header(response, "x-frame-options"), "DENY");
}

#[tokio::test]
async fn every_page_carries_the_security_headers_and_private_pages_are_never_cached() {
    let app = spawn_app().await;
    let survey = app.issue_survey("HDR.1").await;
    app.add_user(
        "admin@angiang.test",
        hailong::domain::agency::Role::Admin,
        None,
    );

    // Public pages, errors and API answers alike.
    for path in [
        survey.as_str(),
        "/s/not-a-token",
        "/login",
        "/healthz",
        "/api/v1/agencies",
        "/api/v1/openapi.json",
        "/static/hailong.css",
        "/no/such/page",
        "/dashboard",
    ] {
        let response = app.get(path).await;
        assert_hardened(&response);
    }
    for path in [survey.as_str(), "/s/not-a-token", "/login"] {
        assert_eq!(
            header(&app.get(path).await, "cache-control"),
            "no-store",
            "{path}"
        );
    }

    // Signed in: the dashboards and admin pages.
    assert_eq!(
        app.login("admin@angiang.test", PASSWORD).await.status(),
        303
    );
    for path in [
        "/dashboard/province",
        "/dashboard/agency/AG-X-OCEO",
        "/admin/users",
        "/admin/agencies",
        "/exports/scores.csv",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_hardened(&response);
        assert_eq!(header(&response, "cache-control"), "no-store", "{path}");
    }
}

#[tokio::test]
async fn a_survey_page_links_nowhere_else_so_its_token_cannot_leak_by_referer() {
    let app = spawn_app().await;
    let survey = app.issue_survey("HDR.2").await;
    let page = app.get(&survey).await.text().await.unwrap();
    for attribute in [
        "href=\"http",
        "src=\"http",
        "action=\"http",
        "href=\"//",
        "src=\"//",
    ] {
        assert!(
            !page.contains(attribute),
            "external {attribute} on the survey page"
        );
    }
}
