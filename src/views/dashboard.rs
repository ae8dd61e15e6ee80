//! The agency and province dashboards.

use maud::{html, Markup};

use super::charts::{bars, funnel, trend, yearly, Bar, YearScale, YearSeries};
use super::format::{number, optional};
use super::i18n::Lang;
use super::layout::Width;
use super::staff::staff_page;
pub use super::staff::Frame;
use super::standing::{position_class, position_sentence, range_note, rank_with_range};
pub use crate::domain::dashboard::{
    AgencyDashboard, AsOf, Child, DimensionScore, Figure, Group766Shares, Held, History,
    ProvinceDashboard, Ranked, Share766, TreeNode, WeakRow,
};
use crate::domain::plan::{Goal, Targets};
use crate::domain::response_mode::ResponseMode;

/// A status as the dashboards say it.
pub fn status_words(lang: Lang, status: &str) -> &'static str {
    match status {
        "suppressed" => lang.staff_text("staff-dashboard-hidden-too-few-responses"),
        "low_reliability" => lang.staff_text("staff-dashboard-low-reliability-few-responses"),
        "incomplete" => lang.staff_text("staff-dashboard-incomplete-a-dimension-has-no-answers"),
        "unweighted" => lang.staff_text("staff-dashboard-unweighted-dossier-counts-inconsistent"),
        _ => "",
    }
}

fn share_cell(lang: Lang, share: Option<Share766>) -> Markup {
    html! {
        @match share.and_then(|s| Some((s, s.percent()?))) {
            Some((s, percent)) => { (number(lang, percent, 1)) "% " span.ci { "(" (s.part) "/" (s.of) ")" } },
            None => "—",
        }
    }
}

pub fn group766_section(lang: Lang, g: &Group766Shares) -> Markup {
    html! {
        h2 { (lang.staff_text("staff-dashboard-decision-766-satisfaction-group")) }
        div.scroll tabindex="0" role="region" aria-label=(lang.staff_text("staff-dashboard-decision-766-group")) { table {
            thead { tr { th { (lang.staff_text("staff-dashboard-indicator")) } th.num { (lang.staff_text("staff-dashboard-in-the-period")) } } }
            tbody {
                tr { td { (lang.staff_text("staff-dashboard-requests-for-help-answered-on-time")) } td.num { (share_cell(lang, g.on_time)) } }
                tr { td { (lang.staff_text("staff-dashboard-satisfied-with-how-requests-were-handled")) } td.num { (share_cell(lang, g.satisfied)) } }
                tr { td { (lang.staff_text("staff-dashboard-dossiers-neither-rated-dissatisfied-nor-complained")) } td.num { (share_cell(lang, g.not_dissatisfied)) } }
            }
        } }
        @if !g.months.is_empty() {
            div.scroll tabindex="0" role="region" aria-label=(lang.staff_text("staff-dashboard-by-month")) { table {
                thead { tr { th { (lang.staff_text("staff-dashboard-month")) } th.num { (lang.staff_text("staff-dashboard-on-time")) } th.num { (lang.staff_text("staff-dashboard-satisfied")) } } }
                tbody { @for (month, a, b) in &g.months { tr { td { (month) } td.num { (share_cell(lang, *a)) } td.num { (share_cell(lang, *b)) } } } }
            } }
        }
        p.flag { (lang.staff_text("staff-dashboard-computed-from-counts-never-linking-a")) }
    }
}

/// "As of 10:42, 30/11/2026", and "updating" while newer numbers are computed. The
/// `data-current` attribute says the same to tests and scripts.
fn as_of_note(lang: Lang, as_of: AsOf) -> Markup {
    let current = if as_of.current { "true" } else { "false" };
    html! {
        @match as_of.computed_at {
            Some(at) => {
                @let local = at.and_utc().with_timezone(&crate::domain::period::VIETNAM);
                p.flag.as-of data-current=(current) {
                    (lang.staff_text("staff-dashboard-as-of"))
                    time datetime=(local.to_rfc3339()) { (local.format("%H:%M, %d/%m/%Y")) }
                    @if !as_of.current {
                        (lang.staff_text("staff-dashboard-newer-numbers-are-being-computed"))
                    }
                }
            }
            None => {
                p.flag.as-of data-current="false" {
                    (lang.staff_text("staff-dashboard-the-numbers-of-this-period-are"))
                }
            }
        }
    }
}

