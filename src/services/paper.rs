//! Paper forms: printed per questionnaire version and language with the survey code of the
//! receipt, returned, and entered twice by two different staff members of the province.
//! Matching entries become the form's response (stored as any other, `mode = paper`, spending
//! the survey's one answer: a code answered by link or at a kiosk is refused here, and the
//! other way round); entries that differ wait in a reconciliation list where a third person
//! decides. Entries are kept sealed, under a key of the code no copy of the database can join
//! to its invitation, and deleted once the response is stored.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use hailong_analysis::questionnaire::Questionnaire;

use super::surveys::{self, OpenSurvey, Questionnaires, SubmitOutcome, SurveyError, TokenState};
use crate::db::paper_entries::{self, PaperRow, MISMATCH, WAITING};
use crate::db::{audit, DbConnection, QueryResult};
use crate::domain::agency::SurveyPolicy;
use crate::domain::answers::AnswerProblem;
use crate::domain::integrity::Thresholds;
use crate::domain::paper_entry::PaperEntry;
use crate::domain::response_mode::ResponseMode;
use crate::domain::survey_code::{CodeProblem, SurveyCode};
use crate::secret::SecretKey;
use crate::services::integrity::Answering;
use crate::services::Refusal;

const PURPOSE: &str = "paper-entry";

/// What an entry did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entered {
    /// The first entry: the form waits for someone else's.
    Waiting,
    /// The second entry matched the first: the form's response is stored.
    Stored,
    /// The second entry differs from the first on these questions: the form waits for a
    /// decision.
    Mismatch(Vec<String>),
}

/// Why an entry (or a decision) was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// No survey has this code.
    Unknown,
    /// Two open surveys drew this code (one in a few thousand at a million open): the citizen
    /// answers by link instead.
    Ambiguous,
    Answered,
    Expired,
    /// The agency's surveys need an e-ID sign-in, which a paper form cannot give.
    NeedsSignIn,
    /// The form was printed for another questionnaire version than the one chosen.
    OtherVersion(String),
    /// The same person entered this form already: the second entry must be someone else's.
    SameEnterer,
    /// The form's entries differ and wait for a decision.
    AwaitingDecision,
    /// The decision is not the entrants': a third person decides.
    NotAThirdPerson,
    /// Nothing waits for a decision under this number (decided meanwhile).
    NoSuchEntry,
}

pub type Outcome<T> = Result<Result<T, Refused>, SurveyError>;

/// A mistyped survey code, refused on the code field.
pub fn code_refusal(problem: CodeProblem) -> Refusal {
    let text = match problem {
        CodeProblem::Length => "staff-paper-a-survey-code-has-10-digits",
        CodeProblem::NotDigits => "staff-paper-a-survey-code-has-only-digits",
        CodeProblem::Check => "staff-paper-a-digit-was-mistyped-or-two",
    };
    Refusal::new("code", text)
}

impl Refused {
    /// The refusal as said to staff: on the form's code, or (for a decision) on the entry.
    pub fn refusal(&self) -> Refusal {
        let text = match self {
            Refused::Unknown | Refused::NoSuchEntry => "staff-paper-no-survey-has-this-code",
            Refused::Ambiguous => "staff-paper-this-code-clashes-with-another-open",
            Refused::Answered => "staff-paper-this-dossier-was-rated-already-by",
            Refused::Expired => "staff-paper-the-survey-of-this-dossier-has",
            Refused::NeedsSignIn => "staff-paper-this-agency-s-surveys-need-an",
            Refused::OtherVersion(version) => {
                return Refusal::new("version", "staff-paper-other-version")
                    .with("version", version);
            }
            Refused::SameEnterer => "staff-paper-you-entered-this-form-already-the",
            Refused::AwaitingDecision => "staff-paper-the-two-entries-of-this-form",
            Refused::NotAThirdPerson => "staff-paper-someone-who-entered-the-form-does",
        };
        let field = match self {
            Refused::NoSuchEntry | Refused::NotAThirdPerson => "entry",
            _ => "code",
        };
        Refusal::new(field, text)
    }
}

fn form_key(secret: &SecretKey, code: &SurveyCode) -> Vec<u8> {
    secret
        .keyed_hash("paper-form", code.grouped().as_bytes())
        .to_vec()
}

fn seal(secret: &SecretKey, entry: &PaperEntry) -> Vec<u8> {
    let plain = serde_json::to_vec(entry)
        .unwrap_or_else(|_| unreachable!("a paper entry always serialises"));
    secret.seal(PURPOSE, &plain)
}

