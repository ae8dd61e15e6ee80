//! k-anonymity of stored responses. A response says (agency, procedure, applicant kind,
//! channel, quarter); whoever holds the database can count the invitations that fit the same
//! description. When fewer than k do, the response is stored with its procedure generalised:
//! first to the procedure's field, then to nothing (agency, kind, channel and quarter remain:
//! the method's cells need them). When even that is shared by fewer than k invitations, the
//! response waits (sealed) until more invitations arrive, and is dropped if its quarter ends
//! without them (see `release`).
//!
//! Invitations are counted through `dossiers.invited`, which outlives the invitation rows
//! (they are purged past the retention period), so a stored response never loses its set.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use crate::domain::period::Quarter;

/// What a stored response says about its procedure.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ProcedureShown {
    /// The procedure itself (and its field).
    Exact { procedure_id: i32, field: String },
    /// Only the procedure's field.
    Field(String),
    /// Nothing about the procedure.
    Hidden,
}

impl ProcedureShown {
    /// The two columns of the response row: procedure id and field.
    pub fn columns(&self) -> (Option<i32>, Option<String>) {
        match self {
            Self::Exact {
                procedure_id,
                field,
            } => (Some(*procedure_id), Some(field.clone())),
            Self::Field(field) => (None, Some(field.clone())),
            Self::Hidden => (None, None),
        }
    }

    pub fn from_columns(procedure_id: Option<i32>, field: Option<String>) -> Self {
        match (procedure_id, field) {
            (Some(procedure_id), field) => Self::Exact {
                procedure_id,
                field: field.unwrap_or_default(),
            },
            (None, Some(field)) => Self::Field(field),
            (None, None) => Self::Hidden,
        }
    }
}

/// Everything a stored response says that an invitation's dossier also says.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Description {
    pub agency_id: i32,
    pub procedure: ProcedureShown,
    pub applicant_kind: String,
    pub channel: String,
    pub quarter: Quarter,
}

/// How many invitations fit each description, at every level of generalisation.
#[derive(Debug, Default)]
pub struct AnonymitySets {
    sizes: HashMap<Description, u64>,
}

impl AnonymitySets {
    /// Counts one invited dossier at each level.
    pub fn add_invited(
        &mut self,
        agency_id: i32,
        procedure_id: i32,
        field: &str,
        applicant_kind: &str,
        channel: &str,
        completed_at: NaiveDateTime,
    ) {
        let quarter = Quarter::of_instant(completed_at.and_utc());
        for procedure in [
            ProcedureShown::Exact {
                procedure_id,
                field: field.to_owned(),
            },
            ProcedureShown::Field(field.to_owned()),
            ProcedureShown::Hidden,
        ] {
            *self
                .sizes
                .entry(Description {
                    agency_id,
                    procedure,
                    applicant_kind: applicant_kind.to_owned(),
                    channel: channel.to_owned(),
                    quarter,
                })
                .or_default() += 1;
        }
    }

    /// How many invitations fit this description.
    pub fn size(&self, description: &Description) -> u64 {
        self.sizes.get(description).copied().unwrap_or(0)
    }

    /// The most precise description of this response that at least `k` invitations share, or
    /// `None` when not even agency, kind, channel and quarter are shared by `k`.
    pub fn generalise(&self, described: &Description, k: u64) -> Option<ProcedureShown> {
        let ladder = match &described.procedure {
            ProcedureShown::Exact { field, .. } => vec![
                described.procedure.clone(),
                ProcedureShown::Field(field.clone()),
                ProcedureShown::Hidden,
            ],
            ProcedureShown::Field(_) => vec![described.procedure.clone(), ProcedureShown::Hidden],
            ProcedureShown::Hidden => vec![ProcedureShown::Hidden],
        };
        ladder.into_iter().find(|procedure| {
            self.size(&Description {
                procedure: procedure.clone(),
                ..described.clone()
            }) >= k
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(month: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, month, 10)
            .and_then(|d| d.and_hms_opt(3, 0, 0))
            .unwrap()
    }

    fn description(procedure: ProcedureShown) -> Description {
        Description {
            agency_id: 1,
            procedure,
            applicant_kind: "citizen".into(),
            channel: "counter".into(),
            quarter: Quarter {
                year: 2026,
                quarter: 2,
            },
        }
    }

    fn exact(id: i32) -> ProcedureShown {
        ProcedureShown::Exact {
            procedure_id: id,
            field: "land".into(),
        }
    }

    #[test]
    fn a_common_procedure_stays_and_a_rare_one_becomes_its_field_then_nothing() {
        let mut sets = AnonymitySets::default();
        for _ in 0..5 {
            sets.add_invited(1, 10, "land", "citizen", "counter", at(5));
        }
        sets.add_invited(1, 11, "land", "citizen", "counter", at(5));
        sets.add_invited(1, 12, "tax", "citizen", "counter", at(5));
        // Another quarter, another channel: other sets.
        sets.add_invited(1, 11, "land", "citizen", "counter", at(8));
        sets.add_invited(1, 11, "land", "citizen", "online", at(5));

        assert_eq!(sets.generalise(&description(exact(10)), 5), Some(exact(10)));
        assert_eq!(
            sets.generalise(&description(exact(11)), 5),
            Some(ProcedureShown::Field("land".into())),
            "6 invitations of the field"
        );
        let tax = Description {
            procedure: ProcedureShown::Exact {
                procedure_id: 12,
                field: "tax".into(),
            },
            ..description(exact(12))
        };
        assert_eq!(sets.generalise(&tax, 5), Some(ProcedureShown::Hidden));
        assert_eq!(sets.generalise(&tax, 8), None, "7 invitations in the cell");
        assert_eq!(sets.size(&description(ProcedureShown::Hidden)), 7);
    }
}
