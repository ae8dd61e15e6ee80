//! A dossier as the one-stop-shop system sends it, parsed field by field so that every bad
//! field gets its own message. The ID number becomes a keyed hash right here and goes no
//! further in clear.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::dossier::{ApplicantKind, Channel};
use super::identity::ApplicantId;
use super::text::nfc;
use crate::secret::SecretKey;

/// The fields a dossier may carry, in documentation order.
pub const FIELDS: &[&str] = &[
    "dossier_id",
    "agency_code",
    "procedure_code",
    "applicant_kind",
    "channel",
    "received_at",
    "due_at",
    "completed_at",
    "applicant_id",
    "phone",
    "email",
    "language",
];

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

#[derive(Clone, PartialEq, Eq)]
pub struct DossierSubmission {
    pub dossier_id: String,
    pub agency_code: String,
    pub procedure_code: String,
    pub applicant_kind: ApplicantKind,
    pub channel: Channel,
    pub received_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub completed_at: DateTime<Utc>,
    pub applicant_hash: Vec<u8>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// The language the citizen's messages (and the survey they open) are in; Vietnamese when
    /// not given.
    pub language: Option<crate::domain::language::Lang>,
}

impl std::fmt::Debug for DossierSubmission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DossierSubmission")
            .field("dossier_id", &self.dossier_id)
            .finish_non_exhaustive()
    }
}

/// Reads fields out of one JSON object (or one CSV record turned into strings).
pub struct Fields<'a> {
    map: &'a Map<String, Value>,
    pub errors: Vec<FieldError>,
}

impl<'a> Fields<'a> {
    fn text(&mut self, field: &str, required: bool) -> Option<String> {
        match self.map.get(field) {
            None | Some(Value::Null) => {
                if required {
                    self.errors.push(FieldError::new(field, "is required"));
                }
                None
            }
            Some(Value::String(s)) if s.trim().is_empty() => {
                if required {
                    self.errors.push(FieldError::new(field, "is required"));
                }
                None
            }
            Some(Value::String(s)) => Some(nfc(s.trim())),
            Some(_) => {
                self.errors.push(FieldError::new(field, "must be a string"));
                None
            }
        }
    }

    fn optional(
        &mut self,
        field: &str,
        parse: impl FnOnce(&str) -> Result<String, String>,
    ) -> Option<String> {
        let raw = self.text(field, false)?;
        parse(&raw)
            .map_err(|message| self.errors.push(FieldError::new(field, message)))
            .ok()
    }

    fn parsed<T>(
        &mut self,
        field: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let raw = self.text(field, true)?;
        match parse(&raw) {
            Ok(v) => Some(v),
            Err(message) => {
                self.errors.push(FieldError::new(field, message));
                None
            }
        }
    }
}

fn instant(raw: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            "must be an RFC 3339 time with offset, e.g. 2026-07-01T09:30:00+07:00".to_owned()
        })
}

fn external_id(raw: &str) -> Result<String, String> {
    let ok = raw.len() <= 100
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/' | ':'));
    if ok {
        Ok(raw.to_owned())
    } else {
        Err("must be at most 100 characters: letters, digits and . - _ / :".into())
    }
}

fn code(raw: &str) -> Result<String, String> {
    if raw.len() <= 64 && !raw.chars().any(char::is_control) {
        Ok(raw.to_owned())
    } else {
        Err("must be a code of at most 64 characters".into())
    }
}

fn email(raw: &str) -> Result<String, String> {
    match raw.split_once('@') {
        Some((local, domain))
            if !local.is_empty()
                && domain.contains('.')
                && raw.len() <= 254
                && !raw.contains(char::is_whitespace) =>
        {
            Ok(raw.to_owned())
        }
        _ => Err("must be an e-mail address".into()),
    }
}