/// Opens a stored entry; `None` when sealed under another secret or altered.
pub fn open(secret: &SecretKey, row: &PaperRow) -> Option<PaperEntry> {
    serde_json::from_slice(&secret.unseal(PURPOSE, &row.sealed)?).ok()
}

/// The open survey behind a form's code.
fn survey_of(
    conn: &mut DbConnection,
    secret: &SecretKey,
    questionnaires: &Questionnaires,
    code: &SurveyCode,
) -> Outcome<Box<OpenSurvey>> {
    let coded = surveys::by_code(conn, secret, code)?;
    let coded = match coded.as_slice() {
        [] => return Ok(Err(Refused::Unknown)),
        [one] => one,
        _ => return Ok(Err(Refused::Ambiguous)),
    };
    let Some(token) = &coded.token else {
        return Ok(Err(Refused::Expired));
    };
    Ok(match surveys::open(conn, secret, questionnaires, token)? {
        TokenState::Open(survey) if survey.policy == SurveyPolicy::Verified => {
            Err(Refused::NeedsSignIn)
        }
        TokenState::Open(survey) => Ok(survey),
        TokenState::Answered => Err(Refused::Answered),
        TokenState::Expired => Err(Refused::Expired),
        TokenState::Unknown => Err(Refused::Unknown),
    })
}

/// The questionnaire a form's code was issued with (to show its questions), or why not.
pub fn questionnaire_of(
    conn: &mut DbConnection,
    secret: &SecretKey,
    questionnaires: &Questionnaires,
    code: &SurveyCode,
) -> Outcome<std::sync::Arc<Questionnaire>> {
    Ok(survey_of(conn, secret, questionnaires, code)?.map(|s| s.questionnaire.clone()))
}

/// Ends a transaction early: with a refusal (rolled back), or a failure.
enum Abort {
    Refused(Refused),
    Failed(SurveyError),
}

impl From<crate::db::DbError> for Abort {
    fn from(e: crate::db::DbError) -> Self {
        Self::Failed(e.into())
    }
}

impl From<SurveyError> for Abort {
    fn from(e: SurveyError) -> Self {
        Self::Failed(e)
    }
}

fn finish<T>(result: Result<T, Abort>) -> Outcome<T> {
    match result {
        Ok(done) => Ok(Ok(done)),
        Err(Abort::Refused(refused)) => Ok(Err(refused)),
        Err(Abort::Failed(e)) => Err(e),
    }
}

/// Stores the form's response from `entry` and forgets its entries (inside the caller's
/// transaction).
fn store(
    conn: &mut DbConnection,
    secret: &SecretKey,
    survey: &OpenSurvey,
    key: &[u8],
    entry: &PaperEntry,
    thresholds: Thresholds,
) -> Result<Entered, Abort> {
    let how = Answering::plain(ResponseMode::Paper, thresholds);
    match surveys::submit(conn, secret, survey, &entry.answers(), None, &how)? {
        SubmitOutcome::Stored => {
            paper_entries::delete_form(conn, key)?;
            Ok(Entered::Stored)
        }
        // Answered by link or at a kiosk a moment ago: the next entry finds it answered and
        // forgets this form's entries.
        _ => Err(Abort::Refused(Refused::Answered)),
    }
}

/// The survey behind a form's code, or why not; a form whose survey was answered or expired
/// meanwhile can never be stored, and its entries are forgotten.
fn survey_or_forget(
    conn: &mut DbConnection,
    secret: &SecretKey,
    questionnaires: &Questionnaires,
    code: &SurveyCode,
) -> Outcome<Box<OpenSurvey>> {
    let found = survey_of(conn, secret, questionnaires, code)?;
    if let Err(Refused::Answered | Refused::Expired) = found {
        paper_entries::delete_form(conn, &form_key(secret, code))?;
    }
    Ok(found)
}

