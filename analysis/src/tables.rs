//! The four tables of §1 as plain rows of text, for callers that do not speak polars (the web
//! service builds them from its database; `into_frames` hands them to [`crate::inputs_from_frames`]).

use polars::prelude::*;

use crate::input::Frames;

pub const AGENCIES: &[&str] = &["agency_code", "name", "level", "parent_code"];
pub const DOSSIERS: &[&str] = &[
    "dossier_id",
    "agency_code",
    "procedure_code",
    "applicant_kind",
    "channel",
    "received_at",
    "due_at",
    "completed_at",
    "invited",
];
pub const RESPONSES: &[&str] = &[
    "response_id",
    "agency_code",
    "procedure_code",
    "applicant_kind",
    "channel",
    "quarter",
    "questionnaire_version",
    // How the response was given (link, kiosk, paper): an extra column the method ignores (§1).
    "mode",
];
pub const ANSWERS: &[&str] = &["response_id", "item_code", "value"];

/// One table: its header (one of the constants above) and rows of the same width.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub header: &'static [&'static str],
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: &'static [&'static str]) -> Self {
        Self {
            header,
            rows: Vec::new(),
        }
    }

    fn frame(&self) -> PolarsResult<DataFrame> {
        let columns = self
            .header
            .iter()
            .enumerate()
            .map(|(i, name)| {
                Column::new(
                    (*name).into(),
                    self.rows
                        .iter()
                        .map(|r| r.get(i).cloned().unwrap_or_default())
                        .collect::<Vec<String>>(),
                )
            })
            .collect();
        DataFrame::new_infer_height(columns)
    }
}

#[derive(Debug, Clone)]
pub struct Tables {
    pub agencies: Table,
    pub dossiers: Table,
    pub responses: Table,
    pub answers: Table,
}

impl Default for Tables {
    fn default() -> Self {
        Self {
            agencies: Table::new(AGENCIES),
            dossiers: Table::new(DOSSIERS),
            responses: Table::new(RESPONSES),
            answers: Table::new(ANSWERS),
        }
    }
}

impl Tables {
    pub fn into_frames(self) -> PolarsResult<Frames> {
        Ok(Frames {
            agencies: self.agencies.frame()?,
            dossiers: self.dossiers.frame()?,
            responses: self.responses.frame()?,
            answers: self.answers.frame()?,
        })
    }
}
