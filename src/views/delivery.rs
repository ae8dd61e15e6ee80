//! The province's delivery report: invitations per agency and week, answers per agency and
//! quarter (`services::reports::delivery`).

use maud::{html, Markup};

use super::dashboard::period_picker;
use super::format::number;
use super::i18n::Lang;
use super::layout::Width;
use super::staff::{staff_page, Frame};
use crate::domain::delivery_counts::{Answered, WeekRow};
use crate::domain::response_mode::ResponseMode;

pub struct DeliveryPage<'a> {
    pub period: &'a str,
    pub periods: &'a [String],
    /// Each agency's weeks, with the agency's name.
    pub weeks: Vec<(String, WeekRow)>,
    pub agencies: Vec<(String, Answered)>,
    pub channels: Vec<(String, Answered)>,
    /// Answers by mode, each against every invitation of the quarter.
    pub modes: Vec<(String, Answered)>,
    pub min_cell: u64,
}

fn answered_cells(lang: Lang, a: &Answered, min_cell: u64) -> Markup {
    html! {
        td.num { (a.invited) }
        @match a.rate(min_cell) {
            Some(rate) => { td.num { (a.answered) } td.num { (number(lang, rate, 1)) "%" } },
            None => { td.num { "< " (min_cell) } td.num { "—" } },
        }
    }
}

fn mode_name(lang: Lang, mode: &str) -> &str {
    mode.parse::<ResponseMode>().map_or(mode, |m| m.name(lang))
}

pub fn delivery_page(frame: &Frame<'_>, d: &DeliveryPage<'_>) -> Markup {
    let lang = frame.lang;
    let title = format!(
        "{} · {}",
        lang.staff_text("staff-dashboard-survey-delivery"),
        d.period
    );
    let body = html! {
        h1 { (lang.staff_text("staff-dashboard-survey-delivery")) }
        (period_picker(lang, "/dashboard/delivery", d.period, d.periods, html! {}))
        p { a href=(format!("/exports/delivery.csv?period={}", d.period)) { (lang.staff_text("staff-delivery-download-the-weeks-as-csv")) } }
        h2 { (lang.staff_text("staff-delivery-by-week-of-issue")) }
        p.flag { (lang.staff_text("staff-delivery-sent-the-invitation-went-out-or")) }
        @if d.weeks.is_empty() {
            p { (lang.staff_text("staff-delivery-no-invitation-was-issued-in-this")) }
        } @else {
            div.scroll tabindex="0" role="region" aria-label=(lang.staff_text("staff-delivery-weekly-table")) { table.delivery {
                thead { tr {
                    th { (lang.staff_text("staff-delivery-week")) } th { (lang.staff_text("staff-dashboard-agency")) }
                    th.num { (lang.staff_text("staff-delivery-issued")) } th.num { (lang.staff_text("staff-delivery-with-contact")) }
                    th.num { (lang.staff_text("staff-delivery-sent")) } th.num { (lang.staff_text("staff-delivery-failing")) }
                    th.num { (lang.staff_text("staff-delivery-reminders")) } th.num { (lang.staff_text("staff-delivery-opted-out")) }
                } }
                tbody { @for (agency, w) in &d.weeks { tr {
                    td { (w.week) } td { (agency) }
                    td.num { (w.issued) } td.num { (w.with_contact) } td.num { (w.sent) }
                    td.num { (w.failing) } td.num { (w.reminders) } td.num { (w.opted_out) }
                } } }
            } }
        }
        h2 { (lang.staff_text("staff-delivery-answers-in-the-quarter")) }
        p.flag { (lang.staff_text("staff-delivery-released-responses-of-the-quarter-against")) }
        div.scroll tabindex="0" role="region" aria-label=(lang.staff_text("staff-delivery-answers-by-agency")) { table {
            thead { tr { th { (lang.staff_text("staff-dashboard-agency")) } th.num { (lang.staff_text("staff-delivery-issued")) } th.num { (lang.staff_text("staff-delivery-answered")) } th.num { (lang.staff_text("staff-delivery-rate")) } } }
            tbody { @for (agency, a) in &d.agencies { tr { td { (agency) } (answered_cells(lang, a, d.min_cell)) } } }
        } }
        h2 { (lang.staff_text("staff-delivery-response-rate-by-the-dossier-s")) }
        div.scroll tabindex="0" role="region" aria-label=(lang.staff_text("staff-delivery-answers-by-channel")) { table {
            thead { tr { th { (lang.staff_text("staff-delivery-channel")) } th.num { (lang.staff_text("staff-delivery-issued")) } th.num { (lang.staff_text("staff-delivery-answered")) } th.num { (lang.staff_text("staff-delivery-rate")) } } }
            tbody { @for (channel, a) in &d.channels { tr { td { (channel) } (answered_cells(lang, a, d.min_cell)) } } }
        } }
        h2 { (lang.staff_text("staff-delivery-answers-by-mode")) }
        p.note { (lang.staff_text("staff-delivery-link-a-message-or-the-qr")) }
        div.scroll tabindex="0" role="region" aria-label=(lang.staff_text("staff-delivery-answers-by-mode")) { table {
            thead { tr { th { (lang.staff_text("staff-dashboard-mode")) } th.num { (lang.staff_text("staff-delivery-issued")) } th.num { (lang.staff_text("staff-delivery-answered")) } th.num { (lang.staff_text("staff-delivery-rate")) } } }
            tbody { @for (mode, a) in &d.modes { tr { td { (mode_name(lang, mode)) } (answered_cells(lang, a, d.min_cell)) } } }
        } }
    };
    staff_page(frame, &title, Width::Wide, body)
}
