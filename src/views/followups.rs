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

fn problem_text(lang: Lang, p: RequestProblem) -> &'static str {
    match p {
        RequestProblem::ProblemMissing => lang.pick(
            "Xin cho biết vấn đề Ông/Bà gặp phải.",
            "Please tell us what the problem is.",
        ),
        RequestProblem::ProblemTooLong => lang.pick(
            "Nội dung dài quá 2.000 ký tự; xin rút gọn.",
            "The text is longer than 2,000 characters; please shorten it.",
        ),
        RequestProblem::NoContact => lang.pick(
            "Xin ghi số điện thoại hoặc địa chỉ thư điện tử để cơ quan trả lời.",
            "Please give a phone number or an e-mail address for the answer.",
        ),
        RequestProblem::BadPhone => lang.pick(
            "Số điện thoại chưa đúng, ví dụ 0912345678.",
            "That phone number does not look right, e.g. 0912345678.",
        ),
        RequestProblem::BadEmail => lang.pick(
            "Địa chỉ thư điện tử chưa đúng, ví dụ ten@example.vn.",
            "That e-mail address does not look right, e.g. name@example.vn.",
        ),
        RequestProblem::NoConsent => lang.pick(
            "Xin đánh dấu đồng ý để cơ quan được liên hệ với Ông/Bà.",
            "Please tick your consent for the agency to contact you.",
        ),
    }
}

