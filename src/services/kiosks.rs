//! Counter kiosks: a tablet at an agency's one-stop counter where a citizen types the survey
//! code printed on the receipt and answers the same one-time survey as the link (answering one
//! way spends the other). An admin enrols a kiosk for an agency; the device keeps a long-lived
//! credential (shown once; the database keeps its keyed hash) until it is revoked. A kiosk opens
//! only surveys of its agency and the agencies below it, and refuses for a while after a few
//! wrong codes, so that a kiosk cannot be used to try codes.
//!
//! The admin pages and `hailong kiosk` call the same functions.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{Duration, NaiveDateTime};

use super::surveys::{self, OpenSurvey, Questionnaires, SurveyError, TokenState};
use super::{refuse, Refusal, ServiceError};
use crate::db::{agencies, audit, kiosks, DbConnection, QueryResult};
use crate::domain::agency::SurveyPolicy;
use crate::domain::client_name::{ClientName, MAX_CHARS};
use crate::domain::survey_code::{CodeProblem, SurveyCode};
use crate::domain::token;
use crate::secret::SecretKey;

/// Wrong codes a kiosk may take within [`WRONG_CODE_WINDOW_MINUTES`] before it refuses.
pub const WRONG_CODES_ALLOWED: i64 = 5;
pub const WRONG_CODE_WINDOW_MINUTES: i64 = 10;
/// How long a survey opened at a kiosk may take to be answered.
pub const TICKET_MINUTES: i64 = 20;

/// An enrolled kiosk, as a request from it knows it.
#[derive(Debug, Clone)]
pub struct Kiosk {
    pub id: i32,
    pub agency_id: i32,
    pub name: String,
}

/// A kiosk just enrolled, with its credential (shown once, never stored).
pub struct Enrolled {
    pub id: i32,
    pub name: ClientName,
    pub agency_code: String,
    pub credential: String,
}

/// The link that makes a tablet the kiosk holding `credential`.
pub fn enrolment_link(public_url: &str, credential: &str) -> String {
    format!("{public_url}/kiosk/enrol/{credential}")
}

fn credential_hash(secret: &SecretKey, credential: &str) -> Vec<u8> {
    secret
        .keyed_hash("kiosk-credential", credential.as_bytes())
        .to_vec()
}

fn parse_name(raw: &str) -> Result<ClientName, ServiceError> {
    ClientName::parse(raw)
        .or_else(|_| refuse(Refusal::new("name", "refusal-kiosk-name").with("chars", MAX_CHARS)))
}

pub fn enrol(
    conn: &mut DbConnection,
    secret: &SecretKey,
    actor: &str,
    agency_code: &str,
    raw_name: &str,
    now: NaiveDateTime,
) -> Result<Enrolled, ServiceError> {
    let name = parse_name(raw_name)?;
    let agency_code = agency_code.trim();
    let Some(agency) = agencies::find_by_code(conn, agency_code)? else {
        return refuse(Refusal::new("agency", "refusal-no-such-agency").with("code", agency_code));
    };
    if agency.valid_to.is_some_and(|last| last < now.date()) {
        return refuse(Refusal::new("agency", "refusal-agency-closed").with_named(
            "name",
            &agency.name_vi,
            &agency.name_en,
        ));
    }
    let credential = token::new_secret_string();
    let hash = credential_hash(secret, &credential);
    crate::db::transaction(conn, |conn| {
        if kiosks::name_taken(conn, agency.id, name.as_ref())? {
            return refuse(
                Refusal::conflict("name", "refusal-kiosk-name-taken").with("name", name.as_ref()),
            );
        }
        let id = kiosks::create(conn, agency.id, name.as_ref(), &hash, now)?;
        audit::record(
            conn,
            actor,
            "kiosk.enrol",
            &agency.code,
            &format!("kiosk {id}: {name}"),
        )?;
        Ok(Enrolled {
            id,
            name,
            agency_code: agency.code.clone(),
            credential,
        })
    })
}

/// Revokes a kiosk: its device is refused from its next request on.
pub fn revoke(
    conn: &mut DbConnection,
    actor: &str,
    id: i32,
    now: NaiveDateTime,
) -> Result<kiosks::Kiosk, ServiceError> {
    crate::db::transaction(conn, |conn| {
        let Some(kiosk) = kiosks::by_id(conn, id)?.filter(|k| k.revoked_at.is_none()) else {
            return refuse(Refusal::new("kiosk", "refusal-no-such-kiosk").with("id", id));
        };
        kiosks::revoke(conn, id, now)?;
        audit::record(conn, actor, "kiosk.revoke", &id.to_string(), &kiosk.name)?;
        Ok(kiosk)
    })
}

pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<(kiosks::Kiosk, String)>> {
    kiosks::all(conn)
}

/// The active kiosk holding this credential.
pub fn authenticate(
    conn: &mut DbConnection,
    secret: &SecretKey,
    credential: &str,
) -> QueryResult<Option<Kiosk>> {
    if credential.len() > 64 {
        return Ok(None);
    }
    Ok(
        kiosks::find_active(conn, &credential_hash(secret, credential))?.map(|k| Kiosk {
            id: k.id,
            agency_id: k.agency_id,
            name: k.name,
        }),
    )
}