/// Why the newest responses are not on the page yet.
fn held_note(lang: Lang, held: Held) -> Markup {
    html! {
        p.flag.held {
            (lang.text_with("staff-dashboard-release-rule", &[("k", held.k.into()), ("batch", held.batch.into())]))
        }
    }
}

/// The choice of responses by how they were given (all, link, kiosk, paper).
fn mode_select(lang: Lang, chosen: Option<ResponseMode>) -> Markup {
    html! {
        label for="mode" { (lang.staff_text("staff-dashboard-mode")) }
        select id="mode" name="mode" {
            option value="" selected[chosen.is_none()] { (lang.staff_text("staff-dashboard-all")) }
            @for m in ResponseMode::ALL { option value=(m.as_str()) selected[Some(*m) == chosen] { (m.name(lang)) } }
        }
    }
}

pub fn period_picker(
    lang: Lang,
    action: &str,
    period: &str,
    periods: &[String],
    extra: Markup,
) -> Markup {
    html! {
        form.picker method="get" action=(action) {
            label for="period" { (lang.staff_text("staff-dashboard-period")) }
            select id="period" name="period" {
                @for p in periods.iter().rev() {
                    option value=(p) selected[p == period] { (p) }
                }
            }
            (extra)
            input type="hidden" name="lang" value=(lang.code());
            button type="submit" { (lang.staff_text("staff-dashboard-show")) }
        }
    }
}

fn figure_card(lang: Lang, label: &str, f: &Figure, decimals: usize) -> Markup {
    html! {
        div.card {
            div { (label) }
            div.big { (optional(lang, f.value, decimals)) }
            @if let Some((low, high)) = f.interval {
                div.flag { (lang.staff_text("staff-dashboard-95-interval")) (number(lang, low, decimals)) " – " (number(lang, high, decimals)) }
            }
            @let words = status_words(lang, &f.status);
            @if !words.is_empty() { div.flag { (words) } }
        }
    }
}

fn agency_links(lang: Lang, label: &str, agencies: &[(String, String)]) -> Markup {
    html! {
        @if !agencies.is_empty() {
            p.flag { (label) " "
                @for (i, (code, name)) in agencies.iter().enumerate() {
                    @if i > 0 { ", " }
                    a href=(format!("/dashboard/agency/{code}?lang={}", lang.code())) { (name) }
                }
            }
        }
    }
}

