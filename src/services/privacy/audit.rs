//! `hailong privacy audit`: for every stored response, how many invitations fit what it says.
//! Anything under k would let whoever holds the database narrow a response down to fewer than
//! k people.

use std::fmt;

use crate::db::QueryResult;

use super::anonymity::{AnonymitySets, Description, ProcedureShown};
use crate::db::{dossiers, responses, DbConnection};

/// Anonymity-set sizes are reported in these bands (lower bounds).
const BANDS: &[u64] = &[0, 1, 2, 5, 10, 20, 50, 100, 1_000];

#[derive(Debug, Clone, PartialEq)]
pub struct Audit {
    pub k: u32,
    pub responses: u64,
    /// Responses whose description fits fewer than k invitations.
    pub below_k: u64,
    pub smallest: Option<u64>,
    pub median: Option<u64>,
    /// (lowest size of the band, responses in it).
    pub bands: Vec<(u64, u64)>,
}

impl Audit {
    pub fn share_below_k(&self) -> f64 {
        if self.responses == 0 {
            0.0
        } else {
            100.0 * self.below_k as f64 / self.responses as f64
        }
    }

    pub fn passes(&self) -> bool {
        self.below_k == 0
    }
}

pub fn audit(conn: &mut DbConnection, k: u32) -> QueryResult<Audit> {
    let mut sets = AnonymitySets::default();
    for (agency, procedure, field, kind, channel, completed) in
        dossiers::invited_descriptions(conn, &dossiers::InvitedFilter::ALL)?
    {
        sets.add_invited(agency, procedure, &field, &kind, &channel, completed);
    }
    let mut sizes: Vec<u64> = responses::descriptions(conn)?
        .into_iter()
        .map(
            |(_, agency_id, procedure_id, field, applicant_kind, channel, quarter)| {
                let Ok(quarter) = quarter.parse() else {
                    return 0;
                };
                sets.size(&Description {
                    agency_id,
                    procedure: ProcedureShown::from_columns(procedure_id, field),
                    applicant_kind,
                    channel,
                    quarter,
                })
            },
        )
        .collect();
    sizes.sort_unstable();
    let bands = BANDS
        .iter()
        .enumerate()
        .map(|(i, low)| {
            let high = BANDS.get(i + 1).copied().unwrap_or(u64::MAX);
            (
                *low,
                sizes.iter().filter(|s| **s >= *low && **s < high).count() as u64,
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    Ok(Audit {
        k,
        responses: sizes.len() as u64,
        below_k: sizes.iter().filter(|s| **s < u64::from(k)).count() as u64,
        smallest: sizes.first().copied(),
        median: sizes.get(sizes.len() / 2).copied(),
        bands,
    })
}

impl fmt::Display for Audit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "privacy audit, k = {}: {} stored responses",
            self.k, self.responses
        )?;
        writeln!(
            f,
            "responses that fit fewer than {} invitations: {} ({:.2} %)",
            self.k,
            self.below_k,
            self.share_below_k()
        )?;
        if let (Some(smallest), Some(median)) = (self.smallest, self.median) {
            writeln!(
                f,
                "invitations fitting a response: smallest {smallest}, median {median}"
            )?;
        }
        writeln!(f, "responses by the number of invitations that fit them:")?;
        for (low, n) in &self.bands {
            let band = match BANDS
                .iter()
                .position(|b| b == low)
                .and_then(|p| BANDS.get(p + 1))
            {
                Some(next) if *next == low + 1 => format!("{low}"),
                Some(next) => format!("{low}-{}", next - 1),
                None => format!("{low} or more"),
            };
            writeln!(
                f,
                "  {band:>12}: {n} ({:.1} %)",
                100.0 * *n as f64 / self.responses.max(1) as f64
            )?;
        }
        Ok(())
    }
}
