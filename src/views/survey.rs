use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, RwLock};

use hailong_analysis::questionnaire::{Item, ItemKind, NoAnswer, Questionnaire};
use maud::{html, Markup, PreEscaped};

use super::i18n::Lang;
use super::layout::page;
use crate::domain::answers::{AnswerProblem, FormInput, NOT_APPLICABLE};

/// What the survey form shows at the top.
pub struct SurveyHeading<'a> {
    pub agency: &'a str,
    pub procedure: &'a str,
}

pub struct SurveyForm<'a> {
    pub lang: Lang,
    pub heading: SurveyHeading<'a>,
    pub questionnaire: &'a Questionnaire,
    /// The items this respondent is asked.
    pub asked: &'a BTreeSet<String>,
    pub csrf_token: &'a str,
    pub switch_href: &'a str,
    /// The survey's opt-out page: no more reminders about this dossier (an SMS has no room for
    /// the link itself). None at a kiosk: it is the citizen's link, not the kiosk's.
    pub stop_href: Option<&'a str>,
    /// Where the form posts (its own address when `None`), with the hidden fields it carries
    /// (a kiosk's ticket).
    pub action: Option<&'a str>,
    pub hidden: &'a [(&'a str, &'a str)],
    /// What was sent, when the form comes back with problems.
    pub input: &'a FormInput,
    pub problems: &'a BTreeMap<String, AnswerProblem>,
    /// The questions as [`FreshQuestions`] rendered them for this form; `None` renders them
    /// here (a form that comes back with input or problems must).
    pub rendered_questions: Option<&'a str>,
}

/// The questions of a fresh form (nothing sent, no problems), rendered once per questionnaire
/// version, language and set of asked items: they are most of a survey page's rendering and
/// the same for everyone asked the same items. Published versions never change; the cache is
/// an instance's own and holds at most `MOST_FRESH` renderings (beyond that, pages render
/// their questions each time).
#[derive(Default)]
pub struct FreshQuestions(RwLock<HashMap<String, Arc<str>>>);

const MOST_FRESH: usize = 4_096;

impl FreshQuestions {
    pub fn rendered(&self, lang: Lang, q: &Questionnaire, asked: &BTreeSet<String>) -> Arc<str> {
        let mut key = format!("{}|{}", q.version, lang.code());
        for item in asked {
            key.push('|');
            key.push_str(item);
        }
        if let Some(found) = self.0.read().ok().and_then(|m| m.get(&key).cloned()) {
            return found;
        }
        let rendered: Arc<str> = questions(lang, q, asked, &FormInput::default(), &BTreeMap::new())
            .into_string()
            .into();
        if let Ok(mut map) = self.0.write() {
            if map.len() < MOST_FRESH {
                map.insert(key, rendered.clone());
            }
        }
        rendered
    }
}

/// The wording of an item's no-answer option.
pub fn no_answer(lang: Lang, item: &Item) -> &'static str {
    match item.na {
        Some(NoAnswer::DontKnow) => lang.t().dont_know,
        _ => lang.t().not_applicable,
    }
}

/// How long the form is, honestly: its questions and the minutes they take.
fn length_note(lang: Lang, questions: usize) -> String {
    let minutes = crate::domain::survey_plan::minutes_for(questions);
    lang.text_with(
        "survey-length",
        &[("questions", questions.into()), ("minutes", minutes.into())],
    )
}

/// The `lang` of agency and procedure names on a page in a language they lack (they exist in
/// Vietnamese and English: `Lang::pick`), so that a reader's voice says them in Vietnamese.
fn names_lang(lang: Lang) -> Option<&'static str> {
    (lang != Lang::VI && lang != Lang::EN).then_some("vi")
}

/// The `lang` of a questionnaire text shown in Vietnamese because the version lacks the
/// page's language.
fn fallback_lang(texts: &BTreeMap<String, String>, lang: Lang) -> Option<&'static str> {
    (!texts.contains_key(lang.code())).then_some("vi")
}

fn problem_text(lang: Lang, p: AnswerProblem) -> &'static str {
    let t = lang.t();
    match p {
        AnswerProblem::OutOfRange | AnswerProblem::Repeated => t.out_of_range,
        AnswerProblem::UnknownItem => t.unknown_item,
        AnswerProblem::CommentTooLong => t.comment_too_long,
        AnswerProblem::NothingAnswered => t.nothing_answered,
    }
}

pub fn survey_page(form: &SurveyForm<'_>) -> Markup {
    let (title, body) = survey_body(form);
    page(form.lang, &title, form.switch_href, body)
}

