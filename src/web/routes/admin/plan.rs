//! `/admin/plan`: the province's yearly plan (its targets), set as TOML as `hailong plan set`
//! reads it, listed newest first.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;

use super::{Admin, Resource};
use crate::services::plans;
use crate::views::admin::plan_page;
use crate::views::forms::Posted;
use crate::web::db_call;
use crate::web::error::AppError;

/// What the form holds before any plan is set: the example of the repository.
const EXAMPLE: &str = include_str!("../../../../examples/plan-2026.toml");

pub struct Plans;

impl Resource for Plans {
    const LIST: &'static str = "/admin/plan";

    async fn render(
        admin: &Admin,
        status: StatusCode,
        posted: Option<&Posted>,
    ) -> Result<HttpResponse, AppError> {
        let stored = db_call::blocking(&admin.state.pool, plans::all).await?;
        let shown: Vec<(i32, String)> = stored
            .iter()
            .map(|p| (p.year, toml::to_string(p).unwrap_or_default()))
            .collect();
        admin.show(status, posted, |page| plan_page(page, &shown, EXAMPLE))
    }
}

pub async fn set(admin: Admin) -> Result<HttpResponse, AppError> {
    let state = admin.state.clone();
    let (actor, text) = (
        admin.actor(),
        admin.form.get("definition").cloned().unwrap_or_default(),
    );
    let saved = db_call::blocking(&state.pool, move |conn| {
        plans::set_from_toml(conn, &actor, &text)
    })
    .await;
    let lang = admin.lang;
    admin
        .then::<Plans, _>("plan", saved, |year| {
            lang.text_with(
                "staff-admin-plan-saved",
                &[("year", year.to_string().into())],
            )
        })
        .await
}