pub fn agency_page(frame: &Frame<'_>, d: &AgencyDashboard) -> Markup {
    let lang = frame.lang;
    let title = format!("{} · {}", d.name, d.period);
    let body = html! {
        h1 { (d.name) @if let Some(m) = d.mode { " · " (m.name(lang)) } }
        (agency_links(lang, lang.staff_text("staff-dashboard-took-over-the-work-of"), &d.came_from))
        (agency_links(lang, lang.staff_text("staff-dashboard-merged-or-split-its-work-passed"), &d.went_to))
        (period_picker(lang, &format!("/dashboard/agency/{}", d.code), &d.period, &d.periods, html! {
            label for="kind" { (lang.staff_text("staff-dashboard-by")) }
            select id="kind" name="kind" {
                option value="quarter" selected[!d.year_view] { (lang.staff_text("staff-dashboard-quarter")) }
                option value="year" selected[d.year_view] { (lang.staff_text("staff-dashboard-year")) }
            }
            (mode_select(lang, d.mode))
        }))
        div.cards {
            (figure_card(lang, lang.staff_text("staff-dashboard-satisfaction-index-0-100"), &d.sat_index, 1))
            (figure_card(lang, lang.staff_text("staff-dashboard-papi-style-total-5-50"), &d.papi_total, 2))
            div.card { div { (lang.staff_text("staff-dashboard-responses")) } div.big { (d.responses) } }
            div.card { div { (lang.staff_text("staff-dashboard-on-time-2")) } div.big { (optional(lang, d.on_time_rate, 1)) "%" } }
            div.card { div { (lang.staff_text("staff-dashboard-response-rate")) } div.big { (optional(lang, d.response_rate, 1)) "%" } }
            @if let Some(s) = &d.standing {
                div.card {
                    div { (lang.staff_text("staff-dashboard-rank-among-peers-on-the-papi")) }
                    div.big { (rank_with_range(s)) }
                    @if let Some(tier) = s.tier { div.flag { (lang.staff_text("staff-dashboard-tier")) ": " (tier_name(lang, tier)) } }
                }
            }
        }
        @if let Some(s) = &d.standing {
            p.standing class=(position_class(s.position())) { strong { (position_sentence(lang, s.position(), &d.level)) } }
            (range_note(lang))
        }
        @if !d.period.is_empty() {
            p {
                a href=(format!("/dashboard/agency/{}/report.docx?period={}", d.code, d.period)) { (lang.staff_text("staff-dashboard-download-report")) }
                " (" a href=(format!("/dashboard/agency/{}/report.docx?period={}&format=pdf", d.code, d.period)) { "PDF" } ")"
            }
        }
        (targets_table(lang, d.targets.as_ref()))
        h2 { (lang.staff_text("staff-dashboard-dimensions-1-10")) }
        p.flag { (lang.staff_text("staff-dashboard-black-tick-province-median-blue-tick")) }
        (bars(lang, lang.staff_text("staff-dashboard-scores-by-dimension"), &d.dimensions.iter().map(|x| Bar { label: &x.name, value: x.value, median: x.median, best: x.best }).collect::<Vec<_>>()))
        @if d.sat_index.value.is_some() {
            h2 { (lang.staff_text("staff-dashboard-to-improve-first")) }
            @if d.weakest.is_empty() {
                p.flag { (lang.staff_text("staff-dashboard-no-item-is-below-the-median")) }
            } @else {
                p.flag { (lang.staff_text("staff-dashboard-the-items-furthest-below-the-median")) }
                div.scroll tabindex="0" role="region" aria-label=(lang.staff_text("staff-dashboard-items-to-improve")) { table.weakest {
                    thead { tr {
                        th { (lang.staff_text("staff-dashboard-item")) }
                        th.num { (lang.staff_text("staff-dashboard-agency")) }
                        th.num { (lang.staff_text("staff-dashboard-peers-median")) }
                        th.num { (lang.staff_text("staff-dashboard-gap")) }
                    } }
                    tbody { @for w in &d.weakest { tr {
                        td { (w.text) }
                        td.num {
                            (number(lang, w.value, 1))
                            @if let Some((low, high)) = w.ci { br; span.ci { "(" (number(lang, low, 1)) "–" (number(lang, high, 1)) ")" } }
                        }
                        td.num { (number(lang, w.median, 1)) br; span.ci { (w.n_agencies) " " (lang.staff_text("staff-dashboard-agencies")) } }
                        td.num { (number(lang, w.value - w.median, 1)) }
                    } } }
                } }
            }
        }
        h2 { (lang.staff_text("staff-dashboard-satisfaction-index-over-time")) }
        (trend(lang, lang.staff_text("staff-dashboard-satisfaction-index-by-period"), &d.trend, 0.0, 100.0))
        (as_of_note(lang, d.as_of))
        (held_note(lang, d.held))
        h2 { (lang.staff_text("staff-dashboard-latest-released-comments")) }
        @match &d.comments {
            None => p.flag { (lang.staff_text("staff-dashboard-comments-are-not-shown-when-there")) },
            Some(c) if c.is_empty() => p.flag { (lang.staff_text("staff-dashboard-no-comments-yet")) },
            Some(c) => ul { @for comment in c { li { (comment) } } },
        }
        @if let Some(g) = &d.group766 { (group766_section(lang, g)) }
        @if !d.year_view {
            p { a href=(format!("/dashboard/comments?agency={}&period={}&lang={}", d.code, d.period, lang.code())) {
                (lang.staff_text("staff-dashboard-every-comment-of-the-period-filter"))
            } }
        }
        @if !d.children.is_empty() {
            h2 { (lang.staff_text("staff-dashboard-subordinate-agencies")) }
            div.scroll tabindex="0" role="region" aria-label=(lang.staff_text("staff-dashboard-scrollable-table")) { table {
                thead { tr { th { (lang.staff_text("staff-integrity-agency")) } th.num { (lang.staff_text("staff-dashboard-satisfaction")) } th.num { "PAPI" } th.num { "n" } th { } } }
                tbody { @for c in &d.children { tr {
                    td { a href=(format!("/dashboard/agency/{}?period={}&lang={}", c.code, d.period, lang.code())) { (c.name) } }
                    td.num { (optional(lang, c.sat_index, 1)) }
                    td.num { (optional(lang, c.papi_total, 2)) }
                    td.num { (c.n) }
                    (status_cell(lang, &c.status))
                } } }
            } }
            (reliability_note(lang, d.children.iter().map(|c| c.status.as_str())))
        }
    };
    staff_page(frame, &title, Width::Narrow, body)
}