/// The survey form at a counter's kiosk: the same questions, in the kiosk's frame.
/// The survey at a counter's kiosk; it says that it goes back to the keypad after
/// `idle_minutes` unsent (the route sets the `Refresh` header).
pub fn kiosk_survey_page(form: &SurveyForm<'_>, idle_minutes: u32) -> Markup {
    let (title, body) = survey_body(form);
    let body = html! {
        (body)
        p.note { (form.lang.text_with("kiosk-idle-survey", &[("minutes", idle_minutes.into())])) }
    };
    super::layout::kiosk_page(form.lang, &title, form.switch_href, body)
}

/// The survey's title and form.
fn survey_body(form: &SurveyForm<'_>) -> (String, Markup) {
    let lang = form.lang;
    let t = lang.t();
    let q = form.questionnaire;
    let title = q.title(lang.code()).unwrap_or(t.survey_title);
    let body = html! {
        h1 { (title) }
        dl.meta {
            dt { (t.agency) } dd lang=[names_lang(lang)] { (form.heading.agency) }
            dt { (t.procedure) } dd lang=[names_lang(lang)] { (form.heading.procedure) }
        }
        @if !form.problems.is_empty() {
            div.alert role="alert" {
                p { (t.fix_errors) }
                @if let Some(p) = form.problems.get("form") { p { (problem_text(lang, *p)) } }
            }
        } @else {
            p { (t.survey_intro) " " (length_note(lang, form.asked.len())) }
        }
        form method="post" action=[form.action] autocomplete="off" {
            input type="hidden" name="csrf" value=(form.csrf_token);
            input type="hidden" name="lang" value=(lang.code());
            @for (name, value) in form.hidden {
                input type="hidden" name=(name) value=(value);
            }
            @match form.rendered_questions {
                Some(rendered) => (PreEscaped(rendered)),
                None => (questions(lang, q, form.asked, form.input, form.problems)),
            }
            @let comment_problem = form.problems.get("comment");
            div.comment {
                label for="comment" { (t.comment) }
                @if let Some(p) = comment_problem { p.err id="err-comment" { (problem_text(lang, *p)) } }
                textarea id="comment" name="comment" rows="3" maxlength="2000" aria-describedby="comment-hint" { (form.input.comment) }
                p.hint id="comment-hint" { (t.comment_hint) }
            }
            button type="submit" { (t.submit) }
        }
        p.note { (t.anonymous_note) }
        @if let Some(stop_href) = form.stop_href {
            p.note { a href=(stop_href) { (t.stop_link) } }
        }
    };
    (title.to_owned(), body)
}

/// The form's questions, section by section, as sent back (`input`, `problems`) or fresh.
fn questions(
    lang: Lang,
    q: &Questionnaire,
    asked: &BTreeSet<String>,
    input: &FormInput,
    problems: &BTreeMap<String, AnswerProblem>,
) -> Markup {
    let t = lang.t();
    html! {
        @let sections: Vec<_> = q.dimensions.iter().filter(|d| q.items_of(&d.code).any(|i| asked.contains(&i.code))).collect();
        @if q.items.iter().any(|i| i.kind == ItemKind::Likert5 && asked.contains(&i.code)) {
            p.ends aria-hidden="true" { span { "1 · " (t.likert[0]) } span { (t.likert[4]) " · 5" } }
        }
        @for (step, dimension) in sections.iter().enumerate() {
            // A section fits a phone's screen and says where it stands ("2 / 5"): no page
            // turns, so no taps beyond the answers and the send button.
            section {
                h2 {
                    @if sections.len() > 1 {
                        span.step { (lang.text_with("section-progress", &[("step", (step + 1).into()), ("steps", sections.len().into())])) } " "
                    }
                    span lang=[fallback_lang(&dimension.names, lang)] { (dimension.name(lang.code())) }
                }
                @for item in q.items_of(&dimension.code).filter(|i| asked.contains(&i.code)) {
                    @let name = format!("q_{}", item.code);
                    @let chosen = input.values.get(&item.code).map(String::as_str);
                    @let problem = problems.get(&item.code);
                    @let error_id = format!("err-{}", item.code);
                    fieldset.q.invalid[problem.is_some()] aria-describedby=[problem.map(|_| error_id.as_str())] {
                        legend lang=[fallback_lang(&item.texts, lang)] { (item.text(lang.code())) }
                        @if let Some(p) = problem {
                            p.err id=(error_id) { (problem_text(lang, *p)) }
                        }
                        // Every option of a question on one row: 1 to 5 (the ends named once
                        // above the first section; each button's full name is read out) or
                        // yes/no, and the no-answer option last. A question takes a sixth of
                        // the height six stacked options took.
                        @let no_answer_option = html! {
                            label.na { input type="radio" name=(name) value=(NOT_APPLICABLE) checked[chosen == Some(NOT_APPLICABLE)]; span { (no_answer(lang, item)) } }
                        };
                        @match item.kind {
                            ItemKind::Likert5 => {
                                div.opts.scale {
                                    @for v in 1..=5usize {
                                        @let value = v.to_string();
                                        label {
                                            input type="radio" name=(name) value=(value) checked[chosen == Some(value.as_str())];
                                            span aria-hidden="true" { (v) }
                                            span.visually-hidden { (v) " – " (t.likert[v - 1]) }
                                        }
                                    }
                                    (no_answer_option)
                                }
                            },
                            ItemKind::YesNo => {
                                div.opts.pair {
                                    @for (value, label) in [("1", t.yes), ("0", t.no)] {
                                        label { input type="radio" name=(name) value=(value) checked[chosen == Some(value)]; span { (label) } }
                                    }
                                    (no_answer_option)
                                }
                            },
                        }
                    }
                }
            }
        }
    }
}

