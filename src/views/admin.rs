//! Admin pages: staff accounts, integrators' API keys, questionnaire versions, agencies. Each
//! shows the notice of the last change, keeps what was typed in a form that was refused with
//! the problem beside its field, and offers agencies from a searchable list.

use maud::{html, Markup};

use super::forms::{agency_list, input, notice, select, stray, Input, Posted};
use super::i18n::Lang;
use super::layout::Width;
use super::staff::{staff_page, Frame};
use crate::domain::agency::{AgencyKind, AgencyLevel, Role, SurveyPolicy};
use crate::domain::api_scope::ApiScope;

fn admin_nav(lang: Lang) -> Markup {
    html! {
        nav.admin aria-label=(lang.staff_text("staff-admin-administration")) {
            p {
                a href="/admin/users" { (lang.staff_text("staff-staff-accounts")) } " · "
                a href="/admin/api-clients" { (lang.staff_text("staff-admin-api-keys")) } " · "
                a href="/admin/kiosks" { (lang.staff_text("staff-admin-kiosks")) } " · "
                a href="/admin/questionnaires" { (lang.staff_text("staff-admin-questionnaires")) } " · "
                a href="/admin/agencies" { (lang.staff_text("staff-admin-agencies")) } " · "
                a href="/admin/plan" { (lang.staff_text("staff-admin-plan")) }
            }
        }
    }
}

/// What every admin page shows around its own content.
pub struct AdminPage<'a> {
    pub frame: &'a Frame<'a>,
    pub notice: Option<&'a str>,
    pub posted: Option<&'a Posted>,
}

fn admin_page(p: &AdminPage<'_>, title: &str, body: Markup) -> Markup {
    let lang = p.frame.lang;
    staff_page(
        p.frame,
        title,
        Width::Wide,
        html! {
            (admin_nav(lang))
            h1 { (title) }
            (notice(p.notice))
            (body)
        },
    )
}

pub struct UserLine {
    pub id: i32,
    pub email: String,
    pub role: Role,
    /// Code and name of an agency account's agency.
    pub agency: Option<(String, String)>,
    pub disabled: bool,
}

pub fn users_page(p: &AdminPage<'_>, users: &[UserLine], agencies: &[(String, String)]) -> Markup {
    let (lang, csrf) = (p.frame.lang, p.frame.csrf);
    let roles: Vec<(&str, &str)> = Role::ALL
        .iter()
        .map(|r| (r.as_str(), r.name(lang)))
        .collect();
    let body = html! {
        (stray(Posted::stray(p.posted, "account", &[])))
        div.scroll tabindex="0" role="region" aria-label=(lang.staff_text("staff-admin-accounts")) { table {
            thead { tr {
                th { (lang.staff_text("staff-admin-e-mail")) } th { (lang.staff_text("staff-admin-role")) }
                th { (lang.staff_text("staff-dashboard-agency")) } th { (lang.staff_text("staff-admin-state")) } th { }
            } }
            tbody { @for u in users { tr {
                td { (u.email) } td { (u.role.name(lang)) }
                td { @if let Some((code, name)) = &u.agency { (name) " (" (code) ")" } }
                td { @if u.disabled { (lang.staff_text("staff-admin-disabled")) } @else { (lang.staff_text("staff-admin-active")) } }
                td {
                    form method="post" action=(format!("/admin/users/{}/{}", u.id, if u.disabled { "enable" } else { "disable" })) {
                        input type="hidden" name="csrf" value=(csrf);
                        button.link type="submit" {
                            @if u.disabled { (lang.staff_text("staff-admin-enable")) } @else { (lang.staff_text("staff-admin-disable")) }
                            span.visually-hidden { " " (u.email) }
                        }
                    }
                }
            } } }
        } }
        h2 { (lang.staff_text("staff-admin-add-an-account")) }
        form method="post" action="/admin/users" {
            input type="hidden" name="csrf" value=(csrf);
            (input(p.posted, &Input { form: "add", name: "email", label: lang.staff_text("staff-admin-e-mail"), kind: "email", required: true, list: None, hint: None }))
            (select(p.posted, "add", "role", lang.staff_text("staff-admin-role"), &roles, "agency"))
            (input(p.posted, &Input { form: "add", name: "agency", label: lang.staff_text("staff-admin-agency-for-an-agency-account"), kind: "text", required: false, list: Some("agencies"), hint: Some(lang.staff_text("staff-admin-type-part-of-a-name-or")) }))
            (input(p.posted, &Input { form: "add", name: "password", label: lang.staff_text("staff-admin-password-at-least-12-characters"), kind: "password", required: true, list: None, hint: None }))
            button type="submit" { (lang.staff_text("staff-admin-add-the-account")) }
        }
        (agency_list("agencies", agencies))
    };
    admin_page(p, lang.staff_text("staff-staff-accounts"), body)
}

