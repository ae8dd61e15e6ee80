//! The public scoreboard (`/cong-khai`, `/en/public`) and the agencies' badges: no sign-in, no
//! comment, nothing suppressed.

use maud::{html, Markup, PreEscaped};

use hailong_analysis::fair::FunnelPosition;

use super::format::number;
use super::i18n::Lang;
use super::layout::{page_of_width, Width};
use super::standing::{position_class, public_words};
use crate::domain::board::BoardOrder;

/// One agency's line on the scoreboard.
pub struct BoardLine {
    pub name: String,
    pub sat_index: f64,
    pub interval: Option<(f64, f64)>,
    /// Against the median of its level (§14), when ranked.
    pub position: Option<FunnelPosition>,
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
    /// One page of the lines asked for.
    pub lines: Vec<BoardLine>,
    /// How many agencies of the period are not shown (too few responses).
    pub hidden: usize,
    /// What was asked: a name to find, a level (code) among `levels` (code, name), an order,
    /// the page and how many there are.
    pub find: &'a str,
    pub level: Option<&'a str>,
    pub levels: Vec<(&'static str, &'static str)>,
    pub order: BoardOrder,
    pub page: usize,
    pub pages: usize,
}

impl Scoreboard<'_> {
    /// This board's address with `page`, keeping everything else asked.
    fn page_href(&self, page: usize) -> String {
        let mut pairs = vec![
            ("period", self.period.to_owned()),
            ("sort", self.order.as_str().to_owned()),
            ("page", page.to_string()),
        ];
        if !self.find.is_empty() {
            pairs.push(("q", self.find.to_owned()));
        }
        if let Some(level) = self.level {
            pairs.push(("level", level.to_owned()));
        }
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        format!("{}?{query}", self.action)
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
            p { (lang.staff_text("staff-public-each-agency-intro")) }
            form.picker method="get" action=(b.action) role="search" {
                label for="q" { (lang.staff_text("staff-public-find")) }
                input type="search" id="q" name="q" value=(b.find) autocomplete="off";
                label for="period" { (lang.staff_text("staff-dashboard-period")) }
                select id="period" name="period" {
                    @for p in b.periods { option value=(p) selected[p == b.period] { (p) } }
                }
                label for="level" { (lang.staff_text("staff-public-level")) }
                select id="level" name="level" {
                    option value="" selected[b.level.is_none()] { (lang.staff_text("staff-public-all-levels")) }
                    @for (code, name) in &b.levels { option value=(code) selected[b.level == Some(*code)] { (name) } }
                }
                label for="sort" { (lang.staff_text("staff-public-sort")) }
                select id="sort" name="sort" {
                    @for (order, id) in [(BoardOrder::Position, "staff-public-sort-position"), (BoardOrder::Index, "staff-public-sort-index"), (BoardOrder::Name, "staff-public-sort-name")] {
                        option value=(order.as_str()) selected[order == b.order] { (lang.staff_text(id)) }
                    }
                }
                button type="submit" { (lang.staff_text("staff-dashboard-show")) }
            }
            p.flag { (lang.staff_text("staff-public-position-note")) }
            @if b.lines.is_empty() && (!b.find.is_empty() || b.level.is_some()) {
                p { (lang.text_with("staff-public-no-match", &[("query", b.find.to_owned().into())])) }
            } @else if b.lines.is_empty() {
                p { (lang.staff_text("staff-public-no-period-has-enough-data-to")) }
            } @else {
                div.scroll tabindex="0" role="region" aria-label=(title) { table.board {
                    caption { (lang.staff_text("staff-public-period")) (b.period) }
                    thead { tr {
                        th { (lang.staff_text("staff-dashboard-agency")) }
                        th.num { (lang.staff_text("staff-public-satisfaction-index")) }
                        th { (lang.staff_text("staff-standing-position")) }
                        th.num { (lang.staff_text("staff-dashboard-on-time")) }
                        th.num { (lang.staff_text("staff-public-responses")) }
                    } }
                    tbody { @for l in &b.lines { tr {
                        td { (l.name) @if let Some(lineage) = &l.lineage { br; span.flag { (lineage) } } }
                        td.num.nowrap {
                            (number(lang, l.sat_index, 1))
                            @if let Some((low, high)) = l.interval { " " span.ci { "(" (number(lang, low, 1)) "–" (number(lang, high, 1)) ")" } }
                        }
                        td class=(position_class(l.position)) { (public_words(lang, l.position)) }
                        td.num data-label=(lang.staff_text("staff-dashboard-on-time")) { @if let Some(r) = l.on_time_rate { (number(lang, r, 1)) "%" } @else { "—" } }
                        td.num data-label=(lang.staff_text("staff-public-responses")) { (l.responses) }
                    } } }
                } }
                @if b.pages > 1 {
                    nav.pages aria-label=(lang.text_with("staff-public-page", &[("page", b.page.into()), ("pages", b.pages.into())])) {
                        @if b.page > 1 { a rel="prev" href=(b.page_href(b.page - 1)) { "← " (lang.staff_text("staff-public-previous")) } " " }
                        span { (lang.text_with("staff-public-page", &[("page", b.page.into()), ("pages", b.pages.into())])) }
                        @if b.page < b.pages { " " a rel="next" href=(b.page_href(b.page + 1)) { (lang.staff_text("staff-public-next")) " →" } }
                    }
                }
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
