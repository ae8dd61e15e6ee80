//! A survey link's life: opened (the questionnaire of its invitation), answered exactly once,
//! stored without anything that leads back to the dossier, the person or the link (see
//! `privacy`).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use hailong_analysis::questionnaire::Questionnaire;

use crate::db::group_commit::Batch;
use crate::db::{invitations, questionnaires, spent_links, DbConnection, DbError, Rollback};
use crate::domain::agency::SurveyPolicy;
use crate::domain::answers::ValidAnswers;
use crate::domain::integrity::Flag;
use crate::domain::period::Quarter;
use crate::domain::survey_code::SurveyCode;
use crate::domain::token;
use crate::secret::SecretKey;
use crate::services::eid::sign_in;
use crate::services::integrity::{self, Answering, LinkAnswer};
use crate::services::privacy::held::{self, HeldResponse};

/// What a survey page needs to know; deliberately without the dossier id or identity.
#[derive(Debug, Clone)]
pub struct OpenSurvey {
    pub invitation_id: i32,
    /// The mark this link leaves once answered (`domain::token::spent_key`).
    pub spent_key: Vec<u8>,
    pub agency_id: i32,
    pub agency_name_vi: String,
    pub agency_name_en: String,
    /// How to reach the agency about the dossier, for the thank-you page.
    pub agency_contact: Option<String>,
    pub procedure_id: i32,
    pub procedure_name_vi: String,
    pub procedure_name_en: String,
    pub applicant_kind: String,
    pub channel: String,
    pub quarter: Quarter,
    pub questionnaire: Arc<Questionnaire>,
    /// The items this respondent is asked (`domain::survey_plan`): drawn once per link.
    pub asked: std::collections::BTreeSet<String>,
    pub policy: SurveyPolicy,
}

/// Published questionnaires, parsed once: a published version never changes, and parsing one
/// on every survey page would cost more than the rest of the page.
#[derive(Default)]
pub struct Questionnaires(RwLock<HashMap<i32, Arc<Questionnaire>>>);

impl Questionnaires {
    /// The newest published questionnaire (the one new invitations use), parsed once.
    pub fn newest(
        &self,
        conn: &mut DbConnection,
    ) -> Result<Option<Arc<Questionnaire>>, SurveyError> {
        match questionnaires::current_id(conn)? {
            Some(id) => self.get(conn, id).map(Some),
            None => Ok(None),
        }
    }

    /// Every published questionnaire, oldest first, each parsed once.
    pub fn every(&self, conn: &mut DbConnection) -> Result<Vec<Arc<Questionnaire>>, SurveyError> {
        questionnaires::ids(conn)?
            .into_iter()
            .map(|id| self.get(conn, id))
            .collect()
    }

