//! Releasing held responses to staff. Each cell (agency, quarter, way of answering) moves in
//! steps of at least k responses, the last one included (`domain::release_step`), so that no
//! difference of two views of any page isolates fewer than k people. The steps due are
//! released together once they hold `batch` responses of the province, or once a day, whichever
//! comes first; a release is written in one transaction, in random order, so neither staff
//! ("the comment that appeared right after I served that citizen") nor a copy of the database
//! can tell which response arrived when. Each response is generalised at release (see
//! `anonymity`) with the invitations known by then.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Duration, NaiveDateTime};
use rand::seq::SliceRandom;

use super::anonymity::{AnonymitySets, Description, ProcedureShown};
use super::held::{self, HeldResponse};
use crate::db::responses::{self, Answer, Response};
use crate::db::{
    dossiers, held_responses, invitations, procedures, releases, DbConnection, QueryResult,
    Rollback,
};
use crate::domain::period::Quarter;
use crate::domain::release_step::{self, Step};
use crate::domain::response_mode::ResponseMode;
use crate::domain::token;
use crate::secret::SecretKey;

/// How often responses are released at the least, however few.
pub const AT_LEAST_EVERY: Duration = Duration::hours(24);

#[derive(Debug, Clone, Copy)]
pub struct ReleaseRules {
    /// Release as soon as this many responses can be released.
    pub batch: u32,
    /// At least this many invitations share what every stored response says.
    pub k: u32,
    /// Working days an agency has to answer a follow-up request, from its release.
    pub followup_due_days: u32,
}

impl ReleaseRules {
    pub fn of(settings: &crate::config::Settings) -> Self {
        Self {
            batch: settings.release_batch,
            k: settings.anonymity_k,
            followup_due_days: settings.followup_due_days,
        }
    }
}

/// What a pass did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Pass {
    pub released: usize,
    /// Dropped: their quarter ended without k invitations sharing their description.
    pub withheld: usize,
    /// Still held after the pass.
    pub waiting: usize,
    /// Follow-up requests released to their agencies.
    pub followups: usize,
    /// The agencies whose responses this pass released.
    pub stepped: BTreeSet<i32>,
}

