//! Admin pages: staff accounts, integrators' API keys, counter kiosks, questionnaire versions,
//! agencies, the yearly plan. Every
//! handler checks that an administrator is signed in (and, for a form, that its CSRF token is
//! this session's), calls the use case, and then either leaves a notice and redirects to the
//! list (post, redirect, get) or shows the list again with the refused form: what was typed,
//! and the problem beside its field. Irreversible changes ask first ([`Admin::ask`]).

pub mod agencies;
pub mod api_clients;
pub mod kiosks;
pub mod plan;
pub mod questionnaires;
pub mod users;

use std::collections::BTreeMap;

use actix_session::Session;
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse, ResponseError};
use maud::Markup;

use crate::domain::language::Lang;
use crate::views::admin::AdminPage;
use crate::views::forms::{confirmation, Confirmation, Posted};
use crate::views::layout::Width;
use crate::views::staff::{staff_page, Frame};
use crate::web::auth::access::{authorize, Need, Scope};
use crate::web::auth::staff::{Opened, Staff};
use crate::web::auth::user::CurrentUser;
use crate::web::error::AppError;
use crate::web::page::{notify, see_other, take_notice, with_csrf};
use crate::web::state::AppState;

/// One admin page: where its list lives, and how it is drawn (with a refused form, if any).
pub trait Resource {
    const LIST: &'static str;

    async fn render(
        admin: &Admin,
        status: StatusCode,
        posted: Option<&Posted>,
    ) -> Result<HttpResponse, AppError>;
}

/// An administrator at work on a request: who, in which language, and (for a POST) the form
/// they posted, its CSRF token checked. As an extractor it answers for every admin handler:
/// not signed in is the sign-in page, not an administrator a 404, a form without this
/// session's token a 403.
pub struct Admin {
    pub state: web::Data<AppState>,
    pub session: Session,
    pub user: CurrentUser,
    pub lang: Lang,
    pub form: BTreeMap<String, String>,
}

impl FromRequest for Admin {
    type Error = actix_web::Error;
    type Future = Opened<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        // The staff door (sign-in, form and CSRF token), then the administrators' check.
        Staff::open_as(req, payload, |staff| {
            authorize(&staff.user, Need::Admin, &Scope::Everything)?;
            Ok(Self {
                lang: staff.lang,
                state: staff.state,
                session: staff.session,
                user: staff.user,
                form: staff.form,
            })
        })
    }
}

impl Admin {
    /// Who did it, for the audit log.
    pub fn actor(&self) -> String {
        format!("user:{}", self.user.id)
    }

    /// A field of the posted form, trimmed ("" when absent).
    pub fn field(&self, name: &str) -> &str {
        field(&self.form, name)
    }

    /// Whether the form is the confirmed second step of an irreversible change.
    pub fn confirmed(&self) -> bool {
        self.field("confirm") == "yes"
    }

    /// An admin page in its frame, with the notice of the last change.
    pub fn show(
        &self,
        status: StatusCode,
        posted: Option<&Posted>,
        view: impl FnOnce(&AdminPage<'_>) -> Markup,
    ) -> Result<HttpResponse, AppError> {
        let switch = format!("?lang={}", self.lang.other().code());
        let notice = take_notice(&self.session);
        with_csrf(&self.state, &self.session, status, |csrf| {
            view(&AdminPage {
                frame: &self.frame(csrf, &switch),
                notice: notice.as_deref(),
                posted,
            })
        })
    }

    fn frame<'f>(&'f self, csrf: &'f str, switch: &'f str) -> Frame<'f> {
        Frame {
            lang: self.lang,
            email: &self.user.email,
            admin: true,
            province: true,
            csrf,
            switch_href: switch,
        }
    }

    /// The question before an irreversible change.
    pub fn ask(&self, question: &Confirmation<'_>) -> Result<HttpResponse, AppError> {
        let switch = format!("?lang={}", self.lang.other().code());
        with_csrf(&self.state, &self.session, StatusCode::OK, |csrf| {
            staff_page(
                &self.frame(csrf, &switch),
                question.title,
                Width::Wide,
                confirmation(self.lang, csrf, question),
            )
        })
    }

    /// After a use case: its notice and the list again (post, redirect, get); or, when it
    /// refused the input, the page with the form `form_name` as it was posted and the problem
    /// beside its field.
    pub async fn then<R: Resource, T>(
        &self,
        form_name: &'static str,
        outcome: Result<T, AppError>,
        notice: impl FnOnce(T) -> String,
    ) -> Result<HttpResponse, AppError> {
        match outcome {
            Ok(done) => {
                notify(&self.session, &notice(done));
                Ok(see_other(R::LIST))
            }
            Err(AppError::Refused(refusal)) => {
                let posted = Posted {
                    form: form_name,
                    values: self
                        .form
                        .iter()
                        .filter(|(k, _)| !matches!(k.as_str(), "csrf" | "password" | "confirm"))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                    problem: Some((refusal.field.to_owned(), refusal.say(self.lang).to_owned())),
                };
                let status = AppError::Refused(refusal).status_code();
                R::render(self, status, Some(&posted)).await
            }
            Err(e) => Err(e),
        }
    }
}

/// A field of a posted form, trimmed ("" when absent).
pub fn field<'f>(form: &'f BTreeMap<String, String>, name: &str) -> &'f str {
    form.get(name).map_or("", |v| v.trim())
}

/// `GET` of an admin page.
pub async fn list<R: Resource>(admin: Admin) -> Result<HttpResponse, AppError> {
    R::render(&admin, StatusCode::OK, None).await
}
