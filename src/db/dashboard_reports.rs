//! The dashboards' stored numbers (one row per scope, period kind and period), the change
//! counters they are checked against, and the leases that make one instance compute a scope at
//! a time. The counters are written by triggers (migration `dashboard_reports`), never here.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{dashboard_leases, dashboard_reports, data_revisions};
use super::{DbConnection, QueryResult};
use crate::per_backend;

/// Every change counter as (quarter, or `*` for what every period rests on; revision), the
/// shards of a quarter summed.
pub fn revisions(conn: &mut DbConnection) -> QueryResult<Vec<(String, i64)>> {
    let rows: Vec<(String, i64)> = data_revisions::table
        .select((data_revisions::quarter, data_revisions::revision))
        .order(data_revisions::quarter)
        .load(conn)?;
    let mut summed: Vec<(String, i64)> = Vec::new();
    for (quarter, revision) in rows {
        match summed.last_mut() {
            Some((last, total)) if *last == quarter => *total += revision,
            _ => summed.push((quarter, revision)),
        }
    }
    Ok(summed)
}

/// What a stored report was computed from, and when; without its numbers.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct StoredBasis {
    pub scope: String,
    pub kind: String,
    pub period: String,
    pub basis: String,
    pub computed_at: NaiveDateTime,
}

/// The basis of every stored report, for the worker to find what is stale and what another
/// instance stored.
pub fn bases(conn: &mut DbConnection) -> QueryResult<Vec<StoredBasis>> {
    dashboard_reports::table
        .select((
            dashboard_reports::scope,
            dashboard_reports::kind,
            dashboard_reports::period,
            dashboard_reports::basis,
            dashboard_reports::computed_at,
        ))
        .order((
            dashboard_reports::scope,
            dashboard_reports::kind,
            dashboard_reports::period,
        ))
        .load(conn)
}

/// One stored report: its basis, its time and its numbers (JSON), if any.
pub fn report(
    conn: &mut DbConnection,
    scope: &str,
    kind: &str,
    period: &str,
) -> QueryResult<Option<(String, NaiveDateTime, String)>> {
    dashboard_reports::table
        .find((scope, kind, period))
        .select((
            dashboard_reports::basis,
            dashboard_reports::computed_at,
            dashboard_reports::body,
        ))
        .get_result(conn)
        .optional()
}

/// Stores (or replaces) one period's report.
pub fn store(conn: &mut DbConnection, basis: &StoredBasis, body: &str) -> QueryResult<()> {
    let row = (
        dashboard_reports::scope.eq(&basis.scope),
        dashboard_reports::kind.eq(&basis.kind),
        dashboard_reports::period.eq(&basis.period),
        dashboard_reports::basis.eq(&basis.basis),
        dashboard_reports::computed_at.eq(basis.computed_at),
        dashboard_reports::body.eq(body),
    );
    per_backend!(conn, |c| diesel::insert_into(dashboard_reports::table)
        .values(row)
        .on_conflict((
            dashboard_reports::scope,
            dashboard_reports::kind,
            dashboard_reports::period,
        ))
        .do_update()
        .set((
            dashboard_reports::basis.eq(&basis.basis),
            dashboard_reports::computed_at.eq(basis.computed_at),
            dashboard_reports::body.eq(body),
        ))
        .execute(c))
    .map(|_| ())
}

/// Forgets every stored report (the benchmark starts cold with it; the worker computes them
/// again).
pub fn forget_all(conn: &mut DbConnection) -> QueryResult<usize> {
    diesel::delete(dashboard_reports::table).execute(conn)
}

/// Takes the lease of `scope` for `holder` until `until`, when nobody else holds an unexpired
/// one. Each statement is atomic on both backends: of two instances asking at once, one wins.
pub fn take_lease(
    conn: &mut DbConnection,
    scope: &str,
    holder: &str,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<bool> {
    let row = (
        dashboard_leases::scope.eq(scope),
        dashboard_leases::holder.eq(holder),
        dashboard_leases::until.eq(until),
    );
    let inserted = per_backend!(conn, |c| diesel::insert_into(dashboard_leases::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(c))?;
    if inserted == 1 {
        return Ok(true);
    }
    let taken = diesel::update(
        dashboard_leases::table
            .filter(dashboard_leases::scope.eq(scope))
            .filter(
                dashboard_leases::holder
                    .eq(holder)
                    .or(dashboard_leases::until.lt(now)),
            ),
    )
    .set((
        dashboard_leases::holder.eq(holder),
        dashboard_leases::until.eq(until),
    ))
    .execute(conn)?;
    Ok(taken == 1)
}

/// Gives the lease back (only if `holder` still holds it).
pub fn end_lease(conn: &mut DbConnection, scope: &str, holder: &str) -> QueryResult<()> {
    diesel::delete(
        dashboard_leases::table
            .filter(dashboard_leases::scope.eq(scope))
            .filter(dashboard_leases::holder.eq(holder)),
    )
    .execute(conn)
    .map(|_| ())
}
