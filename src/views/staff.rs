//! Pages for staff: sign-in, and the frame of every signed-in page.

use maud::{html, Markup};

use super::i18n::Lang;
use super::layout::{page_of_width, Width};

pub fn login_page(lang: Lang, csrf_token: &str, email: &str, message: Option<&str>) -> Markup {
    let t = lang.staff();
    page_of_width(
        lang,
        t.sign_in,
        &format!("?lang={}", lang.other().code()),
        Width::Narrow,
        html! {
            h1 { (t.sign_in) }
            @if let Some(m) = message {
                div.alert role="alert" { p { (m) } }
            }
            form method="post" action="/login" {
                input type="hidden" name="csrf" value=(csrf_token);
                input type="hidden" name="lang" value=(lang.code());
                div.comment {
                    label for="email" { (t.email) }
                    input id="email" name="email" type="email" autocomplete="username" required value=(email);
                }
                div.comment {
                    label for="password" { (t.password) }
                    input id="password" name="password" type="password" autocomplete="current-password" required;
                }
                button type="submit" { (t.sign_in) }
            }
        },
    )
}

/// Who is looking at a signed-in page, and what its frame needs.
pub struct Frame<'a> {
    pub lang: Lang,
    pub email: &'a str,
    /// Shows the admin pages' link.
    pub admin: bool,
    /// Shows the paper forms' entry (province analysts and admins).
    pub province: bool,
    pub csrf: &'a str,
    pub switch_href: &'a str,
}

/// The frame of a signed-in page: who is signed in, and a sign-out form.
pub fn staff_page(frame: &Frame<'_>, title: &str, width: Width, body: Markup) -> Markup {
    let (lang, email, csrf_token) = (frame.lang, frame.email, frame.csrf);
    let t = lang.staff();
    page_of_width(
        lang,
        title,
        frame.switch_href,
        width,
        html! {
            nav.staff {
                a href="/dashboard" { (t.dashboard) }
                a href="/dashboard/comments" { (lang.staff_text("staff-dashboard-comments")) }
                a href="/dashboard/followups" { (lang.staff_text("staff-staff-requests-for-help")) }
            @if frame.province { a href="/admin/paper" { (lang.staff_text("staff-staff-paper-forms")) } }
            @if frame.admin { a href="/admin/users" { (lang.staff_text("staff-staff-accounts")) } }
                span.who { (email) }
                form method="post" action="/logout" {
                    input type="hidden" name="csrf" value=(csrf_token);
                    button.link type="submit" { (t.sign_out) }
                }
            }
            (body)
        },
    )
}