fn tree_count(nodes: &[TreeNode]) -> usize {
    nodes.iter().map(|n| 1 + tree_count(&n.children)).sum()
}

fn tree_list(lang: Lang, period: &str, nodes: &[TreeNode]) -> Markup {
    html! {
        ul.tree { @for n in nodes { li {
            a href=(format!("/dashboard/agency/{}?period={period}&lang={}", n.code, lang.code())) { (n.name) }
            @if !n.children.is_empty() { (tree_list(lang, period, &n.children)) }
        } } }
    }
}

/// One index's history for each province: a chart of ranks, then the table of scores and ranks
/// by year; a year a province was not scored says so.
fn standing_history(lang: Lang, index: &str, history: &[History]) -> Markup {
    let rows: Vec<&History> = history.iter().filter(|h| h.index == index).collect();
    let (Some(first), Some(last)) = (
        rows.iter().map(|h| h.year).min(),
        rows.iter().map(|h| h.year).max(),
    ) else {
        return html! {};
    };
    let years: Vec<i64> = (first..=last).collect();
    let mut provinces: Vec<&str> = rows.iter().map(|h| h.province.as_str()).collect();
    provinces.sort_unstable();
    provinces.dedup();
    let at = |province: &str, year: i64| {
        rows.iter()
            .find(|h| h.province == province && h.year == year)
            .copied()
    };
    let target = rows.first().map_or(0, |h| h.target);
    let of = rows.iter().map(|h| h.of).max().unwrap_or(63) as f64;
    let series = |value: &dyn Fn(&History) -> f64| -> Vec<YearSeries<'_>> {
        provinces
            .iter()
            .map(|p| YearSeries {
                name: p,
                values: years.iter().map(|y| at(p, *y).map(value)).collect(),
            })
            .collect()
    };
    let scores: Vec<f64> = rows.iter().map(|h| h.score).collect();
    let (low, high) = (
        scores.iter().copied().fold(f64::MAX, f64::min),
        scores.iter().copied().fold(f64::MIN, f64::max),
    );
    let score_title = format!(
        "{index}: {}",
        lang.staff_text("staff-dashboard-score-by-year")
    );
    let rank_title = format!(
        "{index}: {}",
        lang.staff_text("staff-dashboard-national-rank-by-year")
    );
    let target_label = format!("{}{target}", lang.staff_text("staff-dashboard-target-rank"));
    html! {
        h3 { (index) }
        (yearly(lang, &score_title, &years, &series(&|h| h.score), &YearScale {
            min: (low / 5.0).floor() * 5.0,
            max: (high / 5.0).ceil() * 5.0,
            downwards: false,
            target: None,
            decimals: 2,
        }))
        (yearly(lang, &rank_title, &years, &series(&|h| f64::from(h.rank)), &YearScale {
            min: 1.0,
            max: of,
            downwards: true,
            target: Some((f64::from(target), &target_label)),
            decimals: 0,
        }))
        div.scroll tabindex="0" role="region" aria-label=(format!("{index} · {}", lang.staff_text("staff-dashboard-table-by-year"))) { table {
            thead {
                tr { th { (lang.staff_text("staff-dashboard-year")) } @for p in &provinces { th.num { (p) } } }
            }
            tbody { @for year in &years { tr {
                td { (year) }
                @for p in &provinces { td.num {
                    @match at(p, *year) {
                        Some(h) => {
                            (number(lang, h.score, 2)) " · " (lang.staff_text("staff-dashboard-rank")) (h.rank) "/" (h.of)
                            " " @if h.rank <= h.target { (lang.staff_text("staff-dashboard-met")) } @else { (lang.staff_text("staff-dashboard-not-met")) }
                        }
                        None => span.flag { (lang.staff_text("staff-dashboard-not-scored")) },
                    }
                } }
            } } }
        } }
    }
}

