//! From completed dossiers to invitations: shared by `POST /api/v1/dossiers` and
//! `hailong import dossiers`. A batch is stored whole or not at all.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};

use crate::db::{agencies, audit, dossiers, invitations, procedures, questionnaires, DbConnection};
use crate::domain::period::VIETNAM;
use crate::domain::submission::{DossierSubmission, FieldError};
use crate::domain::survey_code::SurveyCode;
use crate::domain::token;
use crate::secret::SecretKey;

pub const MAX_BATCH: usize = 1_000;

pub struct IngestContext<'a> {
    pub secret: &'a SecretKey,
    pub public_url: &'a str,
    pub survey_validity: Duration,
    /// Who sends the batch, for the audit log (an API client's name, or `import:FILE`).
    pub actor: &'a str,
    /// The API client sending it (`None`: a file import). A dossier can be looked up again
    /// (re-sent, its QR code) only by the client that sent it.
    pub client_id: Option<i32>,
    /// When the invitation (and its reminders) go out.
    pub schedule: &'a crate::domain::reminders::Schedule,
}

/// One bad field of one dossier of the batch (`index` counts from 0).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ItemError {
    pub index: usize,
    pub dossier_id: Option<String>,
    pub field: String,
    pub message: String,
}

/// A dossier id that was stored before with other content.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Conflict {
    pub index: usize,
    pub dossier_id: String,
    /// The fields whose values differ from the stored dossier.
    pub differing_fields: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("the batch is empty")]
    Empty,
    #[error("a batch holds at most {MAX_BATCH} dossiers; this one has {0}")]
    TooLarge(usize),
    #[error("{} invalid field(s); nothing was stored", .0.len())]
    Invalid(Vec<ItemError>),
    #[error("{} dossier(s) were sent before with different content; nothing was stored", .0.len())]
    Conflict(Vec<Conflict>),
    #[error("no questionnaire is published")]
    NoQuestionnaire,
    #[error(transparent)]
    Database(#[from] crate::db::DbError),
}

/// The survey issued for one dossier.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Issued {
    pub dossier_id: String,
    /// Absent once the survey has expired: its link is then forgotten.
    pub survey_url: Option<String>,
    /// The same survey as ten digits (`123 456 7890`), for the receipt: typed at the counter's
    /// kiosk or copied from a paper form. Absent with the link.
    pub survey_code: Option<String>,
    pub qr_url: String,
    pub expires_at: DateTime<Utc>,
    /// `created` for a new dossier, `existing` when it had been sent before with the same
    /// content, `expired` when that survey has expired (its link is no longer kept).
    pub status: IssuedStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IssuedStatus {
    Created,
    Existing,
    Expired,
}

impl IssuedStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Existing => "existing",
            Self::Expired => "expired",
        }
    }
}

pub type Parsed = Result<DossierSubmission, Vec<FieldError>>;

pub fn survey_url(public_url: &str, token: &str) -> String {
    format!("{public_url}/s/{token}")
}

fn qr_url(public_url: &str, dossier_id: &str) -> String {
    format!("{public_url}/api/v1/dossiers/{dossier_id}/qr.svg")
}