/// Who to call about the dossier, on the thank-you page: the agency's name and contact line.
pub struct AgencyContact<'a> {
    pub agency: &'a str,
    pub line: &'a str,
}

/// The line that tells a citizen who to call about the dossier.
pub fn contact_note(lang: Lang, contact: &AgencyContact<'_>) -> Markup {
    html! {
        p.contact {
            (lang.t().contact_note) " "
            strong { (contact.agency) } ": " (contact.line)
        }
    }
}

/// After the answers are stored: thanks, who to call about the dossier, and a way to ask for
/// help about a problem (kept apart from the answers).
pub fn thanks_page(
    lang: Lang,
    switch_href: &str,
    help_href: &str,
    contact: Option<&AgencyContact<'_>>,
) -> Markup {
    let t = lang.t();
    page(
        lang,
        t.thanks_title,
        switch_href,
        html! {
            h1 { (t.thanks_title) }
            p { (t.thanks_body) }
            @if let Some(contact) = contact { (contact_note(lang, contact)) }
            a.button href=(help_href) {
                (t.help_link)
            }
        },
    )
}

/// A `verified` survey before the respondent has signed in: who asks, and the way to sign in.
/// A plain link, not a form: the sign-in leaves for the provider's site, and the page's
/// `form-action 'self'` policy would stop a form from following that redirect.
pub fn sign_in_page(
    lang: Lang,
    heading: &SurveyHeading<'_>,
    sign_in_href: &str,
    switch_href: &str,
) -> Markup {
    let t = lang.t();
    page(
        lang,
        t.eid_title,
        switch_href,
        html! {
            h1 { (t.eid_title) }
            dl.meta {
                dt { (t.agency) } dd { (heading.agency) }
                dt { (t.procedure) } dd { (heading.procedure) }
            }
            p { (t.eid_body) }
            p { a.button href=(sign_in_href) { (t.eid_button) } }
            p.note { (t.eid_privacy) }
        },
    )
}

/// The opt-out link's page: what stopping means, and the button (a form: a link previewed by a
/// messaging app must not stop anything by itself).
pub fn stop_page(lang: Lang, csrf_token: &str, switch_href: &str) -> Markup {
    let t = lang.t();
    page(
        lang,
        t.stop_title,
        switch_href,
        html! {
            h1 { (t.stop_title) }
            p { (t.stop_body) }
            form method="post" {
                input type="hidden" name="csrf" value=(csrf_token);
                input type="hidden" name="lang" value=(lang.code());
                button type="submit" { (t.stop_button) }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_with_its_questions_rendered_before_is_the_page_rendered_now() {
        let mut q: serde_json::Value =
            serde_json::from_str(include_str!("../../data/questionnaires/2026.1.json")).unwrap();
        q["core"] = serde_json::json!(["A1", "P1", "S1", "R1", "F2"]);
        q["rotate"] = serde_json::json!(3);
        let q = Questionnaire::from_json(&q.to_string()).unwrap();
        let fresh = FreshQuestions::default();
        let (input, problems) = (FormInput::default(), BTreeMap::new());
        for lang in Lang::all() {
            for seed in 0..5u8 {
                let asked = crate::domain::survey_plan::asked(&q, "online", || [seed; 32]);
                let form = |rendered_questions| SurveyForm {
                    lang,
                    heading: SurveyHeading {
                        agency: "UBND xã Óc Eo",
                        procedure: "Đăng ký khai sinh",
                    },
                    questionnaire: &q,
                    asked: &asked,
                    csrf_token: "c",
                    switch_href: "/s/t?lang=en",
                    stop_href: Some("/s/t/stop"),
                    action: None,
                    hidden: &[("shown", "x")],
                    input: &input,
                    problems: &problems,
                    rendered_questions,
                };
                let cached = fresh.rendered(lang, &q, &asked);
                assert_eq!(
                    survey_page(&form(Some(&cached))).into_string(),
                    survey_page(&form(None)).into_string()
                );
                // Asked again, the same rendering is handed out.
                assert!(Arc::ptr_eq(&cached, &fresh.rendered(lang, &q, &asked)));
            }
        }
    }
}
