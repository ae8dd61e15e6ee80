//! Pure types and rules of the domain: no web framework, no database, no HTML.

pub mod agency;
pub mod answers;
pub mod api_scope;
pub mod board;
pub mod client_name;
pub mod comment_screen;
pub mod comment_topics;
pub mod dashboard;
pub mod delivery_counts;
pub mod dossier;
pub mod email;
pub mod followup;
pub mod identity;
pub mod integrity;
pub mod language;
pub mod message_text;
pub mod network;
pub mod paper_entry;
pub mod password;
pub mod period;
pub mod phone;
pub mod plan;
pub mod release_step;
pub mod reminders;
pub mod response_mode;
pub mod satisfaction_report;
pub mod standing;
pub mod submission;
pub mod survey_code;
pub mod survey_plan;
pub mod text;
pub mod token;
pub mod working_days;

/// Implements `as_str`, `FromStr` and `Display` for an enum stored as text, so that the
/// database, the API and the CSV files all spell a variant the same way.
macro_rules! text_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::domain::UnknownValue {
                        value: s.to_owned(),
                        expected: &[$($text),+],
                    }),
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::domain::UnknownValue;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                s.parse()
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.as_str().to_owned()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use text_enum;

/// A text that names none of an enum's variants.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown value {value:?}; expected one of: {}", expected.join(", "))]
pub struct UnknownValue {
    pub value: String,
    pub expected: &'static [&'static str],
}
