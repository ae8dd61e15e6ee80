//! Admin pages: staff accounts, integrators' API keys, questionnaire versions, agencies. Each
//! shows the notice of the last change, keeps what was typed in a form that was refused with
//! the problem beside its field, and offers agencies from a searchable list.

use maud::{html, Markup};

use super::forms::{agency_list, input, notice, select, stray, Input, Posted};
use super::i18n::Lang;
use super::layout::Width;
use super::staff::{staff_page, Frame};
use crate::domain::agency::{AgencyKind, AgencyLevel, Role, SurveyPolicy};

fn admin_nav(lang: Lang) -> Markup {
    html! {
        nav.admin aria-label=(lang.pick("Quản trị", "Administration")) {
            p {
                a href="/admin/users" { (lang.pick("Tài khoản", "Accounts")) } " · "
                a href="/admin/api-clients" { (lang.pick("Khóa API", "API keys")) } " · "
                a href="/admin/kiosks" { (lang.pick("Máy đánh giá", "Kiosks")) } " · "
                a href="/admin/questionnaires" { (lang.pick("Phiếu khảo sát", "Questionnaires")) } " · "
                a href="/admin/agencies" { (lang.pick("Cơ quan", "Agencies")) }
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
        div.scroll tabindex="0" role="region" aria-label=(lang.pick("Danh sách tài khoản", "Accounts")) { table {
            thead { tr {
                th { (lang.pick("Thư điện tử", "E-mail")) } th { (lang.pick("Vai trò", "Role")) }
                th { (lang.pick("Cơ quan", "Agency")) } th { (lang.pick("Trạng thái", "State")) } th { }
            } }
            tbody { @for u in users { tr {
                td { (u.email) } td { (u.role.name(lang)) }
                td { @if let Some((code, name)) = &u.agency { (name) " (" (code) ")" } }
                td { @if u.disabled { (lang.pick("Đã khóa", "Disabled")) } @else { (lang.pick("Đang hoạt động", "Active")) } }
                td {
                    form method="post" action=(format!("/admin/users/{}/{}", u.id, if u.disabled { "enable" } else { "disable" })) {
                        input type="hidden" name="csrf" value=(csrf);
                        button.link type="submit" {
                            @if u.disabled { (lang.pick("Mở lại", "Enable")) } @else { (lang.pick("Khóa", "Disable")) }
                            span.visually-hidden { " " (u.email) }
                        }
                    }
                }
            } } }
        } }
        h2 { (lang.pick("Thêm tài khoản", "Add an account")) }
        form method="post" action="/admin/users" {
            input type="hidden" name="csrf" value=(csrf);
            (input(p.posted, &Input { form: "add", name: "email", label: lang.pick("Thư điện tử", "E-mail"), kind: "email", required: true, list: None, hint: None }))
            (select(p.posted, "add", "role", lang.pick("Vai trò", "Role"), &roles, "agency"))
            (input(p.posted, &Input { form: "add", name: "agency", label: lang.pick("Cơ quan (với tài khoản cơ quan)", "Agency (for an agency account)"), kind: "text", required: false, list: Some("agencies"), hint: Some(lang.pick("Gõ vài chữ của tên hoặc mã để chọn.", "Type part of a name or code to pick.")) }))
            (input(p.posted, &Input { form: "add", name: "password", label: lang.pick("Mật khẩu (ít nhất 12 ký tự)", "Password (at least 12 characters)"), kind: "password", required: true, list: None, hint: None }))
            button type="submit" { (lang.pick("Thêm tài khoản", "Add the account")) }
        }
        (agency_list("agencies", agencies))
    };
    admin_page(p, lang.pick("Tài khoản", "Accounts"), body)
}

pub struct ClientLine {
    pub name: String,
    /// When it was revoked, if it was.
    pub revoked: Option<String>,
}

/// API clients; `new_key` (name, key) is shown once, right after creation.
pub fn clients_page(
    p: &AdminPage<'_>,
    clients: &[ClientLine],
    new_key: Option<(&str, &str)>,
) -> Markup {
    let (lang, csrf) = (p.frame.lang, p.frame.csrf);
    let body = html! {
        @if let Some((name, key)) = new_key {
            div.card role="status" {
                p { (lang.pick("Khóa mới cho ", "New key for ")) strong { (name) } (lang.pick(" — chỉ hiển thị một lần, hãy lưu ngay:", " — shown once, store it now:")) }
                p { code { (key) } }
            }
        }
        (stray(Posted::stray(p.posted, "revoke", &[])))
        div.scroll tabindex="0" role="region" aria-label=(lang.pick("Danh sách khóa", "Keys")) { table {
            thead { tr { th { (lang.pick("Tên", "Name")) } th { (lang.pick("Trạng thái", "State")) } th { } } }
            tbody { @for c in clients { tr {
                td { (c.name) }
                td { @match &c.revoked {
                    Some(at) => { (lang.pick("Đã thu hồi ", "Revoked ")) (at) }
                    None => (lang.pick("Đang dùng", "In use")),
                } }
                td { @if c.revoked.is_none() {
                    form method="post" action="/admin/api-clients/revoke" {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="name" value=(c.name);
                        button.link type="submit" { (lang.pick("Thu hồi", "Revoke")) span.visually-hidden { " " (c.name) } }
                    }
                } }
            } } }
        } }
        h2 { (lang.pick("Tạo khóa", "Create a key")) }
        form method="post" action="/admin/api-clients" {
            input type="hidden" name="csrf" value=(csrf);
            (input(p.posted, &Input { form: "create", name: "name", label: lang.pick("Tên hệ thống", "System name"), kind: "text", required: true, list: None, hint: None }))
            button type="submit" { (lang.pick("Tạo khóa", "Create the key")) }
        }
    };
    admin_page(
        p,
        lang.pick(
            "Khóa API của hệ thống một cửa",
            "API keys of the one-stop-shop systems",
        ),
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
        p { (lang.pick(
            "Máy tính bảng tại quầy một cửa: người dân nhập mã khảo sát in trên phiếu hẹn để đánh giá. Mỗi máy chỉ mở phiếu của cơ quan được cài và các đơn vị trực thuộc.",
            "Tablets at the one-stop counter: citizens type the survey code printed on their receipt to answer. A kiosk opens only surveys of its agency and the units below it.")) }
        @if let Some(k) = new_kiosk {
            div.card role="status" {
                p { (lang.pick("Máy mới ", "New kiosk ")) strong { (k.name) } " (" (k.agency_code) ")" (lang.pick(
                    " — mở đường dẫn này một lần trên máy tính bảng (hoặc quét mã QR). Chỉ hiển thị một lần:",
                    " — open this link once on the tablet (or scan the QR code). Shown once:")) }
                p { code { (k.link) } }
                @if let Some(svg) = &k.qr_svg {
                    div.qr role="img" aria-label=(lang.pick("Mã QR của đường dẫn cài đặt", "QR code of the set-up link")) { (maud::PreEscaped(svg)) }
                }
            }
        }
        (stray(Posted::stray(p.posted, "revoke", &[])))
        div.scroll tabindex="0" role="region" aria-label=(lang.pick("Danh sách máy", "Kiosks")) { table {
            thead { tr {
                th { (lang.pick("Số", "No.")) } th { (lang.pick("Tên", "Name")) } th { (lang.pick("Cơ quan", "Agency")) }
                th { (lang.pick("Cài đặt", "Enrolled")) } th { (lang.pick("Trạng thái", "State")) } th { }
            } }
            tbody { @for k in kiosks { tr {
                td { (k.id) } td { (k.name) } td { (k.agency) } td { (k.enrolled) }
                td { @match &k.revoked {
                    Some(at) => { (lang.pick("Đã thu hồi ", "Revoked ")) (at) }
                    None => (lang.pick("Đang dùng", "In use")),
                } }
                td { @if k.revoked.is_none() {
                    form method="post" action="/admin/kiosks/revoke" {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="id" value=(k.id);
                        input type="hidden" name="name" value=(k.name);
                        button.link type="submit" { (lang.pick("Thu hồi", "Revoke")) span.visually-hidden { " " (k.name) } }
                    }
                } }
            } } }
        } }
        h2 { (lang.pick("Cài đặt máy mới", "Enrol a kiosk")) }
        form method="post" action="/admin/kiosks" {
            input type="hidden" name="csrf" value=(csrf);
            (input(p.posted, &Input { form: "enrol", name: "agency", label: lang.pick("Cơ quan", "Agency"), kind: "text", required: true, list: Some("kiosk-agencies"), hint: Some(lang.pick("Gõ vài chữ của tên hoặc mã để chọn.", "Type part of a name or code to pick.")) }))
            (input(p.posted, &Input { form: "enrol", name: "name", label: lang.pick("Tên máy (ví dụ “Quầy 1”)", "Kiosk name (e.g. “Counter 1”)"), kind: "text", required: true, list: None, hint: None }))
            button type="submit" { (lang.pick("Cài đặt máy", "Enrol the kiosk")) }
        }
        (agency_list("kiosk-agencies", agencies))
    };
    admin_page(
        p,
        lang.pick("Máy đánh giá tại quầy", "Counter kiosks"),
        body,
    )
}

pub fn questionnaires_page(p: &AdminPage<'_>, versions: &[(String, usize)]) -> Markup {
    let (lang, csrf) = (p.frame.lang, p.frame.csrf);
    let problem = Posted::problem(p.posted, "publish", "definition");
    let body = html! {
        p { (lang.pick("Phiên bản mới nhất áp dụng cho lời mời mới; phiên bản đã công bố không bao giờ thay đổi.", "The newest version applies to new invitations; a published version never changes.")) }
        ul { @for (version, items) in versions { li { (version) " — " (items) (lang.pick(" câu hỏi", " items")) } } }
        h2 { (lang.pick("Công bố phiên bản mới (JSON)", "Publish a new version (JSON)")) }
        form method="post" action="/admin/questionnaires" {
            input type="hidden" name="csrf" value=(csrf);
            div.comment.field {
                label for="publish-definition" { "JSON" }
                textarea id="publish-definition" name="definition" rows="12" required
                    aria-invalid=[problem.map(|_| "true")] aria-describedby=[problem.map(|_| "publish-definition-error")] {
                    (Posted::value(p.posted, "publish", "definition"))
                }
                @if let Some(message) = problem {
                    p.field-error id="publish-definition-error" role="alert" { (message) }
                }
            }
            button type="submit" { (lang.pick("Công bố", "Publish")) }
        }
    };
    admin_page(p, lang.pick("Phiếu khảo sát", "Questionnaires"), body)
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
    let pick = lang.pick(
        "Gõ vài chữ của tên hoặc mã để chọn.",
        "Type part of a name or code to pick.",
    );
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
        h2 { (lang.pick("Thêm cơ quan", "Add an agency")) }
        form method="post" action="/admin/agencies" {
            input type="hidden" name="csrf" value=(csrf);
            (field("add", "code", lang.pick("Mã", "Code"), "text", None, true))
            (field("add", "name_vi", lang.pick("Tên (tiếng Việt)", "Name (Vietnamese)"), "text", None, true))
            (field("add", "name_en", lang.pick("Tên (tiếng Anh)", "Name (English)"), "text", None, true))
            (select(p.posted, "add", "level", lang.pick("Cấp", "Level"), &levels, "commune"))
            (select(p.posted, "add", "kind", lang.pick("Loại", "Kind"), &kinds, "commune"))
            (field("add", "parent", lang.pick("Cơ quan cấp trên", "Parent agency"), "text", Some("current-agencies"), true))
            button type="submit" { (lang.pick("Thêm cơ quan", "Add the agency")) }
        }
        h2 { (lang.pick("Sửa tên cơ quan", "Correct an agency's names")) }
        form method="post" action="/admin/agencies/rename" {
            input type="hidden" name="csrf" value=(csrf);
            (field("rename", "code", lang.pick("Cơ quan", "Agency"), "text", Some("every-agency"), true))
            (field("rename", "name_vi", lang.pick("Tên mới (tiếng Việt)", "New name (Vietnamese)"), "text", None, true))
            (field("rename", "name_en", lang.pick("Tên mới (tiếng Anh)", "New name (English)"), "text", None, true))
            button type="submit" { (lang.pick("Lưu tên", "Save the names")) }
        }
        h2 { (lang.pick("Đường dây liên hệ", "Contact line")) }
        p { (lang.pick(
            "Cách người dân liên hệ cơ quan về hồ sơ (ví dụ số điện thoại của bộ phận một cửa), hiện trên trang cảm ơn sau khi trả lời khảo sát. Để trống để xóa.",
            "How citizens reach the agency about a dossier (the one-stop desk's telephone, say), shown on the thank-you page after the survey. Leave it empty to remove it.")) }
        form method="post" action="/admin/agencies/contact" {
            input type="hidden" name="csrf" value=(csrf);
            (field("contact", "code", lang.pick("Cơ quan", "Agency"), "text", Some("current-agencies"), true))
            (field("contact", "contact", lang.pick("Đường dây liên hệ", "Contact line"), "text", None, false))
            button type="submit" { (lang.pick("Lưu đường dây liên hệ", "Save the contact line")) }
        }
        h2 { (lang.pick("Sáp nhập, chia tách: đóng một cơ quan", "Merger or split: close an agency")) }
        p { (lang.pick(
            "Từ ngày có hiệu lực, cơ quan không nhận hồ sơ mới; các cơ quan kế thừa tiếp nối xu hướng của nó. Điểm số cũ vẫn xem được. Trước khi đóng, trang sẽ hỏi lại để bạn xác nhận.",
            "From the effective date the agency takes no new dossiers; its successors carry its trend on. Its past scores stay readable. You will be asked to confirm before it is closed.")) }
        form method="post" action="/admin/agencies/close" {
            input type="hidden" name="csrf" value=(csrf);
            (field("close", "code", lang.pick("Cơ quan đóng", "Agency to close"), "text", Some("current-agencies"), true))
            (field("close", "effective_on", lang.pick("Ngày có hiệu lực", "Effective on"), "date", None, true))
            (field("close", "successor", lang.pick("Cơ quan kế thừa", "Successor"), "text", Some("current-agencies"), true))
            (field("close", "successor_2", lang.pick("Cơ quan kế thừa thứ hai (khi chia tách)", "Second successor (in a split)"), "text", Some("current-agencies"), false))
            (field("close", "successor_3", lang.pick("Cơ quan kế thừa thứ ba (khi chia tách)", "Third successor (in a split)"), "text", Some("current-agencies"), false))
            button type="submit" { (lang.pick("Đóng cơ quan…", "Close the agency…")) }
        }
        (agency_list("current-agencies", current))
        (agency_list("every-agency", every))
        h2 { (lang.pick("Danh sách", "All agencies")) }
        div.scroll tabindex="0" role="region" aria-label=(lang.pick("Danh sách cơ quan", "Agencies")) { table {
            thead { tr { th { (lang.pick("Mã", "Code")) } th { (lang.pick("Tên", "Name")) } th { (lang.pick("Cấp", "Level")) } th { (lang.pick("Cấp trên", "Parent")) } th { (lang.pick("Hiệu lực", "Valid")) } th { (lang.pick("Kế thừa bởi", "Succeeded by")) } th { (lang.pick("Mở phiếu khảo sát", "Survey access")) } th { (lang.pick("Liên hệ", "Contact")) } } }
            tbody { @for a in agencies { tr {
                td { (a.code) } td { (a.name) } td { (a.level.name(lang)) } td { (a.parent) } td { (a.valid) } td { (a.successors) }
                td { @if let Some(policy) = a.survey_policy {
                    form.picker method="post" action="/admin/agencies/policy" {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="code" value=(a.code);
                        @let label = format!("{} {}", lang.pick("Cách mở phiếu của", "Survey access for"), a.code);
                        select name="policy" aria-label=(label) {
                            option value="link" selected[policy == SurveyPolicy::Link] { (lang.pick("Đường dẫn", "Link")) }
                            option value="verified" selected[policy == SurveyPolicy::Verified] { (lang.pick("Định danh điện tử", "e-ID sign-in")) }
                        }
                        button type="submit" { (lang.pick("Lưu", "Save")) }
                    }
                } }
                td { (a.contact) }
            } } }
        } }
    };
    admin_page(p, lang.pick("Cơ quan, đơn vị", "Agencies"), body)
}
