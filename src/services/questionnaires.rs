//! Questionnaire versions: published once, never changed. `hailong questionnaire publish` and
//! the admin page publish through [`publish`], so both read a pasted or saved file alike: line
//! endings and Unicode normalised before anything is compared or stored.

use hailong_analysis::questionnaire::{Questionnaire, QuestionnaireError};

use crate::db::questionnaires::{self as stored, Publication};
use crate::db::{audit, export, DbConnection, QueryResult};
use crate::domain::text::nfc;

use super::{Refusal, ServiceError};

/// The questionnaire shipped with hailong, published on first start (and on the first start of
/// a database that has only older versions, whose new invitations then use it): 2026.2, short
/// by design (a core and a rotating few, at most 10 questions a respondent).
pub const DEFAULT_QUESTIONNAIRE: &str = include_str!("../../data/questionnaires/2026.2.json");

/// The first version, 2026.1: every respondent is asked every item. The demo's history was
/// collected with it, and the analysis benchmarks measure it (17 answers a response).
pub const FULL_QUESTIONNAIRE: &str = include_str!("../../data/questionnaires/2026.1.json");

/// What publishing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Published {
    /// A new version, now used by new invitations.
    New(String),
    /// This version was published before with the same content: nothing changed.
    Unchanged(String),
}

/// A questionnaire as stored: LF line endings (a browser's form sends CRLF), NFC text.
pub fn normalise(text: &str) -> String {
    nfc(&text.replace("\r\n", "\n").replace('\r', "\n"))
}

fn explain(e: &QuestionnaireError) -> Refusal {
    use QuestionnaireError as E;
    let refusal = |text| Refusal::new("definition", text);
    match e {
        E::Json(detail) => refusal("refusal-questionnaire-json").with("detail", detail),
        E::NoVersion => refusal("refusal-questionnaire-no-version"),
        // A sum as people write it, in each language (1,3 and 1.3).
        E::WeightsDoNotSumToOne(sum) => refusal("refusal-questionnaire-weights").with_named(
            "sum",
            format_sum(*sum, ','),
            format_sum(*sum, '.'),
        ),
        E::BadWeight(code) => refusal("refusal-questionnaire-bad-weight").with("code", code),
        E::DuplicateCode { field, code } => refusal("refusal-questionnaire-duplicate")
            .with("code", code)
            .with("field", field),
        E::UnknownDimension { item, dimension } => {
            refusal("refusal-questionnaire-unknown-dimension")
                .with("item", item)
                .with("dimension", dimension)
        }
        E::MissingDirection(item) => {
            refusal("refusal-questionnaire-missing-direction").with("item", item)
        }
        E::UnexpectedDirection(item) => {
            refusal("refusal-questionnaire-unexpected-direction").with("item", item)
        }
        E::UnknownCoreItem(code) => {
            refusal("refusal-questionnaire-unknown-core").with("code", code)
        }
        E::UnknownChannel { item, channel } => refusal("refusal-questionnaire-unknown-channel")
            .with("item", item)
            .with("channel", channel),
        E::RotateTooLarge { rotate, others } => refusal("refusal-questionnaire-rotate")
            .with("rotate", rotate)
            .with("others", others),
        E::EmptyDimension(dimension) => {
            refusal("refusal-questionnaire-empty-dimension").with("dimension", dimension)
        }
        E::MissingVietnamese(field, code) => refusal("refusal-questionnaire-no-vietnamese")
            .with("code", code)
            .with("field", field),
        E::TooManyItems(count) => {
            refusal("refusal-questionnaire-too-many-items").with("count", count)
        }
    }
}

/// A sum of weights as a reader would write it: 1.3, not 1.2999999999999998.
fn format_sum(sum: f64, decimal: char) -> String {
    let text = format!("{:.6}", sum);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.replace('.', &decimal.to_string())
}

/// Publishes a version, audited; a published version is never changed.
pub fn publish(
    conn: &mut DbConnection,
    actor: &str,
    text: &str,
) -> Result<Published, ServiceError> {
    let definition = normalise(text);
    let questionnaire = Questionnaire::from_json(&definition).map_err(|e| explain(&e))?;
    let version = questionnaire.version.clone();
    crate::db::transaction(conn, |conn| {
        if let Some(existing) = stored::by_version(conn, &version)? {
            if normalise(&existing.definition) == definition {
                return Ok(Published::Unchanged(version));
            }
            return Err(
                Refusal::conflict("definition", "refusal-questionnaire-version-taken")
                    .with("version", &version)
                    .into(),
            );
        }
        match stored::publish(conn, &version, &definition)? {
            Publication::Published => {
                audit::record(conn, actor, "questionnaire.publish", &version, "")?;
                Ok(Published::New(version))
            }
            Publication::AlreadyPublished | Publication::VersionTaken => {
                Ok(Published::Unchanged(version))
            }
        }
    })
}

/// Publishes the shipped questionnaire if its version is not in the database yet.
pub fn ensure_default(conn: &mut DbConnection) -> anyhow::Result<()> {
    let q = Questionnaire::from_json(DEFAULT_QUESTIONNAIRE)?;
    stored::publish_if_absent(
        conn,
        &q.version,
        DEFAULT_QUESTIONNAIRE,
        crate::clock::now().naive_utc(),
    )?;
    Ok(())
}

/// Publishes the first version as of `at`, before the default (the demo's history began
/// before the default was published, and the newest published version is the current one).
pub fn ensure_first(conn: &mut DbConnection, at: chrono::NaiveDateTime) -> anyhow::Result<()> {
    let q = Questionnaire::from_json(FULL_QUESTIONNAIRE)?;
    stored::publish_if_absent(conn, &q.version, FULL_QUESTIONNAIRE, at)?;
    Ok(())
}

/// Every published version with its number of items, oldest first.
pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<(String, usize)>> {
    Ok(export::questionnaire_versions(conn)?
        .into_iter()
        .map(|(version, json)| {
            let items = Questionnaire::from_json(&json).map_or(0, |q| q.items.len());
            (version, items)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pasted_file_with_crlf_is_the_same_file() {
        assert_eq!(normalise("{\r\n\"a\": 1\r\n}\r\n"), "{\n\"a\": 1\n}\n");
        assert_eq!(normalise(DEFAULT_QUESTIONNAIRE), DEFAULT_QUESTIONNAIRE);
        assert_eq!(normalise(FULL_QUESTIONNAIRE), FULL_QUESTIONNAIRE);
    }

    #[test]
    fn a_sum_of_weights_reads_as_people_write_it() {
        assert_eq!(format_sum(1.2999999999999998, ','), "1,3");
        assert_eq!(format_sum(0.95, '.'), "0.95");
    }
}
