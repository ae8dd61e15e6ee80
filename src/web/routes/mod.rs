//! The whole URL map, in one place.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use crate::web::error::AppError;

mod account;
mod admin;
mod agencies;
mod api;
mod comments;
mod dashboard;
mod eid;
mod exports;
mod followups;
mod health;
mod integrity;
mod kiosk;
pub mod metrics;
mod opt_out;
mod paper;
mod public;
mod report;
mod survey;

pub use api::ApiDoc;

const STYLESHEET: &str = include_str!("../../../static/hailong.css");
const FAVICON: &str = include_str!("../../../static/favicon.svg");
/// Search engines may index the public scores, never a survey link, a staff page or an export.
const ROBOTS: &str = "User-agent: *\nDisallow: /s/\nDisallow: /help/\nDisallow: /kiosk\nDisallow: /paper/\nDisallow: /dashboard\nDisallow: /admin\nDisallow: /exports/\nDisallow: /api/\nAllow: /cong-khai\nAllow: /en/public\nAllow: /open-data/\n";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::get))
        .route("/login", web::get().to(account::login_form))
        .route("/login", web::post().to(account::login))
        .route("/logout", web::post().to(account::logout))
        .route("/dashboard", web::get().to(account::dashboard_home))
        .route("/dashboard/province", web::get().to(dashboard::province))
        .route("/dashboard/agency/{code}", web::get().to(dashboard::agency))
        .route(
            "/dashboard/agency/{code}/report.docx",
            web::get().to(report::agency),
        )
        .route("/dashboard/delivery", web::get().to(dashboard::delivery))
        .route("/dashboard/comments", web::get().to(comments::page))
        .route("/dashboard/integrity", web::get().to(integrity::page))
        .route("/dashboard/comments/mark", web::post().to(comments::mark))
        .route("/cong-khai", web::get().to(public::scoreboard_vi))
        .route("/en/public", web::get().to(public::scoreboard_en))
        .route("/open-data/scores.csv", web::get().to(public::open_csv))
        .route("/open-data/scores.json", web::get().to(public::open_json))
        .route("/badge/{file}", web::get().to(public::badge))
        .route("/dashboard/followups", web::get().to(followups::list))
        .route(
            "/dashboard/followups/{id}",
            web::post().to(followups::handle),
        )
        .route("/kiosk", web::get().to(kiosk::get))
        .route("/kiosk", web::post().to(kiosk::post))
        .route("/kiosk/survey", web::get().to(kiosk::survey))
        .route("/kiosk/survey", web::post().to(kiosk::answer))
        .route(
            "/kiosk/enrol/{credential}",
            web::get().to(kiosk::enrol_form),
        )
        .route("/kiosk/enrol/{credential}", web::post().to(kiosk::enrol))
        .route("/help/answer/{token}", web::get().to(followups::answer))
        .route("/help/answer/{token}", web::post().to(followups::rate))
        .route("/help/{grant}", web::get().to(followups::request_form))
        .route("/help/{grant}", web::post().to(followups::file_request))
        .route(
            "/admin/users",
            web::get().to(admin::list::<admin::users::Users>),
        )
        .route("/admin/users", web::post().to(admin::users::create))
        .route(
            "/admin/users/{id}/disable",
            web::post().to(admin::users::disable),
        )
        .route(
            "/admin/users/{id}/enable",
            web::post().to(admin::users::enable),
        )
        .route(
            "/admin/api-clients",
            web::get().to(admin::list::<admin::api_clients::ApiClients>),
        )
        .route(
            "/admin/api-clients",
            web::post().to(admin::api_clients::create),
        )
        .route(
            "/admin/api-clients/revoke",
            web::post().to(admin::api_clients::revoke),
        )
        .route(
            "/admin/kiosks",
            web::get().to(admin::list::<admin::kiosks::Kiosks>),
        )
        .route("/admin/kiosks", web::post().to(admin::kiosks::enrol))
        .route(
            "/admin/kiosks/revoke",
            web::post().to(admin::kiosks::revoke),
        )
        .route("/paper/form", web::get().to(paper::form))
        .route("/admin/paper", web::get().to(paper::entry))
        .route("/admin/paper", web::post().to(paper::enter))
        .route("/admin/paper/reconcile", web::get().to(paper::reconcile))
        .route("/admin/paper/decide", web::post().to(paper::decide))
        .route(
            "/admin/questionnaires",
            web::get().to(admin::list::<admin::questionnaires::Questionnaires>),
        )
        .route(
            "/admin/questionnaires",
            web::post().to(admin::questionnaires::publish),
        )
        .route(
            "/admin/agencies",
            web::get().to(admin::list::<admin::agencies::Agencies>),
        )
        .route("/admin/agencies", web::post().to(admin::agencies::add))
        .route(
            "/admin/plan",
            web::get().to(admin::list::<admin::plan::Plans>),
        )
        .route("/admin/plan", web::post().to(admin::plan::set))
        .route(
            "/admin/agencies/policy",
            web::post().to(admin::agencies::set_survey_policy),
        )
        .route(
            "/admin/agencies/close",
            web::post().to(admin::agencies::close),
        )
        .route(
            "/admin/agencies/rename",
            web::post().to(admin::agencies::rename),
        )
        .route(
            "/admin/agencies/contact",
            web::post().to(admin::agencies::set_contact),
        )
        .route("/exports/scores.csv", web::get().to(exports::scores_csv))
        .route(
            "/exports/delivery.csv",
            web::get().to(exports::delivery_csv),
        )
        .route("/exports/scores.xlsx", web::get().to(exports::scores_xlsx))
        .route("/exports/report.docx", web::get().to(report::province))
        .route("/exports/comments.csv", web::get().to(comments::export_csv))
        .route(
            "/exports/comments.xlsx",
            web::get().to(comments::export_xlsx),
        )
        .route(
            "/exports/raw/{table}.csv",
            web::get().to(exports::raw_table),
        )
        .route("/static/hailong.css", web::get().to(stylesheet))
        .route("/favicon.svg", web::get().to(favicon))
        .route("/favicon.ico", web::get().to(favicon))
        .route("/robots.txt", web::get().to(robots))
        .service(api_resource("/api/v1/agencies", "GET").route(web::get().to(agencies::list)))
        .service(api_resource("/api/v1/openapi.json", "GET").route(web::get().to(api::openapi)))
        .service(api_resource("/api/v1/dossiers", "POST").route(web::post().to(api::post_dossiers)))
        .service(api_resource("/api/v1/opt-outs", "POST").route(web::post().to(api::post_opt_out)))
        .service(
            api_resource("/api/v1/dossiers/{dossier_id}/qr.svg", "GET")
                .route(web::get().to(api::dossier_qr)),
        )
        .default_service(web::to(not_found));
}

/// The survey routes, rate-limited per client address by the caller (see startup).
pub fn configure_survey(cfg: &mut web::ServiceConfig) {
    cfg.route("/eid/callback", web::get().to(eid::callback))
        .route("/{token}/sign-in", web::get().to(eid::start))
        .route(
            "/{token}/not-the-applicant",
            web::get().to(eid::not_the_applicant),
        )
        .route("/{token}/stop", web::get().to(opt_out::get))
        .route("/{token}/stop", web::post().to(opt_out::post))
        .route("/{token}", web::get().to(survey::get))
        .route("/{token}", web::post().to(survey::post));
}

/// An API path: a method it does not offer is a 405 naming the ones it does (not a 404: the
/// path exists).
fn api_resource(path: &str, allow: &'static str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(move || async move {
        HttpResponse::MethodNotAllowed()
            .insert_header((header::ALLOW, allow))
            .json(serde_json::json!({ "error": format!("method not allowed; use {allow}") }))
    }))
}

async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .content_type("text/css; charset=utf-8")
        .body(STYLESHEET)
}

async fn favicon() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .content_type("image/svg+xml")
        .body(FAVICON)
}

async fn robots() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .content_type("text/plain; charset=utf-8")
        .body(ROBOTS)
}

async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}
