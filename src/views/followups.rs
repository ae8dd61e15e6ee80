//! Follow-up requests: the citizen's form (from the thank-you page) and answer page, and the
//! agency's list of requests to handle.

use maud::{html, Markup};

use super::i18n::Lang;
use super::layout::{page, Width};
use super::staff::{staff_page, Frame};
use crate::domain::followup::{Request, RequestProblem, Status};

pub struct RequestForm<'a> {
    pub lang: Lang,
    pub agency: &'a str,
    pub action: &'a str,
    pub csrf_token: &'a str,
    pub switch_href: &'a str,
    pub due_days: u32,
    /// What was typed, when the form comes back.
    pub input: &'a Request,
    pub problems: &'a [RequestProblem],
}

fn problem_text(lang: Lang, p: RequestProblem) -> String {
    lang.text(match p {
        RequestProblem::ProblemMissing => "help-problem-missing",
        RequestProblem::ProblemTooLong => "help-problem-too-long",
        RequestProblem::NoContact => "help-no-contact",
        RequestProblem::BadPhone => "help-bad-phone",
        RequestProblem::BadEmail => "help-bad-email",
        RequestProblem::NoConsent => "help-no-consent",
    })
}

pub fn request_page(f: &RequestForm<'_>) -> Markup {
    let lang = f.lang;
    let title = lang.text("help-title");
    page(
        lang,
        &title,
        f.switch_href,
        html! {
            h1 { (title) }
            p { (lang.text("help-to")) " " strong { (f.agency) } }
            p { (lang.text("help-kept-apart")) }
            p { (lang.text_with("help-due", &[("days", f.due_days.into())])) }
            @if !f.problems.is_empty() {
                div.alert role="alert" {
                    @for p in f.problems { p { (problem_text(lang, *p)) } }
                }
            }
            form method="post" action=(f.action) {
                input type="hidden" name="csrf" value=(f.csrf_token);
                input type="hidden" name="lang" value=(lang.code());
                div.comment {
                    label for="problem" { (lang.text("help-problem")) }
                    textarea id="problem" name="problem" rows="5" maxlength="2000" required { (f.input.problem) }
                }
                div.comment {
                    label for="phone" { (lang.text("help-phone")) }
                    input id="phone" name="phone" type="tel" autocomplete="tel" inputmode="tel" value=(f.input.phone);
                }
                div.comment {
                    label for="email" { (lang.text("help-email")) }
                    input id="email" name="email" type="email" autocomplete="email" value=(f.input.email);
                }
                div.comment {
                    input id="consent" name="consent" type="checkbox" value="yes" checked[f.input.consent];
                    " "
                    label for="consent" { (lang.text("help-consent")) }
                }
                button type="submit" { (lang.text("help-send")) }
            }
        },
    )
}

pub struct AnswerPage<'a> {
    pub lang: Lang,
    pub agency: &'a str,
    pub problem: &'a str,
    pub answer: &'a str,
    /// The rating given, if any (then no form).
    pub rating: Option<i32>,
    pub action: &'a str,
    pub csrf_token: &'a str,
    pub switch_href: &'a str,
    pub invalid: bool,
}

pub fn answer_page(a: &AnswerPage<'_>) -> Markup {
    let lang = a.lang;
    let title = lang.text("help-answer-title");
    page(
        lang,
        &title,
        a.switch_href,
        html! {
            h1 { (title) }
            p { (lang.text("help-from")) " " strong { (a.agency) } }
            h2 { (lang.text("help-your-request")) }
            blockquote { (a.problem) }
            h2 { (lang.text("help-answer")) }
            blockquote { (a.answer) }
            @match a.rating {
                Some(_) => p { (lang.text("help-rated")) },
                None => form method="post" action=(a.action) {
                    input type="hidden" name="csrf" value=(a.csrf_token);
                    input type="hidden" name="lang" value=(lang.code());
                    @if a.invalid {
                        div.alert role="alert" { p { (lang.text("help-choose-level")) } }
                    }
                    fieldset {
                        legend { (lang.text("help-satisfied-question")) }
                        @for value in (1..=5usize).rev() {
                            div.option {
                                input id=(format!("rating-{value}")) type="radio" name="rating" value=(value) required;
                                " "
                                label for=(format!("rating-{value}")) { (lang.t().likert[value - 1]) }
                            }
                        }
                    }
                    button type="submit" { (lang.text("help-send-rating")) }
                },
            }
        },
    )
}

