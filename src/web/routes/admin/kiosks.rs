//! `/admin/kiosks`: counter kiosks (enrol for an agency, the set-up link and its QR code shown
//! once; revoke after a confirmation).

use actix_web::http::StatusCode;
use actix_web::HttpResponse;

use super::{Admin, Resource};
use crate::services::agencies;
use crate::services::kiosks;
use crate::views::admin::{kiosks_page, KioskLine, NewKiosk};
use crate::views::forms::{Confirmation, Posted};
use crate::web::db_call;
use crate::web::error::AppError;

pub struct Kiosks;

async fn render_with(
    admin: &Admin,
    status: StatusCode,
    posted: Option<&Posted>,
    new_kiosk: Option<&NewKiosk>,
) -> Result<HttpResponse, AppError> {
    let (kiosks, everyone) = db_call::blocking(&admin.state.pool, |conn| {
        Ok::<_, AppError>((kiosks::list(conn)?, agencies::all(conn)?))
    })
    .await?;
    let lang = admin.lang;
    let name_of = |code: &str| {
        everyone
            .iter()
            .find(|a| a.code == code)
            .map(|a| lang.pick(&a.name_vi, &a.name_en).to_owned())
            .unwrap_or_default()
    };
    let lines: Vec<KioskLine> = kiosks
        .iter()
        .map(|(k, code)| KioskLine {
            id: k.id,
            name: k.name.clone(),
            agency: format!("{} ({code})", name_of(code)),
            enrolled: k.created_at.format("%Y-%m-%d").to_string(),
            revoked: k
                .revoked_at
                .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()),
        })
        .collect();
    let current: Vec<(String, String)> = everyone
        .iter()
        .filter(|a| a.valid_to.is_none())
        .map(|a| (a.code.clone(), name_of(&a.code)))
        .collect();
    admin.show(status, posted, |page| {
        kiosks_page(page, &lines, &current, new_kiosk)
    })
}

impl Resource for Kiosks {
    const LIST: &'static str = "/admin/kiosks";

    async fn render(
        admin: &Admin,
        status: StatusCode,
        posted: Option<&Posted>,
    ) -> Result<HttpResponse, AppError> {
        render_with(admin, status, posted, None).await
    }
}

/// Enrols a kiosk and shows its set-up link on this response, once: the credential is never
/// stored, so the page is not a redirect (a reload is refused, the name being taken).
pub async fn enrol(admin: Admin) -> Result<HttpResponse, AppError> {
    let state = admin.state.clone();
    let (secret, actor, agency, name) = (
        state.settings.secret.clone(),
        admin.actor(),
        admin.field("agency").to_owned(),
        admin.field("name").to_owned(),
    );
    let enrolled = db_call::blocking(&state.pool, move |conn| {
        kiosks::enrol(
            conn,
            &secret,
            &actor,
            &agency,
            &name,
            crate::clock::now().naive_utc(),
        )
    })
    .await;
    match enrolled {
        Ok(enrolled) => {
            let link = kiosks::enrolment_link(&state.settings.public_url, &enrolled.credential);
            let shown = NewKiosk {
                name: enrolled.name.to_string(),
                agency_code: enrolled.agency_code.clone(),
                qr_svg: crate::views::qr::svg(&link, 240),
                link,
            };
            render_with(&admin, StatusCode::CREATED, None, Some(&shown)).await
        }
        Err(e) => {
            admin
                .then::<Kiosks, ()>("enrol", Err(e), |()| String::new())
                .await
        }
    }
}

pub async fn revoke(admin: Admin) -> Result<HttpResponse, AppError> {
    let state = admin.state.clone();
    let Ok(id) = admin.field("id").parse::<i32>() else {
        return Err(AppError::NotFound);
    };
    let name = admin.field("name").to_owned();
    if !admin.confirmed() {
        let question = admin.lang.text_with(
            "staff-admin-kiosks-revoke-question",
            &[("name", name.as_str().into())],
        );
        return admin.ask(&Confirmation {
            title: admin.lang.staff_text("staff-admin-kiosks-revoke-a-kiosk"),
            question: &question,
            consequence: admin
                .lang
                .staff_text("staff-admin-kiosks-the-tablet-can-no-longer-open"),
            action: "/admin/kiosks/revoke",
            fields: &[("id", id.to_string()), ("name", name.clone())],
            confirm_label: admin.lang.staff_text("staff-admin-kiosks-revoke-the-kiosk"),
            back_href: Kiosks::LIST,
        });
    }
    let actor = admin.actor();
    let revoked = db_call::blocking(&state.pool, move |conn| {
        kiosks::revoke(conn, &actor, id, crate::clock::now().naive_utc())
    })
    .await;
    let said = admin.lang.staff_text("staff-admin-kiosks-kiosk-revoked");
    admin
        .then::<Kiosks, _>("revoke", revoked, |kiosk| format!("{said}{}", kiosk.name))
        .await
}