fn goal_name(lang: Lang, goal: Goal) -> &'static str {
    lang.staff_text(match goal {
        Goal::OnTime => "staff-targets-on-time",
        Goal::Online => "staff-targets-online",
        Goal::Satisfaction => "staff-targets-satisfaction",
    })
}

/// The plan's targets beside the figures: target, result, gap, and whether it is met (in
/// words, not only a colour).
fn targets_table(lang: Lang, targets: Option<&Targets>) -> Markup {
    html! {
        h2 { (lang.staff_text("staff-targets")) }
        @match targets {
            None => p.flag { (lang.staff_text("staff-targets-none")) },
            Some(t) => {
                p.flag { (t.plan.source) " (" (t.plan.year) ")" }
                div.scroll tabindex="0" role="region" aria-label=(lang.staff_text("staff-targets")) { table.targets {
                    thead { tr {
                        th { (lang.staff_text("staff-targets-goal")) }
                        th.num { (lang.staff_text("staff-targets-target")) }
                        th.num { (lang.staff_text("staff-targets-result")) }
                        th.num { (lang.staff_text("staff-targets-gap")) }
                        th { (lang.staff_text("staff-targets-status")) }
                    } }
                    tbody { @for p in &t.progress { tr {
                        td { (goal_name(lang, p.goal)) }
                        td.num { (number(lang, p.target, 0)) }
                        td.num { (optional(lang, p.actual, 1)) }
                        td.num { (optional(lang, p.gap(), 1)) }
                        td { (match p.met() {
                            Some(true) => lang.staff_text("staff-targets-met"),
                            Some(false) => lang.staff_text("staff-targets-short"),
                            None => lang.staff_text("staff-targets-not-shown"),
                        }) }
                    } } }
                } }
                @if !t.agencies.is_empty() {
                    details.targets {
                        summary { (lang.staff_text("staff-targets-by-agency")) " (" (t.agencies.len()) ")" }
                        div.scroll tabindex="0" role="region" aria-label=(lang.staff_text("staff-targets-by-agency")) { table.targets {
                            thead { tr {
                                th { (lang.staff_text("staff-dashboard-agency")) }
                                @for p in &t.progress { th.num { (goal_name(lang, p.goal)) " · " (number(lang, p.target, 0)) } }
                            } }
                            tbody { @for (name, progress) in &t.agencies { tr {
                                td { (name) }
                                @for p in progress {
                                    td.num {
                                        (optional(lang, p.actual, 1))
                                        @if p.met() == Some(false) { " (" (lang.staff_text("staff-targets-short")) ")" }
                                    }
                                }
                            } } }
                        } }
                    }
                }
            }
        }
    }
}