pub struct ClientLine {
    pub name: String,
    /// When it was revoked, if it was.
    pub revoked: Option<String>,
    pub scope: ApiScope,
}

fn scope_name(lang: Lang, scope: ApiScope) -> &'static str {
    match scope {
        ApiScope::Integrator => lang.staff_text("staff-admin-scope-integrator"),
        ApiScope::Gateway => lang.staff_text("staff-admin-scope-gateway"),
    }
}

/// API clients; `new_key` (name, key) is shown once, right after creation.
pub fn clients_page(
    p: &AdminPage<'_>,
    clients: &[ClientLine],
    new_key: Option<(&str, &str)>,
) -> Markup {
    let (lang, csrf) = (p.frame.lang, p.frame.csrf);
    let scopes: Vec<(&str, &str)> = ApiScope::ALL
        .iter()
        .map(|s| (s.as_str(), scope_name(lang, *s)))
        .collect();
    let body = html! {
        @if let Some((name, key)) = new_key {
            div.card role="status" {
                p { (lang.staff_text("staff-admin-new-key-for")) strong { (name) } (lang.staff_text("staff-admin-shown-once-store-it-now")) }
                p { code { (key) } }
            }
        }
        (stray(Posted::stray(p.posted, "revoke", &[])))
        div.scroll tabindex="0" role="region" aria-label=(lang.staff_text("staff-admin-keys")) { table {
            thead { tr { th { (lang.staff_text("staff-admin-name")) } th { (lang.staff_text("staff-admin-key-scope")) } th { (lang.staff_text("staff-admin-state")) } th { } } }
            tbody { @for c in clients { tr {
                td { (c.name) }
                td { (scope_name(lang, c.scope)) }
                td { @match &c.revoked {
                    Some(at) => { (lang.staff_text("staff-admin-revoked")) (at) }
                    None => (lang.staff_text("staff-admin-in-use")),
                } }
                td { @if c.revoked.is_none() {
                    form method="post" action="/admin/api-clients/revoke" {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="name" value=(c.name);
                        button.link type="submit" { (lang.staff_text("staff-admin-revoke")) span.visually-hidden { " " (c.name) } }
                    }
                } }
            } } }
        } }
        h2 { (lang.staff_text("staff-admin-create-a-key")) }
        form method="post" action="/admin/api-clients" {
            input type="hidden" name="csrf" value=(csrf);
            (input(p.posted, &Input { form: "create", name: "name", label: lang.staff_text("staff-admin-system-name"), kind: "text", required: true, list: None, hint: None }))
            (select(p.posted, "create", "scope", lang.staff_text("staff-admin-key-scope"), &scopes, ApiScope::Integrator.as_str()))
            button type="submit" { (lang.staff_text("staff-admin-create-the-key")) }
        }
    };
    admin_page(
        p,
        lang.staff_text("staff-admin-api-keys-of-the-one-stop"),
        body,
    )
}

pub struct KioskLine {
    pub id: i32,
    pub name: String,
    /// The agency's name and code.
    pub agency: String,
    pub enrolled: String,
    pub revoked: Option<String>,
}

/// A kiosk just enrolled: its set-up link and QR code, shown once.
pub struct NewKiosk {
    pub name: String,
    pub agency_code: String,
    pub link: String,
    pub qr_svg: Option<String>,
}

