//! Opt-in follow-up requests, kept apart from the score (docs/PRIVACY.md §5):
//! - the thank-you page carries a one-time *grant* sealed under the server secret that names the
//!   agency and nothing else (no dossier, invitation or response);
//! - a request is stored sealed (problem and contact) with no reference to a response, held like
//!   a response and released to the agency with the next batch (or after a day);
//! - the agency answers within `HAILONG_FOLLOWUP_DUE_DAYS` working days; the answer goes back
//!   through the delivery channels as a link where the citizen reads it and says whether they
//!   are satisfied with the handling; the contact is erased 30 days after the answer.

pub mod replies;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::db::followups::{self, FollowUp, NewFollowUp};
use crate::db::{DbConnection, QueryResult};
pub use crate::domain::followup::{Request, RequestProblem};
use crate::domain::language::Lang;
use crate::domain::working_days::add_working_days;
use crate::secret::SecretKey;
use crate::services::dossiers::contact::Contact;
use crate::services::{Refusal, ServiceError};

const GRANT_PURPOSE: &str = "followup-grant";
const PROBLEM_PURPOSE: &str = "followup-problem";
const ANSWER_LINK_PURPOSE: &str = "followup-answer-link";
const ANSWER_KEY_PURPOSE: &str = "followup-answer-key";

/// How long a thank-you page's grant can be used.
pub const GRANT_VALID: Duration = Duration::hours(24);
/// A request's contact is erased this long after the agency's answer.
pub const CONTACT_KEPT_AFTER_ANSWER: Duration = Duration::days(30);
/// A held request is released after the next step of its agency's responses, or after this at
/// the latest.
pub const HELD_AT_MOST: Duration = Duration::hours(24);
pub const PROBLEM_MAX_CHARS: usize = 2_000;
pub const ANSWER_MAX_CHARS: usize = 2_000;

/// What the thank-you page's grant says: which agency the request goes to, until when, and a
/// random nonce that makes it usable once.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Grant {
    agency_id: i32,
    expires_at: NaiveDateTime,
    nonce: String,
}

/// A grant for the thank-you page of a response to `agency_id`, as a URL-safe string.
pub fn new_grant(secret: &SecretKey, agency_id: i32, now: NaiveDateTime) -> String {
    let grant = Grant {
        agency_id,
        expires_at: now + GRANT_VALID,
        nonce: crate::domain::token::new_secret_string(),
    };
    let plain = serde_json::to_vec(&grant).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(secret.seal(GRANT_PURPOSE, &plain))
}

/// The agency a grant names, if it is ours and still valid.
pub fn grant_agency(secret: &SecretKey, grant: &str, now: NaiveDateTime) -> Option<i32> {
    open_grant(secret, grant, now).map(|g| g.agency_id)
}

fn open_grant(secret: &SecretKey, grant: &str, now: NaiveDateTime) -> Option<Grant> {
    if grant.len() > 512 {
        return None;
    }
    let sealed = URL_SAFE_NO_PAD.decode(grant).ok()?;
    let grant: Grant = serde_json::from_slice(&secret.unseal(GRANT_PURPOSE, &sealed)?).ok()?;
    (grant.expires_at > now).then_some(grant)
}

/// The outcome of filing a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filed {
    Stored,
    /// The grant is not ours, or has expired.
    GrantInvalid,
    /// This thank-you page's request was filed already.
    AlreadyFiled,
    /// The form needs mending; the agency it goes to, to show it again.
    Refused {
        agency_id: i32,
        problems: Vec<RequestProblem>,
    },
}

/// Checks the form: a problem, a way to reach the citizen, and their consent.
pub fn check(request: &Request) -> Result<Contact, Vec<RequestProblem>> {
    let mut problems = Vec::new();
    let problem = request.problem.trim();
    if problem.is_empty() {
        problems.push(RequestProblem::ProblemMissing);
    } else if problem.chars().count() > PROBLEM_MAX_CHARS {
        problems.push(RequestProblem::ProblemTooLong);
    }
    let (phone, email) = (request.phone.trim(), request.email.trim());
    let no_contact = phone.is_empty() && email.is_empty();
    let phone = match (!phone.is_empty())
        .then(|| crate::domain::phone::parse(phone))
        .transpose()
    {
        Ok(phone) => phone,
        Err(_) => {
            problems.push(RequestProblem::BadPhone);
            None
        }
    };
    let email = match (!email.is_empty())
        .then(|| crate::domain::email::Email::parse(email).map(|e| e.to_string()))
        .transpose()
    {
        Ok(email) => email,
        Err(_) => {
            problems.push(RequestProblem::BadEmail);
            None
        }
    };
    if no_contact {
        problems.push(RequestProblem::NoContact);
    }
    if !request.consent {
        problems.push(RequestProblem::NoConsent);
    }
    if problems.is_empty() {
        Ok(Contact {
            phone,
            email,
            language: None,
        })
    } else {
        Err(problems)
    }
}

