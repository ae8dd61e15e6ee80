//! Admin pages: staff accounts.

use maud::{html, Markup};

use super::dashboard::Frame;
use super::layout::Width;
use super::staff::staff_page;

pub struct UserLine {
    pub id: i32,
    pub email: String,
    pub role: String,
    pub agency: String,
    pub disabled: bool,
}

pub fn users_page(frame: &Frame<'_>, users: &[UserLine], message: Option<&str>) -> Markup {
    let lang = frame.lang;
    let body = html! {
        (admin_nav(lang))
        h1 { (lang.pick("Tài khoản", "Accounts")) }
        @if let Some(m) = message { div.alert role="alert" { p { (m) } } }
        div.scroll tabindex="0" role="region" aria-label=(lang.pick("Danh sách tài khoản", "Accounts")) { table {
            thead { tr { th { (lang.pick("Thư điện tử", "E-mail")) } th { (lang.pick("Vai trò", "Role")) } th { (lang.pick("Cơ quan", "Agency")) } th { } } }
            tbody { @for u in users { tr {
                td { (u.email) } td { (u.role) } td { (u.agency) }
                td {
                    form method="post" action=(format!("/admin/users/{}/{}", u.id, if u.disabled { "enable" } else { "disable" })) {
                        input type="hidden" name="csrf" value=(frame.csrf);
                        button.link type="submit" {
                            @if u.disabled { (lang.pick("Mở lại", "Enable")) } @else { (lang.pick("Khóa", "Disable")) }
                        }
                    }
                }
            } } }
        } }
        h2 { (lang.pick("Thêm tài khoản", "Add an account")) }
        form method="post" action="/admin/users" {
            input type="hidden" name="csrf" value=(frame.csrf);
            div.comment { label for="email" { (lang.pick("Thư điện tử", "E-mail")) } input id="email" name="email" type="email" required; }
            div.comment {
                label for="role" { (lang.pick("Vai trò", "Role")) }
                select id="role" name="role" {
                    option value="agency" { (lang.pick("Cơ quan", "Agency")) }
                    option value="province" { (lang.pick("Phân tích cấp tỉnh", "Province analyst")) }
                    option value="admin" { (lang.pick("Quản trị", "Admin")) }
                }
            }
            div.comment { label for="agency" { (lang.pick("Mã cơ quan (với vai trò cơ quan)", "Agency code (agency role)")) } input id="agency" name="agency" type="text"; }
            div.comment { label for="password" { (lang.pick("Mật khẩu (ít nhất 12 ký tự)", "Password (at least 12 characters)")) } input id="password" name="password" type="password" autocomplete="new-password" required; }
            button type="submit" { (lang.pick("Thêm", "Add")) }
        }
    };
    staff_page(frame, lang.pick("Tài khoản", "Accounts"), Width::Wide, body)
}

pub struct ClientLine {
    pub name: String,
    pub state: String,
    pub active: bool,
}

fn admin_nav(lang: super::i18n::Lang) -> Markup {
    html! {
        p {
            a href="/admin/users" { (lang.pick("Tài khoản", "Accounts")) } " · "
            a href="/admin/api-clients" { (lang.pick("Khóa API", "API keys")) } " · "
            a href="/admin/questionnaires" { (lang.pick("Phiếu khảo sát", "Questionnaires")) } " · "
            a href="/admin/agencies" { (lang.pick("Cơ quan", "Agencies")) }
        }
    }
}

