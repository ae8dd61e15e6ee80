//! Bringing a database from before the anonymity rework (migrations 000005/000006) in line with
//! it. Only the application can do it: it needs the server secret.
//! - Invitations that recorded their answer get their link spent in `spent_links` (before
//!   migration 000006 drops the record), so an answered link stays answered.
//! - Responses stored before are generalised as new ones are at release.

use diesel::prelude::*;
use diesel::sql_types::{Binary, Nullable, Timestamp};

use super::anonymity::{AnonymitySets, Description, ProcedureShown};
use crate::db::{dossiers, responses, spent_links, DbConnection};
use crate::domain::period::Quarter;
use crate::domain::token;
use crate::secret::SecretKey;

/// The migration that drops `invitations.answered`: [`spend_answered_links`] runs before it.
pub const FORGET_ANSWERED: &str = "20261130000006";

#[derive(QueryableByName)]
struct AnsweredLink {
    #[diesel(sql_type = Nullable<Binary>)]
    token_salt: Option<Vec<u8>>,
    #[diesel(sql_type = Timestamp)]
    completed_at: chrono::NaiveDateTime,
}

/// Spends the link of every invitation marked answered (idempotent).
pub fn spend_answered_links(conn: &mut DbConnection, secret: &SecretKey) -> QueryResult<usize> {
    let answered: Vec<AnsweredLink> = diesel::sql_query(
        "SELECT i.token_salt, d.completed_at FROM invitations i \
         JOIN dossiers d ON d.id = i.dossier_id WHERE i.answered",
    )
    .load(conn)?;
    let rows: Vec<(Vec<u8>, String)> = answered
        .into_iter()
        .filter_map(|link| {
            let token = token::survey_token(secret, link.token_salt.as_deref()?);
            Some((
                token::spent_key(secret, &token),
                Quarter::of_instant(link.completed_at.and_utc()).to_string(),
            ))
        })
        .collect();
    spent_links::spend_many(conn, &rows)
}

/// Generalises every stored response that fewer than `k` invitations fit; returns how many
/// changed. A response that cannot be made k-anonymous loses its procedure altogether (its
/// agency, kind, channel and quarter are what the method needs).
pub fn generalise_stored(conn: &mut DbConnection, k: u32) -> QueryResult<usize> {
    let mut sets = AnonymitySets::default();
    for (agency, procedure, field, kind, channel, completed) in
        dossiers::invited_descriptions(conn, &dossiers::InvitedFilter::ALL)?
    {
        sets.add_invited(agency, procedure, &field, &kind, &channel, completed);
    }
    let mut changed = 0;
    for (id, agency_id, procedure_id, field, applicant_kind, channel, quarter) in
        responses::descriptions(conn)?
    {
        let Ok(quarter) = quarter.parse() else {
            continue;
        };
        let described = Description {
            agency_id,
            procedure: ProcedureShown::from_columns(procedure_id, field),
            applicant_kind,
            channel,
            quarter,
        };
        if sets.size(&described) >= u64::from(k) {
            continue;
        }
        let shown = sets
            .generalise(&described, u64::from(k))
            .unwrap_or(ProcedureShown::Hidden);
        if shown != described.procedure {
            let (procedure_id, field) = shown.columns();
            responses::set_procedure(conn, &id, procedure_id, field.as_deref())?;
            changed += 1;
        }
    }
    Ok(changed)
}
