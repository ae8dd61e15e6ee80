//! The plan's targets beside the scores (`domain::plan`): for the province or one agency in a
//! period, the on-time share (METHODOLOGY §7), the share of dossiers received online (a
//! census, as §7) and the satisfaction index against the plan in force that year, with the
//! gap.

use std::collections::BTreeMap;

use hailong_analysis::scores::Measure;

use super::dashboards::{kind_of, quarters_of, Indexed};
use crate::db::{DbConnection, QueryResult};
use crate::domain::period::Quarter;
pub use crate::domain::plan::{Goal, Plan, Progress, Targets};

/// The targets of `agency` (id, code; `None` for the province, `ALL`) in `period`, from the
/// computed numbers `index`, and those of each of `others` (id, code, name: the agencies of a
/// level, for the province page); `None` when no plan is in force that year.
pub fn of(
    conn: &mut DbConnection,
    index: &Indexed,
    period: &str,
    agency: Option<(i32, &str)>,
    others: &[(i32, String, String)],
) -> QueryResult<Option<Targets>> {
    let (Some(kind), Ok(year)) = (kind_of(period), period[..4.min(period.len())].parse()) else {
        return Ok(None);
    };
    let Some(plan) = crate::db::plans::in_force(conn, year)? else {
        return Ok(None);
    };
    let online = OnlineShares::read(conn, &quarters_of(period, kind))?;
    let progress = |id: Option<i32>, code: &str| {
        let value = |measure| index.value(period, code, measure, "");
        plan.progress(
            value(Measure::OnTimeRate),
            online.share(id),
            value(Measure::SatIndex),
        )
    };
    Ok(Some(Targets {
        progress: progress(
            agency.map(|(id, _)| id),
            agency.map_or("ALL", |(_, code)| code),
        ),
        agencies: others
            .iter()
            .map(|(id, code, name)| (name.clone(), progress(Some(*id), code)))
            .collect(),
        plan,
    }))
}

/// Per agency, dossiers completed and those received online in the period.
pub struct OnlineShares(BTreeMap<i32, (i64, i64)>);

impl OnlineShares {
    pub fn read(conn: &mut DbConnection, quarters: &[Quarter]) -> QueryResult<Self> {
        let (Some(first), Some(last)) = (quarters.first(), quarters.last()) else {
            return Ok(Self(BTreeMap::new()));
        };
        let rows = crate::db::dossiers::online_counts(
            conn,
            first.start().naive_utc(),
            last.next().start().naive_utc(),
        )?;
        Ok(Self(
            rows.into_iter()
                .map(|(agency, online, total)| (agency, (online, total)))
                .collect(),
        ))
    }

    /// The agency's share in %, or the province's (`None`); `None` without dossiers.
    pub fn share(&self, agency: Option<i32>) -> Option<f64> {
        let (online, total) = match agency {
            Some(id) => self.0.get(&id).copied()?,
            None => self
                .0
                .values()
                .fold((0, 0), |(o, t), (online, total)| (o + online, t + total)),
        };
        (total > 0).then(|| 100.0 * online as f64 / total as f64)
    }
}