/// API clients; `new_key` is shown once, right after creation.
pub fn clients_page(
    frame: &Frame<'_>,
    clients: &[ClientLine],
    new_key: Option<(&str, &str)>,
    message: Option<&str>,
) -> Markup {
    let lang = frame.lang;
    let body = html! {
        (admin_nav(lang))
        h1 { (lang.pick("Khóa API của hệ thống một cửa", "API keys of the one-stop-shop systems")) }
        @if let Some(m) = message { div.alert role="alert" { p { (m) } } }
        @if let Some((name, key)) = new_key {
            div.card role="status" {
                p { (lang.pick("Khóa mới cho ", "New key for ")) strong { (name) } (lang.pick(" — chỉ hiển thị một lần, hãy lưu ngay:", " — shown once, store it now:")) }
                p { code { (key) } }
            }
        }
        div.scroll tabindex="0" role="region" aria-label=(lang.pick("Danh sách khóa", "Keys")) { table {
            thead { tr { th { (lang.pick("Tên", "Name")) } th { (lang.pick("Trạng thái", "State")) } th { } } }
            tbody { @for c in clients { tr {
                td { (c.name) } td { (c.state) }
                td { @if c.active {
                    form method="post" action="/admin/api-clients/revoke" {
                        input type="hidden" name="csrf" value=(frame.csrf);
                        input type="hidden" name="name" value=(c.name);
                        button.link type="submit" { (lang.pick("Thu hồi", "Revoke")) }
                    }
                } }
            } } }
        } }
        h2 { (lang.pick("Tạo khóa", "Create a key")) }
        form method="post" action="/admin/api-clients" {
            input type="hidden" name="csrf" value=(frame.csrf);
            div.comment { label for="name" { (lang.pick("Tên hệ thống", "System name")) } input id="name" name="name" type="text" required; }
            button type="submit" { (lang.pick("Tạo", "Create")) }
        }
    };
    staff_page(frame, lang.pick("Khóa API", "API keys"), Width::Wide, body)
}

pub fn questionnaires_page(
    frame: &Frame<'_>,
    versions: &[(String, usize)],
    message: Option<&str>,
) -> Markup {
    let lang = frame.lang;
    let body = html! {
        (admin_nav(lang))
        h1 { (lang.pick("Phiếu khảo sát", "Questionnaires")) }
        @if let Some(m) = message { div.alert role="alert" { p { (m) } } }
        p { (lang.pick("Phiên bản mới nhất áp dụng cho lời mời mới; phiên bản đã công bố không bao giờ thay đổi.", "The newest version applies to new invitations; a published version never changes.")) }
        ul { @for (version, items) in versions { li { (version) " — " (items) (lang.pick(" câu hỏi", " items")) } } }
        h2 { (lang.pick("Công bố phiên bản mới (JSON)", "Publish a new version (JSON)")) }
        form method="post" action="/admin/questionnaires" {
            input type="hidden" name="csrf" value=(frame.csrf);
            div.comment { label for="definition" { "JSON" } textarea id="definition" name="definition" rows="12" required {} }
            button type="submit" { (lang.pick("Công bố", "Publish")) }
        }
    };
    staff_page(
        frame,
        lang.pick("Phiếu khảo sát", "Questionnaires"),
        Width::Wide,
        body,
    )
}

pub struct AgencyLine {
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent: String,
    pub valid: String,
    /// The codes of the agencies that took over its work, if it was closed.
    pub successors: String,
    /// `link` or `verified`; none for a unit that no longer exists.
    pub survey_policy: Option<String>,
}

