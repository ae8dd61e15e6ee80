//! `/admin/api-clients`: integrators' API keys (create, shown once; revoke after a confirmation).

use actix_web::http::StatusCode;
use actix_web::HttpResponse;

use super::{Admin, Resource};
use crate::services::api_clients;
use crate::views::admin::{clients_page, ClientLine};
use crate::views::forms::{Confirmation, Posted};
use crate::web::db_call;
use crate::web::error::AppError;

pub struct ApiClients;

async fn render_with_key(
    admin: &Admin,
    status: StatusCode,
    posted: Option<&Posted>,
    new_key: Option<(&str, &str)>,
) -> Result<HttpResponse, AppError> {
    let clients = db_call::blocking(&admin.state.pool, api_clients::list).await?;
    let lines: Vec<ClientLine> = clients
        .into_iter()
        .map(|c| ClientLine {
            revoked: c
                .revoked_at
                .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()),
            name: c.name,
            scope: c.scope.parse().unwrap_or_default(),
        })
        .collect();
    admin.show(status, posted, |page| clients_page(page, &lines, new_key))
}

impl Resource for ApiClients {
    const LIST: &'static str = "/admin/api-clients";

    async fn render(
        admin: &Admin,
        status: StatusCode,
        posted: Option<&Posted>,
    ) -> Result<HttpResponse, AppError> {
        render_with_key(admin, status, posted, None).await
    }
}

/// Creates a key and shows it on this response, once: it is never stored, so the page is not
/// a redirect (a reload is refused, the name being taken).
pub async fn create(admin: Admin) -> Result<HttpResponse, AppError> {
    let state = admin.state.clone();
    let (secret, actor, name) = (
        state.settings.secret.clone(),
        admin.actor(),
        admin.field("name").to_owned(),
    );
    // The form offers the two scopes; anything else is an integrator's key, the default.
    let scope = admin.field("scope").parse().unwrap_or_default();
    let created = db_call::blocking(&state.pool, move |conn| {
        api_clients::create(conn, &secret, &actor, &name, scope)
    })
    .await;
    match created {
        Ok(created) => {
            let name = created.name.to_string();
            render_with_key(
                &admin,
                StatusCode::CREATED,
                None,
                Some((&name, &created.key)),
            )
            .await
        }
        Err(e) => {
            admin
                .then::<ApiClients, ()>("create", Err(e), |()| String::new())
                .await
        }
    }
}

pub async fn revoke(admin: Admin) -> Result<HttpResponse, AppError> {
    let state = admin.state.clone();
    let name = admin.field("name").to_owned();
    if !admin.confirmed() {
        let question = admin.lang.text_with(
            "staff-admin-api-clients-revoke-question",
            &[("name", name.as_str().into())],
        );
        return admin.ask(&Confirmation {
            title: admin
                .lang
                .staff_text("staff-admin-api-clients-revoke-an-api-key"),
            question: &question,
            consequence: admin
                .lang
                .staff_text("staff-admin-api-clients-the-system-using-this-key-is"),
            action: "/admin/api-clients/revoke",
            fields: &[("name", name.clone())],
            confirm_label: admin
                .lang
                .staff_text("staff-admin-api-clients-revoke-the-key"),
            back_href: ApiClients::LIST,
        });
    }
    let (actor, revoked_name) = (admin.actor(), name.clone());
    let revoked = db_call::blocking(&state.pool, move |conn| {
        api_clients::revoke(conn, &actor, &revoked_name)
    })
    .await;
    let said = admin.lang.staff_text("staff-admin-api-clients-key-revoked");
    admin
        .then::<ApiClients, _>("revoke", revoked, |()| format!("{said}{name}"))
        .await
}
