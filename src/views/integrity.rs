//! The province's integrity page: flagged responses per agency and quarter, by rule.

use maud::{html, Markup};

use super::dashboard::period_picker;
use super::i18n::Lang;
use super::layout::Width;
use super::staff::{staff_page, Frame};
use crate::domain::integrity::{Flag, Thresholds};

pub struct IntegrityPage<'a> {
    pub period: &'a str,
    pub periods: &'a [String],
    /// (agency name, responses, flagged per rule in `Flag::ALL` order)
    pub agencies: Vec<(String, u64, Vec<u64>)>,
    pub thresholds: Thresholds,
    pub min_cell: u64,
}

fn flag_name(lang: Lang, flag: Flag) -> &'static str {
    match flag {
        Flag::Burst => lang.staff_text("staff-integrity-kiosk-burst"),
        Flag::TooFast => lang.staff_text("staff-integrity-too-fast"),
        Flag::StraightLine => lang.staff_text("staff-integrity-straight-lining"),
        Flag::OneAddress => lang.staff_text("staff-integrity-one-address"),
    }
}

fn rule_text(lang: Lang, flag: Flag, t: &Thresholds) -> String {
    let (value, off) = match flag {
        Flag::Burst => (t.kiosk_slack, t.kiosk_slack == 0),
        Flag::TooFast => (t.seconds_per_answer, t.seconds_per_answer == 0),
        Flag::StraightLine => (t.straight_line_items, t.straight_line_items == 0),
        Flag::OneAddress => (t.answers_per_address, t.answers_per_address == 0),
    };
    if off {
        return lang.staff_text("staff-integrity-off").to_owned();
    }
    let id = match flag {
        Flag::Burst => "staff-integrity-rule-burst",
        Flag::TooFast => "staff-integrity-rule-too-fast",
        Flag::StraightLine => "staff-integrity-rule-straight-line",
        Flag::OneAddress => "staff-integrity-rule-one-address",
    };
    lang.text_with(id, &[("value", value.to_string().into())])
}

fn count(lang: Lang, n: u64, min_cell: u64) -> Markup {
    html! {
        @if n == 0 { "0" } @else if n < min_cell { (lang.staff_text("staff-integrity-text")) (min_cell) } @else { (n) }
    }
}

pub fn integrity_page(frame: &Frame<'_>, d: &IntegrityPage<'_>) -> Markup {
    let lang = frame.lang;
    let title = lang.staff_text("staff-integrity-integrity-of-responses");
    let body = html! {
        h1 { (title) " · " (d.period) }
        (period_picker(lang, "/dashboard/integrity", d.period, d.periods, html! {}))
        p { (lang.staff_text("staff-integrity-responses-flagged-by-the-rules-below")) }
        ul { @for flag in Flag::ALL { li { strong { (flag_name(lang, *flag)) } ": " (rule_text(lang, *flag, &d.thresholds)) } } }
        @if d.agencies.is_empty() {
            p.empty { (lang.staff_text("staff-integrity-no-responses-in-this-period-yet")) }
        } @else {
            div.scroll tabindex="0" role="region" aria-label=(title) { table {
                thead { tr {
                    th { (lang.staff_text("staff-integrity-agency")) }
                    th.num { (lang.staff_text("staff-integrity-responses")) }
                    @for flag in Flag::ALL { th.num { (flag_name(lang, *flag)) } }
                    th.num { (lang.staff_text("staff-integrity-share-flagged")) }
                } }
                tbody { @for (name, responses, flagged) in &d.agencies { tr {
                    td { (name) }
                    td.num { (count(lang, *responses, d.min_cell)) }
                    @for n in flagged { td.num { (count(lang, *n, d.min_cell)) } }
                    @let total: u64 = flagged.iter().sum();
                    td.num { @if *responses >= d.min_cell && (total == 0 || total >= d.min_cell) { (super::format::number(lang, 100.0 * total as f64 / *responses as f64, 1)) "%" } @else { "—" } }
                } } }
            } }
        }
    };
    staff_page(frame, title, Width::Wide, body)
}
