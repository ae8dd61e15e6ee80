//! The counters the integrity rules read: answers per kiosk and clock hour, link answers per
//! client address (keyed hash) and day, and the census of dossiers completed in an hour.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{address_days, dossiers, kiosk_hours};
use super::DbConnection;
use crate::per_backend;

/// Counts one more answer at the kiosk in the hour starting at `hour`; returns the hour's
/// count including it.
pub fn count_kiosk_answer(
    conn: &mut DbConnection,
    kiosk_id: i32,
    hour: NaiveDateTime,
) -> QueryResult<u32> {
    let row = (
        kiosk_hours::kiosk_id.eq(kiosk_id),
        kiosk_hours::hour.eq(hour),
        kiosk_hours::answered.eq(1),
    );
    per_backend!(conn, |c| diesel::insert_into(kiosk_hours::table)
        .values(row)
        .on_conflict((kiosk_hours::kiosk_id, kiosk_hours::hour))
        .do_update()
        .set(kiosk_hours::answered.eq(kiosk_hours::answered + 1))
        .returning(kiosk_hours::answered)
        .get_result::<i32>(c))
    .map(|n| u32::try_from(n).unwrap_or(0))
}

/// Counts one more link answer from the address on `day`; returns the day's count including it.
pub fn count_address_answer(
    conn: &mut DbConnection,
    address_key: &[u8],
    day: NaiveDate,
) -> QueryResult<u32> {
    let row = (
        address_days::address_key.eq(address_key),
        address_days::day.eq(day),
        address_days::answered.eq(1),
    );
    per_backend!(conn, |c| diesel::insert_into(address_days::table)
        .values(row)
        .on_conflict((address_days::address_key, address_days::day))
        .do_update()
        .set(address_days::answered.eq(address_days::answered + 1))
        .returning(address_days::answered)
        .get_result::<i32>(c))
    .map(|n| u32::try_from(n).unwrap_or(0))
}

/// Counts `n` more link answers for each address key on `day`, in one statement (a group of
/// submissions); gives back each key's count for the day, these included. Keys must be
/// distinct.
pub fn count_address_answers(
    conn: &mut DbConnection,
    counted: &[(&[u8], i32)],
    day: NaiveDate,
) -> QueryResult<Vec<(Vec<u8>, i32)>> {
    use diesel::upsert::excluded;
    let values: Vec<_> = counted
        .iter()
        .map(|&(key, n)| {
            (
                address_days::address_key.eq(key),
                address_days::day.eq(day),
                address_days::answered.eq(n),
            )
        })
        .collect();
    per_backend!(conn, |c| diesel::insert_into(address_days::table)
        .values(&values)
        .on_conflict((address_days::address_key, address_days::day))
        .do_update()
        .set(address_days::answered.eq(address_days::answered + excluded(address_days::answered)))
        .returning((address_days::address_key, address_days::answered))
        .get_results(c))
}

/// Dossiers of these agencies completed in `[from, until)`.
pub fn completed_between(
    conn: &mut DbConnection,
    agency_ids: &[i32],
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<u32> {
    dossiers::table
        .filter(dossiers::agency_id.eq_any(agency_ids))
        .filter(dossiers::completed_at.ge(from))
        .filter(dossiers::completed_at.lt(until))
        .count()
        .get_result::<i64>(conn)
        .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
}

/// Forgets kiosk hours that started before `before`, and address days before `today`.
pub fn forget_before(
    conn: &mut DbConnection,
    before: NaiveDateTime,
    today: NaiveDate,
) -> QueryResult<usize> {
    let hours =
        diesel::delete(kiosk_hours::table.filter(kiosk_hours::hour.lt(before))).execute(conn)?;
    let days =
        diesel::delete(address_days::table.filter(address_days::day.lt(today))).execute(conn)?;
    Ok(hours + days)
}
