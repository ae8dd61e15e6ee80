use maud::{html, Markup, DOCTYPE};

use super::i18n::Lang;

/// How wide the main column may grow: narrow for reading on a phone, wide for tables.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Width {
    Narrow,
    Wide,
}

/// Which frame a page has: who reads it (so which languages its switch offers) and how wide.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Frame {
    /// A citizen's page on a phone: every catalogued language.
    Citizen,
    /// A citizen's page on the counter's tablet: larger text and touch targets.
    Kiosk,
    /// A staff (or public report) page: the languages with a staff catalogue.
    Staff(Width),
}

/// The frame of every citizen page: one small stylesheet, no script, no web font.
/// `switch_href` is the same page in another language (its `lang` is set for each language
/// the switch offers).
pub fn page(lang: Lang, title: &str, switch_href: &str, body: Markup) -> Markup {
    framed(lang, title, switch_href, Frame::Citizen, body)
}

/// A staff (or public report) page.
pub fn page_of_width(
    lang: Lang,
    title: &str,
    switch_href: &str,
    width: Width,
    body: Markup,
) -> Markup {
    framed(lang, title, switch_href, Frame::Staff(width), body)
}

/// A page of the counter's kiosk: larger text and touch targets for a tablet.
pub fn kiosk_page(lang: Lang, title: &str, switch_href: &str, body: Markup) -> Markup {
    framed(lang, title, switch_href, Frame::Kiosk, body)
}

/// `href` with its `lang` set to the language (the other query pairs kept).
pub fn in_language(href: &str, lang: Lang) -> String {
    let (path, query) = href.split_once('?').unwrap_or((href, ""));
    let mut pairs = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()).filter(|(k, _)| k != "lang") {
        pairs.append_pair(&key, &value);
    }
    pairs.append_pair("lang", lang.code());
    format!("{path}?{}", pairs.finish())
}

fn framed(lang: Lang, title: &str, switch_href: &str, frame: Frame, body: Markup) -> Markup {
    let others: Vec<Lang> = match frame {
        Frame::Citizen | Frame::Kiosk => Lang::all().filter(|l| *l != lang).collect(),
        Frame::Staff(_) => Lang::all()
            .filter(|l| *l != lang && l.has_staff_pages())
            .collect(),
    };
    let t = lang.t();
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (t.site) }
                meta name="description" content=(t.meta_description);
                link rel="icon" href="/favicon.svg" type="image/svg+xml";
                link rel="stylesheet" href="/static/hailong.css";
            }
            body.kiosk[frame == Frame::Kiosk] {
                header {
                    span.site { (t.site) }
                    nav.langs aria-label=(t.languages) {
                        @for other in &others {
                            a.lang href=(in_language(switch_href, *other)) hreflang=(other.code()) lang=(other.code()) { (other.name()) }
                        }
                    }
                }
                main.wide[frame == Frame::Staff(Width::Wide)] { (body) }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_language_link_keeps_the_page_and_sets_its_language() {
        let km = Lang::parse("km").unwrap();
        assert_eq!(in_language("?t=a%20b&lang=en", km), "?t=a+b&lang=km");
        assert_eq!(in_language("?lang=en", Lang::VI), "?lang=vi");
        assert_eq!(in_language("/kiosk?lang=vi", km), "/kiosk?lang=km");
    }
}