/// Files a request under a grant: checked, sealed and held until the next release.
pub fn file(
    conn: &mut DbConnection,
    secret: &SecretKey,
    grant: &str,
    request: &Request,
    lang: Lang,
    now: NaiveDateTime,
) -> QueryResult<Filed> {
    let Some(opened) = open_grant(secret, grant, now) else {
        return Ok(Filed::GrantInvalid);
    };
    let mut contact = match check(request) {
        Ok(contact) => contact,
        Err(problems) => {
            return Ok(Filed::Refused {
                agency_id: opened.agency_id,
                problems,
            })
        }
    };
    contact.language = Some(lang.code().to_owned());
    let problem = crate::domain::text::nfc(request.problem.trim());
    let new = NewFollowUp {
        agency_id: opened.agency_id,
        grant_key: secret
            .keyed_hash(GRANT_PURPOSE, opened.nonce.as_bytes())
            .to_vec(),
        problem_sealed: secret.seal(PROBLEM_PURPOSE, problem.as_bytes()),
        contact_sealed: contact.seal(secret),
        language: lang.code().to_owned(),
        submitted_at: now,
        status: followups::RECEIVED.to_owned(),
    };
    Ok(if followups::insert(conn, &new)? {
        Filed::Stored
    } else {
        Filed::AlreadyFiled
    })
}

/// Releases held requests on their own schedule, never in a pass that released responses of
/// their agency (the requester's response may be one of them, and a request arriving with a
/// step would point into it): a request goes out once a step of its agency's responses was
/// released after it was made (the requester's response is then in that step or still held,
/// one of at least k either way), or once it has been held `HELD_AT_MOST`; with `force`
/// (tests) at once. Each is due `due_days` working days after its release
/// (Vietnam date).
pub fn release_due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    due_days: u32,
    force: bool,
    stepped_now: &std::collections::BTreeSet<i32>,
) -> QueryResult<usize> {
    let held = followups::held(conn)?;
    if held.is_empty() {
        return Ok(0);
    }
    let mut last_step = std::collections::HashMap::new();
    let mut due = Vec::new();
    for (id, agency_id, submitted_at) in held {
        if stepped_now.contains(&agency_id) {
            continue;
        }
        let stepped_since = match last_step.get(&agency_id) {
            Some(at) => *at,
            None => {
                let at = crate::db::releases::last_step_of(conn, agency_id)?;
                last_step.insert(agency_id, at);
                at
            }
        }
        .is_some_and(|at| at > submitted_at);
        if force || stepped_since || now - submitted_at >= HELD_AT_MOST {
            due.push(id);
        }
    }
    if due.is_empty() {
        return Ok(0);
    }
    let today = now
        .and_utc()
        .with_timezone(&crate::domain::period::VIETNAM)
        .date_naive();
    followups::release(conn, &due, now, add_working_days(today, due_days))
}

/// A released request as staff read it.
#[derive(Debug, Clone)]
pub struct Opened {
    pub row: FollowUp,
    pub problem: String,
    /// `None` once erased.
    pub contact: Option<Contact>,
}

pub fn open(secret: &SecretKey, row: FollowUp) -> Opened {
    let problem = secret
        .unseal(PROBLEM_PURPOSE, &row.problem_sealed)
        .and_then(|p| String::from_utf8(p).ok())
        .unwrap_or_default();
    let contact = row
        .contact_sealed
        .as_deref()
        .and_then(|sealed| Contact::unseal(secret, sealed));
    Opened {
        row,
        problem,
        contact,
    }
}

/// The link that shows a request's answer (derived from the secret and the request: the
/// database keeps only a keyed hash of it).
pub fn answer_token(secret: &SecretKey, id: i32) -> String {
    URL_SAFE_NO_PAD.encode(secret.keyed_hash(ANSWER_LINK_PURPOSE, &id.to_be_bytes()))
}

