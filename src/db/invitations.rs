use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{agencies, dossiers, invitations, outbox, procedures, spent_links};
use super::DbConnection;
use crate::per_backend;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = invitations)]
pub struct Invitation {
    pub id: i32,
    pub dossier_id: i32,
    /// Erased when the invitation expires: from then on nothing can rebuild the link.
    pub token_salt: Option<Vec<u8>>,
    pub questionnaire_id: i32,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    /// When the citizen asked for no more messages.
    pub opted_out_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = invitations)]
pub struct NewInvitation {
    pub dossier_id: i32,
    pub token_salt: Option<Vec<u8>>,
    pub token_hash: Vec<u8>,
    pub questionnaire_id: i32,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    /// `domain::survey_code::SurveyCode::lookup_hash` of the receipt's survey code.
    pub code_hash: Option<Vec<u8>>,
}

pub fn insert(conn: &mut DbConnection, row: &NewInvitation) -> QueryResult<i32> {
    diesel::insert_into(invitations::table)
        .values(row)
        .returning(invitations::id)
        .get_result(conn)
}

pub fn insert_many(conn: &mut DbConnection, rows: &[NewInvitation]) -> QueryResult<usize> {
    let mut inserted = 0;
    for chunk in rows.chunks(1_000) {
        inserted += per_backend!(&mut *conn, |c| diesel::insert_into(invitations::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(inserted)
}

pub fn by_token_hash(
    conn: &mut DbConnection,
    token_hash: &[u8],
) -> QueryResult<Option<Invitation>> {
    invitations::table
        .filter(invitations::token_hash.eq(token_hash))
        .select(Invitation::as_select())
        .get_result(conn)
        .optional()
}

/// (id, token salt) of every open invitation (its salt kept) without a survey code hash.
pub fn salts_without_code(conn: &mut DbConnection) -> QueryResult<Vec<(i32, Vec<u8>)>> {
    invitations::table
        .filter(invitations::code_hash.is_null())
        .filter(invitations::token_salt.is_not_null())
        .select((invitations::id, invitations::token_salt.assume_not_null()))
        .load(conn)
}

pub fn set_code_hash(conn: &mut DbConnection, id: i32, code_hash: &[u8]) -> QueryResult<()> {
    diesel::update(invitations::table.find(id))
        .set(invitations::code_hash.eq(code_hash))
        .execute(conn)
        .map(|_| ())
}

/// The invitation whose survey code has this lookup hash, with its dossier's agency; several
/// when two open surveys drew the same code (one in a few thousand at a million open).
pub fn by_code_hash(
    conn: &mut DbConnection,
    code_hash: &[u8],
) -> QueryResult<Vec<(Invitation, i32)>> {
    invitations::table
        .inner_join(dossiers::table)
        .filter(invitations::code_hash.eq(code_hash))
        .select((Invitation::as_select(), dossiers::agency_id))
        .load(conn)
}

pub fn by_id_opt(conn: &mut DbConnection, id: i32) -> QueryResult<Option<Invitation>> {
    invitations::table
        .find(id)
        .select(Invitation::as_select())
        .get_result(conn)
        .optional()
}

pub fn by_dossier(conn: &mut DbConnection, dossier_id: i32) -> QueryResult<Option<Invitation>> {
    invitations::table
        .filter(invitations::dossier_id.eq(dossier_id))
        .select(Invitation::as_select())
        .get_result(conn)
        .optional()
}

pub fn by_id(conn: &mut DbConnection, id: i32) -> QueryResult<Invitation> {
    invitations::table
        .find(id)
        .select(Invitation::as_select())
        .get_result(conn)
}

/// The keyed hash of the dossier's applicant (erased once the invitation expired).
pub fn applicant_of(conn: &mut DbConnection, id: i32) -> QueryResult<Option<Vec<u8>>> {
    invitations::table
        .inner_join(dossiers::table)
        .filter(invitations::id.eq(id))
        .select(dossiers::applicant_hash)
        .get_result(conn)
}

/// Invitations that expired before `now` and still keep what could rebuild their link or name
/// their applicant: (invitation, dossier), at most `limit`.
pub fn expired_unerased(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<(i32, i32)>> {
    invitations::table
        .filter(invitations::expires_at.le(now))
        .filter(invitations::token_salt.is_not_null())
        .select((invitations::id, invitations::dossier_id))
        .limit(limit)
        .load(conn)
}

pub fn erase_salts(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<usize> {
    diesel::update(invitations::table.filter(invitations::id.eq_any(ids)))
        .set((
            invitations::token_salt.eq(None::<Vec<u8>>),
            invitations::code_hash.eq(None::<Vec<u8>>),
        ))
        .execute(conn)
}

/// Invitations that expired before `before`: (invitation id), at most `limit`.
pub fn expired_before(
    conn: &mut DbConnection,
    before: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<i32>> {
    invitations::table
        .filter(invitations::expires_at.lt(before))
        .select(invitations::id)
        .limit(limit)
        .load(conn)
}

/// Deletes invitations with their outbox rows (past the retention period).
pub fn delete_with_outbox(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<usize> {
    diesel::delete(outbox::table.filter(outbox::invitation_id.eq_any(ids))).execute(conn)?;
    diesel::delete(invitations::table.filter(invitations::id.eq_any(ids))).execute(conn)
}

/// Whether an invitation remains for a dossier completed in `[from, to)`.
pub fn any_for_completed_between(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        invitations::table
            .inner_join(dossiers::table)
            .filter(dossiers::completed_at.ge(from))
            .filter(dossiers::completed_at.lt(to)),
    ))
    .get_result(conn)
}

/// The latest expiry among the invitations of an agency's dossiers completed in `[from, to)`,
/// of one applicant kind and channel or (`None`) of any (`None` when no invitation remains):
/// once it is past, no response can join that cell.
pub fn latest_expiry(
    conn: &mut DbConnection,
    agency_id: i32,
    kind_and_channel: Option<(&str, &str)>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Option<NaiveDateTime>> {
    let mut query = invitations::table
        .inner_join(dossiers::table)
        .filter(dossiers::agency_id.eq(agency_id))
        .filter(dossiers::completed_at.ge(from))
        .filter(dossiers::completed_at.lt(to))
        .select(diesel::dsl::max(invitations::expires_at))
        .into_boxed();
    if let Some((kind, channel)) = kind_and_channel {
        query = query
            .filter(dossiers::applicant_kind.eq(kind))
            .filter(dossiers::channel.eq(channel));
    }
    query.get_result(conn)
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    invitations::table.count().get_result(conn)
}

/// Queues message `message` of an invitation (0 the invitation, 1.. the reminders) for `at`.
pub fn enqueue_delivery(
    conn: &mut DbConnection,
    invitation_id: i32,
    message: i32,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(outbox::table)
        .values((
            outbox::invitation_id.eq(invitation_id),
            outbox::message.eq(message),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Records that the citizen wants no more messages about this invitation; false when it had
/// already been recorded.
pub fn opt_out(conn: &mut DbConnection, id: i32, at: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        invitations::table
            .find(id)
            .filter(invitations::opted_out_at.is_null()),
    )
    .set(invitations::opted_out_at.eq(Some(at)))
    .execute(conn)
    .map(|n| n > 0)
}

pub fn opted_out(conn: &mut DbConnection, id: i32) -> QueryResult<bool> {
    invitations::table
        .find(id)
        .select(invitations::opted_out_at.is_not_null())
        .get_result(conn)
}

/// What a survey page needs about its invitation, in one query: the invitation, of its
/// dossier only what the page and the response carry (never the identity), and whether its
/// link is spent (one round trip to the database on every survey page, not two).
#[derive(Debug, Clone, Queryable)]
pub struct SurveyContext {
    pub invitation: Invitation,
    pub applicant_kind: String,
    pub channel: String,
    pub completed_at: NaiveDateTime,
    pub agency_id: i32,
    pub agency_name_vi: String,
    pub agency_name_en: String,
    pub survey_policy: String,
    pub agency_contact: Option<String>,
    pub procedure_id: i32,
    pub procedure_name_vi: String,
    pub procedure_name_en: String,
    pub spent: bool,
}

/// The invitation whose token hashes to `token_hash`; `spent_key` is its link's mark
/// (`domain::token::spent_key`), which the database alone cannot join to it.
pub fn survey_context(
    conn: &mut DbConnection,
    token_hash: &[u8],
    spent_key: &[u8],
) -> QueryResult<Option<SurveyContext>> {
    invitations::table
        .inner_join(
            dossiers::table
                .inner_join(agencies::table)
                .inner_join(procedures::table),
        )
        .filter(invitations::token_hash.eq(token_hash))
        .select((
            Invitation::as_select(),
            dossiers::applicant_kind,
            dossiers::channel,
            dossiers::completed_at,
            agencies::id,
            agencies::name_vi,
            agencies::name_en,
            agencies::survey_policy,
            agencies::contact,
            procedures::id,
            procedures::name_vi,
            procedures::name_en,
            diesel::dsl::exists(spent_links::table.filter(spent_links::token_key.eq(spent_key))),
        ))
        .get_result(conn)
        .optional()
}

#[derive(QueryableByName)]
struct AnsweredLink {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Binary>)]
    token_salt: Option<Vec<u8>>,
    #[diesel(sql_type = diesel::sql_types::Timestamp)]
    completed_at: NaiveDateTime,
}

/// Before migration 000006: the salt and completion time of every invitation marked answered
/// (by a column the schema no longer names).
pub fn answered_before_upgrade(
    conn: &mut DbConnection,
) -> QueryResult<Vec<(Option<Vec<u8>>, NaiveDateTime)>> {
    let rows: Vec<AnsweredLink> = diesel::sql_query(
        "SELECT i.token_salt, d.completed_at FROM invitations i \
         JOIN dossiers d ON d.id = i.dossier_id WHERE i.answered",
    )
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.token_salt, r.completed_at))
        .collect())
}
