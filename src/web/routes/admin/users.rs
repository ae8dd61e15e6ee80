//! `/admin/users`: staff accounts (list, add, disable after a confirmation, enable).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use super::{Admin, Resource};
use crate::domain::agency::Role;
use crate::services::accounts::account_by_id;
use crate::services::accounts::{self, NewAccount};
use crate::services::agencies;
use crate::views::admin::{users_page, UserLine};
use crate::views::forms::{Confirmation, Posted};
use crate::web::db_call;
use crate::web::error::AppError;

pub struct Users;

impl Resource for Users {
    const LIST: &'static str = "/admin/users";

    async fn render(
        admin: &Admin,
        status: StatusCode,
        posted: Option<&Posted>,
    ) -> Result<HttpResponse, AppError> {
        let (accounts, everyone) = db_call::blocking(&admin.state.pool, |conn| {
            Ok::<_, AppError>((accounts::list(conn)?, agencies::all(conn)?))
        })
        .await?;
        let name_of = |code: &str| {
            everyone
                .iter()
                .find(|a| a.code == code)
                .map(|a| admin.lang.pick(&a.name_vi, &a.name_en).to_owned())
                .unwrap_or_default()
        };
        let lines: Vec<UserLine> = accounts
            .iter()
            .map(|a| UserLine {
                id: a.user.id,
                email: a.user.email.clone(),
                role: a.user.role,
                agency: a.agency_code.as_ref().map(|c| (c.clone(), name_of(c))),
                disabled: a.user.disabled,
            })
            .collect();
        let current: Vec<(String, String)> = everyone
            .iter()
            .filter(|a| a.valid_to.is_none())
            .map(|a| (a.code.clone(), name_of(&a.code)))
            .collect();
        admin.show(status, posted, |page| users_page(page, &lines, &current))
    }
}

pub async fn create(admin: Admin) -> Result<HttpResponse, AppError> {
    let state = admin.state.clone();
    let created =
        match crate::services::choice::<Role>(admin.field("role"), "role", "refusal-choose-role") {
            Err(refusal) => Err(refusal.into()),
            Ok(role) => {
                let (actor, fields) = (admin.actor(), admin.form.clone());
                db_call::blocking(&state.pool, move |conn| {
                    accounts::add(
                        conn,
                        &actor,
                        &NewAccount {
                            email: super::field(&fields, "email"),
                            role,
                            agency: Some(super::field(&fields, "agency")),
                            password: fields.get("password").map_or("", String::as_str),
                        },
                    )
                })
                .await
            }
        };
    let email = admin.field("email").to_lowercase();
    let said = admin.lang.staff_text("staff-admin-users-account-added");
    admin
        .then::<Users, _>("add", created, |_| format!("{said}{email}"))
        .await
}

async fn set_disabled(admin: Admin, id: i32, disabled: bool) -> Result<HttpResponse, AppError> {
    let state = admin.state.clone();
    if disabled && !admin.confirmed() {
        if id == admin.user.id {
            let own: Result<(), AppError> = Err(AppError::Refused(accounts::refuse_own_account()));
            return admin
                .then::<Users, _>("account", own, |()| String::new())
                .await;
        }
        let target = db_call::blocking(&state.pool, move |conn| account_by_id(conn, id))
            .await?
            .ok_or(AppError::NotFound)?;
        let question = admin.lang.text_with(
            "staff-admin-users-disable-question",
            &[("email", target.email.as_str().into())],
        );
        return admin.ask(&Confirmation {
            title: admin
                .lang
                .staff_text("staff-admin-users-disable-an-account"),
            question: &question,
            consequence: admin
                .lang
                .staff_text("staff-admin-users-they-are-signed-out-at-once"),
            action: &format!("/admin/users/{id}/disable"),
            fields: &[],
            confirm_label: admin
                .lang
                .staff_text("staff-admin-users-disable-the-account"),
            back_href: Users::LIST,
        });
    }
    let actor_id = admin.user.id;
    let changed = db_call::blocking(&state.pool, move |conn| {
        accounts::set_disabled(conn, actor_id, id, disabled)
    })
    .await;
    let said = if disabled {
        admin.lang.staff_text("staff-admin-users-account-disabled")
    } else {
        admin.lang.staff_text("staff-admin-users-account-enabled")
    };
    admin
        .then::<Users, _>("account", changed, |email| format!("{said}{email}"))
        .await
}

pub async fn disable(admin: Admin, id: web::Path<i32>) -> Result<HttpResponse, AppError> {
    set_disabled(admin, id.into_inner(), true).await
}

pub async fn enable(admin: Admin, id: web::Path<i32>) -> Result<HttpResponse, AppError> {
    set_disabled(admin, id.into_inner(), false).await
}
