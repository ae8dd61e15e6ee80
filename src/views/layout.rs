use maud::{html, Markup, DOCTYPE};

use super::i18n::Lang;

/// How wide the main column may grow: narrow for reading on a phone, wide for tables.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Width {
    Narrow,
    Wide,
}

/// The frame of every page: one small stylesheet, no script, no web font.
/// `switch_href` is the same page in the other language.
pub fn page(lang: Lang, title: &str, switch_href: &str, body: Markup) -> Markup {
    page_of_width(lang, title, switch_href, Width::Narrow, body)
}

pub fn page_of_width(
    lang: Lang,
    title: &str,
    switch_href: &str,
    width: Width,
    body: Markup,
) -> Markup {
    framed(lang, title, switch_href, width, false, body)
}

/// A page of the counter's kiosk: larger text and touch targets for a tablet.
pub fn kiosk_page(lang: Lang, title: &str, switch_href: &str, body: Markup) -> Markup {
    framed(lang, title, switch_href, Width::Narrow, true, body)
}

fn framed(
    lang: Lang,
    title: &str,
    switch_href: &str,
    width: Width,
    kiosk: bool,
    body: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (lang.t().site) }
                meta name="description" content=(lang.pick(
                    "Đánh giá mức độ hài lòng của người dân, doanh nghiệp với cơ quan hành chính nhà nước.",
                    "How satisfied citizens and businesses are with the public administration."));
                link rel="icon" href="/favicon.svg" type="image/svg+xml";
                link rel="stylesheet" href="/static/hailong.css";
            }
            body.kiosk[kiosk] {
                header {
                    span.site { (lang.t().site) }
                    a.lang href=(switch_href) hreflang=(lang.other().code()) lang=(lang.other().code()) { (lang.t().switch_to) }
                }
                main.wide[width == Width::Wide] { (body) }
            }
        }
    }
}

/// A page that only says one thing (thanks, expired, not found, …).
pub fn message_page(lang: Lang, title: &str, body: &str, switch_href: &str) -> Markup {
    message_page_with(lang, title, body, switch_href, None)
}

/// A message with one way forward: a button-like link (href, label).
pub fn message_with_action_page(
    lang: Lang,
    title: &str,
    body: &str,
    switch_href: &str,
    action: (&str, &str),
) -> Markup {
    message_page_with(lang, title, body, switch_href, Some(action))
}

fn message_page_with(
    lang: Lang,
    title: &str,
    body: &str,
    switch_href: &str,
    action: Option<(&str, &str)>,
) -> Markup {
    page(
        lang,
        title,
        switch_href,
        html! {
            h1 { (title) }
            p { (body) }
            @if let Some((href, label)) = action {
                a.button href=(href) { (label) }
            }
        },
    )
}
