//! A survey link's life: opened (the questionnaire of its invitation), answered exactly once,
//! stored without anything that leads back to the dossier, the person or the link.

use chrono::Utc;
use diesel::Connection;
use hailong_analysis::questionnaire::Questionnaire;

use crate::db::{
    agencies, dossiers, invitations, procedures, questionnaires, responses, DbConnection,
};
use crate::domain::answers::ValidAnswers;
use crate::domain::period::Quarter;
use crate::domain::token;
use crate::secret::SecretKey;

/// What a survey page needs to know; deliberately without the dossier id or identity.
#[derive(Debug, Clone)]
pub struct OpenSurvey {
    pub invitation_id: i32,
    pub agency_id: i32,
    pub agency_name_vi: String,
    pub agency_name_en: String,
    pub procedure_id: i32,
    pub procedure_name_vi: String,
    pub procedure_name_en: String,
    pub applicant_kind: String,
    pub channel: String,
    pub quarter: Quarter,
    pub questionnaire: Questionnaire,
}

#[derive(Debug)]
pub enum TokenState {
    Open(Box<OpenSurvey>),
    Answered,
    Expired,
    Unknown,
}

#[derive(Debug, thiserror::Error)]
pub enum SurveyError {
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error("stored questionnaire {0} is not valid: {1}")]
    BadQuestionnaire(String, String),
}

pub fn open(
    conn: &mut DbConnection,
    secret: &SecretKey,
    raw_token: &str,
) -> Result<TokenState, SurveyError> {
    if !token::looks_like_token(raw_token) {
        return Ok(TokenState::Unknown);
    }
    let Some(invitation) =
        invitations::by_token_hash(conn, &token::survey_token_hash(secret, raw_token))?
    else {
        return Ok(TokenState::Unknown);
    };
    if invitation.answered {
        return Ok(TokenState::Answered);
    }
    if invitation.expires_at <= Utc::now().naive_utc() {
        return Ok(TokenState::Expired);
    }
    let dossier = dossiers::by_id(conn, invitation.dossier_id)?;
    let agency = agencies::by_id(conn, dossier.agency_id)?;
    let procedure = procedures::by_id(conn, dossier.procedure_id)?;
    let stored = questionnaires::by_id(conn, invitation.questionnaire_id)?;
    let questionnaire = Questionnaire::from_json(&stored.definition)
        .map_err(|e| SurveyError::BadQuestionnaire(stored.version.clone(), e.to_string()))?;
    Ok(TokenState::Open(Box::new(OpenSurvey {
        invitation_id: invitation.id,
        agency_id: agency.id,
        agency_name_vi: agency.name_vi,
        agency_name_en: agency.name_en,
        procedure_id: procedure.id,
        procedure_name_vi: procedure.name_vi,
        procedure_name_en: procedure.name_en,
        applicant_kind: dossier.applicant_kind,
        channel: dossier.channel,
        quarter: Quarter::of_instant(dossier.completed_at.and_utc()),
        questionnaire,
    })))
}

/// Stores the response if the invitation is still unanswered; `false` when another submission
/// got there first (a double click, a second device). One transaction: the claim and the
/// response land together or not at all.
pub fn submit(
    conn: &mut DbConnection,
    survey: &OpenSurvey,
    answers: &ValidAnswers,
) -> Result<bool, SurveyError> {
    let response_id = token::new_response_id();
    let response = responses::Response {
        id: response_id.clone(),
        agency_id: survey.agency_id,
        procedure_id: survey.procedure_id,
        applicant_kind: survey.applicant_kind.clone(),
        channel: survey.channel.clone(),
        quarter: survey.quarter.to_string(),
        questionnaire_version: survey.questionnaire.version.clone(),
        comment: answers.comment.clone(),
    };
    let rows: Vec<responses::Answer> = answers
        .values
        .iter()
        .map(|(item, value)| responses::Answer {
            response_id: response_id.clone(),
            item_code: item.clone(),
            value: *value,
        })
        .collect();
    let stored = conn.transaction(|conn| {
        if !invitations::claim(conn, survey.invitation_id)? {
            return Ok::<_, diesel::result::Error>(false);
        }
        responses::insert(conn, &response, &rows)?;
        Ok(true)
    })?;
    Ok(stored)
}

/// The questionnaire shipped with hailong, published on first start.
pub const DEFAULT_QUESTIONNAIRE: &str = include_str!("../data/questionnaires/2026.1.json");

/// Publishes the shipped questionnaire if its version is not in the database yet.
pub fn ensure_default_questionnaire(conn: &mut DbConnection) -> anyhow::Result<()> {
    let q = Questionnaire::from_json(DEFAULT_QUESTIONNAIRE)?;
    questionnaires::publish_if_absent(conn, &q.version, DEFAULT_QUESTIONNAIRE)?;
    Ok(())
}