/// What became of a code typed at a kiosk.
#[derive(Debug)]
pub enum Typed {
    /// The survey, and the ticket its form carries to be answered here.
    Open(Box<OpenSurvey>, String),
    /// Not a code (length, a non-digit, the check digit): nothing was looked up.
    Malformed(CodeProblem),
    /// No open survey of this kiosk's agency has this code (counted as a wrong code).
    Unknown,
    Answered,
    Expired,
    /// The agency's surveys need an e-ID sign-in, which only the link offers.
    NeedsSignIn,
    /// Too many wrong codes lately: the kiosk takes codes again at this time.
    Paused {
        until: NaiveDateTime,
    },
}

/// When the kiosk takes codes again, if it has had too many wrong ones lately.
fn paused_until(
    conn: &mut DbConnection,
    kiosk: &Kiosk,
    now: NaiveDateTime,
) -> QueryResult<Option<NaiveDateTime>> {
    let since = now - Duration::minutes(WRONG_CODE_WINDOW_MINUTES);
    let (wrong, oldest) = kiosks::failures_since(conn, kiosk.id, since)?;
    Ok(oldest
        .filter(|_| wrong >= WRONG_CODES_ALLOWED)
        .map(|oldest| oldest + Duration::minutes(WRONG_CODE_WINDOW_MINUTES)))
}

/// Opens the survey behind a code typed at `kiosk`.
pub fn open_by_code(
    conn: &mut DbConnection,
    secret: &SecretKey,
    questionnaires: &Questionnaires,
    kiosk: &Kiosk,
    typed: &str,
    now: NaiveDateTime,
) -> Result<Typed, SurveyError> {
    let code = match SurveyCode::parse(typed) {
        Ok(code) => code,
        Err(problem) => return Ok(Typed::Malformed(problem)),
    };
    // The pause is checked and a wrong code counted in one transaction that holds the kiosk:
    // guesses sent in parallel are counted one after another, and the sixth finds five.
    let found = crate::db::transaction(conn, |conn| {
        kiosks::lock(conn, kiosk.id)?;
        if let Some(until) = paused_until(conn, kiosk, now)? {
            return Ok::<_, SurveyError>(Err(Typed::Paused { until }));
        }
        let its_agencies = agencies::subtree(&agencies::all(conn)?, kiosk.agency_id);
        let found = surveys::by_code(conn, secret, &code)?
            .into_iter()
            .find(|coded| its_agencies.contains(&coded.agency_id));
        match found {
            Some(coded) => Ok(Ok(coded)),
            None => {
                kiosks::record_failure(conn, kiosk.id, now)?;
                Ok(Err(Typed::Unknown))
            }
        }
    })?;
    let coded = match found {
        Ok(coded) => coded,
        Err(refused) => return Ok(refused),
    };
    let Some(raw_token) = coded.token else {
        return Ok(Typed::Expired);
    };
    Ok(
        match surveys::open(conn, secret, questionnaires, &raw_token)? {
            TokenState::Open(survey) if survey.policy == SurveyPolicy::Verified => {
                Typed::NeedsSignIn
            }
            TokenState::Open(survey) => {
                let ticket = Ticket {
                    kiosk: kiosk.id,
                    token: raw_token,
                    until: now + Duration::minutes(TICKET_MINUTES),
                }
                .seal(secret);
                Typed::Open(survey, ticket)
            }
            TokenState::Answered => Typed::Answered,
            TokenState::Expired => Typed::Expired,
            TokenState::Unknown => Typed::Unknown,
        },
    )
}

/// What a kiosk's survey form carries to be answered: which kiosk opened which survey, until
/// when; sealed, so the page holds nothing a person could read or change.
#[derive(serde::Serialize, serde::Deserialize)]
struct Ticket {
    kiosk: i32,
    token: String,
    until: NaiveDateTime,
}

const TICKET_PURPOSE: &str = "kiosk-ticket";

impl Ticket {
    fn seal(&self, secret: &SecretKey) -> String {
        let plain =
            serde_json::to_vec(self).unwrap_or_else(|_| unreachable!("a ticket always serialises"));
        URL_SAFE_NO_PAD.encode(secret.seal(TICKET_PURPOSE, &plain))
    }

    fn open(secret: &SecretKey, sealed: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(sealed).ok()?;
        serde_json::from_slice(&secret.unseal(TICKET_PURPOSE, &bytes)?).ok()
    }
}

/// The survey a kiosk's form was opened for, again (it may have been answered or expired since,
/// by link or at another kiosk); `None` for a ticket of another kiosk, altered, or too old: the
/// kiosk then starts over at the keypad.
pub fn reopen(
    conn: &mut DbConnection,
    secret: &SecretKey,
    questionnaires: &Questionnaires,
    kiosk: &Kiosk,
    ticket: &str,
    now: NaiveDateTime,
) -> Result<Option<TokenState>, SurveyError> {
    let Some(ticket) = Ticket::open(secret, ticket) else {
        return Ok(None);
    };
    if ticket.kiosk != kiosk.id || ticket.until < now {
        return Ok(None);
    }
    surveys::open(conn, secret, questionnaires, &ticket.token).map(Some)
}

/// Forgets wrong codes older than the rate limit's window (run with the retention pass).
pub fn forget_failures(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    kiosks::forget_failures_before(conn, now - Duration::minutes(WRONG_CODE_WINDOW_MINUTES))
}
