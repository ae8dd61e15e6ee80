//! Paper forms: the printable form (A4, per questionnaire version and language, with the
//! receipt's survey code), the province's double data entry, and the reconciliation list.

use std::collections::BTreeMap;

use hailong_analysis::questionnaire::{Item, ItemKind, Questionnaire};
use maud::{html, Markup};

use super::forms::notice;
use super::i18n::Lang;
use super::layout::{page, Width};
use super::staff::{staff_page, Frame};
use crate::domain::answers::AnswerProblem;
use crate::domain::paper_entry::{PaperEntry, FIELD_PREFIX};

/// What the printed form says at its top, when printed for one dossier: its code, as on the
/// receipt (never looked up: see `web::routes::paper::form`).
pub struct Printed<'a> {
    pub code: Option<&'a str>,
}

fn boxes(n: usize) -> Markup {
    html! { @for _ in 0..n { span.box {} } }
}

/// The digits a question offers on paper: (digit, label).
fn offered(lang: Lang, item: &Item) -> Vec<(&'static str, &'static str)> {
    let t = lang.t();
    let mut out: Vec<(&'static str, &'static str)> = match item.kind {
        ItemKind::Likert5 => ["1", "2", "3", "4", "5"]
            .into_iter()
            .zip(t.likert)
            .collect(),
        ItemKind::YesNo => vec![("1", t.yes), ("2", t.no)],
    };
    out.push(("0", super::survey::no_answer(lang, item)));
    out
}

/// The form to print and hand out: every question with a box per answer, the code in boxes.
pub fn printable_form(
    lang: Lang,
    q: &Questionnaire,
    printed: &Printed<'_>,
    switch_href: &str,
) -> Markup {
    let t = lang.t();
    let title = q.title(lang.code()).unwrap_or(t.survey_title);
    let body = html! {
        div.paper {
            p.noprint { (lang.staff_text("staff-paper-print-this-page-on-a4-ctrl")) }
            h1 { (title) }
            dl.meta {
                dt { (lang.staff_text("staff-paper-survey-code")) }
                dd.code {
                    @match printed.code {
                        Some(code) => strong { (code) },
                        None => { (boxes(3)) " " (boxes(3)) " " (boxes(4)) },
                    }
                }
                dt { (lang.staff_text("staff-paper-form-version")) } dd { (q.version) }
            }
            p { (lang.staff_text("staff-paper-mark-one-box-with-for-each")) }
            @for dimension in &q.dimensions {
                section {
                    h2 { (lang.pick(&dimension.name_vi, &dimension.name_en)) }
                    @for item in q.items_of(&dimension.code) {
                        div.pq {
                            p { (lang.pick(&item.text_vi, &item.text_en)) }
                            p.choices {
                                @for (digit, label) in offered(lang, item) {
                                    span.choice { span.box {} " " (digit) " " (label) }
                                }
                            }
                        }
                    }
                }
            }
            h2 { (t.comment) }
            div.lines {}
            p.note { (t.anonymous_note) }
        }
    };
    page(lang, title, switch_href, body)
}

/// The entry page's state: the version chosen, what was typed, and why it was refused.
pub struct EntryPage<'a> {
    pub versions: &'a [String],
    pub questionnaire: &'a Questionnaire,
    pub code: &'a str,
    pub typed: &'a BTreeMap<String, String>,
    pub code_problem: Option<&'a str>,
    pub problems: &'a BTreeMap<String, AnswerProblem>,
    pub notice: Option<&'a str>,
    /// Forms entered once; forms waiting for a decision.
    pub waiting: i64,
    pub to_decide: i64,
}

fn problem_text(lang: Lang, p: AnswerProblem) -> &'static str {
    match p {
        AnswerProblem::NothingAnswered => lang.t().nothing_answered,
        AnswerProblem::CommentTooLong => lang.t().comment_too_long,
        _ => lang.staff_text("staff-paper-type-one-digit-the-form-offers"),
    }
}

