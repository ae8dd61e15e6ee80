//! The public scoreboard (`/cong-khai`, `/en/public`) and the agencies' badges: no sign-in, no
//! comment, nothing suppressed.

use maud::{html, Markup, PreEscaped};

use super::format::number;
use super::i18n::Lang;
use super::layout::{page_of_width, Width};

/// One agency's line on the scoreboard.
pub struct BoardLine {
    pub name: String,
    pub sat_index: f64,
    pub interval: Option<(f64, f64)>,
    pub tier: Option<u8>,
    pub on_time_rate: Option<f64>,
    pub responses: u32,
    /// "Formed on … from …" or "Succeeded by … on …": the lineage across the 2025 reform.
    pub lineage: Option<String>,
}

pub struct Scoreboard<'a> {
    pub lang: Lang,
    pub switch_href: &'a str,
    pub action: &'a str,
    pub period: &'a str,
    /// Closed quarters and years, newest first.
    pub periods: &'a [String],
    pub lines: Vec<BoardLine>,
    /// How many agencies of the period are not shown (too few responses).
    pub hidden: usize,
}

fn tier_words(lang: Lang, tier: u8) -> &'static str {
    match tier {
        1 => lang.staff_text("staff-public-best-quarter"),
        2 => lang.staff_text("staff-dashboard-high-average"),
        3 => lang.staff_text("staff-dashboard-low-average"),
        _ => lang.staff_text("staff-public-lowest-quarter"),
    }
}

pub fn scoreboard_page(b: &Scoreboard<'_>) -> Markup {
    let lang = b.lang;
    let title =
        lang.staff_text("staff-public-satisfaction-with-public-administration-public-scores");
    page_of_width(
        lang,
        title,
        b.switch_href,
        Width::Wide,
        html! {
            h1 { (title) }
            p { (lang.staff_text("staff-public-each-agency-s-satisfaction-index-0")) }
            form.picker method="get" action=(b.action) {
                label for="period" { (lang.staff_text("staff-dashboard-period")) }
                select id="period" name="period" {
                    @for p in b.periods { option value=(p) selected[p == b.period] { (p) } }
                }
                button type="submit" { (lang.staff_text("staff-dashboard-show")) }
            }
            @if b.lines.is_empty() {
                p { (lang.staff_text("staff-public-no-period-has-enough-data-to")) }
            } @else {
                div.scroll tabindex="0" role="region" aria-label=(title) { table {
                    caption { (lang.staff_text("staff-public-period")) (b.period) }
                    thead { tr {
                        th { (lang.staff_text("staff-dashboard-agency")) }
                        th.num { (lang.staff_text("staff-public-satisfaction-index")) }
                        th { (lang.staff_text("staff-dashboard-tier")) }
                        th.num { (lang.staff_text("staff-dashboard-on-time")) }
                        th.num { (lang.staff_text("staff-public-responses")) }
                    } }
                    tbody { @for l in &b.lines { tr {
                        td { (l.name) @if let Some(lineage) = &l.lineage { br; span.flag { (lineage) } } }
                        td.num {
                            (number(lang, l.sat_index, 1))
                            @if let Some((low, high)) = l.interval { br; span.ci { "(" (number(lang, low, 1)) "–" (number(lang, high, 1)) ")" } }
                        }
                        td { @if let Some(t) = l.tier { (tier_words(lang, t)) } }
                        td.num { @if let Some(r) = l.on_time_rate { (number(lang, r, 1)) "%" } @else { "—" } }
                        td.num { (l.responses) }
                    } } }
                } }
            }
            @if b.hidden > 0 {
                p.flag { (b.hidden) (lang.staff_text("staff-public-agencies-are-not-shown-too-few")) }
            }
            p {
                (lang.staff_text("staff-public-open-data"))
                a href="/open-data/scores.csv" { "scores.csv" } " · " a href="/open-data/scores.json" { "scores.json" }
                (lang.staff_text("staff-public-licence-cc-by-4-0"))
            }
        },
    )
}

/// An agency's badge for its own website: its index in the last ended quarter, or that there is
/// not enough data yet.
pub fn badge(label: &str, value: &str) -> String {
    // Text widths at 11 px sans-serif, about 6.5 px a character: the badge fits its words.
    let left = 12.0 + 6.5 * label.chars().count() as f64;
    let right = 12.0 + 6.5 * value.chars().count() as f64;
    let width = left + right;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" width=(width) height="22" role="img" aria-label=(format!("{label}: {value}")) {
            title { (label) ": " (value) }
            rect width=(left) height="22" fill="#374151" {}
            rect x=(left) width=(right) height="22" fill="#9b1c1c" {}
            g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" {
                text x="6" y="15" { (label) }
                text x=(left + 6.0) y="15" { (value) }
            }
        }
    }
    .into_string()
}

/// The same markup with an XML declaration, as an SVG file.
pub fn badge_file(label: &str, value: &str) -> String {
    let mut out = String::from(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    out.push_str(&PreEscaped(badge(label, value)).into_string());
    out
}
