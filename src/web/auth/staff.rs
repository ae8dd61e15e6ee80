//! The common door of every staff page: signed in (or sent to the sign-in page), the agency
//! tree and what the user may see of it, the page's language, and for a POST the form with its
//! CSRF token checked against this session. [`Staff`] is any signed-in user, [`ProvinceStaff`]
//! the province's analysts and admins, [`AgencyStaff`] a user allowed to see the agency the
//! path names (`{code}`). Whoever may not see a page gets "not found", as everywhere.

use std::collections::BTreeMap;

use actix_session::Session;
use actix_web::dev::Payload;
use actix_web::http::{Method, StatusCode};
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use maud::Markup;

use super::access::{authorize, Need, Scope};
use super::user::{current_user, CurrentUser};
use crate::domain::agency::Role;
use crate::domain::language::Lang;
use crate::services::agencies::Agency;
use crate::views::staff::Frame;
use crate::web::db_call;
use crate::web::error::AppError;
use crate::web::language::lang_of;
use crate::web::page::{csrf_ok, switch_href, with_csrf};
use crate::web::state::AppState;

/// A door being opened: what an extractor's future gives.
pub type Opened<T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, actix_web::Error>>>>;

/// A signed-in staff user at work on a request.
pub struct Staff {
    pub state: web::Data<AppState>,
    pub session: Session,
    pub user: CurrentUser,
    /// The agency tree (every unit, closed ones too), and what of it the user may see.
    pub agencies: Vec<Agency>,
    pub scope: Scope,
    pub lang: Lang,
    /// The same page in the other language.
    pub switch: String,
    /// A POST's form (its CSRF token already checked); empty for a GET.
    pub form: BTreeMap<String, String>,
}

impl Staff {
    /// Opens the door for `req`, then lets `then` check the staff member further (a role, an
    /// agency) and make the extractor of it.
    pub(crate) fn open_as<T: 'static>(
        req: &HttpRequest,
        payload: &mut Payload,
        then: impl FnOnce(Staff) -> Result<T, AppError> + 'static,
    ) -> Opened<T> {
        let opening = Staff::open(req, payload);
        Box::pin(async move { Ok(then(opening.await?)?) })
    }

    /// Opens the door for `req`: sign-in, tree, language, form and token.
    fn open(req: &HttpRequest, payload: &mut Payload) -> Opened<Staff> {
        let req = req.clone();
        let posted = req.method() == Method::POST;
        let form =
            posted.then(|| web::Form::<BTreeMap<String, String>>::from_request(&req, payload));
        Box::pin(async move {
            let state = web::Data::<AppState>::extract(&req).await?;
            let session = Session::extract(&req).await?;
            let Some(user) = current_user(&session, &state.pool).await? else {
                return Err(AppError::SignInFirst.into());
            };
            let form = match form {
                Some(form) => form.await?.into_inner(),
                None => BTreeMap::new(),
            };
            if posted && !csrf_ok(&req, &state, &session, form.get("csrf").map(String::as_str)) {
                return Err(AppError::Forbidden.into());
            }
            let agencies = db_call::blocking(&state.pool, crate::services::agencies::all).await?;
            let scope = Scope::of(&user, &agencies);
            let lang = lang_of(&req);
            let query: Vec<(String, String)> =
                web::Query::<Vec<(String, String)>>::from_query(req.query_string())
                    .map(web::Query::into_inner)
                    .unwrap_or_default();
            Ok(Staff {
                switch: switch_href(lang, &query),
                state,
                session,
                user,
                agencies,
                scope,
                lang,
                form,
            })
        })
    }

    /// Who did it, for the audit log.
    pub fn actor(&self) -> String {
        format!("user:{}", self.user.id)
    }

    /// A field of the posted form, trimmed ("" when absent).
    pub fn field(&self, name: &str) -> &str {
        self.form.get(name).map_or("", |v| v.trim())
    }

    /// The agency of `code`, when the user may see it; "not found" otherwise.
    pub fn agency(&self, code: &str) -> Result<&Agency, AppError> {
        let agency = self
            .agencies
            .iter()
            .find(|a| a.code == code)
            .ok_or(AppError::NotFound)?;
        authorize(&self.user, Need::Agency(agency.id), &self.scope)?;
        Ok(agency)
    }

    /// The agency of `id` in the tree, when there is one.
    pub fn agency_by_id(&self, id: i32) -> Option<&Agency> {
        self.agencies.iter().find(|a| a.id == id)
    }

    /// A page in the staff frame, with this session's CSRF token for its forms.
    pub fn page(
        &self,
        status: StatusCode,
        render: impl FnOnce(&Frame<'_>) -> Markup,
    ) -> Result<HttpResponse, AppError> {
        with_csrf(&self.state, &self.session, status, |csrf| {
            render(&Frame {
                lang: self.lang,
                email: &self.user.email,
                admin: self.user.role == Role::Admin,
                province: matches!(self.user.role, Role::Admin | Role::Province),
                csrf,
                switch_href: &self.switch,
            })
        })
    }
}

impl FromRequest for Staff {
    type Error = actix_web::Error;
    type Future = Opened<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        Staff::open(req, payload)
    }
}

/// The province's view: province analysts and admins.
pub struct ProvinceStaff(pub Staff);

impl std::ops::Deref for ProvinceStaff {
    type Target = Staff;

    fn deref(&self) -> &Staff {
        &self.0
    }
}

impl FromRequest for ProvinceStaff {
    type Error = actix_web::Error;
    type Future = Opened<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        Staff::open_as(req, payload, |staff| {
            authorize(&staff.user, Need::Province, &staff.scope)?;
            Ok(ProvinceStaff(staff))
        })
    }
}

/// A user allowed to see the agency the path names (`{code}`), with that agency.
pub struct AgencyStaff {
    pub staff: Staff,
    pub agency: Agency,
}

impl std::ops::Deref for AgencyStaff {
    type Target = Staff;

    fn deref(&self) -> &Staff {
        &self.staff
    }
}

impl FromRequest for AgencyStaff {
    type Error = actix_web::Error;
    type Future = Opened<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let code = req.match_info().get("code").unwrap_or_default().to_owned();
        Staff::open_as(req, payload, move |staff| {
            let agency = staff.agency(&code)?.clone();
            Ok(AgencyStaff { staff, agency })
        })
    }
}