pub fn agencies_page(frame: &Frame<'_>, agencies: &[AgencyLine], message: Option<&str>) -> Markup {
    let lang = frame.lang;
    let body = html! {
        (admin_nav(lang))
        h1 { (lang.pick("Cơ quan, đơn vị", "Agencies")) }
        @if let Some(m) = message { div.alert role="alert" { p { (m) } } }
        h2 { (lang.pick("Thêm cơ quan", "Add an agency")) }
        form method="post" action="/admin/agencies" {
            input type="hidden" name="csrf" value=(frame.csrf);
            div.comment { label for="code" { (lang.pick("Mã", "Code")) } input id="code" name="code" type="text" required; }
            div.comment { label for="name_vi" { (lang.pick("Tên (tiếng Việt)", "Name (Vietnamese)")) } input id="name_vi" name="name_vi" type="text" required; }
            div.comment { label for="name_en" { (lang.pick("Tên (tiếng Anh)", "Name (English)")) } input id="name_en" name="name_en" type="text" required; }
            div.comment {
                label for="level" { (lang.pick("Cấp", "Level")) }
                select id="level" name="level" {
                    option value="commune" { (lang.pick("Cấp xã", "Commune level")) }
                    option value="department" { (lang.pick("Sở, ban, ngành", "Department")) }
                }
            }
            div.comment {
                label for="kind" { (lang.pick("Loại", "Kind")) }
                select id="kind" name="kind" {
                    option value="commune" { (lang.pick("Xã", "Commune")) }
                    option value="ward" { (lang.pick("Phường", "Ward")) }
                    option value="special_zone" { (lang.pick("Đặc khu", "Special zone")) }
                    option value="department" { (lang.pick("Sở, ngành", "Department")) }
                }
            }
            div.comment { label for="parent" { (lang.pick("Mã cơ quan cấp trên", "Parent code")) } input id="parent" name="parent" type="text" required; }
            button type="submit" { (lang.pick("Thêm", "Add")) }
        }
        h2 { (lang.pick("Sửa tên cơ quan", "Correct an agency's names")) }
        form method="post" action="/admin/agencies/rename" {
            input type="hidden" name="csrf" value=(frame.csrf);
            div.comment { label for="rename_code" { (lang.pick("Mã", "Code")) } input id="rename_code" name="code" type="text" required; }
            div.comment { label for="rename_vi" { (lang.pick("Tên mới (tiếng Việt)", "New name (Vietnamese)")) } input id="rename_vi" name="name_vi" type="text" required; }
            div.comment { label for="rename_en" { (lang.pick("Tên mới (tiếng Anh)", "New name (English)")) } input id="rename_en" name="name_en" type="text" required; }
            button type="submit" { (lang.pick("Lưu tên", "Save the names")) }
        }
        h2 { (lang.pick("Sáp nhập, chia tách: đóng một cơ quan", "Merger or split: close an agency")) }
        p { (lang.pick(
            "Từ ngày có hiệu lực, cơ quan không nhận hồ sơ mới; các cơ quan kế thừa tiếp nối xu hướng của nó. Điểm số cũ vẫn xem được.",
            "From the effective date the agency takes no new dossiers; its successors carry its trend on. Its past scores stay readable.")) }
        form method="post" action="/admin/agencies/close" {
            input type="hidden" name="csrf" value=(frame.csrf);
            div.comment { label for="close_code" { (lang.pick("Mã cơ quan đóng", "Code of the agency to close")) } input id="close_code" name="code" type="text" required; }
            div.comment { label for="effective_on" { (lang.pick("Ngày có hiệu lực", "Effective on")) } input id="effective_on" name="effective_on" type="date" required; }
            div.comment {
                label for="successors" { (lang.pick("Mã cơ quan kế thừa (cách nhau bằng dấu phẩy)", "Successor codes (separated by commas)")) }
                input id="successors" name="successors" type="text" required;
            }
            button type="submit" { (lang.pick("Đóng cơ quan", "Close the agency")) }
        }
        h2 { (lang.pick("Danh sách", "All agencies")) }
        div.scroll tabindex="0" role="region" aria-label=(lang.pick("Danh sách cơ quan", "Agencies")) { table {
            thead { tr { th { (lang.pick("Mã", "Code")) } th { (lang.pick("Tên", "Name")) } th { (lang.pick("Cấp", "Level")) } th { (lang.pick("Cấp trên", "Parent")) } th { (lang.pick("Hiệu lực", "Valid")) } th { (lang.pick("Kế thừa bởi", "Succeeded by")) } th { (lang.pick("Mở phiếu khảo sát", "Survey access")) } } }
            tbody { @for a in agencies { tr {
                td { (a.code) } td { (a.name) } td { (a.level) } td { (a.parent) } td { (a.valid) } td { (a.successors) }
                td { @if let Some(policy) = &a.survey_policy {
                    form.picker method="post" action="/admin/agencies/policy" {
                        input type="hidden" name="csrf" value=(frame.csrf);
                        input type="hidden" name="code" value=(a.code);
                        @let label = format!("{} {}", lang.pick("Cách mở phiếu của", "Survey access for"), a.code);
                        select name="policy" aria-label=(label) {
                            option value="link" selected[policy == "link"] { (lang.pick("Đường dẫn", "Link")) }
                            option value="verified" selected[policy == "verified"] { (lang.pick("Định danh điện tử", "e-ID sign-in")) }
                        }
                        button type="submit" { (lang.pick("Lưu", "Save")) }
                    }
                } }
            } } }
        } }
    };
    staff_page(frame, lang.pick("Cơ quan", "Agencies"), Width::Wide, body)
}
