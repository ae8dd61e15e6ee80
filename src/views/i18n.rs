//! The texts of the pages, from the catalogues (`locales/`): the citizen pages' in every
//! catalogued language, the staff pages' in the languages with a staff catalogue.

use std::sync::LazyLock;

pub use crate::domain::language::Lang;

impl Lang {
    /// The texts of the citizen pages in this language (catalogue `locales/<code>/`).
    pub fn t(self) -> &'static Texts {
        &TEXTS[usize::from(self.index())]
    }
}

/// Texts of the staff pages' frame (sign-in, dashboards), from the staff catalogues
/// (`locales/<code>/staff.ftl`).
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

impl StaffTexts {
    fn of(lang: Lang) -> Self {
        let text = |id: &'static str| lang.staff_text(id);
        Self {
            app: text("staff-site"),
            sign_in: text("staff-sign-in"),
            email: text("staff-email"),
            password: text("staff-password"),
            sign_out: text("staff-sign-out"),
            bad_credentials: text("staff-bad-credentials"),
            throttled: text("staff-throttled"),
            form_expired: text("staff-form-expired"),
            dashboard: text("staff-dashboard"),
        }
    }
}

static STAFF_TEXTS: LazyLock<Vec<StaffTexts>> =
    LazyLock::new(|| Lang::all().map(StaffTexts::of).collect());

impl Lang {
    pub fn staff(self) -> &'static StaffTexts {
        &STAFF_TEXTS[usize::from(self.index())]
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

    /// Every staff text the code names (`"staff-…"` and `"refusal-…"` literals in src/) is in
    /// every staff catalogue, and each catalogue of the staff pages is complete.
    #[test]
    fn every_staff_catalogue_has_every_staff_text_the_code_names() {
        fn sources(dir: &std::path::Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    sources(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(std::fs::read_to_string(path).unwrap());
                }
            }
        }
        let mut texts = Vec::new();
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut texts,
        );
        // Every string literal that is a staff or refusal text id (`"staff-…"`, `"refusal-…"`);
        // the sources live as long as the test (`staff_text` takes `&'static str` ids).
        let texts: &'static [String] = texts.leak();
        let ids: std::collections::BTreeSet<&'static str> = texts
            .iter()
            .flat_map(|t| t.split('"').skip(1).step_by(2))
            .filter(|id| id.starts_with("staff-") || id.starts_with("refusal-"))
            .filter(|id| {
                id.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            })
            .filter(|id| !id.ends_with('-'))
            // Not a text: web::csrf's key-derivation label.
            .filter(|id| *id != "staff-csrf")
            .collect();
        assert!(ids.len() > 300, "{} ids", ids.len());
        let staff: Vec<Lang> = Lang::all().filter(|l| l.has_staff_pages()).collect();
        assert_eq!(staff, [Lang::VI, Lang::EN]);
        for lang in staff {
            for id in &ids {
                assert!(
                    lang.has_text(id),
                    "locales/{}/staff.ftl: no `{id}`",
                    lang.code()
                );
                assert!(!lang.staff_text(id).is_empty());
            }
        }
    }

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
