//! The delivery report for the province: per agency and week (Vietnam time) of issue, how many
//! invitations were issued, how many had a contact to send to, were sent, are failing, how many
//! reminders went, how many citizens opted out; and per agency and quarter, how many answered
//! (released responses) against how many were invited, with the rate by the dossier's channel
//! and by the way the answer was given (link, kiosk, paper: each against every invitation).
//! Answers are counted per quarter, never per week or per invitation: which invitation was
//! answered is what the database must not tell (docs/PRIVACY.md), and a week can hold a single
//! invitation. Answer counts under `MIN_CELL` are not shown.

use std::collections::{BTreeMap, HashMap};

use chrono::Datelike;

use crate::db::{delivery_report, DbConnection, QueryResult};
pub use crate::domain::delivery_counts::{Answered, WeekRow};
use crate::domain::period::{Quarter, VIETNAM};
use crate::domain::response_mode::ResponseMode;
use crate::services::reports::field_pins::{self, Released};

pub struct DeliveryReport {
    pub weeks: Vec<WeekRow>,
    pub by_agency: BTreeMap<i32, Answered>,
    pub by_channel: BTreeMap<String, Answered>,
    /// Per mode (`link`, `kiosk`, `paper`): its answers against all the quarter's invitations.
    pub by_mode: BTreeMap<String, Answered>,
}

/// The quarter a view asks for (`2026-Q4`), unless it is not one or lies after `now`: then
/// `now`'s.
pub fn quarter_asked(asked: Option<&str>, now: Quarter) -> Quarter {
    asked
        .and_then(|p| p.parse::<Quarter>().ok())
        .filter(|q| *q <= now)
        .unwrap_or(now)
}

/// The eight quarters up to `now`'s, oldest first: what a view offers to choose from.
pub fn recent_quarters(now: Quarter) -> Vec<Quarter> {
    let mut quarters: Vec<Quarter> = std::iter::successors(Some(now), |q| Some(q.previous()))
        .take(8)
        .collect();
    quarters.reverse();
    quarters
}

/// The report of the invitations issued in `quarter`; `k` as `HAILONG_ANONYMITY_K` (the answers
/// per channel are counted at the pins for it).
pub fn of_quarter(
    conn: &mut DbConnection,
    quarter: Quarter,
    k: u32,
) -> QueryResult<DeliveryReport> {
    let from = quarter.start().naive_utc();
    let until = quarter.next().start().naive_utc();
    let issued = delivery_report::issued_between(conn, from, until)?;
    let messages = delivery_report::messages_of_issued_between(conn, from, until)?;
    let answered = delivery_report::answered_in(conn, &quarter.to_string())?;

    let mut week_of: HashMap<i32, (String, i32)> = HashMap::new();
    let mut weeks: BTreeMap<(String, i32), WeekRow> = BTreeMap::new();
    let mut by_agency: BTreeMap<i32, Answered> = BTreeMap::new();
    let mut by_channel: BTreeMap<String, Answered> = BTreeMap::new();
    for (invitation, agency, channel, created_at, opted_out) in issued {
        let local = created_at.and_utc().with_timezone(&VIETNAM).iso_week();
        let week = format!("{}-W{:02}", local.year(), local.week());
        let row = weeks
            .entry((week.clone(), agency))
            .or_insert_with(|| WeekRow {
                week: week.clone(),
                agency_id: agency,
                ..WeekRow::default()
            });
        row.issued += 1;
        row.opted_out += u64::from(opted_out);
        week_of.insert(invitation, (week, agency));
        by_agency.entry(agency).or_default().invited += 1;
        by_channel.entry(channel).or_default().invited += 1;
    }
    for (invitation, message, delivered, attempts) in messages {
        let Some(key) = week_of.get(&invitation) else {
            continue;
        };
        let Some(row) = weeks.get_mut(key) else {
            continue;
        };
        match (message, delivered) {
            (0, true) => {
                row.with_contact += 1;
                row.sent += 1;
            }
            (0, false) => {
                row.with_contact += 1;
                row.failing += u64::from(attempts > 0);
            }
            (_, true) => row.reminders += 1,
            (_, false) => {}
        }
    }
    let invited: u64 = by_agency.values().map(|a| a.invited).sum();
    let mut by_mode: BTreeMap<String, Answered> = ResponseMode::ALL
        .iter()
        .map(|m| {
            let none = Answered {
                invited,
                ..Answered::default()
            };
            (m.as_str().to_owned(), none)
        })
        .collect();
    for (channel, count) in answered_by_channel(conn, quarter, k)? {
        by_channel.entry(channel).or_default().answered += count;
    }
    for (agency, _, mode, count) in answered {
        let count = u64::try_from(count).unwrap_or(0);
        by_agency.entry(agency).or_default().answered += count;
        by_mode
            .entry(mode)
            .or_insert(Answered {
                invited,
                ..Answered::default()
            })
            .answered += count;
    }
    Ok(DeliveryReport {
        weeks: weeks.into_values().collect(),
        by_agency,
        by_channel,
        by_mode,
    })
}

