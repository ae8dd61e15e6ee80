//! A response between its submission and its release: sealed under the server secret, so that
//! neither a copy of the database nor staff can read it, or tell when it was given.

use crate::db::QueryResult;

use crate::db::held_responses::{self, HeldRow};
use crate::db::DbConnection;
use crate::domain::response_mode::ResponseMode;
use crate::domain::token;
use crate::secret::SecretKey;

const PURPOSE: &str = "held-response";

/// Everything the response row and its answers will hold, as the survey saw it (the exact
/// procedure: whether to generalise it is decided at release, when more invitations are known).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HeldResponse {
    pub agency_id: i32,
    pub procedure_id: i32,
    pub applicant_kind: String,
    pub channel: String,
    /// `2026-Q3`: the quarter of the dossier's completion.
    pub quarter: String,
    pub questionnaire_version: String,
    pub comment: Option<String>,
    /// (item code, value), skipped items absent.
    pub answers: Vec<(String, i32)>,
    /// Held before modes were recorded: a link's.
    #[serde(default)]
    pub mode: ResponseMode,
    /// The integrity rule it broke (`domain::integrity::Flag`), if any.
    #[serde(default)]
    pub flag: Option<String>,
}

/// Stores a response sealed (inside the submission's transaction).
pub fn hold(
    conn: &mut DbConnection,
    secret: &SecretKey,
    response: &HeldResponse,
) -> QueryResult<()> {
    held_responses::insert(conn, &sealed(secret, response))
}

/// Stores several responses sealed, in one statement (a group of submissions).
pub fn hold_all(
    conn: &mut DbConnection,
    secret: &SecretKey,
    responses: &[HeldResponse],
) -> QueryResult<()> {
    let rows: Vec<HeldRow> = responses.iter().map(|r| sealed(secret, r)).collect();
    held_responses::insert_all(conn, &rows)
}

fn sealed(secret: &SecretKey, response: &HeldResponse) -> HeldRow {
    let plain = serde_json::to_vec(response)
        .unwrap_or_else(|_| unreachable!("a held response always serialises"));
    HeldRow {
        id: token::new_held_id(),
        sealed: secret.seal(PURPOSE, &plain),
    }
}

/// Opens a held row; `None` when it was sealed under another secret or altered.
pub fn open(secret: &SecretKey, row: &HeldRow) -> Option<HeldResponse> {
    let plain = secret.unseal(PURPOSE, &row.sealed)?;
    serde_json::from_slice(&plain).ok()
}
