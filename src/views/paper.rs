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

/// What the printed form says at its top, when printed for one dossier.
pub struct Printed<'a> {
    pub code: Option<&'a str>,
    pub agency: Option<&'a str>,
    pub procedure: Option<&'a str>,
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
    let title = lang.pick(
        q.title_vi.as_deref().unwrap_or(t.survey_title),
        q.title_en.as_deref().unwrap_or(t.survey_title),
    );
    let body = html! {
        div.paper {
            p.noprint { (lang.pick("In trang này trên khổ A4 (Ctrl+P). Mỗi phiếu dùng cho một hồ sơ.", "Print this page on A4 (Ctrl+P). One form per dossier.")) }
            h1 { (title) }
            dl.meta {
                dt { (lang.pick("Mã khảo sát", "Survey code")) }
                dd.code {
                    @match printed.code {
                        Some(code) => strong { (code) },
                        None => { (boxes(3)) " " (boxes(3)) " " (boxes(4)) },
                    }
                }
                @if let Some(agency) = printed.agency { dt { (t.agency) } dd { (agency) } }
                @if let Some(procedure) = printed.procedure { dt { (t.procedure) } dd { (procedure) } }
                dt { (lang.pick("Phiên bản phiếu", "Form version")) } dd { (q.version) }
            }
            p { (lang.pick(
                "Ông/Bà đánh dấu ✗ vào một ô cho mỗi câu, rồi nộp phiếu tại quầy hoặc hòm phiếu. Phiếu không ghi tên; mỗi hồ sơ chỉ được đánh giá một lần (bằng phiếu này, đường dẫn hoặc máy tại quầy).",
                "Mark one box with ✗ for each question, then hand the form in at the counter or the box. Do not write your name; each dossier is rated once (on this form, by the link or at the counter's kiosk).")) }
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
        _ => lang.pick(
            "Chỉ gõ một chữ số có trên phiếu (1-5; câu có/không: 1 có, 2 không; 0 không áp dụng), hoặc để trống.",
            "Type one digit the form offers (1-5; yes/no: 1 yes, 2 no; 0 not applicable), or leave it empty.",
        ),
    }
}

pub fn entry_page(frame: &Frame<'_>, e: &EntryPage<'_>) -> Markup {
    let lang = frame.lang;
    let q = e.questionnaire;
    let title = lang.pick("Nhập phiếu giấy", "Paper forms");
    let body = html! {
        h1 { (title) }
        (notice(e.notice))
        p { (lang.pick(
            "Mỗi phiếu được hai người khác nhau nhập độc lập; hai lần nhập khớp nhau thì phiếu được lưu, không khớp thì chờ người thứ ba quyết định.",
            "Two different people enter each form independently; matching entries are stored, entries that differ wait for a third person's decision.")) }
        p {
            (lang.pick("Đang chờ lần nhập thứ hai: ", "Waiting for a second entry: ")) strong { (e.waiting) }
            " · " a href=(format!("/admin/paper/reconcile?lang={}", lang.code())) { (lang.pick("Chờ quyết định: ", "To decide: ")) (e.to_decide) }
            " · " a href=(format!("/paper/form?version={}&lang={}", q.version, lang.code())) { (lang.pick("In phiếu trống", "Print a blank form")) }
        }
        form.picker method="get" action="/admin/paper" {
            label for="version" { (lang.pick("Phiên bản phiếu", "Form version")) }
            select id="version" name="version" {
                @for v in e.versions.iter().rev() { option value=(v) selected[*v == q.version] { (v) } }
            }
            input type="hidden" name="lang" value=(lang.code());
            button type="submit" { (lang.pick("Chọn", "Choose")) }
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
                label for="code" { (lang.pick("Mã khảo sát (10 chữ số)", "Survey code (10 digits)")) }
                @if let Some(problem) = e.code_problem { p.err id="code-error" { (problem) } }
                input id="code" name="code" type="text" inputmode="numeric" required autofocus value=(e.code)
                    aria-invalid=[e.code_problem.map(|_| "true")] aria-describedby=[e.code_problem.map(|_| "code-error")];
            }
            p.hint { (lang.pick(
                "Mỗi câu: gõ chữ số được đánh dấu (1-5; câu có/không: 1 có, 2 không; 0 không áp dụng), để trống nếu bỏ qua; Tab sang câu sau.",
                "Each question: type the digit marked (1-5; yes/no: 1 yes, 2 no; 0 not applicable), leave empty if skipped; Tab to the next.")) }
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
            button type="submit" { (lang.pick("Lưu lần nhập", "Save the entry")) }
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
    let title = lang.pick("Phiếu giấy chờ quyết định", "Paper forms to decide");
    let body = html! {
        h1 { (title) }
        (notice(notice_text))
        p { (lang.pick(
            "Hai lần nhập của mỗi phiếu dưới đây khác nhau. Người thứ ba (không phải người đã nhập) xem phiếu giấy và chọn lần nhập đúng, hoặc hủy khi phiếu không đọc được.",
            "The two entries of each form below differ. A third person (not one who entered it) looks at the paper form and keeps the right entry, or discards an unreadable form.")) }
        p { a href=(format!("/admin/paper?lang={}", lang.code())) { (lang.pick("Trở lại nhập phiếu", "Back to entering forms")) } }
        @if forms.is_empty() { p.empty { (lang.pick("Không có phiếu nào chờ quyết định.", "No form waits for a decision.")) } }
        @for (n, form) in forms.iter().enumerate() {
            section {
                h2 { (lang.pick("Phiếu ", "Form ")) (n + 1) " · " (form.entries.first().map(|e| e.2.code.as_str()).unwrap_or("")) }
                div.scroll tabindex="0" role="region" aria-label=(lang.pick("Các câu khác nhau", "Questions that differ")) { table {
                    thead { tr {
                        th { (lang.pick("Câu", "Question")) }
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
                            button type="submit" { (lang.pick("Giữ lần nhập của ", "Keep the entry of ")) (who) }
                        }
                    }
                    @if let Some((id, _, _)) = form.entries.first() {
                        form method="post" action="/admin/paper/decide" {
                            input type="hidden" name="csrf" value=(frame.csrf);
                            input type="hidden" name="entry" value=(id);
                            input type="hidden" name="action" value="discard";
                            button.link type="submit" { (lang.pick("Hủy: phiếu không đọc được", "Discard: the form cannot be read")) }
                        }
                    }
                }
            }
        }
    };
    staff_page(frame, title, Width::Wide, body)
}