    pub fn get(&self, conn: &mut DbConnection, id: i32) -> Result<Arc<Questionnaire>, SurveyError> {
        if let Some(q) = self.0.read().ok().and_then(|m| m.get(&id).cloned()) {
            return Ok(q);
        }
        let stored = questionnaires::by_id(conn, id)?;
        let parsed =
            Arc::new(Questionnaire::from_json(&stored.definition).map_err(|e| {
                SurveyError::BadQuestionnaire(stored.version.clone(), e.to_string())
            })?);
        if let Ok(mut map) = self.0.write() {
            map.insert(id, parsed.clone());
        }
        Ok(parsed)
    }
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
    Database(#[from] crate::db::DbError),
    #[error("stored questionnaire {0} is not valid: {1}")]
    BadQuestionnaire(String, String),
    #[error("stored survey policy is not valid: {0}")]
    BadPolicy(String),
}

pub fn open(
    conn: &mut DbConnection,
    secret: &SecretKey,
    questionnaires: &Questionnaires,
    raw_token: &str,
) -> Result<TokenState, SurveyError> {
    if !token::looks_like_token(raw_token) {
        return Ok(TokenState::Unknown);
    }
    let spent_key = token::spent_key(secret, raw_token);
    let Some(found) = invitations::survey_context(
        conn,
        &token::survey_token_hash(secret, raw_token),
        &spent_key,
    )?
    else {
        return Ok(TokenState::Unknown);
    };
    if found.spent {
        return Ok(TokenState::Answered);
    }
    if found.invitation.expires_at <= crate::clock::now().naive_utc() {
        return Ok(TokenState::Expired);
    }
    let questionnaire = questionnaires.get(conn, found.invitation.questionnaire_id)?;
    let asked = crate::domain::survey_plan::asked(&questionnaire, &found.channel, || {
        secret.keyed_hash("survey-plan", raw_token.as_bytes())
    });
    let policy = found
        .survey_policy
        .parse::<SurveyPolicy>()
        .map_err(|e| SurveyError::BadPolicy(e.to_string()))?;
    Ok(TokenState::Open(Box::new(OpenSurvey {
        invitation_id: found.invitation.id,
        spent_key,
        agency_id: found.agency_id,
        agency_name_vi: found.agency_name_vi,
        agency_name_en: found.agency_name_en,
        agency_contact: found.agency_contact,
        procedure_id: found.procedure_id,
        procedure_name_vi: found.procedure_name_vi,
        procedure_name_en: found.procedure_name_en,
        applicant_kind: found.applicant_kind,
        channel: found.channel,
        quarter: Quarter::of_instant(found.completed_at.and_utc()),
        asked,
        questionnaire,
        policy,
    })))
}

/// An invitation found by its receipt's survey code: its dossier's agency, and its link's token
/// while it has one (until the survey expires).
#[derive(Debug, Clone)]
pub struct Coded {
    pub agency_id: i32,
    pub token: Option<String>,
}

/// The invitations (one, but for a rare clash of codes) whose survey code is `code`.
pub fn by_code(
    conn: &mut DbConnection,
    secret: &SecretKey,
    code: &SurveyCode,
) -> crate::db::QueryResult<Vec<Coded>> {
    Ok(invitations::by_code_hash(conn, &code.lookup_hash(secret))?
        .into_iter()
        .map(|(invitation, agency_id)| Coded {
            agency_id,
            token: invitation
                .token_salt
                .map(|salt| token::survey_token(secret, &salt)),
        })
        .collect())
}

/// What became of a submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmitOutcome {
    Stored,
    /// Another submission got there first (a double click, a second device).
    AlreadyAnswered,
    /// A `verified` survey without a valid e-ID sign-in for this invitation.
    SignInNeeded,
    /// The applicant has answered as many surveys today as allowed.
    DailyLimitReached,
}

/// The e-ID sign-in a `verified` survey's submission presents: the browser's handle.
pub struct SignInProof<'a> {
    pub handle: &'a str,
    pub daily_limit: u32,
}

/// Stores the response if the link is not spent yet (and, for a `verified` survey, the browser
/// has signed in as the applicant). One transaction, and nothing in it names the invitation or
/// the dossier: the link is spent under a key the database alone cannot join to the invitation,
/// the response is held sealed until a release (`privacy::release`), and the sign-in row names
/// its invitation only sealed.
pub fn submit(
    conn: &mut DbConnection,
    secret: &SecretKey,
    survey: &OpenSurvey,
    answers: &ValidAnswers,
    proof: Option<&SignInProof<'_>>,
    how: &Answering,
) -> Result<SubmitOutcome, SurveyError> {
    let result = crate::db::transaction(conn, |conn| {
        store(conn, secret, survey, answers, proof, how)
    });
    match result {
        Ok(outcome) | Err(Rollback::Because(outcome)) => Ok(outcome),
        Err(Rollback::Failed(e)) => Err(e.into()),
    }
}

/// The writes of [`submit`] without a transaction of their own, for a caller that runs them in
/// one (the group commit runs each submission in a savepoint: a second, nested one would cost
/// PostgreSQL two more round trips). Any outcome but `Stored` comes back as
/// `Rollback::Because`, so that the caller's transaction undoes what was written.
pub fn store(
    conn: &mut DbConnection,
    secret: &SecretKey,
    survey: &OpenSurvey,
    answers: &ValidAnswers,
    proof: Option<&SignInProof<'_>>,
    how: &Answering,
) -> Result<SubmitOutcome, Rollback<SubmitOutcome>> {
    if !spent_links::spend(conn, &survey.spent_key, &survey.quarter.to_string())? {
        return Err(Rollback::Because(SubmitOutcome::AlreadyAnswered));
    }
    if survey.policy == SurveyPolicy::Verified {
        let Some(proof) = proof else {
            return Err(Rollback::Because(SubmitOutcome::SignInNeeded));
        };
        if !sign_in::consume(conn, secret, proof.handle, survey.invitation_id)? {
            return Err(Rollback::Because(SubmitOutcome::SignInNeeded));
        }
        if !sign_in::count_answer(conn, secret, survey.invitation_id, proof.daily_limit)? {
            return Err(Rollback::Because(SubmitOutcome::DailyLimitReached));
        }
    }
    let flag = integrity::count_and_judge(
        conn,
        secret,
        &survey.questionnaire,
        &answers.values,
        how,
        &survey.spent_key,
        crate::clock::now(),
    )?;
    held::hold(conn, secret, &held_response(survey, answers, how, flag))?;
    Ok(SubmitOutcome::Stored)
}

