//! The comments inbox: an agency's (or the province's) released comments of a quarter, paged,
//! with filters, topics and what the agency did about each (`services::reports::comments`).

use maud::{html, Markup};

use super::dashboard::period_picker;
use super::format::number;
use super::i18n::Lang;
use super::layout::Width;
use super::staff::{staff_page, Frame};
use crate::domain::comment_topics::Topic;

/// What the agency did about a comment, as shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Noted,
    ActedOn,
}

pub struct ShownComment {
    pub response_id: String,
    /// The agency's name, on the province's inbox across agencies.
    pub agency: Option<String>,
    pub text: String,
    pub topics: Vec<Topic>,
    pub dimension_mean: Option<f64>,
    pub mark: Option<(Mark, String)>,
}

pub struct CommentsPage<'a> {
    /// The agency whose inbox this is (code, name); `None`: every agency of the province.
    pub agency: Option<(&'a str, &'a str)>,
    /// For the province: the agencies to choose from (code, name); empty for agency staff.
    pub agencies: Vec<(String, String)>,
    pub period: &'a str,
    pub periods: &'a [String],
    pub topic: Option<Topic>,
    /// (code, name) of each dimension, and the chosen one.
    pub dimensions: Vec<(String, String)>,
    pub dimension: Option<&'a str>,
    /// `low` / `high` with a dimension.
    pub leaning: Option<&'a str>,
    pub comments: Vec<ShownComment>,
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub suppressed_groups: usize,
    /// Agency staff mark comments; the province reads the marks.
    pub can_mark: bool,
    /// The filters as a query string (without `page`), for the pager and the exports.
    pub query: String,
    pub notice: Option<String>,
    pub csrf: &'a str,
}

/// A topic's name, as the inbox and the report say it.
pub fn topic_name(lang: Lang, t: Topic) -> &'static str {
    lang.staff_text(match t {
        Topic::Waiting => "staff-topic-waiting",
        Topic::Staff => "staff-topic-staff",
        Topic::Fees => "staff-topic-fees",
        Topic::Paperwork => "staff-topic-paperwork",
        Topic::Online => "staff-topic-online",
        Topic::Facilities => "staff-topic-facilities",
        Topic::Praise => "staff-topic-praise",
    })
}

fn mark_words(lang: Lang, m: Mark) -> &'static str {
    match m {
        Mark::Noted => lang.staff_text("staff-comments-noted"),
        Mark::ActedOn => lang.staff_text("staff-comments-acted-on"),
    }
}

fn filters(lang: Lang, d: &CommentsPage<'_>) -> Markup {
    html! {
        @if !d.agencies.is_empty() {
            label for="agency" { (lang.staff_text("staff-dashboard-agency")) }
            select id="agency" name="agency" {
                option value="" { (lang.staff_text("staff-dashboard-all")) }
                @for (code, name) in &d.agencies {
                    option value=(code) selected[d.agency.is_some_and(|(c, _)| c == code)] { (name) }
                }
            }
        } @else if let Some((code, _)) = d.agency {
            input type="hidden" name="agency" value=(code);
        }
        label for="topic" { (lang.staff_text("staff-comments-topic")) }
        select id="topic" name="topic" {
            option value="" { (lang.staff_text("staff-dashboard-all")) }
            @for t in Topic::ALL { option value=(t.code()) selected[d.topic == Some(t)] { (topic_name(lang, t)) } }
        }
        label for="dimension" { (lang.staff_text("staff-comments-dimension")) }
        select id="dimension" name="dimension" {
            option value="" { (lang.staff_text("staff-dashboard-all")) }
            @for (code, name) in &d.dimensions { option value=(code) selected[d.dimension == Some(code.as_str())] { (name) } }
        }
        label for="leaning" { (lang.staff_text("staff-comments-satisfaction-on-it")) }
        select id="leaning" name="leaning" {
            option value="" { (lang.staff_text("staff-comments-any")) }
            option value="low" selected[d.leaning == Some("low")] { (lang.staff_text("staff-comments-low-below-3")) }
            option value="high" selected[d.leaning == Some("high")] { (lang.staff_text("staff-comments-high-4-or-more")) }
        }
    }
}