pub fn entry_page(frame: &Frame<'_>, e: &EntryPage<'_>) -> Markup {
    let lang = frame.lang;
    let q = e.questionnaire;
    let title = lang.staff_text("staff-paper-paper-forms");
    let body = html! {
        h1 { (title) }
        (notice(e.notice))
        p { (lang.staff_text("staff-paper-two-different-people-enter-each-form")) }
        p {
            (lang.staff_text("staff-paper-waiting-for-a-second-entry")) strong { (e.waiting) }
            " · " a href=(format!("/admin/paper/reconcile?lang={}", lang.code())) { (lang.staff_text("staff-paper-to-decide")) (e.to_decide) }
            " · " a href=(format!("/paper/form?version={}&lang={}", q.version, lang.code())) { (lang.staff_text("staff-paper-print-a-blank-form")) }
        }
        form.picker method="get" action="/admin/paper" {
            label for="version" { (lang.staff_text("staff-paper-form-version")) }
            select id="version" name="version" {
                @for v in e.versions.iter().rev() { option value=(v) selected[*v == q.version] { (v) } }
            }
            input type="hidden" name="lang" value=(lang.code());
            button type="submit" { (lang.staff_text("staff-paper-choose")) }
        }
        @if !e.problems.is_empty() || e.code_problem.is_some() {
            div.alert role="alert" {
                p { (lang.t().fix_errors) }
                @if let Some(p) = e.problems.get("form") { p { (problem_text(lang, *p)) } }
            }
        }
        form.paper-entry method="post" action="/admin/paper" autocomplete="off" {
            input type="hidden" name="csrf" value=(frame.csrf);
            input type="hidden" name="version" value=(q.version);
            div.field {
                label for="code" { (lang.staff_text("staff-paper-survey-code-10-digits")) }
                @if let Some(problem) = e.code_problem { p.err id="code-error" { (problem) } }
                input id="code" name="code" type="text" inputmode="numeric" required autofocus value=(e.code)
                    aria-invalid=[e.code_problem.map(|_| "true")] aria-describedby=[e.code_problem.map(|_| "code-error")];
            }
            p.hint { (lang.staff_text("staff-paper-each-question-type-the-digit-marked")) }
            div.digits {
                @for item in &q.items {
                    @let name = format!("{FIELD_PREFIX}{}", item.code);
                    @let problem = e.problems.get(&item.code);
                    @let error_id = format!("err-{}", item.code);
                    div.digit.invalid[problem.is_some()] {
                        label for=(name) { strong { (item.code) } " " (lang.pick(&item.text_vi, &item.text_en)) }
                        @if let Some(p) = problem { p.err id=(error_id) { (problem_text(lang, *p)) } }
                        input id=(name) name=(name) type="text" inputmode="numeric" maxlength="1"
                            pattern=(if item.kind == ItemKind::YesNo { "[012]" } else { "[0-5]" })
                            value=(e.typed.get(&name).map(String::as_str).unwrap_or(""))
                            aria-invalid=[problem.map(|_| "true")] aria-describedby=[problem.map(|_| error_id.as_str())];
                    }
                }
            }
            div.comment {
                label for="comment" { (lang.t().comment) }
                textarea id="comment" name="comment" rows="3" maxlength="2000" { (e.typed.get("comment").map(String::as_str).unwrap_or("")) }
            }
            button type="submit" { (lang.staff_text("staff-paper-save-the-entry")) }
        }
    };
    staff_page(frame, title, Width::Wide, body)
}

/// One form whose entries differ, as the reconciliation list shows it.
pub struct ToDecide<'a> {
    /// (entry number, who entered it, the entry)
    pub entries: &'a [(i32, String, PaperEntry)],
    pub differences: &'a [String],
    pub questionnaire: &'a Questionnaire,
}

fn shown_value(lang: Lang, q: &Questionnaire, entry: &PaperEntry, question: &str) -> String {
    if question == "comment" {
        return entry.comment.clone().unwrap_or_default();
    }
    let t = lang.t();
    match (q.item(question).map(|i| i.kind), entry.values.get(question)) {
        (_, None) => "—".to_owned(),
        (Some(ItemKind::YesNo), Some(1)) => t.yes.to_owned(),
        (Some(ItemKind::YesNo), Some(_)) => t.no.to_owned(),
        (_, Some(v)) => v.to_string(),
    }
}

pub fn reconcile_page(
    frame: &Frame<'_>,
    forms: &[ToDecide<'_>],
    notice_text: Option<&str>,
) -> Markup {
    let lang = frame.lang;
    let title = lang.staff_text("staff-paper-paper-forms-to-decide");
    let body = html! {
        h1 { (title) }
        (notice(notice_text))
        p { (lang.staff_text("staff-paper-the-two-entries-of-each-form")) }
        p { a href=(format!("/admin/paper?lang={}", lang.code())) { (lang.staff_text("staff-paper-back-to-entering-forms")) } }
        @if forms.is_empty() { p.empty { (lang.staff_text("staff-paper-no-form-waits-for-a-decision")) } }
        @for (n, form) in forms.iter().enumerate() {
            section {
                h2 { (lang.staff_text("staff-paper-form")) (n + 1) " · " (form.entries.first().map(|e| e.2.code.as_str()).unwrap_or("")) }
                div.scroll tabindex="0" role="region" aria-label=(lang.staff_text("staff-paper-questions-that-differ")) { table {
                    thead { tr {
                        th { (lang.staff_text("staff-paper-question")) }
                        @for (_, who, _) in form.entries { th { (who) } }
                    } }
                    tbody { @for question in form.differences { tr {
                        td { (question) }
                        @for (_, _, entry) in form.entries { td { (shown_value(lang, form.questionnaire, entry, question)) } }
                    } } }
                } }
                div.actions {
                    @for (id, who, _) in form.entries {
                        form method="post" action="/admin/paper/decide" {
                            input type="hidden" name="csrf" value=(frame.csrf);
                            input type="hidden" name="entry" value=(id);
                            input type="hidden" name="action" value="keep";
                            button type="submit" { (lang.staff_text("staff-paper-keep-the-entry-of")) (who) }
                        }
                    }
                    @if let Some((id, _, _)) = form.entries.first() {
                        form method="post" action="/admin/paper/decide" {
                            input type="hidden" name="csrf" value=(frame.csrf);
                            input type="hidden" name="entry" value=(id);
                            input type="hidden" name="action" value="discard";
                            button.link type="submit" { (lang.staff_text("staff-paper-discard-the-form-cannot-be-read")) }
                        }
                    }
                }
            }
        }
    };
    staff_page(frame, title, Width::Wide, body)
}
