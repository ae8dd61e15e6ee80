//! The use cases, grouped by subject: what the web handlers and the command line both call, so
//! that both apply the same rules. Each use case owns its transaction and its audit record, and
//! refuses bad input with a [`Refusal`] that names the field at fault and says what is wrong in
//! both languages; none knows about HTTP or the terminal.

pub mod accounts;
pub mod agencies;
pub mod api_clients;
pub mod backup;
pub mod backup_crypt;
pub mod dossiers;
pub mod eid;
pub mod followups;
pub mod integrity;
pub mod kiosks;
pub mod levels;
pub mod paper;
pub mod plans;
pub mod privacy;
pub mod questionnaires;
pub mod reports;
pub mod secret_guard;
pub mod sessions;
pub mod sign_in_throttle;
pub mod store;
pub mod survey_rate;
pub mod surveys;

use std::fmt;

use crate::db::DbError;
use crate::domain::language::Lang;

/// A use case refused its input: the field at fault and what is wrong with it, as a text of
/// the staff catalogues (`locales/<code>/staff.ftl`) with its values. The web shows it beside
/// the field in the page's language; the command line names the option, in English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub field: &'static str,
    /// The catalogue text's id.
    pub text: &'static str,
    /// The values the text names (`{ $code }`).
    pub values: Vec<(&'static str, RefusalValue)>,
    /// The input is fine but clashes with what is stored (a name or version taken).
    pub conflict: bool,
}

impl Refusal {
    pub fn new(field: &'static str, text: &'static str) -> Self {
        Self {
            field,
            text,
            values: Vec::new(),
            conflict: false,
        }
    }

    /// A refusal because the input clashes with what is stored.
    pub fn conflict(field: &'static str, text: &'static str) -> Self {
        Self {
            conflict: true,
            ..Self::new(field, text)
        }
    }

    /// The refusal with a value its text names, the same in every language.
    pub fn with(mut self, name: &'static str, value: impl ToString) -> Self {
        self.values
            .push((name, RefusalValue::Same(value.to_string())));
        self
    }

    /// The refusal with a value said one way in Vietnamese and another in English.
    pub fn with_named(
        mut self,
        name: &'static str,
        vi: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        self.values.push((
            name,
            RefusalValue::Named {
                vi: vi.into(),
                en: en.into(),
            },
        ));
        self
    }

    /// What is wrong, in `lang`.
    pub fn say(&self, lang: Lang) -> String {
        let values: Vec<_> = self
            .values
            .iter()
            .map(|(name, value)| {
                let said = match value {
                    RefusalValue::Same(text) => text,
                    RefusalValue::Named { vi, en } => lang.pick(vi, en),
                };
                (*name, said.into())
            })
            .collect();
        lang.text_with(self.text, &values)
    }
}

/// A value a refusal's text names: the same in every language, or said one way in Vietnamese
/// and another in English (a name from the data, a number's decimal mark); other languages
/// read the Vietnamese, as `Lang::pick`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefusalValue {
    Same(String),
    Named { vi: String, en: String },
}

/// For the command line: the field as its option (`--effective-on`), then the English text.
impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "--{}: {}",
            self.field.replace('_', "-"),
            self.say(Lang::EN)
        )
    }
}

impl std::error::Error for Refusal {}

/// What a use case can fail with: its input refused, or the database.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0}")]
    Refused(Refusal),
    #[error(transparent)]
    Database(#[from] DbError),
}

impl From<Refusal> for ServiceError {
    fn from(r: Refusal) -> Self {
        Self::Refused(r)
    }
}

/// A value chosen in a form (a list's option, a date), or the refusal `text` on `field` when
/// it does not read as one.
pub fn choice<T: std::str::FromStr>(
    raw: &str,
    field: &'static str,
    text: &'static str,
) -> Result<T, Refusal> {
    raw.parse::<T>().map_err(|_| Refusal::new(field, text))
}

/// Shorthand for a refusal as an `Err`.
pub fn refuse<T>(refusal: Refusal) -> Result<T, ServiceError> {
    Err(ServiceError::Refused(refusal))
}
