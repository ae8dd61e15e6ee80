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

fn topic_name(lang: Lang, t: Topic) -> &'static str {
    lang.pick(t.name_vi(), t.name_en())
}

fn mark_words(lang: Lang, m: Mark) -> &'static str {
    match m {
        Mark::Noted => lang.pick("Đã ghi nhận", "Noted"),
        Mark::ActedOn => lang.pick("Đã xử lý", "Acted on"),
    }
}

fn filters(lang: Lang, d: &CommentsPage<'_>) -> Markup {
    html! {
        @if !d.agencies.is_empty() {
            label for="agency" { (lang.pick("Cơ quan", "Agency")) }
            select id="agency" name="agency" {
                option value="" { (lang.pick("Tất cả", "All")) }
                @for (code, name) in &d.agencies {
                    option value=(code) selected[d.agency.is_some_and(|(c, _)| c == code)] { (name) }
                }
            }
        } @else if let Some((code, _)) = d.agency {
            input type="hidden" name="agency" value=(code);
        }
        label for="topic" { (lang.pick("Chủ đề", "Topic")) }
        select id="topic" name="topic" {
            option value="" { (lang.pick("Tất cả", "All")) }
            @for t in Topic::ALL { option value=(t.code()) selected[d.topic == Some(t)] { (topic_name(lang, t)) } }
        }
        label for="dimension" { (lang.pick("Lĩnh vực đánh giá", "Dimension")) }
        select id="dimension" name="dimension" {
            option value="" { (lang.pick("Tất cả", "All")) }
            @for (code, name) in &d.dimensions { option value=(code) selected[d.dimension == Some(code.as_str())] { (name) } }
        }
        label for="leaning" { (lang.pick("Mức hài lòng ở lĩnh vực đó", "Satisfaction on it")) }
        select id="leaning" name="leaning" {
            option value="" { (lang.pick("Mọi mức", "Any")) }
            option value="low" selected[d.leaning == Some("low")] { (lang.pick("Thấp (dưới 3)", "Low (below 3)")) }
            option value="high" selected[d.leaning == Some("high")] { (lang.pick("Cao (từ 4)", "High (4 or more)")) }
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
            label for=(format!("status-{id}")) { (lang.pick("Trạng thái", "Status")) }
            select id=(format!("status-{id}")) name="status" {
                option value="noted" selected[status == Some(Mark::Noted)] { (mark_words(lang, Mark::Noted)) }
                option value="acted_on" selected[status == Some(Mark::ActedOn)] { (mark_words(lang, Mark::ActedOn)) }
            }
            label for=(format!("note-{id}")) { (lang.pick("Việc đã làm (tỉnh xem được)", "What was done (the province reads it)")) }
            input id=(format!("note-{id}")) name="note" type="text" maxlength="500" value=(note);
            button type="submit" { (lang.pick("Lưu", "Save")) }
        }
    }
}

pub fn comments_page(frame: &Frame<'_>, d: &CommentsPage<'_>) -> Markup {
    let lang = frame.lang;
    let heading = match d.agency {
        Some((_, name)) => format!("{} · {}", lang.pick("Góp ý", "Comments"), name),
        None => lang
            .pick(
                "Góp ý của người dân, toàn tỉnh",
                "Citizens' comments, whole province",
            )
            .to_owned(),
    };
    let title = format!("{heading} · {}", d.period);
    let body = html! {
        h1 { (heading) }
        @if let Some(text) = &d.notice { div.notice role="status" { p { (text) } } }
        (period_picker(lang, "/dashboard/comments", d.period, d.periods, filters(lang, d)))
        p {
            (lang.pick("Tải về: ", "Download: "))
            a href=(format!("/exports/comments.csv?{}", d.query)) { "CSV" } " · "
            a href=(format!("/exports/comments.xlsx?{}", d.query)) { "XLSX" }
        }
        p.flag {
            (lang.pick("Góp ý được công bố theo đợt, không kèm thời điểm; thông tin cá nhân đã được che trước khi lưu. Chủ đề được gán theo quy tắc từ khoá (xem phương pháp).",
                "Comments are released in batches, without a time; personal details were masked before they were stored. Topics follow keyword rules (see the methodology)."))
        }
        @if d.suppressed_groups > 0 {
            p.flag { (lang.pick("Không hiển thị góp ý của ", "Not shown: the comments of "))
                (d.suppressed_groups)
                (lang.pick(" nhóm có quá ít phản hồi.", " groups with too few responses.")) }
        }
        p { strong { (d.total) } (lang.pick(" góp ý", " comments")) }
        @if d.comments.is_empty() {
            p { (lang.pick("Không có góp ý nào phù hợp.", "No comment fits these filters.")) }
        }
        ol.comments start=(d.page.saturating_sub(1) * crate::views::comments::PAGE_SIZE + 1) {
            @for c in &d.comments { li {
                @if let Some(agency) = &c.agency { p.flag { (agency) } }
                blockquote { (c.text) }
                p.flag {
                    @for t in &c.topics { span.tag { (topic_name(lang, *t)) } " " }
                    @if let Some(mean) = c.dimension_mean {
                        (lang.pick("Điểm ở lĩnh vực này: ", "Score on this dimension: ")) (number(lang, mean, 1)) "/5"
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
            nav.pager aria-label=(lang.pick("Trang", "Pages")) {
                @if d.page > 1 { a href=(format!("?{}&page={}", d.query, d.page - 1)) { (lang.pick("← Trang trước", "← Previous")) } " " }
                span { (lang.pick("Trang ", "Page ")) (d.page) " / " (d.pages) }
                @if d.page < d.pages { " " a href=(format!("?{}&page={}", d.query, d.page + 1)) { (lang.pick("Trang sau →", "Next →")) } }
            }
        }
    };
    staff_page(frame, &title, Width::Wide, body)
}

/// Comments per page.
pub const PAGE_SIZE: usize = 50;
