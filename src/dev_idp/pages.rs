//! The development provider's two pages: pick a citizen, or an error. Plain HTML, no script.

use actix_web::http::{header, StatusCode};
use actix_web::HttpResponse;
use maud::{html, Markup, DOCTYPE};

use super::{AuthorizationRequest, DemoCitizen};

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:32rem;margin:1rem auto;\
padding:0 1rem;line-height:1.5}button{display:block;width:100%;min-height:48px;margin:.5rem 0;\
font:inherit;text-align:left;padding:.5rem 1rem;border:1px solid #888;border-radius:.5rem;\
background:#fff;cursor:pointer}.note{color:#555;font-size:.9rem}";

pub fn html(status: StatusCode, markup: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ))
        .content_type("text/html; charset=utf-8")
        .body(markup.into_string())
}

fn frame(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="vi" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (STYLE) }
            }
            body { (body) }
        }
    }
}

fn hidden(name: &str, value: Option<&str>) -> Markup {
    html! { input type="hidden" name=(name) value=(value.unwrap_or("")); }
}

pub fn login(request: &AuthorizationRequest, citizens: &[DemoCitizen]) -> Markup {
    frame(
        "Định danh điện tử (thử nghiệm)",
        html! {
            h1 { "Đăng nhập định danh điện tử" }
            p.note {
                "Nhà cung cấp định danh thử nghiệm của hailong (không phải VNeID). "
                "Development identity provider: choose who you are."
            }
            form method="post" action="/authorize" {
                (hidden("response_type", request.response_type.as_deref()))
                (hidden("client_id", request.client_id.as_deref()))
                (hidden("redirect_uri", request.redirect_uri.as_deref()))
                (hidden("scope", request.scope.as_deref()))
                (hidden("state", request.state.as_deref()))
                (hidden("nonce", request.nonce.as_deref()))
                (hidden("code_challenge", request.code_challenge.as_deref()))
                (hidden("code_challenge_method", request.code_challenge_method.as_deref()))
                @for (index, citizen) in citizens.iter().enumerate() {
                    button type="submit" name="citizen" value=(index) {
                        strong { (citizen.name) }
                        br;
                        span.note { "CCCD " (citizen.citizen_id) }
                    }
                }
            }
        },
    )
}

pub fn error(message: &str) -> Markup {
    frame(
        "Lỗi yêu cầu đăng nhập",
        html! {
            h1 { "Yêu cầu đăng nhập không hợp lệ" }
            p { "Invalid sign-in request: " (message) }
        },
    )
}