/// One staff member's entry of a returned form.
pub fn enter(
    conn: &mut DbConnection,
    secret: &SecretKey,
    questionnaires: &Questionnaires,
    user_id: i32,
    entry: &PaperEntry,
    now: NaiveDateTime,
    thresholds: Thresholds,
) -> Outcome<Entered> {
    let Ok(code) = SurveyCode::parse(&entry.code) else {
        return Ok(Err(Refused::Unknown));
    };
    let survey = match survey_or_forget(conn, secret, questionnaires, &code)? {
        Ok(survey) => survey,
        Err(refused) => return Ok(Err(refused)),
    };
    if survey.questionnaire.version != entry.questionnaire_version {
        return Ok(Err(Refused::OtherVersion(
            survey.questionnaire.version.clone(),
        )));
    }
    let key = form_key(secret, &code);
    finish(crate::db::transaction(conn, |conn| {
        // Two people entering the same form at once take turns.
        paper_entries::lock_form(conn, &key)?;
        let rows = paper_entries::of_form(conn, &key)?;
        let entered = match rows.as_slice() {
            [] => {
                paper_entries::insert(conn, &key, user_id, &seal(secret, entry), WAITING, now)?;
                Ok(Entered::Waiting)
            }
            [first] if first.state == WAITING && first.entered_by == user_id => {
                Err(Abort::Refused(Refused::SameEnterer))
            }
            [first] if first.state == WAITING => {
                let earlier = open(secret, first);
                if earlier.as_ref() == Some(entry) {
                    store(conn, secret, &survey, &key, entry, thresholds)
                } else {
                    let differences = earlier
                        .map(|e| e.differences(entry, &survey.questionnaire))
                        .unwrap_or_default();
                    paper_entries::insert(
                        conn,
                        &key,
                        user_id,
                        &seal(secret, entry),
                        MISMATCH,
                        now,
                    )?;
                    paper_entries::set_state(conn, &key, MISMATCH)?;
                    Ok(Entered::Mismatch(differences))
                }
            }
            _ => Err(Abort::Refused(Refused::AwaitingDecision)),
        }?;
        let detail = match &entered {
            Entered::Waiting => "first entry",
            Entered::Stored => "second entry matched: stored",
            Entered::Mismatch(_) => "second entry differs: to decide",
        };
        audit::record(
            conn,
            &format!("user:{user_id}"),
            "paper.enter",
            "paper form",
            detail,
        )?;
        Ok(entered)
    }))
}

/// A form as typed on the entry page: the version chosen, the code and the answer fields.
#[derive(Debug, Clone, Default)]
pub struct TypedForm {
    pub version: String,
    pub code: String,
    pub fields: BTreeMap<String, String>,
}

/// What became of a typed form.
#[derive(Debug)]
pub enum TypedOutcome {
    /// The code is mistyped (its problem, said on the code field).
    BadCode(Refusal),
    /// The fields do not read as the version's answers (each field's problem).
    Unreadable(BTreeMap<String, AnswerProblem>),
    /// The form cannot be entered (answered, expired, entered by the same person, …).
    Refused(Refused),
    Entered(Entered),
}

/// One staff member's entry of a form as typed: the code checked, the fields read against the
/// questionnaire of the version chosen, then [`enter`].
pub fn enter_typed(
    conn: &mut DbConnection,
    secret: &SecretKey,
    questionnaires: &Questionnaires,
    user_id: i32,
    form: &TypedForm,
    thresholds: Thresholds,
) -> Result<TypedOutcome, SurveyError> {
    let code = match SurveyCode::parse(&form.code) {
        Ok(code) => code,
        Err(problem) => return Ok(TypedOutcome::BadCode(code_refusal(problem))),
    };
    let Some((_, questionnaire)) = versions_and(conn, questionnaires, Some(&form.version))? else {
        return Ok(TypedOutcome::Unreadable(BTreeMap::new()));
    };
    let entry =
        match crate::domain::paper_entry::read(&questionnaire, &code.grouped(), &form.fields) {
            Ok(entry) => entry,
            Err(problems) => return Ok(TypedOutcome::Unreadable(problems)),
        };
    let now = crate::clock::now().naive_utc();
    Ok(
        match enter(
            conn,
            secret,
            questionnaires,
            user_id,
            &entry,
            now,
            thresholds,
        )? {
            Ok(entered) => TypedOutcome::Entered(entered),
            Err(refused) => TypedOutcome::Refused(refused),
        },
    )
}

/// A form whose two entries differ: both entries, with who entered them.
pub struct Disagreement {
    pub entries: Vec<(i32, String, PaperEntry)>,
    /// The questions they differ on, and `comment`.
    pub differences: Vec<String>,
    pub questionnaire: std::sync::Arc<Questionnaire>,
}

