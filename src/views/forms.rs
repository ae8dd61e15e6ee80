//! Staff forms that guide: a field shows what was typed and, beside it, what was wrong; a change
//! that worked leaves a notice on the next page; an irreversible one asks first.

use std::collections::BTreeMap;

use maud::{html, Markup};

use super::i18n::Lang;

/// A form as it was posted, to show it again.
#[derive(Debug, Default, Clone)]
pub struct Posted {
    /// Which form of the page was posted (a page may have several).
    pub form: &'static str,
    pub values: BTreeMap<String, String>,
    /// The field at fault and what is wrong with it, in the page's language.
    pub problem: Option<(String, String)>,
}

impl Posted {
    fn of<'a>(posted: Option<&'a Posted>, form: &str) -> Option<&'a Posted> {
        posted.filter(|p| p.form == form)
    }

    /// What was typed into `name` of `form`, if that form was posted.
    pub fn value<'a>(posted: Option<&'a Posted>, form: &str, name: &str) -> &'a str {
        Self::of(posted, form)
            .and_then(|p| p.values.get(name))
            .map_or("", String::as_str)
    }

    /// What is wrong with `name` of `form`.
    pub fn problem<'a>(posted: Option<&'a Posted>, form: &str, name: &str) -> Option<&'a str> {
        Self::of(posted, form)
            .and_then(|p| p.problem.as_ref())
            .filter(|(field, _)| field == name)
            .map(|(_, message)| message.as_str())
    }

    /// A problem of `form` that none of `fields` can show.
    pub fn stray<'a>(posted: Option<&'a Posted>, form: &str, fields: &[&str]) -> Option<&'a str> {
        Self::of(posted, form)
            .and_then(|p| p.problem.as_ref())
            .filter(|(field, _)| !fields.contains(&field.as_str()))
            .map(|(_, message)| message.as_str())
    }
}

/// One input of a form.
pub struct Input<'a> {
    pub form: &'static str,
    pub name: &'a str,
    pub label: &'a str,
    /// `text`, `email`, `password`, `date`
    pub kind: &'a str,
    pub required: bool,
    /// The id of a `<datalist>` to pick from (searchable as one types).
    pub list: Option<&'a str>,
    pub hint: Option<&'a str>,
}

/// A labelled input with what was typed kept and its problem, if any, beside it.
pub fn input(posted: Option<&Posted>, i: &Input<'_>) -> Markup {
    let id = format!("{}-{}", i.form, i.name);
    let problem = Posted::problem(posted, i.form, i.name);
    let keep = i.kind != "password";
    let described = match (problem, i.hint) {
        (Some(_), _) => Some(format!("{id}-error")),
        (None, Some(_)) => Some(format!("{id}-hint")),
        _ => None,
    };
    html! {
        div.comment.field {
            label for=(id) { (i.label) }
            @if let Some(hint) = i.hint { span.flag id=(format!("{id}-hint")) { (hint) } }
            input id=(id) name=(i.name) type=(i.kind) required[i.required]
                list=[i.list] autocomplete=[(i.kind == "password").then_some("new-password")]
                value=[keep.then(|| Posted::value(posted, i.form, i.name))]
                aria-invalid=[problem.map(|_| "true")] aria-describedby=[described];
            @if let Some(message) = problem {
                p.field-error id=(format!("{id}-error")) role="alert" { (message) }
            }
        }
    }
}

/// A labelled select; the posted value (else `default`) is selected.
pub fn select(
    posted: Option<&Posted>,
    form: &'static str,
    name: &str,
    label: &str,
    options: &[(&str, &str)],
    default: &str,
) -> Markup {
    let id = format!("{form}-{name}");
    let typed = Posted::value(posted, form, name);
    let chosen = if typed.is_empty() { default } else { typed };
    let problem = Posted::problem(posted, form, name);
    html! {
        div.comment.field {
            label for=(id) { (label) }
            select id=(id) name=(name) aria-invalid=[problem.map(|_| "true")]
                aria-describedby=[problem.map(|_| format!("{id}-error"))] {
                @for (value, text) in options {
                    option value=(value) selected[*value == chosen] { (text) }
                }
            }
            @if let Some(message) = problem {
                p.field-error id=(format!("{id}-error")) role="alert" { (message) }
            }
        }
    }
}

/// The notice a change left (post, redirect, get), once.
pub fn notice(notice: Option<&str>) -> Markup {
    html! {
        @if let Some(text) = notice { div.notice role="status" { p { (text) } } }
    }
}

/// A problem the form's fields cannot show, above the form.
pub fn stray(problem: Option<&str>) -> Markup {
    html! {
        @if let Some(text) = problem { div.alert role="alert" { p { (text) } } }
    }
}

/// The agencies to pick from, searchable as one types: code, then name.
pub fn agency_list(id: &str, agencies: &[(String, String)]) -> Markup {
    html! {
        datalist id=(id) {
            @for (code, name) in agencies { option value=(code) { (name) } }
        }
    }
}

/// A question before an irreversible change: what will happen, a button that does it (the same
/// form, confirmed), and a way back.
pub struct Confirmation<'a> {
    pub title: &'a str,
    pub question: &'a str,
    pub consequence: &'a str,
    pub action: &'a str,
    pub fields: &'a [(&'a str, String)],
    pub confirm_label: &'a str,
    pub back_href: &'a str,
}

pub fn confirmation(lang: Lang, csrf: &str, c: &Confirmation<'_>) -> Markup {
    html! {
        h1 { (c.title) }
        div.confirm {
            p { strong { (c.question) } }
            p { (c.consequence) }
            form method="post" action=(c.action) {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="confirm" value="yes";
                @for (name, value) in c.fields { input type="hidden" name=(name) value=(value); }
                button type="submit" { (c.confirm_label) }
            }
            p { a href=(c.back_href) { (lang.staff_text("staff-forms-cancel-and-go-back")) } }
        }
    }
}
