//! The pages of a counter's kiosk: the keypad for the receipt's survey code, the enrolment of
//! a device, and the end of a citizen's turn. Large text and touch targets, no script.

use maud::{html, Markup};

use super::i18n::Lang;
use super::layout::kiosk_page;
use super::survey::{contact_note, AgencyContact};

/// What the keypad page says above the field, if anything: why the last code was not taken.
pub struct KeypadNotice {
    pub title: String,
    pub body: String,
}

pub struct Keypad<'a> {
    pub lang: Lang,
    pub agency: &'a str,
    pub csrf_token: &'a str,
    pub switch_href: &'a str,
    pub notice: Option<KeypadNotice>,
}

pub fn keypad_page(k: &Keypad<'_>) -> Markup {
    let lang = k.lang;
    let title = lang.text("kiosk-title");
    let body = html! {
        h1 { (title) }
        p { (k.agency) }
        @if let Some(notice) = &k.notice {
            div.alert role="alert" {
                p { strong { (notice.title) } }
                p id="code-problem" { (notice.body) }
            }
        }
        form method="post" action="/kiosk" autocomplete="off" {
            input type="hidden" name="csrf" value=(k.csrf_token);
            input type="hidden" name="lang" value=(lang.code());
            label for="code" {
                (lang.text("kiosk-code-label"))
            }
            input.code id="code" name="code" type="text" inputmode="numeric" pattern="[0-9 .\\-]*"
                maxlength="16" required autofocus
                aria-invalid=[k.notice.as_ref().map(|_| "true")]
                aria-describedby=[k.notice.as_ref().map(|_| "code-problem")];
            button type="submit" { (lang.text("kiosk-start")) }
        }
        p.note {
            (lang.text("kiosk-privacy"))
        }
    };
    kiosk_page(lang, &title, k.switch_href, body)
}

/// The end of a citizen's turn: thanks, and back to the keypad at a tap (or by itself: the
/// response's `Refresh` header, see routes::kiosk).
pub fn thanks_page(
    lang: Lang,
    keypad_href: &str,
    back_after_seconds: u32,
    switch_href: &str,
    contact: Option<&AgencyContact<'_>>,
) -> Markup {
    let t = lang.t();
    kiosk_page(
        lang,
        t.thanks_title,
        switch_href,
        html! {
            h1 { (t.thanks_title) }
            p { (t.thanks_body) }
            @if let Some(contact) = contact { (contact_note(lang, contact)) }
            a.button href=(keypad_href) { (lang.text("kiosk-done")) }
            p.note {
                (lang.text_with("kiosk-back-by-itself", &[("seconds", back_after_seconds.into())]))
            }
        },
    )
}

/// A page that only says one thing at the kiosk, with the way back to the keypad.
pub fn kiosk_message_page(
    lang: Lang,
    title: &str,
    body: &str,
    back: Option<&str>,
    switch_href: &str,
) -> Markup {
    kiosk_page(
        lang,
        title,
        switch_href,
        html! {
            h1 { (title) }
            p { (body) }
            @if let Some(href) = back {
                a.button href=(href) { (lang.text("kiosk-back")) }
            }
        },
    )
}

/// The enrolment link opened on the tablet: what it will become, and the button that makes it
/// so (a form: a link previewed by a messaging app must not enrol anything by itself).
pub fn enrol_page(
    lang: Lang,
    kiosk: &str,
    agency: &str,
    csrf_token: &str,
    switch_href: &str,
) -> Markup {
    let title = lang.text("kiosk-enrol-title");
    kiosk_page(
        lang,
        &title,
        switch_href,
        html! {
            h1 { (title) }
            dl.meta {
                dt { (lang.text("kiosk-enrol-kiosk")) } dd { (kiosk) }
                dt { (lang.t().agency) } dd { (agency) }
            }
            p {
                (lang.text("kiosk-enrol-body"))
            }
            form method="post" {
                input type="hidden" name="csrf" value=(csrf_token);
                input type="hidden" name="lang" value=(lang.code());
                button type="submit" { (lang.text("kiosk-enrol-button")) }
            }
        },
    )
}