impl DossierSubmission {
    /// Parses one dossier; on failure, every bad field with its message.
    pub fn parse(map: &Map<String, Value>, secret: &SecretKey) -> Result<Self, Vec<FieldError>> {
        let mut f = Fields {
            map,
            errors: Vec::new(),
        };
        for key in map.keys() {
            if !FIELDS.contains(&key.as_str()) {
                f.errors.push(FieldError::new(key, "is not a known field"));
            }
        }
        let dossier_id = f.parsed("dossier_id", external_id);
        let agency_code = f.parsed("agency_code", code);
        let procedure_code = f.parsed("procedure_code", code);
        let applicant_kind = f.parsed("applicant_kind", |s| {
            s.parse::<ApplicantKind>().map_err(|e| e.to_string())
        });
        let channel = f.parsed("channel", |s| {
            s.parse::<Channel>().map_err(|e| e.to_string())
        });
        let received_at = f.parsed("received_at", instant);
        let due_at = f.parsed("due_at", instant);
        let completed_at = f.parsed("completed_at", instant);
        let applicant = f.parsed("applicant_id", |s| {
            ApplicantId::parse(s).map_err(|e| e.to_string())
        });
        let phone = f.optional("phone", super::phone::parse);
        let email = f.optional("email", email);
        let language = f
            .optional("language", |s| {
                crate::domain::language::Lang::parse(s.trim())
                    .map(|l| l.code().to_owned())
                    .ok_or_else(|| {
                        let codes: Vec<&str> = crate::domain::language::Lang::all()
                            .map(|l| l.code())
                            .collect();
                        format!("must be one of {}", codes.join(", "))
                    })
            })
            .and_then(|code| crate::domain::language::Lang::parse(&code));
        if let (Some(received), Some(completed)) = (received_at, completed_at) {
            if completed < received {
                f.errors.push(FieldError::new(
                    "completed_at",
                    "must not be before received_at",
                ));
            }
        }
        if let (Some(received), Some(due)) = (received_at, due_at) {
            if due < received {
                f.errors
                    .push(FieldError::new("due_at", "must not be before received_at"));
            }
        }
        match (
            dossier_id,
            agency_code,
            procedure_code,
            applicant_kind,
            channel,
            received_at,
            due_at,
            completed_at,
            applicant,
        ) {
            (
                Some(dossier_id),
                Some(agency_code),
                Some(procedure_code),
                Some(applicant_kind),
                Some(channel),
                Some(received_at),
                Some(due_at),
                Some(completed_at),
                Some(applicant),
            ) if f.errors.is_empty() => Ok(Self {
                dossier_id,
                agency_code,
                procedure_code,
                applicant_kind,
                channel,
                received_at,
                due_at,
                completed_at,
                applicant_hash: applicant.keyed_hash(secret),
                phone,
                email,
                language,
            }),
            _ => Err(f.errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key() -> SecretKey {
        SecretKey::from_hex(&"42".repeat(32)).unwrap()
    }

    fn valid() -> Value {
        json!({
            "dossier_id": "G22.99.1", "agency_code": "AG-X-OCEO", "procedure_code": "1.001193",
            "applicant_kind": "citizen", "channel": "counter",
            "received_at": "2026-07-01T08:00:00+07:00", "due_at": "2026-07-02T17:00:00+07:00",
            "completed_at": "2026-07-02T10:00:00+07:00", "applicant_id": "089123456789",
            "phone": "0912 345 678"
        })
    }

    #[test]
    fn a_valid_dossier_parses_and_keeps_no_clear_identity() {
        let parsed = DossierSubmission::parse(valid().as_object().unwrap(), &key()).unwrap();
        assert_eq!(parsed.phone.as_deref(), Some("0912345678"));
        assert_eq!(parsed.applicant_hash.len(), 32);
        assert!(!format!("{parsed:?}").contains("089123456789"));
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut v = valid();
        v["channel"] = json!("fax");
        v["received_at"] = json!("yesterday");
        v["applicant_id"] = json!("12");
        v["colour"] = json!("blue");
        v.as_object_mut().unwrap().remove("agency_code");
        let errors = DossierSubmission::parse(v.as_object().unwrap(), &key()).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "channel",
            "received_at",
            "applicant_id",
            "colour",
            "agency_code",
        ] {
            assert!(fields.contains(&f), "{f} not in {fields:?}");
        }
    }

    #[test]
    fn completion_before_reception_is_refused() {
        let mut v = valid();
        v["completed_at"] = json!("2026-06-30T10:00:00+07:00");
        let errors = DossierSubmission::parse(v.as_object().unwrap(), &key()).unwrap_err();
        assert_eq!(errors[0].field, "completed_at");
    }
}