/// Counter kiosks; `new_kiosk` is shown once, right after enrolment.
pub fn kiosks_page(
    p: &AdminPage<'_>,
    kiosks: &[KioskLine],
    agencies: &[(String, String)],
    new_kiosk: Option<&NewKiosk>,
) -> Markup {
    let (lang, csrf) = (p.frame.lang, p.frame.csrf);
    let body = html! {
        p { (lang.staff_text("staff-admin-tablets-at-the-one-stop-counter")) }
        @if let Some(k) = new_kiosk {
            div.card role="status" {
                p { (lang.staff_text("staff-admin-new-kiosk")) strong { (k.name) } " (" (k.agency_code) ")" (lang.staff_text("staff-admin-open-this-link-once-on-the")) }
                p { code { (k.link) } }
                @if let Some(svg) = &k.qr_svg {
                    div.qr role="img" aria-label=(lang.staff_text("staff-admin-qr-code-of-the-set-up")) { (maud::PreEscaped(svg)) }
                }
            }
        }
        (stray(Posted::stray(p.posted, "revoke", &[])))
        div.scroll tabindex="0" role="region" aria-label=(lang.staff_text("staff-admin-kiosks-2")) { table {
            thead { tr {
                th { (lang.staff_text("staff-admin-no")) } th { (lang.staff_text("staff-admin-name")) } th { (lang.staff_text("staff-dashboard-agency")) }
                th { (lang.staff_text("staff-admin-enrolled")) } th { (lang.staff_text("staff-admin-state")) } th { }
            } }
            tbody { @for k in kiosks { tr {
                td { (k.id) } td { (k.name) } td { (k.agency) } td { (k.enrolled) }
                td { @match &k.revoked {
                    Some(at) => { (lang.staff_text("staff-admin-revoked")) (at) }
                    None => (lang.staff_text("staff-admin-in-use")),
                } }
                td { @if k.revoked.is_none() {
                    form method="post" action="/admin/kiosks/revoke" {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="id" value=(k.id);
                        input type="hidden" name="name" value=(k.name);
                        button.link type="submit" { (lang.staff_text("staff-admin-revoke")) span.visually-hidden { " " (k.name) } }
                    }
                } }
            } } }
        } }
        h2 { (lang.staff_text("staff-admin-enrol-a-kiosk")) }
        form method="post" action="/admin/kiosks" {
            input type="hidden" name="csrf" value=(csrf);
            (input(p.posted, &Input { form: "enrol", name: "agency", label: lang.staff_text("staff-dashboard-agency"), kind: "text", required: true, list: Some("kiosk-agencies"), hint: Some(lang.staff_text("staff-admin-type-part-of-a-name-or")) }))
            (input(p.posted, &Input { form: "enrol", name: "name", label: lang.staff_text("staff-admin-kiosk-name-e-g-counter-1"), kind: "text", required: true, list: None, hint: None }))
            button type="submit" { (lang.staff_text("staff-admin-enrol-the-kiosk")) }
        }
        (agency_list("kiosk-agencies", agencies))
    };
    admin_page(p, lang.staff_text("staff-admin-counter-kiosks"), body)
}

/// A form of one text to submit as a whole (a questionnaire's JSON, a plan's TOML), with the
/// problem beside it when it was refused.
struct DefinitionForm<'a> {
    csrf: &'a str,
    action: &'a str,
    /// The form's name: its field's id is `{name}-definition`.
    name: &'a str,
    label: &'a str,
    text: &'a str,
    problem: Option<&'a str>,
    button: &'a str,
}

fn definition_form(f: &DefinitionForm<'_>) -> Markup {
    let id = format!("{}-definition", f.name);
    let error_id = format!("{id}-error");
    html! {
        form method="post" action=(f.action) {
            input type="hidden" name="csrf" value=(f.csrf);
            div.comment.field {
                label for=(id) { (f.label) }
                textarea id=(id) name="definition" rows="12" required
                    aria-invalid=[f.problem.map(|_| "true")] aria-describedby=[f.problem.map(|_| error_id.as_str())] {
                    (f.text)
                }
                @if let Some(message) = f.problem {
                    p.field-error id=(error_id) role="alert" { (message) }
                }
            }
            button type="submit" { (f.button) }
        }
    }
}

