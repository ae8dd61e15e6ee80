//! The province's integrity page: per agency and quarter, how many released responses the
//! integrity rules flagged, by rule, against all of them. Flagged responses are left out of the
//! analysis inputs (exports, dashboards); this is where they are counted.

use std::collections::BTreeMap;

use crate::db::{responses, DbConnection, QueryResult};
use crate::domain::integrity::Flag;
use crate::domain::period::Quarter;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgencyIntegrity {
    /// Released responses of the quarter, flagged or not.
    pub responses: u64,
    pub flagged: BTreeMap<Flag, u64>,
}

impl AgencyIntegrity {
    pub fn flagged_total(&self) -> u64 {
        self.flagged.values().sum()
    }
}

/// Per agency (id), the quarter's responses and flags.
pub fn of_quarter(
    conn: &mut DbConnection,
    quarter: Quarter,
) -> QueryResult<BTreeMap<i32, AgencyIntegrity>> {
    let mut out: BTreeMap<i32, AgencyIntegrity> = BTreeMap::new();
    for (agency, flag, count) in responses::flags_in(conn, &quarter.to_string())? {
        let row = out.entry(agency).or_default();
        let count = u64::try_from(count).unwrap_or(0);
        row.responses += count;
        if let Some(flag) = flag.and_then(|f| f.parse::<Flag>().ok()) {
            *row.flagged.entry(flag).or_default() += count;
        }
    }
    Ok(out)
}
