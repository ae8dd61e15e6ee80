use maud::{html, Markup, DOCTYPE};

use super::i18n::Lang;

/// The frame of every page: one small stylesheet, no script, no web font.
/// `switch_href` is the same page in the other language.
pub fn page(lang: Lang, title: &str, switch_href: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (lang.t().site) }
                link rel="stylesheet" href="/static/hailong.css";
            }
            body {
                header {
                    span.site { (lang.t().site) }
                    a.lang href=(switch_href) hreflang=(lang.other().code()) lang=(lang.other().code()) { (lang.t().switch_to) }
                }
                main { (body) }
            }
        }
    }
}

/// A page that only says one thing (thanks, expired, not found, …).
pub fn message_page(lang: Lang, title: &str, body: &str, switch_href: &str) -> Markup {
    page(
        lang,
        title,
        switch_href,
        html! {
            h1 { (title) }
            p { (body) }
        },
    )
}