fn tier_name(lang: Lang, tier: u8) -> &'static str {
    match tier {
        1 => lang.staff_text("staff-dashboard-best"),
        2 => lang.staff_text("staff-dashboard-high-average"),
        3 => lang.staff_text("staff-dashboard-low-average"),
        _ => lang.staff_text("staff-dashboard-poorest"),
    }
}

/// A row's status in a table: low reliability, which most small agencies share, as a marker
/// explained once under the table; the rarer statuses in words.
fn status_cell(lang: Lang, status: &str) -> Markup {
    html! {
        @if status == "low_reliability" {
            td.flag { abbr title=(status_words(lang, status)) { "*" } }
        } @else {
            td.flag { (status_words(lang, status)) }
        }
    }
}

/// The one explanation of the low-reliability marker, under a table that shows it.
fn reliability_note<'a>(lang: Lang, mut statuses: impl Iterator<Item = &'a str>) -> Markup {
    html! {
        @if statuses.any(|s| s == "low_reliability") {
            p.flag { "* " (lang.staff_text("staff-dashboard-low-reliability-an-effective-sample-below")) }
        }
    }
}

/// Why a choice of level or field shows no agency.
fn empty_choice(lang: Lang, level: &str, field: Option<&str>) -> String {
    match (level, field) {
        ("district", _) => lang
            .staff_text("staff-dashboard-no-district-figures-for-this-period")
            .to_owned(),
        (_, Some(f)) => lang.text_with(
            "staff-dashboard-no-responses-of-field",
            &[("field", f.into())],
        ),
        _ => lang
            .staff_text("staff-dashboard-no-responses-at-this-level-in")
            .to_owned(),
    }
}

/// Heat from 5 or less (red) to 10 (green), as one of six classes of the stylesheet (a style
/// attribute would break the Content-Security-Policy).
fn heat(value: Option<f64>) -> String {
    match value {
        None => "num".to_owned(),
        Some(v) => format!("num heat{}", ((v - 5.0).clamp(0.0, 5.0)) as u8),
    }
}