pub fn request_page(f: &RequestForm<'_>) -> Markup {
    let lang = f.lang;
    let title = lang.pick("Yêu cầu hỗ trợ", "Ask for help");
    page(
        lang,
        title,
        f.switch_href,
        html! {
            h1 { (title) }
            p { (lang.pick("Gửi tới: ", "To: ")) strong { (f.agency) } }
            p { (lang.pick(
                "Yêu cầu này được lưu riêng, không gắn với phiếu đánh giá Ông/Bà vừa gửi: cơ quan đọc được nội dung và cách liên hệ Ông/Bà ghi dưới đây, không biết Ông/Bà đã đánh giá thế nào.",
                "This request is kept apart from the answers you just gave: the agency reads what you write and how to reach you below, never how you rated it.")) }
            p { (lang.pick("Cơ quan trả lời trong vòng ", "The agency answers within "))
                (f.due_days)
                (lang.pick(" ngày làm việc.", " working days.")) }
            @if !f.problems.is_empty() {
                div.alert role="alert" {
                    @for p in f.problems { p { (problem_text(lang, *p)) } }
                }
            }
            form method="post" action=(f.action) {
                input type="hidden" name="csrf" value=(f.csrf_token);
                input type="hidden" name="lang" value=(lang.code());
                div.comment {
                    label for="problem" { (lang.pick("Vấn đề Ông/Bà gặp phải", "Your problem")) }
                    textarea id="problem" name="problem" rows="5" maxlength="2000" required { (f.input.problem) }
                }
                div.comment {
                    label for="phone" { (lang.pick("Số điện thoại", "Phone number")) }
                    input id="phone" name="phone" type="tel" autocomplete="tel" inputmode="tel" value=(f.input.phone);
                }
                div.comment {
                    label for="email" { (lang.pick("Hoặc thư điện tử", "Or e-mail")) }
                    input id="email" name="email" type="email" autocomplete="email" value=(f.input.email);
                }
                div.comment {
                    input id="consent" name="consent" type="checkbox" value="yes" checked[f.input.consent];
                    " "
                    label for="consent" { (lang.pick(
                        "Tôi đồng ý để cơ quan dùng cách liên hệ trên để trả lời yêu cầu này; thông tin liên hệ được xoá 30 ngày sau khi trả lời.",
                        "I agree that the agency uses this contact to answer this request; it is erased 30 days after the answer.")) }
                }
                button type="submit" { (lang.pick("Gửi yêu cầu", "Send the request")) }
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
    let title = lang.pick("Trả lời yêu cầu hỗ trợ", "Answer to your request");
    page(
        lang,
        title,
        a.switch_href,
        html! {
            h1 { (title) }
            p { (lang.pick("Từ: ", "From: ")) strong { (a.agency) } }
            h2 { (lang.pick("Yêu cầu của Ông/Bà", "Your request")) }
            blockquote { (a.problem) }
            h2 { (lang.pick("Trả lời", "Answer")) }
            blockquote { (a.answer) }
            @match a.rating {
                Some(_) => p { (lang.pick("Cảm ơn Ông/Bà đã cho biết ý kiến về cách giải quyết.", "Thank you for telling us how it was handled.")) },
                None => form method="post" action=(a.action) {
                    input type="hidden" name="csrf" value=(a.csrf_token);
                    input type="hidden" name="lang" value=(lang.code());
                    @if a.invalid {
                        div.alert role="alert" { p { (lang.pick("Xin chọn một mức từ 1 đến 5.", "Please choose a level from 1 to 5.")) } }
                    }
                    fieldset {
                        legend { (lang.pick("Ông/Bà có hài lòng với cách giải quyết yêu cầu này không?", "Were you satisfied with how this was handled?")) }
                        @for (value, vi, en) in [("5", "Rất hài lòng", "Very satisfied"), ("4", "Hài lòng", "Satisfied"), ("3", "Bình thường", "Neutral"), ("2", "Không hài lòng", "Dissatisfied"), ("1", "Rất không hài lòng", "Very dissatisfied")] {
                            div.option {
                                input id=(format!("rating-{value}")) type="radio" name="rating" value=(value) required;
                                " "
                                label for=(format!("rating-{value}")) { (lang.pick(vi, en)) }
                            }
                        }
                    }
                    button type="submit" { (lang.pick("Gửi", "Send")) }
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
        Status::Received => lang.pick("Đã nhận", "Received"),
        Status::InProgress => lang.pick("Đang xử lý", "In progress"),
        Status::Answered => lang.pick("Đã trả lời", "Answered"),
    }
}

pub fn requests_page(frame: &Frame<'_>, d: &RequestsPage<'_>) -> Markup {
    let lang = frame.lang;
    let title = lang.pick(
        "Yêu cầu hỗ trợ của người dân",
        "Citizens' requests for help",
    );
    let body = html! {
        h1 { (title) }
        @if let Some(text) = &d.notice { div.notice role="status" { p { (text) } } }
        p.flag { (lang.pick(
            "Yêu cầu do người dân tự nguyện gửi từ trang cảm ơn, lưu riêng với phiếu đánh giá. Hạn trả lời tính theo ngày làm việc từ khi yêu cầu được chuyển tới cơ quan.",
            "Requests citizens chose to send from the thank-you page, kept apart from their answers. The due date counts working days from when the request reached the agency.")) }
        @if d.lines.is_empty() { p { (lang.pick("Chưa có yêu cầu nào.", "No request yet.")) } }
        @for r in &d.lines {
            section.request {
                h2 { (lang.pick("Yêu cầu số ", "Request no. ")) (r.id) " · " (status_words(lang, r.status)) }
                p.flag {
                    (r.agency) " · " (lang.pick("nhận ", "received ")) (r.received_on) " · "
                    (lang.pick("hạn ", "due ")) (r.due_on)
                    @if r.overdue { " · " strong { (lang.pick("QUÁ HẠN", "OVERDUE")) } }
                }
                blockquote { (r.problem) }
                @if let Some(contact) = &r.contact { p { (lang.pick("Liên hệ: ", "Contact: ")) (contact) } }
                @if let Some(answer) = &r.answer {
                    p { strong { (lang.pick("Trả lời: ", "Answer: ")) } (answer) }
                    @if let Some(delivery) = &r.delivery { p.flag { (delivery) } }
                    @if let Some(rating) = r.rating { p { (lang.pick("Người dân đánh giá cách giải quyết: ", "The citizen rated the handling: ")) (rating) "/5" } }
                } @else if d.can_handle {
                    @if r.status == Status::Received {
                        form method="post" action=(format!("/dashboard/followups/{}", r.id)) {
                            input type="hidden" name="csrf" value=(d.csrf);
                            input type="hidden" name="action" value="start";
                            button type="submit" { (lang.pick("Bắt đầu xử lý", "Start handling")) }
                        }
                    }
                    form method="post" action=(format!("/dashboard/followups/{}", r.id)) {
                        input type="hidden" name="csrf" value=(d.csrf);
                        input type="hidden" name="action" value="answer";
                        label for=(format!("answer-{}", r.id)) { (lang.pick("Trả lời (gửi tới người dân)", "Answer (sent to the citizen)")) }
                        textarea id=(format!("answer-{}", r.id)) name="answer" rows="4" maxlength="2000" required {}
                        button type="submit" { (lang.pick("Gửi trả lời", "Send the answer")) }
                    }
                }
            }
        }
    };
    staff_page(frame, title, Width::Wide, body)
}