/// Every form waiting for a decision, oldest first.
pub fn disagreements(
    conn: &mut DbConnection,
    secret: &SecretKey,
    questionnaires: &Questionnaires,
) -> Result<Vec<Disagreement>, SurveyError> {
    let mut forms: BTreeMap<Vec<u8>, Vec<(i32, String, PaperEntry)>> = BTreeMap::new();
    let mut order = Vec::new();
    for (row, email) in paper_entries::in_state(conn, MISMATCH)? {
        let Some(entry) = open(secret, &row) else {
            continue;
        };
        if !forms.contains_key(&row.form_key) {
            order.push(row.form_key.clone());
        }
        forms
            .entry(row.form_key)
            .or_default()
            .push((row.id, email, entry));
    }
    let mut out = Vec::new();
    // Forms of one version share its questionnaire: looked up once.
    let mut of_version: BTreeMap<String, Option<std::sync::Arc<Questionnaire>>> = BTreeMap::new();
    for key in order {
        let entries = forms.remove(&key).unwrap_or_default();
        let Some((_, _, first)) = entries.first() else {
            continue;
        };
        let version = &first.questionnaire_version;
        if !of_version.contains_key(version) {
            let found = match crate::db::questionnaires::by_version(conn, version)? {
                Some(stored) => Some(questionnaires.get(conn, stored.id)?),
                None => None,
            };
            of_version.insert(version.clone(), found);
        }
        let Some(questionnaire) = of_version[version].clone() else {
            continue;
        };
        let differences = match entries.as_slice() {
            [(_, _, a), (_, _, b), ..] => a.differences(b, &questionnaire),
            _ => Vec::new(),
        };
        out.push(Disagreement {
            entries,
            differences,
            questionnaire,
        });
    }
    Ok(out)
}

/// What a third person decides for a form whose entries differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// This entry (its number) is what the form says: store it.
    Keep(i32),
    /// The form cannot be read: store nothing (the citizen's survey stays open).
    Discard(i32),
}

pub fn decide(
    conn: &mut DbConnection,
    secret: &SecretKey,
    questionnaires: &Questionnaires,
    user_id: i32,
    decision: Decision,
    thresholds: Thresholds,
) -> Outcome<Entered> {
    let (Decision::Keep(id) | Decision::Discard(id)) = decision;
    let Some(row) = paper_entries::by_id(conn, id)?.filter(|r| r.state == MISMATCH) else {
        return Ok(Err(Refused::NoSuchEntry));
    };
    let rows = paper_entries::of_form(conn, &row.form_key)?;
    if rows.iter().any(|r| r.entered_by == user_id) {
        return Ok(Err(Refused::NotAThirdPerson));
    }
    let Some(entry) = open(secret, &row) else {
        return Ok(Err(Refused::NoSuchEntry));
    };
    let actor = format!("user:{user_id}");
    if let Decision::Discard(_) = decision {
        crate::db::transaction(conn, |conn| {
            paper_entries::delete_form(conn, &row.form_key)?;
            audit::record(conn, &actor, "paper.decide", "paper form", "discarded")
        })?;
        return Ok(Ok(Entered::Waiting));
    }
    let Ok(code) = SurveyCode::parse(&entry.code) else {
        return Ok(Err(Refused::Unknown));
    };
    let survey = match survey_or_forget(conn, secret, questionnaires, &code)? {
        Ok(survey) => survey,
        Err(refused) => return Ok(Err(refused)),
    };
    finish(crate::db::transaction(conn, |conn| {
        let stored = store(conn, secret, &survey, &row.form_key, &entry, thresholds)?;
        audit::record(conn, &actor, "paper.decide", "paper form", "kept one entry")?;
        Ok(stored)
    }))
}

/// Forms entered once (waiting for a second entry) and forms waiting for a decision.
pub fn counts(conn: &mut DbConnection) -> QueryResult<(i64, i64)> {
    paper_entries::counts(conn)
}

/// Every published version (oldest first), and the questionnaire of one of them.
pub type Versions = (Vec<String>, std::sync::Arc<Questionnaire>);

/// Every published version (oldest first), and the questionnaire of the one asked for (the
/// newest when none or an unknown one is asked); `None` when nothing is published.
pub fn versions_and(
    conn: &mut DbConnection,
    questionnaires: &Questionnaires,
    asked: Option<&str>,
) -> Result<Option<Versions>, SurveyError> {
    let versions = crate::db::questionnaires::versions(conn)?;
    let Some(chosen) = asked
        .filter(|a| versions.iter().any(|v| v == a))
        .or(versions.last().map(String::as_str))
    else {
        return Ok(None);
    };
    let Some(stored) = crate::db::questionnaires::by_version(conn, chosen)? else {
        return Ok(None);
    };
    let questionnaire = questionnaires.get(conn, stored.id)?;
    Ok(Some((versions, questionnaire)))
}