fn mark_form(lang: Lang, d: &CommentsPage<'_>, c: &ShownComment) -> Markup {
    let id = &c.response_id;
    let (status, note) = c
        .mark
        .as_ref()
        .map_or((None, ""), |(m, n)| (Some(*m), n.as_str()));
    html! {
        form.mark method="post" action="/dashboard/comments/mark" {
            input type="hidden" name="csrf" value=(d.csrf);
            input type="hidden" name="response" value=(id);
            input type="hidden" name="back" value=(format!("{}&page={}", d.query, d.page));
            label for=(format!("status-{id}")) { (lang.staff_text("staff-comments-status")) }
            select id=(format!("status-{id}")) name="status" {
                option value="noted" selected[status == Some(Mark::Noted)] { (mark_words(lang, Mark::Noted)) }
                option value="acted_on" selected[status == Some(Mark::ActedOn)] { (mark_words(lang, Mark::ActedOn)) }
            }
            label for=(format!("note-{id}")) { (lang.staff_text("staff-comments-what-was-done-the-province-reads")) }
            input id=(format!("note-{id}")) name="note" type="text" maxlength="500" value=(note);
            button type="submit" { (lang.staff_text("staff-comments-save")) }
        }
    }
}

pub fn comments_page(frame: &Frame<'_>, d: &CommentsPage<'_>) -> Markup {
    let lang = frame.lang;
    let heading = match d.agency {
        Some((_, name)) => format!("{} · {}", lang.staff_text("staff-dashboard-comments"), name),
        None => lang
            .staff_text("staff-comments-citizens-comments-whole-province")
            .to_owned(),
    };
    let title = format!("{heading} · {}", d.period);
    let body = html! {
        h1 { (heading) }
        @if let Some(text) = &d.notice { div.notice role="status" { p { (text) } } }
        (period_picker(lang, "/dashboard/comments", d.period, d.periods, filters(lang, d)))
        p {
            (lang.staff_text("staff-comments-download"))
            a href=(format!("/exports/comments.csv?{}", d.query)) { "CSV" } " · "
            a href=(format!("/exports/comments.xlsx?{}", d.query)) { "XLSX" }
        }
        p.flag {
            (lang.staff_text("staff-comments-comments-are-released-in-batches-without"))
        }
        @if d.suppressed_groups > 0 {
            p.flag { (lang.staff_text("staff-comments-not-shown-the-comments-of"))
                (d.suppressed_groups)
                (lang.staff_text("staff-comments-groups-with-too-few-responses")) }
        }
        p { strong { (d.total) } (lang.staff_text("staff-comments-comments")) }
        @if d.comments.is_empty() {
            p { (lang.staff_text("staff-comments-no-comment-fits-these-filters")) }
        }
        ol.comments start=(d.page.saturating_sub(1) * crate::views::comments::PAGE_SIZE + 1) {
            @for c in &d.comments { li {
                @if let Some(agency) = &c.agency { p.flag { (agency) } }
                blockquote { (c.text) }
                p.flag {
                    @for t in &c.topics { span.tag { (topic_name(lang, *t)) } " " }
                    @if let Some(mean) = c.dimension_mean {
                        (lang.staff_text("staff-comments-score-on-this-dimension")) (number(lang, mean, 1)) "/5"
                    }
                }
                @if d.can_mark {
                    (mark_form(lang, d, c))
                } @else if let Some((m, note)) = &c.mark {
                    p { strong { (mark_words(lang, *m)) } @if !note.is_empty() { ": " (note) } }
                }
            } }
        }
        @if d.pages > 1 {
            nav.pager aria-label=(lang.staff_text("staff-comments-pages")) {
                @if d.page > 1 { a href=(format!("?{}&page={}", d.query, d.page - 1)) { (lang.staff_text("staff-comments-previous")) } " " }
                span { (lang.staff_text("staff-comments-page")) (d.page) " / " (d.pages) }
                @if d.page < d.pages { " " a href=(format!("?{}&page={}", d.query, d.page + 1)) { (lang.staff_text("staff-comments-next")) } }
            }
        }
    };
    staff_page(frame, &title, Width::Wide, body)
}

/// Comments per page.
pub const PAGE_SIZE: usize = 50;
