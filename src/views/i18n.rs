//! The texts of the pages: the citizen pages' from the catalogues (`locales/`), in every
//! catalogued language; the staff pages' in Vietnamese and English.

use std::sync::LazyLock;

pub use crate::domain::language::Lang;

impl Lang {
    /// The texts of the citizen pages in this language (catalogue `locales/<code>/`).
    pub fn t(self) -> &'static Texts {
        &TEXTS[usize::from(self.index())]
    }
}

/// Texts of the staff pages (sign-in, dashboards).
pub struct StaffTexts {
    pub app: &'static str,
    pub sign_in: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub sign_out: &'static str,
    pub bad_credentials: &'static str,
    pub throttled: &'static str,
    pub form_expired: &'static str,
    pub dashboard: &'static str,
}

pub static STAFF_VI: StaffTexts = StaffTexts {
    app: "Hài lòng · Quản trị",
    sign_in: "Đăng nhập",
    email: "Thư điện tử",
    password: "Mật khẩu",
    sign_out: "Đăng xuất",
    bad_credentials: "Thư điện tử hoặc mật khẩu không đúng.",
    throttled: "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút.",
    form_expired: "Biểu mẫu đã hết hiệu lực; vui lòng thử lại.",
    dashboard: "Bảng điều khiển",
};

pub static STAFF_EN: StaffTexts = StaffTexts {
    app: "Hài lòng · Administration",
    sign_in: "Sign in",
    email: "E-mail",
    password: "Password",
    sign_out: "Sign out",
    bad_credentials: "The e-mail or password is incorrect.",
    throttled: "Too many failed sign-ins. Please try again in 15 minutes.",
    form_expired: "The form has expired; please try again.",
    dashboard: "Dashboard",
};

impl Lang {
    pub fn staff(self) -> &'static StaffTexts {
        if self == Lang::EN {
            &STAFF_EN
        } else {
            &STAFF_VI
        }
    }
}

/// Declares the citizen pages' texts: each field is the catalogue text of the same name (with
/// `-` for `_`), read once per language at first use.
macro_rules! catalogue_texts {
    ($($field:ident),* $(,)?) => {
        pub struct Texts {
            $(pub $field: &'static str,)*
            /// The five points of a rated question, 1 to 5.
            pub likert: [&'static str; 5],
        }

        impl Texts {
            fn of(lang: Lang) -> Self {
                // Leaked once per catalogued language: the texts live as long as the program.
                let text = |id: &str| -> &'static str { lang.text(id).leak() };
                Self {
                    $($field: text(&stringify!($field).replace('_', "-")),)*
                    likert: [1, 2, 3, 4, 5].map(|point| text(&format!("likert-{point}"))),
                }
            }
        }

        /// Every text id the survey pages read, for the catalogues' completeness test.
        #[cfg(test)]
        pub const TEXT_IDS: &[&str] = &[$(stringify!($field),)*];
    };
}

catalogue_texts! {
    meta_description,
    languages,
    next,
    previous,
    contact_note,
    help_link,
    site,
    survey_title,
    survey_intro,
    anonymous_note,
    agency,
    procedure,
    not_applicable,
    dont_know,
    yes,
    no,
    comment,
    comment_hint,
    submit,
    fix_errors,
    out_of_range,
    unknown_item,
    comment_too_long,
    nothing_answered,
    thanks_title,
    thanks_body,
    answered_title,
    answered_body,
    expired_title,
    expired_body,
    unknown_title,
    unknown_body,
    form_expired_title,
    form_expired_body,
    too_many_title,
    stop_title,
    stop_link,
    stop_body,
    stop_button,
    stopped_title,
    stopped_body,
    too_many_body,
    unavailable_title,
    unavailable_body,
    eid_title,
    eid_body,
    eid_privacy,
    eid_button,
    eid_mismatch_title,
    eid_mismatch_body,
    eid_sign_in_again,
    eid_unreachable_title,
    eid_unreachable_body,
    eid_retry,
    eid_failed_title,
    eid_failed_body,
    eid_expired_title,
    eid_expired_body,
    eid_limit_title,
    eid_limit_body,
}

static TEXTS: LazyLock<Vec<Texts>> = LazyLock::new(|| Lang::all().map(Texts::of).collect());

#[cfg(test)]
mod tests {
    use super::*;

    /// Every catalogue has every text the pages read: a language is complete or it is not
    /// shipped (a missing text would silently show in Vietnamese).
    #[test]
    fn every_catalogue_has_every_survey_text() {
        for lang in Lang::all() {
            let mut ids: Vec<String> = TEXT_IDS.iter().map(|id| id.replace('_', "-")).collect();
            ids.extend((1..=5).map(|p| format!("likert-{p}")));
            for id in ids {
                assert!(lang.has_text(&id), "locales/{}: no `{id}`", lang.code());
            }
            assert!(lang.t().likert.iter().all(|t| !t.is_empty()));
        }
    }
}