pub fn ingest(
    conn: &mut DbConnection,
    ctx: &IngestContext<'_>,
    batch: Vec<Parsed>,
) -> Result<Vec<Issued>, IngestError> {
    if batch.is_empty() {
        return Err(IngestError::Empty);
    }
    if batch.len() > MAX_BATCH {
        return Err(IngestError::TooLarge(batch.len()));
    }
    let all_agencies = agencies::all(conn)?;
    let last_days: HashMap<&str, chrono::NaiveDate> = all_agencies
        .iter()
        .filter_map(|a| Some((a.code.as_str(), a.valid_to?)))
        .collect();
    // Read only when a dossier of a closed agency needs its successors named.
    let mut successors: Option<HashMap<String, Vec<String>>> = None;
    let agency_ids: HashMap<&str, i32> = all_agencies
        .iter()
        .map(|a| (a.code.as_str(), a.id))
        .collect();
    let procedure_ids: HashMap<String, i32> = procedures::all(conn)?
        .into_iter()
        .map(|p| (p.code, p.id))
        .collect();

    let mut errors = Vec::new();
    let mut valid = Vec::new();
    let mut seen = HashSet::new();
    for (index, parsed) in batch.into_iter().enumerate() {
        match parsed {
            Err(field_errors) => errors.extend(field_errors.into_iter().map(|e| ItemError {
                index,
                dossier_id: None,
                field: e.field,
                message: e.message,
            })),
            Ok(d) => {
                let mut bad = |field: &str, message: String| {
                    errors.push(ItemError {
                        index,
                        dossier_id: Some(d.dossier_id.clone()),
                        field: field.to_owned(),
                        message,
                    })
                };
                if !agency_ids.contains_key(d.agency_code.as_str()) {
                    bad(
                        "agency_code",
                        format!("no agency has the code {:?}", d.agency_code),
                    );
                }
                // A merged or split unit takes no dossier completed after its last day: that
                // work belongs to a successor, and counting it here would mix populations.
                if let Some(last_day) = last_days.get(d.agency_code.as_str()) {
                    let completed_on = d.completed_at.with_timezone(&VIETNAM).date_naive();
                    if completed_on > *last_day {
                        let successors = match &mut successors {
                            Some(known) => known,
                            None => successors.insert(agencies::successors_by_predecessor(conn)?),
                        };
                        let taken_over_by = successors
                            .get(&d.agency_code)
                            .map(|codes| format!("; its work passed to {}", codes.join(", ")))
                            .unwrap_or_default();
                        bad(
                            "agency_code",
                            format!(
                                "{} closed after {last_day} and this dossier was completed on {completed_on}{taken_over_by}",
                                d.agency_code
                            ),
                        );
                    }
                }
                if !procedure_ids.contains_key(&d.procedure_code) {
                    bad(
                        "procedure_code",
                        format!(
                            "no procedure in the catalogue has the code {:?}",
                            d.procedure_code
                        ),
                    );
                }
                if !seen.insert(d.dossier_id.clone()) {
                    bad("dossier_id", "appears more than once in this batch".into());
                }
                valid.push((index, d));
            }
        }
    }
    if !errors.is_empty() {
        return Err(IngestError::Invalid(errors));
    }

    crate::db::transaction(conn, |conn| {
        // First statement a write: on SQLite the transaction holds the write lock from here on,
        // so concurrent batches wait for each other instead of failing.
        audit::record(
            conn,
            ctx.actor,
            "ingest",
            "dossiers",
            &format!("batch of {}", valid.len()),
        )?;
        let questionnaire_id =
            questionnaires::current_id(conn)?.ok_or(IngestError::NoQuestionnaire)?;
        let now = crate::clock::now();
        let mut issued = Vec::with_capacity(valid.len());
        let mut conflicts = Vec::new();
        for (index, d) in &valid {
            let agency_id = agency_ids[d.agency_code.as_str()];
            let procedure_id = procedure_ids[&d.procedure_code];
            if let Some(stored) = dossiers::find_by_external_id(conn, &d.dossier_id)? {
                // Another integrator's dossier: nothing of it (not even its link) is theirs.
                let differing = if stored.submitted_by == ctx.client_id {
                    differences(&stored, d, agency_id, procedure_id)
                } else {
                    vec!["dossier_id".to_owned()]
                };
                if !differing.is_empty() {
                    conflicts.push(Conflict {
                        index: *index,
                        dossier_id: d.dossier_id.clone(),
                        differing_fields: differing,
                    });
                    continue;
                }
                let invitation = invitations::by_dossier(conn, stored.id)?;
                let token = invitation
                    .as_ref()
                    .and_then(|i| i.token_salt.as_deref())
                    .map(|salt| token::survey_token(ctx.secret, salt));
                let link = token.as_deref().map(|t| survey_url(ctx.public_url, t));
                issued.push(Issued {
                    dossier_id: d.dossier_id.clone(),
                    status: if link.is_some() {
                        IssuedStatus::Existing
                    } else {
                        IssuedStatus::Expired
                    },
                    survey_url: link,
                    survey_code: token
                        .as_deref()
                        .map(|t| SurveyCode::of_token(ctx.secret, t).grouped()),
                    qr_url: qr_url(ctx.public_url, &d.dossier_id),
                    expires_at: invitation
                        .map_or(stored.completed_at, |i| i.expires_at)
                        .and_utc(),
                });
                continue;
            }
            let dossier_id = dossiers::insert(
                conn,
                &dossiers::NewDossier {
                    external_id: d.dossier_id.clone(),
                    agency_id,
                    procedure_id,
                    applicant_kind: d.applicant_kind.as_str().to_owned(),
                    channel: d.channel.as_str().to_owned(),
                    received_at: d.received_at.naive_utc(),
                    due_at: d.due_at.naive_utc(),
                    completed_at: d.completed_at.naive_utc(),
                    applicant_hash: Some(d.applicant_hash.clone()),
                    contact_sealed: super::contact::Contact {
                        phone: d.phone.clone(),
                        email: d.email.clone(),
                        language: d.language.map(|l| l.code().to_owned()),
                    }
                    .seal(ctx.secret),
                    created_at: now.naive_utc(),
                    invited: true,
                    submitted_by: ctx.client_id,
                },
            )?;
            let salt = token::new_salt();
            let token = token::survey_token(ctx.secret, &salt);
            let expires_at = now + ctx.survey_validity;
            let invitation_id = invitations::insert(
                conn,
                &invitations::NewInvitation {
                    dossier_id,
                    token_hash: token::survey_token_hash(ctx.secret, &token),
                    code_hash: Some(
                        SurveyCode::of_token(ctx.secret, &token).lookup_hash(ctx.secret),
                    ),
                    token_salt: Some(salt),
                    questionnaire_id,
                    created_at: now.naive_utc(),
                    expires_at: expires_at.naive_utc(),
                },
            )?;
            if d.phone.is_some() || d.email.is_some() {
                // The invitation goes out now, or in the morning when completed at night.
                let at = ctx.schedule.due(0, now).unwrap_or(now);
                invitations::enqueue_delivery(conn, invitation_id, 0, at.naive_utc())?;
            }
            issued.push(Issued {
                dossier_id: d.dossier_id.clone(),
                survey_url: Some(survey_url(ctx.public_url, &token)),
                survey_code: Some(SurveyCode::of_token(ctx.secret, &token).grouped()),
                qr_url: qr_url(ctx.public_url, &d.dossier_id),
                expires_at,
                status: IssuedStatus::Created,
            });
        }
        if !conflicts.is_empty() {
            return Err(IngestError::Conflict(conflicts));
        }
        Ok(issued)
    })
}