pub fn province_page(frame: &Frame<'_>, d: &ProvinceDashboard) -> Markup {
    let lang = frame.lang;
    let levels = [
        ("commune", lang.staff_text("staff-dashboard-commune-level")),
        ("department", lang.staff_text("staff-dashboard-departments")),
        (
            "district",
            lang.staff_text("staff-dashboard-districts-before-july-2025"),
        ),
    ];
    let body = html! {
        h1 { (lang.staff_text("staff-dashboard-province")) " · " (d.period) @if let Some(f) = &d.field { " · " (f) } @if let Some(m) = d.mode { " · " (m.name(lang)) } }
        (period_picker(lang, "/dashboard/province", &d.period, &d.periods, html! {
            label for="level" { (lang.staff_text("staff-dashboard-level")) }
            select id="level" name="level" {
                @for (code, name) in levels { option value=(code) selected[code == d.level] { (name) } }
            }
            label for="field" { (lang.staff_text("staff-dashboard-field")) }
            select id="field" name="field" {
                option value="" selected[d.field.is_none()] { (lang.staff_text("staff-dashboard-all")) }
                @for f in &d.fields { option value=(f) selected[Some(f.as_str()) == d.field.as_deref()] { (f) } }
            }
            (mode_select(lang, d.mode))
        }))
        div.cards {
            (figure_card(lang, lang.staff_text("staff-dashboard-province-satisfaction-index"), &d.province_index, 1))
        }
        (as_of_note(lang, d.as_of))
        (held_note(lang, d.held))
        p { a href=(format!("/exports/scores.csv?period={}", d.period)) { (lang.staff_text("staff-dashboard-download-csv")) } " · " a href=(format!("/exports/scores.xlsx?period={}", d.period)) { (lang.staff_text("staff-dashboard-download-excel")) } " · " a href=(format!("/exports/report.docx?period={}", d.period)) { (lang.staff_text("staff-dashboard-download-report")) } " (" a href=(format!("/exports/report.docx?period={}&format=pdf", d.period)) { "PDF" } ") · " a href=(format!("/dashboard/delivery?lang={}", lang.code())) { (lang.staff_text("staff-dashboard-survey-delivery")) } " · " a href=(format!("/dashboard/comments?period={}&lang={}", d.period, lang.code())) { (lang.staff_text("staff-dashboard-comments")) } " · " a href=(format!("/dashboard/integrity?period={}&lang={}", d.period, lang.code())) { (lang.staff_text("staff-dashboard-integrity")) }
            " · " (lang.staff_text("staff-dashboard-raw-data"))
            @for (i, t) in ["agencies", "dossiers", "responses", "answers"].iter().enumerate() {
                @if i > 0 { ", " }
                a href=(format!("/exports/raw/{t}.csv")) { (t) ".csv" }
            }
        }
        h2 { (lang.staff_text("staff-dashboard-ranking")) }
        @if d.ranked.is_empty() && d.unranked.is_empty() {
            p.empty { (empty_choice(lang, &d.level, d.field.as_deref())) }
        } @else {
        div.scroll tabindex="0" role="region" aria-label=(lang.staff_text("staff-dashboard-scrollable-table")) { table {
            thead { tr {
                th.num { (lang.staff_text("staff-standing-rank")) } th { (lang.staff_text("staff-integrity-agency")) } th { (lang.staff_text("staff-dashboard-tier")) }
                th { (lang.staff_text("staff-standing-position")) }
                th.num { "PAPI" } th.num { (lang.staff_text("staff-dashboard-satisfaction")) } th.num { "n" } th { }
            } }
            tbody {
                @for r in &d.ranked {
                    tr class=(r.standing.and_then(|s| s.tier).map_or(String::new(), |t| format!("tier{t}"))) {
                        td.num.nowrap { (r.standing.as_ref().map_or(String::new(), rank_with_range)) }
                        td { a href=(format!("/dashboard/agency/{}?period={}&lang={}", r.code, d.period, lang.code())) { (r.name) } }
                        td { (r.standing.and_then(|s| s.tier).map_or("", |t| tier_name(lang, t))) }
                        td class=(position_class(r.standing.and_then(|s| s.position()))) { (position_sentence(lang, r.standing.and_then(|s| s.position()), &d.level)) }
                        td.num { (optional(lang, r.papi_total, 2)) }
                        td.num { (optional(lang, r.sat_index, 1)) }
                        td.num { (r.n) }
                        (status_cell(lang, &r.status))
                    }
                }
                @for r in &d.unranked {
                    tr {
                        td.num { "—" }
                        td { a href=(format!("/dashboard/agency/{}?period={}&lang={}", r.code, d.period, lang.code())) { (r.name) } }
                        td { } td { } td.num { "—" } td.num { "—" } td.num { (r.n) }
                        (status_cell(lang, &r.status))
                    }
                }
            }
        } }
        (reliability_note(lang, d.ranked.iter().chain(&d.unranked).map(|r| r.status.as_str())))
        @if !d.ranked.is_empty() {
            (range_note(lang))
            p {
                @let base = format!("/dashboard/province?period={}&level={}&lang={}", d.period, d.level, lang.code());
                @if d.by_position {
                    a href=(base) { (lang.staff_text("staff-standing-sort-by-rank")) }
                } @else {
                    a href=(format!("{base}&sort=position")) { (lang.staff_text("staff-standing-sort-by-position")) }
                }
            }
        }
        @if let Some(f) = &d.funnel {
            h2 { (lang.staff_text("staff-standing-funnel-title")) }
            (funnel(lang, lang.staff_text("staff-standing-funnel-title"), f, |code| format!("/dashboard/agency/{code}?period={}&lang={}", d.period, lang.code())))
            div.scroll tabindex="0" role="region" aria-label=(lang.staff_text("staff-standing-funnel-table")) { table {
                caption { (lang.staff_text("staff-standing-funnel-table")) }
                thead { tr {
                    th { (lang.staff_text("staff-integrity-agency")) }
                    th.num { (lang.staff_text("staff-dashboard-satisfaction")) }
                    th.num { (lang.staff_text("staff-standing-effective-sample")) }
                    th { (lang.staff_text("staff-standing-position")) }
                } }
                tbody { @for p in &f.points { tr {
                    td { (p.name) }
                    td.num { (number(lang, p.sat_index, 1)) }
                    td.num { (number(lang, p.n_eff, 1)) }
                    td class=(position_class(p.position)) { (position_sentence(lang, p.position, &d.level)) }
                } } }
            } }
        }
        }
        @if !d.group766.is_empty() {
            h2 { (lang.staff_text("staff-dashboard-decision-766-satisfaction-group")) }
            div.scroll tabindex="0" role="region" aria-label=(lang.staff_text("staff-dashboard-decision-766-group-by-agency")) { table {
                thead { tr {
                    th { (lang.staff_text("staff-integrity-agency")) }
                    th.num { (lang.staff_text("staff-dashboard-answered-on-time")) }
                    th.num { (lang.staff_text("staff-dashboard-satisfied-with-handling")) }
                    th.num { (lang.staff_text("staff-dashboard-not-rated-dissatisfied")) }
                } }
                tbody { @for (name, g) in &d.group766 { tr {
                    td { (name) } td.num { (share_cell(lang, g.on_time)) } td.num { (share_cell(lang, g.satisfied)) } td.num { (share_cell(lang, g.not_dissatisfied)) }
                } } }
            } }
        }
        @if !d.ranked.is_empty() {
        h2 { (lang.staff_text("staff-dashboard-heat-map-by-dimension")) }
        p.legend-row aria-hidden="true" {
            (lang.staff_text("staff-dashboard-score-1-10"))
            @for (class, label) in [("heat0", "≤ 5"), ("heat1", "6"), ("heat2", "7"), ("heat3", "8"), ("heat4", "9"), ("heat5", "10")] {
                span class=(format!("swatch {class}")) { (label) }
            }
        }
        p.visually-hidden { (lang.staff_text("staff-dashboard-cell-colour-from-red-5-or")) }
        div.scroll tabindex="0" role="region" aria-label=(lang.staff_text("staff-dashboard-scrollable-table")) { table {
            thead { tr { th { (lang.staff_text("staff-integrity-agency")) } @for name in &d.dimension_names { th.num { (name) } } } }
            tbody { @for r in &d.ranked { tr {
                td { (r.name) }
                @for v in &r.dimensions { td class=(heat(*v)) { (optional(lang, *v, 2)) } }
            } } }
        } }
        }
        @if !d.tree.is_empty() {
            details.tree {
                summary { (lang.staff_text("staff-dashboard-the-agency-tree-in")) (d.period) ": " (tree_count(&d.tree)) (lang.staff_text("staff-dashboard-units")) }
                (tree_list(lang, &d.period, &d.tree))
            }
        }
        (targets_table(lang, d.targets.as_ref()))
        @if !d.history.is_empty() {
            h2 { (lang.staff_text("staff-dashboard-published-papi-and-pci")) }
            p.flag { (lang.staff_text("staff-dashboard-national-rank-in-the-published-tables")) }
            @for index in ["PAPI", "PCI"] {
                (standing_history(lang, index, &d.history))
            }
        }
        h2 { (lang.staff_text("staff-dashboard-province-trend")) }
        (trend(lang, lang.staff_text("staff-dashboard-province-satisfaction-index-by-period"), &d.trend, 0.0, 100.0))
    };
    // The province view is wide: tables of many agencies.
    staff_page(
        frame,
        lang.staff_text("staff-dashboard-province"),
        Width::Wide,
        body,
    )
}