/// A request as the agency's list shows it.
pub struct RequestLine {
    pub id: i32,
    pub agency: String,
    pub received_on: String,
    pub due_on: String,
    pub overdue: bool,
    pub status: Status,
    pub problem: String,
    /// Shown to the agency's own staff while kept ("0912345678", "ten@example.vn").
    pub contact: Option<String>,
    pub answer: Option<String>,
    /// Sent / waiting / failing with the error.
    pub delivery: Option<String>,
    pub rating: Option<i32>,
}

pub struct RequestsPage<'a> {
    pub lines: Vec<RequestLine>,
    /// Agency staff handle requests; the province reads them.
    pub can_handle: bool,
    pub notice: Option<String>,
    pub csrf: &'a str,
}

fn status_words(lang: Lang, s: Status) -> &'static str {
    match s {
        Status::Received => lang.staff_text("staff-followups-received"),
        Status::InProgress => lang.staff_text("staff-followups-in-progress"),
        Status::Answered => lang.staff_text("staff-followups-answered"),
    }
}

pub fn requests_page(frame: &Frame<'_>, d: &RequestsPage<'_>) -> Markup {
    let lang = frame.lang;
    let title = lang.staff_text("staff-followups-citizens-requests-for-help");
    let body = html! {
        h1 { (title) }
        @if let Some(text) = &d.notice { div.notice role="status" { p { (text) } } }
        p.flag { (lang.staff_text("staff-followups-requests-citizens-chose-to-send-from")) }
        @if d.lines.is_empty() { p { (lang.staff_text("staff-followups-no-request-yet")) } }
        @for r in &d.lines {
            section.request {
                h2 { (lang.staff_text("staff-followups-request-no")) (r.id) " · " (status_words(lang, r.status)) }
                p.flag {
                    (r.agency) " · " (lang.staff_text("staff-followups-received-2")) (r.received_on) " · "
                    (lang.staff_text("staff-followups-due")) (r.due_on)
                    @if r.overdue { " · " strong { (lang.staff_text("staff-followups-overdue")) } }
                }
                blockquote { (r.problem) }
                @if let Some(contact) = &r.contact { p { (lang.staff_text("staff-followups-contact")) (contact) } }
                @if let Some(answer) = &r.answer {
                    p { strong { (lang.staff_text("staff-followups-answer")) } (answer) }
                    @if let Some(delivery) = &r.delivery { p.flag { (delivery) } }
                    @if let Some(rating) = r.rating { p { (lang.staff_text("staff-followups-the-citizen-rated-the-handling")) (rating) "/5" } }
                } @else if d.can_handle {
                    @if r.status == Status::Received {
                        form method="post" action=(format!("/dashboard/followups/{}", r.id)) {
                            input type="hidden" name="csrf" value=(d.csrf);
                            input type="hidden" name="action" value="start";
                            button type="submit" { (lang.staff_text("staff-followups-start-handling")) }
                        }
                    }
                    form method="post" action=(format!("/dashboard/followups/{}", r.id)) {
                        input type="hidden" name="csrf" value=(d.csrf);
                        input type="hidden" name="action" value="answer";
                        label for=(format!("answer-{}", r.id)) { (lang.staff_text("staff-followups-answer-sent-to-the-citizen")) }
                        textarea id=(format!("answer-{}", r.id)) name="answer" rows="4" maxlength="2000" required {}
                        button type="submit" { (lang.staff_text("staff-followups-send-the-answer")) }
                    }
                }
            }
        }
    };
    staff_page(frame, title, Width::Wide, body)
}