/// Answers per dossier channel, as the agencies' quarters stood at their pins
/// (`field_pins`, with the channel as the finer split): a channel is no release cell, and a
/// step of five may hold one online answer; counted at the pins, each channel moves by 0 or at
/// least k responses of every agency.
fn answered_by_channel(
    conn: &mut DbConnection,
    quarter: Quarter,
    k: u32,
) -> QueryResult<BTreeMap<String, u64>> {
    let quarter = quarter.to_string();
    let released: Vec<Released> = delivery_report::answered_parts(conn, &quarter)?
        .into_iter()
        .map(|(agency_id, mode, flagged, channel, release)| Released {
            agency_id,
            quarter: quarter.clone(),
            // Flagged responses are cells of their own (`privacy::release`).
            mode: if flagged {
                format!("{mode} flagged")
            } else {
                mode
            },
            field: Some(channel),
            release,
        })
        .collect();
    let mut at_last_pin: BTreeMap<i32, BTreeMap<String, u64>> = BTreeMap::new();
    field_pins::walk(&released, k, |agency, _, _, parts| {
        let mut channels: BTreeMap<String, u64> = BTreeMap::new();
        for ((_, channel), count) in parts {
            *channels
                .entry(channel.unwrap_or_default().to_owned())
                .or_default() += count;
        }
        at_last_pin.insert(agency, channels);
    });
    let mut by_channel = BTreeMap::new();
    for channels in at_last_pin.into_values() {
        for (channel, count) in channels {
            *by_channel.entry(channel).or_default() += count;
        }
    }
    Ok(by_channel)
}

/// Surveys offered per agency and dossier channel in `quarter` (A-11 §280's "surveys offered",
/// beside §7's completed dossiers and responses): dossiers, not answers, so never suppressed.
pub fn invited_by_channel(
    conn: &mut DbConnection,
    quarter: Quarter,
) -> QueryResult<Vec<(i32, String, i64)>> {
    crate::db::dossiers::invited_by_channel(
        conn,
        quarter.start().naive_utc(),
        quarter.next().start().naive_utc(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_gets_the_quarter_it_asks_for_unless_it_is_none_or_to_come() {
        let now: Quarter = "2026-Q4".parse().unwrap();
        assert_eq!(quarter_asked(Some("2026-Q2"), now).to_string(), "2026-Q2");
        assert_eq!(quarter_asked(Some("2027-Q1"), now), now);
        assert_eq!(quarter_asked(Some("soon"), now), now);
        assert_eq!(quarter_asked(None, now), now);
        let offered: Vec<String> = recent_quarters(now)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(offered.first().map(String::as_str), Some("2025-Q1"));
        assert_eq!(offered.last().map(String::as_str), Some("2026-Q4"));
        assert_eq!(offered.len(), 8);
    }
}