pub fn answer_key(secret: &SecretKey, token: &str) -> Vec<u8> {
    secret
        .keyed_hash(ANSWER_KEY_PURPOSE, token.as_bytes())
        .to_vec()
}

/// The released requests of these agencies, newest first.
pub use crate::db::followups::{rate, released_by_id, released_of};

/// Agency staff start handling a request: marked in progress, with who did it in the audit
/// log (a request already in progress or answered is left as it is).
pub fn start(conn: &mut DbConnection, id: i32, actor: &str) -> QueryResult<()> {
    crate::db::transaction(conn, |conn| {
        followups::set_in_progress(conn, id)?;
        crate::db::audit::record(conn, actor, "followup.start", &id.to_string(), "")
    })
}

/// Records the agency's answer; the delivery worker sends its link. Refused when empty, too
/// long, or answered already (a conflict).
pub fn answer(
    conn: &mut DbConnection,
    secret: &SecretKey,
    id: i32,
    text: &str,
    user_id: i32,
    now: NaiveDateTime,
) -> Result<(), ServiceError> {
    let text = crate::domain::text::nfc(text.trim());
    if text.is_empty() {
        return Err(Refusal::new("answer", "staff-followups-the-answer-is-empty").into());
    }
    if text.chars().count() > ANSWER_MAX_CHARS {
        return Err(Refusal::new("answer", "staff-followups-the-answer-is-longer-than-2").into());
    }
    let key = answer_key(secret, &answer_token(secret, id));
    if followups::answer(conn, id, &text, user_id, &key, now)? {
        Ok(())
    } else {
        Err(Refusal::conflict(
            "answer",
            "staff-followups-this-request-was-answered-already",
        )
        .into())
    }
}

/// What agency staff may do with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handling {
    Start,
    Answer,
}

impl Handling {
    /// The posted `action`; refused when it is neither.
    pub fn parse(action: &str) -> Result<Self, Refusal> {
        match action {
            "start" => Ok(Self::Start),
            "answer" => Ok(Self::Answer),
            _ => Err(Refusal::new("action", "staff-followups-unknown-action")),
        }
    }
}

/// The answered request behind an answer link.
pub fn by_answer_token(
    conn: &mut DbConnection,
    secret: &SecretKey,
    token: &str,
) -> QueryResult<Option<FollowUp>> {
    if !crate::domain::token::looks_like_token(token) {
        return Ok(None);
    }
    followups::by_reply_key(conn, &answer_key(secret, token))
}

/// A handling rated 4 or 5 (of 5) counts as satisfied (the survey's own reading).
pub fn is_satisfied(rating: i32) -> bool {
    rating >= 4
}

/// Erases the contacts of requests answered more than 30 days ago.
pub fn forget_contacts(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    followups::erase_contacts_answered_before(conn, now - CONTACT_KEPT_AFTER_ANSWER)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> SecretKey {
        SecretKey::from_hex(&"ab".repeat(32)).unwrap()
    }

    #[test]
    fn a_grant_names_its_agency_until_it_expires() {
        let now = crate::clock::now().naive_utc();
        let grant = new_grant(&secret(), 42, now);
        assert_eq!(grant_agency(&secret(), &grant, now), Some(42));
        assert_eq!(grant_agency(&secret(), &grant, now + GRANT_VALID), None);
        let other = SecretKey::from_hex(&"cd".repeat(32)).unwrap();
        assert_eq!(
            grant_agency(&other, &grant, now),
            None,
            "another server's grant"
        );
        assert_eq!(grant_agency(&secret(), "not-a-grant", now), None);
    }

    #[test]
    fn a_request_needs_a_problem_a_contact_and_consent() {
        let problems = check(&Request::default()).unwrap_err();
        assert_eq!(
            problems,
            vec![
                RequestProblem::ProblemMissing,
                RequestProblem::NoContact,
                RequestProblem::NoConsent
            ]
        );
        let bad = check(&Request {
            problem: "Hồ sơ bị trả lại".into(),
            phone: "12".into(),
            email: "not-an-address".into(),
            consent: true,
        })
        .unwrap_err();
        assert_eq!(
            bad,
            vec![RequestProblem::BadPhone, RequestProblem::BadEmail]
        );
        let contact = check(&Request {
            problem: "Hồ sơ bị trả lại".into(),
            phone: "0912 345 678".into(),
            email: String::new(),
            consent: true,
        })
        .unwrap();
        assert_eq!(contact.phone.as_deref(), Some("0912345678"));
    }
}
