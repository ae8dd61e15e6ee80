//! Bringing a database from before the anonymity rework (migrations 000005/000006) in line with
//! it. Only the application can do it: it needs the server secret.
//! - Invitations that recorded their answer get their link spent in `spent_links` (before
//!   migration 000006 drops the record), so an answered link stays answered.
//! - Responses stored before are generalised as new ones are at release.
//! - Contacts kept in clear before migration 000011 are sealed (at every start: idempotent,
//!   and an instance of an earlier release still running during an upgrade may write more).
//! - Open invitations issued before migration 000013 get the hash of their survey code, so the
//!   code a re-sent dossier's receipt now prints opens them at a kiosk (at every start, likewise).

use super::anonymity::{AnonymitySets, Description, ProcedureShown};
use crate::db::{dossiers, invitations, responses, spent_links, DbConnection, QueryResult};
use crate::domain::period::Quarter;
use crate::domain::survey_code::SurveyCode;
use crate::domain::token;
use crate::secret::SecretKey;

/// The migration that drops `invitations.answered`: [`spend_answered_links`] runs before it.
pub const FORGET_ANSWERED: &str = "20261130000006";

/// Spends the link of every invitation marked answered (idempotent).
pub fn spend_answered_links(conn: &mut DbConnection, secret: &SecretKey) -> QueryResult<usize> {
    let rows: Vec<(Vec<u8>, String)> = invitations::answered_before_upgrade(conn)?
        .into_iter()
        .filter_map(|(salt, completed_at)| {
            let token = token::survey_token(secret, salt.as_deref()?);
            Some((
                token::spent_key(secret, &token),
                Quarter::of_instant(completed_at.and_utc()).to_string(),
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

/// Gives every open invitation without one the lookup hash of its survey code; returns how
/// many.
pub fn hash_survey_codes(conn: &mut DbConnection, secret: &SecretKey) -> QueryResult<usize> {
    let open = invitations::salts_without_code(conn)?;
    crate::db::transaction(conn, |conn| {
        for (id, salt) in &open {
            let token = token::survey_token(secret, salt);
            let code = SurveyCode::of_token(secret, &token);
            invitations::set_code_hash(conn, *id, &code.lookup_hash(secret))?;
        }
        Ok(open.len())
    })
}

/// Seals every contact still kept in clear; returns how many.
pub fn seal_clear_contacts(conn: &mut DbConnection, secret: &SecretKey) -> QueryResult<usize> {
    let clear = dossiers::clear_contacts(conn)?;
    crate::db::transaction(conn, |conn| {
        for (id, phone, email) in &clear {
            let contact = crate::services::dossiers::contact::Contact {
                phone: phone.clone(),
                email: email.clone(),
                language: None,
            };
            match contact.seal(secret) {
                Some(sealed) => dossiers::seal_clear_contact(conn, *id, &sealed)?,
                None => dossiers::erase_contact(conn, *id)?,
            }
        }
        Ok(clear.len())
    })
}