/// Looks at the held responses and releases them when a batch is due (or at once with
/// `force`: tests). On SQLite, call it holding the write gate.
pub fn release_due(
    conn: &mut DbConnection,
    secret: &SecretKey,
    rules: ReleaseRules,
    now: NaiveDateTime,
    force: bool,
) -> QueryResult<Pass> {
    let outcome = crate::db::transaction(conn, |conn| {
        releases::lock(conn)?;
        // A write first: SQLite takes the write lock now, not halfway through.
        let release_id = releases::open(conn, now)?;
        let held_rows = held_responses::all(conn)?;
        let mut pass = Pass::default();
        let mut opened = Vec::with_capacity(held_rows.len());
        for row in &held_rows {
            match held::open(secret, row) {
                Some(response) => opened.push((row.id.clone(), response)),
                None => {
                    // Sealed under another secret: it stays, and waits for the right one.
                    tracing::error!("a held response cannot be opened with this server secret");
                    pass.waiting += 1;
                }
            }
        }
        let decisions = decide(conn, &opened, rules.k, now)?;
        let mut releasable = Vec::new();
        let mut withhold = Vec::new();
        for ((id, response), decision) in opened.into_iter().zip(decisions) {
            match decision {
                Decision::Release(shown) => releasable.push((id, response, shown)),
                Decision::Withhold => withhold.push((id, response)),
                Decision::Wait => pass.waiting += 1,
            }
        }
        let stepped = in_steps(conn, releasable, rules.k, now)?;
        let mut release = stepped.release;
        withhold.extend(stepped.withhold);
        pass.waiting += stepped.waiting;
        let last = releases::last_at(conn, release_id)?;
        let due = force
            || release.len() >= rules.batch as usize
            || last.is_some_and(|last| now - last >= AT_LEAST_EVERY);
        if !due {
            pass.waiting += release.len();
            release.clear();
        }
        pass.stepped = release.iter().map(|(_, r, _)| r.agency_id).collect();
        if release.is_empty() && last.is_some() {
            if withhold.is_empty() {
                return Err(Rollback::Because(pass));
            }
            // Dropping what can never be released is no release: the daily clock runs on.
            releases::delete(conn, release_id)?;
        }
        // Otherwise the release row stays: a batch, or the first row starting the daily clock.
        release.shuffle(&mut rand::rng());
        let (mut rows, mut answers, mut ids) = (Vec::new(), Vec::new(), Vec::new());
        for (id, response, shown) in release {
            let response_id = token::new_response_id();
            let (procedure_id, procedure_field) = shown.columns();
            answers.extend(response.answers.iter().map(|(item, value)| Answer {
                response_id: response_id.clone(),
                item_code: item.clone(),
                value: *value,
            }));
            rows.push(Response {
                id: response_id,
                agency_id: response.agency_id,
                procedure_id,
                procedure_field,
                applicant_kind: response.applicant_kind,
                channel: response.channel,
                quarter: response.quarter,
                questionnaire_version: response.questionnaire_version,
                comment: response.comment,
                released_in: release_id,
                mode: response.mode.as_str().to_owned(),
                flag: response.flag,
            });
            ids.push(id);
        }
        responses::insert_many(conn, &rows, &answers)?;
        pass.released = rows.len();
        releases::set_count(
            conn,
            release_id,
            i32::try_from(rows.len()).unwrap_or(i32::MAX),
        )?;
        let mut withheld: HashMap<(i32, String), i32> = HashMap::new();
        for (id, response) in withhold {
            *withheld
                .entry((response.agency_id, response.quarter))
                .or_default() += 1;
            ids.push(id);
            pass.withheld += 1;
        }
        for ((agency_id, quarter), count) in withheld {
            releases::add_withheld(conn, agency_id, &quarter, count)?;
        }
        held_responses::delete(conn, &ids)?;
        Ok(pass)
    });
    let mut pass = match outcome {
        Ok(pass) => pass,
        Err(Rollback::Because(pass)) => pass,
        Err(Rollback::Failed(e)) => return Err(e),
    };
    // Follow-up requests reach their agency on their own, never with a step of its responses
    // (one of which may be the requester's): see `followups::release_due`.
    pass.followups = crate::services::followups::release_due(
        conn,
        now,
        rules.followup_due_days,
        force,
        &pass.stepped,
    )?;
    Ok(pass)
}

type Releasable = (Vec<u8>, HeldResponse, ProcedureShown);

/// What the cells' steps make of the releasable responses (`domain::release_step`).
struct Stepped {
    release: Vec<Releasable>,
    withhold: Vec<(Vec<u8>, HeldResponse)>,
    waiting: usize,
}

/// Groups the releasable responses by cell (agency, quarter, mode, flagged or not) and takes
/// each cell's step: a random choice of those it releases, the rest kept back or, in a closed
/// cell that never gathered k, dropped.
fn in_steps(
    conn: &mut DbConnection,
    releasable: Vec<Releasable>,
    k: u32,
    now: NaiveDateTime,
) -> QueryResult<Stepped> {
    // A flagged response (an integrity rule) is no input of the scores but is counted on the
    // integrity page: flagged and unflagged responses are cells of their own, so that neither
    // count moves by fewer than k.
    let mut cells: BTreeMap<(i32, String, ResponseMode, bool), Vec<Releasable>> = BTreeMap::new();
    for item in releasable {
        let cell = (
            item.1.agency_id,
            item.1.quarter.clone(),
            item.1.mode,
            item.1.flag.is_some(),
        );
        cells.entry(cell).or_default().push(item);
    }
    let mut closed: HashMap<(i32, String), bool> = HashMap::new();
    let mut stepped = Stepped {
        release: Vec::new(),
        withhold: Vec::new(),
        waiting: 0,
    };
    let k = k as usize;
    for ((agency_id, quarter, _, _), mut members) in cells {
        let is_closed = match closed.get(&(agency_id, quarter.clone())) {
            Some(known) => *known,
            None => {
                let known = cell_closed(conn, agency_id, &quarter, now)?;
                closed.insert((agency_id, quarter), known);
                known
            }
        };
        match release_step::step(members.len(), k, is_closed) {
            Step::Release(n) => {
                members.shuffle(&mut rand::rng());
                stepped.waiting += members.len() - n;
                members.truncate(n);
                stepped.release.extend(members);
            }
            Step::Wait => stepped.waiting += members.len(),
            Step::Withhold => stepped
                .withhold
                .extend(members.into_iter().map(|(id, response, _)| (id, response))),
        }
    }
    Ok(stepped)
}