/// Which fields of a re-sent dossier differ from what is stored (contacts are not compared:
/// they are erased after delivery; nor is the applicant once erased at the survey's expiry).
fn differences(
    stored: &dossiers::Dossier,
    d: &DossierSubmission,
    agency_id: i32,
    procedure_id: i32,
) -> Vec<String> {
    let checks = [
        ("agency_code", stored.agency_id == agency_id),
        ("procedure_code", stored.procedure_id == procedure_id),
        (
            "applicant_kind",
            stored.applicant_kind == d.applicant_kind.as_str(),
        ),
        ("channel", stored.channel == d.channel.as_str()),
        (
            "received_at",
            stored.received_at == d.received_at.naive_utc(),
        ),
        ("due_at", stored.due_at == d.due_at.naive_utc()),
        (
            "completed_at",
            stored.completed_at == d.completed_at.naive_utc(),
        ),
        (
            "applicant_id",
            stored
                .applicant_hash
                .as_ref()
                .is_none_or(|h| *h == d.applicant_hash),
        ),
    ];
    checks
        .iter()
        .filter(|(_, same)| !same)
        .map(|(f, _)| (*f).to_owned())
        .collect()
}

/// The survey code (as printed) and link of a stored dossier whose survey is open, for staff
/// to print its receipt again (`hailong kiosk code`).
pub fn code_of(
    conn: &mut DbConnection,
    secret: &SecretKey,
    public_url: &str,
    dossier_id: &str,
) -> crate::db::QueryResult<Option<(String, String)>> {
    let Some(dossier) = dossiers::find_by_external_id(conn, dossier_id)? else {
        return Ok(None);
    };
    let Some(salt) = invitations::by_dossier(conn, dossier.id)?.and_then(|i| i.token_salt) else {
        return Ok(None);
    };
    let token = token::survey_token(secret, &salt);
    Ok(Some((
        SurveyCode::of_token(secret, &token).grouped(),
        survey_url(public_url, &token),
    )))
}

/// The survey link of a stored dossier, for its QR code: only for the API client that sent
/// it, and only while the survey is open (its link is forgotten when it expires).
pub fn link_of(
    conn: &mut DbConnection,
    secret: &SecretKey,
    public_url: &str,
    client_id: i32,
    dossier_id: &str,
) -> crate::db::QueryResult<Option<String>> {
    let Some(dossier) = dossiers::find_by_external_id(conn, dossier_id)?
        .filter(|d| d.submitted_by == Some(client_id))
    else {
        return Ok(None);
    };
    let Some(salt) = invitations::by_dossier(conn, dossier.id)?.and_then(|i| i.token_salt) else {
        return Ok(None);
    };
    Ok(Some(survey_url(
        public_url,
        &token::survey_token(secret, &salt),
    )))
}