pub fn questionnaires_page(p: &AdminPage<'_>, versions: &[(String, usize)]) -> Markup {
    let (lang, csrf) = (p.frame.lang, p.frame.csrf);
    let problem = Posted::problem(p.posted, "publish", "definition");
    let body = html! {
        p { (lang.staff_text("staff-admin-the-newest-version-applies-to-new")) }
        ul { @for (version, items) in versions { li { (version) " — " (items) (lang.staff_text("staff-admin-items")) } } }
        h2 { (lang.staff_text("staff-admin-publish-a-new-version-json")) }
        (definition_form(&DefinitionForm {
            csrf,
            action: "/admin/questionnaires",
            name: "publish",
            label: "JSON",
            text: Posted::value(p.posted, "publish", "definition"),
            problem,
            button: lang.staff_text("staff-admin-publish"),
        }))
    };
    admin_page(p, lang.staff_text("staff-admin-questionnaires"), body)
}

/// The plan page: the stored plans (newest first, as TOML) and a form to set a year's.
pub fn plan_page(p: &AdminPage<'_>, plans: &[(i32, String)], example: &str) -> Markup {
    let (lang, csrf) = (p.frame.lang, p.frame.csrf);
    let problem = Posted::problem(p.posted, "plan", "definition");
    let posted = Posted::value(p.posted, "plan", "definition");
    let prefill = if posted.is_empty() {
        plans.first().map_or(example, |(_, text)| text.as_str())
    } else {
        posted
    };
    let body = html! {
        p { (lang.staff_text("staff-admin-plan-intro")) }
        @if plans.is_empty() {
            p.flag { (lang.staff_text("staff-admin-plan-none")) }
        }
        @for (year, text) in plans {
            h2 { (year) }
            pre { (text) }
        }
        h2 { (lang.staff_text("staff-admin-plan-set")) }
        (definition_form(&DefinitionForm {
            csrf,
            action: "/admin/plan",
            name: "plan",
            label: "TOML",
            text: prefill,
            problem,
            button: lang.staff_text("staff-admin-plan-save"),
        }))
    };
    admin_page(p, lang.staff_text("staff-admin-plan"), body)
}

pub struct AgencyLine {
    pub code: String,
    pub name: String,
    pub level: AgencyLevel,
    pub parent: String,
    pub valid: String,
    /// The codes of the agencies that took over its work, if it was closed.
    pub successors: String,
    /// How its surveys open; none for a unit that no longer exists.
    pub survey_policy: Option<SurveyPolicy>,
    /// How citizens reach it, shown on its surveys' thank-you page.
    pub contact: String,
}

