//! `/admin/questionnaires`: publish a questionnaire version (JSON), listed with its items.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;

use super::{Admin, Resource};
use crate::services::questionnaires::{self, Published};
use crate::views::admin::questionnaires_page;
use crate::views::forms::Posted;
use crate::web::db_call;
use crate::web::error::AppError;

pub struct Questionnaires;

impl Resource for Questionnaires {
    const LIST: &'static str = "/admin/questionnaires";

    async fn render(
        admin: &Admin,
        status: StatusCode,
        posted: Option<&Posted>,
    ) -> Result<HttpResponse, AppError> {
        let versions = db_call::blocking(&admin.state.pool, questionnaires::list).await?;
        admin.show(status, posted, |page| questionnaires_page(page, &versions))
    }
}

pub async fn publish(admin: Admin) -> Result<HttpResponse, AppError> {
    let state = admin.state.clone();
    // Not trimmed: the text is normalised (line endings, NFC) by the use case.
    let (actor, text) = (
        admin.actor(),
        admin.form.get("definition").cloned().unwrap_or_default(),
    );
    let published = db_call::blocking(&state.pool, move |conn| {
        questionnaires::publish(conn, &actor, &text)
    })
    .await;
    let lang = admin.lang;
    admin
        .then::<Questionnaires, _>("publish", published, |outcome| {
            let (id, version) = match outcome {
                Published::New(v) => ("staff-admin-questionnaires-published", v),
                Published::Unchanged(v) => ("staff-admin-questionnaires-unchanged", v),
            };
            lang.text_with(id, &[("version", version.into())])
        })
        .await
}