/// Whether no response can join an agency's cell of `quarter` any more: the quarter is over
/// and every invitation of its dossiers has expired.
fn cell_closed(
    conn: &mut DbConnection,
    agency_id: i32,
    quarter: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let Ok(quarter) = quarter.parse::<Quarter>() else {
        return Ok(false);
    };
    let (start, end) = (
        quarter.start().naive_utc(),
        quarter.next().start().naive_utc(),
    );
    if end > now {
        return Ok(false);
    }
    Ok(
        invitations::latest_expiry(conn, agency_id, None, start, end)?
            .is_none_or(|expiry| expiry <= now),
    )
}

enum Decision {
    Release(ProcedureShown),
    Withhold,
    Wait,
}

/// For each held response: how it can be stored k-anonymously now, or whether it must wait for
/// more invitations, or can never be (its quarter is over and every invitation that could still
/// be answered in its cell has expired).
fn decide(
    conn: &mut DbConnection,
    held: &[(Vec<u8>, HeldResponse)],
    k: u32,
    now: NaiveDateTime,
) -> QueryResult<Vec<Decision>> {
    if held.is_empty() {
        return Ok(Vec::new());
    }
    let field_of: HashMap<i32, String> = procedures::all(conn)?
        .into_iter()
        .map(|p| (p.id, p.field))
        .collect();
    let quarters: Vec<Option<Quarter>> = held.iter().map(|(_, r)| r.quarter.parse().ok()).collect();
    let agencies: BTreeSet<i32> = held.iter().map(|(_, r)| r.agency_id).collect();
    let known: Vec<Quarter> = quarters.iter().flatten().copied().collect();
    let (Some(first), Some(last)) = (known.iter().min(), known.iter().max()) else {
        return Ok(held.iter().map(|_| Decision::Wait).collect());
    };
    let agencies: Vec<i32> = agencies.into_iter().collect();
    let mut sets = AnonymitySets::default();
    for (agency, procedure, field, kind, channel, completed) in dossiers::invited_descriptions(
        conn,
        &dossiers::InvitedFilter {
            agency_ids: Some(&agencies),
            completed: Some((first.start().naive_utc(), last.next().start().naive_utc())),
        },
    )? {
        sets.add_invited(agency, procedure, &field, &kind, &channel, completed);
    }
    let mut decisions = Vec::with_capacity(held.len());
    for ((_, response), quarter) in held.iter().zip(quarters) {
        let Some(quarter) = quarter else {
            decisions.push(Decision::Wait);
            continue;
        };
        let described = Description {
            agency_id: response.agency_id,
            procedure: ProcedureShown::Exact {
                procedure_id: response.procedure_id,
                field: field_of
                    .get(&response.procedure_id)
                    .cloned()
                    .unwrap_or_default(),
            },
            applicant_kind: response.applicant_kind.clone(),
            channel: response.channel.clone(),
            quarter,
        };
        let decision = match sets.generalise(&described, u64::from(k)) {
            Some(shown) => Decision::Release(shown),
            None if quarter.next().start().naive_utc() <= now
                && invitations::latest_expiry(
                    conn,
                    response.agency_id,
                    Some((&response.applicant_kind, &response.channel)),
                    quarter.start().naive_utc(),
                    quarter.next().start().naive_utc(),
                )?
                .is_none_or(|expiry| expiry <= now) =>
            {
                Decision::Withhold
            }
            None => Decision::Wait,
        };
        decisions.push(decision);
    }
    Ok(decisions)
}