/// A link survey's answers on their way to the group commit, to be written with the others of
/// the group ([`LinkSubmissions`]). Only for a survey that needs no sign-in: one that does is
/// submitted alone, with its proof ([`store`]).
pub struct Submission {
    pub survey: Arc<OpenSurvey>,
    pub answers: ValidAnswers,
    pub how: Answering,
}

/// Link submissions written together: a statement for all the group's spent links, one for
/// their addresses' counters, one for their held responses (`db::group_commit::Batch`).
pub struct LinkSubmissions {
    pub secret: SecretKey,
}

impl Batch for LinkSubmissions {
    type Item = Submission;
    type Outcome = SubmitOutcome;
    type Error = SurveyError;

    fn write_all(
        &self,
        conn: &mut DbConnection,
        items: &[Submission],
    ) -> Result<Vec<SubmitOutcome>, SurveyError> {
        Ok(store_all(conn, &self.secret, items)?)
    }

    fn write_one(
        &self,
        conn: &mut DbConnection,
        item: &Submission,
    ) -> Result<SubmitOutcome, SurveyError> {
        submit(
            conn,
            &self.secret,
            &item.survey,
            &item.answers,
            None,
            &item.how,
        )
    }
}

/// [`store`] for many submissions at once, with the same outcomes as storing them one after
/// the other in this order: the first of several submissions of one link is stored, the rest
/// find it answered; a survey that needs a sign-in is not stored (there is no proof here).
/// Nothing is written for a submission that is not stored.
pub fn store_all(
    conn: &mut DbConnection,
    secret: &SecretKey,
    items: &[Submission],
) -> Result<Vec<SubmitOutcome>, DbError> {
    let mut outcomes = vec![SubmitOutcome::AlreadyAnswered; items.len()];
    let mut links = std::collections::HashSet::new();
    let mut candidates = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        if item.survey.policy == SurveyPolicy::Verified {
            outcomes[i] = SubmitOutcome::SignInNeeded;
        } else if links.insert(item.survey.spent_key.as_slice()) {
            candidates.push(i);
        }
    }
    if candidates.is_empty() {
        return Ok(outcomes);
    }
    let quarters: Vec<String> = candidates
        .iter()
        .map(|&i| items[i].survey.quarter.to_string())
        .collect();
    let rows: Vec<(&[u8], &str)> = candidates
        .iter()
        .zip(&quarters)
        .map(|(&i, quarter)| (items[i].survey.spent_key.as_slice(), quarter.as_str()))
        .collect();
    let spent: std::collections::HashSet<Vec<u8>> =
        spent_links::spend_all(conn, &rows)?.into_iter().collect();
    candidates.retain(|&i| spent.contains(&items[i].survey.spent_key));
    if candidates.is_empty() {
        return Ok(outcomes);
    }
    let judged: Vec<LinkAnswer<'_>> = candidates
        .iter()
        .map(|&i| LinkAnswer {
            questionnaire: &items[i].survey.questionnaire,
            values: &items[i].answers.values,
            how: &items[i].how,
            link: &items[i].survey.spent_key,
        })
        .collect();
    let flags = integrity::count_and_judge_links(conn, secret, &judged, crate::clock::now())?;
    let responses: Vec<HeldResponse> = candidates
        .iter()
        .zip(flags)
        .map(|(&i, flag)| held_response(&items[i].survey, &items[i].answers, &items[i].how, flag))
        .collect();
    held::hold_all(conn, secret, &responses)?;
    for &i in &candidates {
        outcomes[i] = SubmitOutcome::Stored;
    }
    Ok(outcomes)
}

/// The response a submission holds until its release.
fn held_response(
    survey: &OpenSurvey,
    answers: &ValidAnswers,
    how: &Answering,
    flag: Option<Flag>,
) -> HeldResponse {
    HeldResponse {
        agency_id: survey.agency_id,
        procedure_id: survey.procedure_id,
        applicant_kind: survey.applicant_kind.clone(),
        channel: survey.channel.clone(),
        quarter: survey.quarter.to_string(),
        questionnaire_version: survey.questionnaire.version.clone(),
        comment: answers.comment.clone(),
        answers: answers
            .values
            .iter()
            .map(|(item, value)| (item.clone(), *value))
            .collect(),
        mode: how.mode,
        flag: flag.map(|flag| flag.as_str().to_owned()),
    }
}
