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
    let (vi, en) = match e {
        E::Json(detail) => (
            format!("Đây không phải là một bộ câu hỏi JSON hợp lệ ({detail})."),
            format!("This is not a valid questionnaire in JSON ({detail})."),
        ),
        E::NoVersion => (
            "Trường “version” không được để trống.".to_owned(),
            "The field “version” must not be empty.".to_owned(),
        ),
        E::WeightsDoNotSumToOne(sum) => (
            format!(
                "Tổng trọng số các nhóm tiêu chí là {}, phải bằng 1.",
                format_sum(*sum, ',')
            ),
            format!(
                "The dimensions' weights sum to {}; they must sum to 1.",
                format_sum(*sum, '.')
            ),
        ),
        E::BadWeight(code) => (
            format!("Trọng số của nhóm “{code}” âm hoặc không phải là số."),
            format!("The weight of dimension “{code}” is negative or not a number."),
        ),
        E::DuplicateCode { field, code } => (
            format!("Mã “{code}” xuất hiện hai lần trong “{field}”."),
            format!("The code “{code}” appears twice in “{field}”."),
        ),
        E::UnknownDimension { item, dimension } => (
            format!("Câu hỏi “{item}” thuộc nhóm “{dimension}” không có trong “dimensions”."),
            format!(
                "Item “{item}” names the dimension “{dimension}”, which is not in “dimensions”."
            ),
        ),
        E::MissingDirection(item) => (
            format!("Câu hỏi có/không “{item}” cần “direction”: positive hoặc negative."),
            format!("The yes/no item “{item}” needs a “direction”: positive or negative."),
        ),
        E::UnexpectedDirection(item) => (
            format!("Câu hỏi thang 5 mức “{item}” phải có “direction” là null."),
            format!("The five-level item “{item}” must have “direction” null."),
        ),
        E::UnknownCoreItem(code) => (
            format!("“core” nêu “{code}”, không phải một câu hỏi của bộ câu hỏi."),
            format!("“core” names “{code}”, which is not an item."),
        ),
        E::UnknownChannel { item, channel } => (
            format!(
                "Câu hỏi “{item}” nêu kênh “{channel}”; các kênh là online, counter, postal."
            ),
            format!("Item “{item}” names the channel “{channel}”; channels are online, counter, postal."),
        ),
        E::RotateTooLarge { rotate, others } => (
            format!("“rotate” là {rotate}, nhiều hơn {others} câu hỏi ngoài phần cốt lõi."),
            format!("“rotate” is {rotate}, more than the {others} items outside the core."),
        ),
        E::EmptyDimension(dimension) => (
            format!("Nhóm “{dimension}” không có câu hỏi nào."),
            format!("The dimension “{dimension}” has no item."),
        ),
        E::MissingVietnamese(field, code) => (
            format!("“{code}” trong “{field}” không có nội dung tiếng Việt (“texts”: {{\"vi\": …}})."),
            format!("“{code}” in “{field}” has no Vietnamese text (“texts”: {{\"vi\": …}})."),
        ),
        E::TooManyItems(count) => (
            format!("Bảng hỏi có {count} câu hỏi; tối đa là 65.535."),
            format!("The questionnaire has {count} items; at most 65,535."),
        ),
    };
    Refusal::new("definition", vi, en)
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
            return Err(Refusal::conflict(
                "definition",
                format!(
                    "Phiên bản {version} đã được công bố với nội dung khác; phiên bản đã công bố không bao giờ thay đổi. Hãy đặt số phiên bản mới."
                ),
                format!(
                    "Version {version} is already published with other content, and a published version never changes: give this one a new version."
                ),
            )
            .into());
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
        chrono::Utc::now().naive_utc(),
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
