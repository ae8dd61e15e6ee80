//! The province's yearly plans (`domain::plan`), one row per year.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::plans;
use super::{DbConnection, QueryResult};
use crate::domain::plan::Plan;

/// A plan as stored (who set it and when are for the audit, not read here).
#[derive(Queryable, Selectable)]
#[diesel(table_name = plans)]
struct Row {
    year: i32,
    source: String,
    on_time_percent: Option<f64>,
    online_percent: Option<f64>,
    e_authenticated_percent: Option<f64>,
    satisfaction_index: Option<f64>,
    par_index_rank: Option<i32>,
    papi_rank: Option<i32>,
    pci_rank: Option<i32>,
}

fn rank(value: Option<i32>) -> Option<u32> {
    value.and_then(|v| u32::try_from(v).ok())
}

impl From<Row> for Plan {
    fn from(row: Row) -> Self {
        Plan {
            year: row.year,
            source: row.source,
            on_time_percent: row.on_time_percent,
            online_percent: row.online_percent,
            e_authenticated_percent: row.e_authenticated_percent,
            satisfaction_index: row.satisfaction_index,
            par_index_rank: rank(row.par_index_rank),
            papi_rank: rank(row.papi_rank),
            pci_rank: rank(row.pci_rank),
        }
    }
}

/// Stores `plan` as its year's, replacing the one there was (in a transaction of the caller).
pub fn put(conn: &mut DbConnection, plan: &Plan, by: &str, at: NaiveDateTime) -> QueryResult<()> {
    let signed = |v: Option<u32>| v.and_then(|v| i32::try_from(v).ok());
    let values = (
        plans::source.eq(&plan.source),
        plans::on_time_percent.eq(plan.on_time_percent),
        plans::online_percent.eq(plan.online_percent),
        plans::e_authenticated_percent.eq(plan.e_authenticated_percent),
        plans::satisfaction_index.eq(plan.satisfaction_index),
        plans::par_index_rank.eq(signed(plan.par_index_rank)),
        plans::papi_rank.eq(signed(plan.papi_rank)),
        plans::pci_rank.eq(signed(plan.pci_rank)),
        plans::updated_at.eq(at),
        plans::updated_by.eq(by),
    );
    // Update, else insert (the multi-backend connection has no ON CONFLICT); the caller's
    // transaction makes the two one step.
    let updated = diesel::update(plans::table.find(plan.year))
        .set(values)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(plans::table)
            .values((plans::year.eq(plan.year), values))
            .execute(conn)?;
    }
    Ok(())
}

/// The plan in force in `year`: its own, or the latest of an earlier year.
pub fn in_force(conn: &mut DbConnection, year: i32) -> QueryResult<Option<Plan>> {
    plans::table
        .filter(plans::year.le(year))
        .order(plans::year.desc())
        .select(Row::as_select())
        .load::<Row>(conn)
        // A handful of rows (one a year): the newest is the one in force.
        .map(|rows| rows.into_iter().next().map(Plan::from))
}

/// Every stored plan, newest first.
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<Plan>> {
    plans::table
        .order(plans::year.desc())
        .select(Row::as_select())
        .load::<Row>(conn)
        .map(|rows| rows.into_iter().map(Plan::from).collect())
}