/// The agencies page: a unit's lists to pick from are `current` (for parents and successors)
/// and `every` (for names to correct).
pub fn agencies_page(
    p: &AdminPage<'_>,
    agencies: &[AgencyLine],
    current: &[(String, String)],
    every: &[(String, String)],
) -> Markup {
    let (lang, csrf) = (p.frame.lang, p.frame.csrf);
    let levels: Vec<(&str, &str)> = [AgencyLevel::Commune, AgencyLevel::Department]
        .iter()
        .map(|l| (l.as_str(), l.name(lang)))
        .collect();
    let kinds: Vec<(&str, &str)> = [
        AgencyKind::Commune,
        AgencyKind::Ward,
        AgencyKind::SpecialZone,
        AgencyKind::Department,
    ]
    .iter()
    .map(|k| (k.as_str(), k.name(lang)))
    .collect();
    let pick = lang.staff_text("staff-admin-type-part-of-a-name-or");
    let field = |form: &'static str,
                 name: &'static str,
                 label: &'static str,
                 kind: &'static str,
                 list: Option<&'static str>,
                 required: bool| {
        input(
            p.posted,
            &Input {
                form,
                name,
                label,
                kind,
                required,
                list,
                hint: list.map(|_| pick),
            },
        )
    };
    let body = html! {
        (stray(Posted::stray(p.posted, "policy", &[])))
        h2 { (lang.staff_text("staff-admin-add-an-agency")) }
        form method="post" action="/admin/agencies" {
            input type="hidden" name="csrf" value=(csrf);
            (field("add", "code", lang.staff_text("staff-admin-code"), "text", None, true))
            (field("add", "name_vi", lang.staff_text("staff-admin-name-vietnamese"), "text", None, true))
            (field("add", "name_en", lang.staff_text("staff-admin-name-english"), "text", None, true))
            (select(p.posted, "add", "level", lang.staff_text("staff-dashboard-level"), &levels, "commune"))
            (select(p.posted, "add", "kind", lang.staff_text("staff-admin-kind"), &kinds, "commune"))
            (field("add", "parent", lang.staff_text("staff-admin-parent-agency"), "text", Some("current-agencies"), true))
            button type="submit" { (lang.staff_text("staff-admin-add-the-agency")) }
        }
        h2 { (lang.staff_text("staff-admin-correct-an-agency-s-names")) }
        form method="post" action="/admin/agencies/rename" {
            input type="hidden" name="csrf" value=(csrf);
            (field("rename", "code", lang.staff_text("staff-dashboard-agency"), "text", Some("every-agency"), true))
            (field("rename", "name_vi", lang.staff_text("staff-admin-new-name-vietnamese"), "text", None, true))
            (field("rename", "name_en", lang.staff_text("staff-admin-new-name-english"), "text", None, true))
            button type="submit" { (lang.staff_text("staff-admin-save-the-names")) }
        }
        h2 { (lang.staff_text("staff-admin-contact-line")) }
        p { (lang.staff_text("staff-admin-how-citizens-reach-the-agency-about")) }
        form method="post" action="/admin/agencies/contact" {
            input type="hidden" name="csrf" value=(csrf);
            (field("contact", "code", lang.staff_text("staff-dashboard-agency"), "text", Some("current-agencies"), true))
            (field("contact", "contact", lang.staff_text("staff-admin-contact-line"), "text", None, false))
            button type="submit" { (lang.staff_text("staff-admin-save-the-contact-line")) }
        }
        h2 { (lang.staff_text("staff-admin-merger-or-split-close-an-agency")) }
        p { (lang.staff_text("staff-admin-from-the-effective-date-the-agency")) }
        form method="post" action="/admin/agencies/close" {
            input type="hidden" name="csrf" value=(csrf);
            (field("close", "code", lang.staff_text("staff-admin-agency-to-close"), "text", Some("current-agencies"), true))
            (field("close", "effective_on", lang.staff_text("staff-admin-effective-on"), "date", None, true))
            (field("close", "successor", lang.staff_text("staff-admin-successor"), "text", Some("current-agencies"), true))
            (field("close", "successor_2", lang.staff_text("staff-admin-second-successor-in-a-split"), "text", Some("current-agencies"), false))
            (field("close", "successor_3", lang.staff_text("staff-admin-third-successor-in-a-split"), "text", Some("current-agencies"), false))
            button type="submit" { (lang.staff_text("staff-admin-close-the-agency")) }
        }
        (agency_list("current-agencies", current))
        (agency_list("every-agency", every))
        h2 { (lang.staff_text("staff-admin-all-agencies")) }
        div.scroll tabindex="0" role="region" aria-label=(lang.staff_text("staff-admin-agencies-2")) { table {
            thead { tr { th { (lang.staff_text("staff-admin-code")) } th { (lang.staff_text("staff-admin-name")) } th { (lang.staff_text("staff-dashboard-level")) } th { (lang.staff_text("staff-admin-parent")) } th { (lang.staff_text("staff-admin-valid")) } th { (lang.staff_text("staff-admin-succeeded-by")) } th { (lang.staff_text("staff-admin-survey-access")) } th { (lang.staff_text("staff-admin-contact")) } } }
            tbody { @for a in agencies { tr {
                td { (a.code) } td { (a.name) } td { (a.level.name(lang)) } td { (a.parent) } td { (a.valid) } td { (a.successors) }
                td { @if let Some(policy) = a.survey_policy {
                    form.picker method="post" action="/admin/agencies/policy" {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="code" value=(a.code);
                        @let label = format!("{} {}", lang.staff_text("staff-admin-survey-access-for"), a.code);
                        select name="policy" aria-label=(label) {
                            option value="link" selected[policy == SurveyPolicy::Link] { (lang.staff_text("staff-admin-link")) }
                            option value="verified" selected[policy == SurveyPolicy::Verified] { (lang.staff_text("staff-admin-e-id-sign-in")) }
                        }
                        button type="submit" { (lang.staff_text("staff-comments-save")) }
                    }
                } }
                td { (a.contact) }
            } } }
        } }
    };
    admin_page(p, lang.staff_text("staff-admin-agencies-3"), body)
}
