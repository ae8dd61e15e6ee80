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
