//! `agencies.csv`: the agency tree's codes, names, levels and parents.

use std::collections::HashMap;

use polars::prelude::*;

use super::table::{text, RowError, Table};
use crate::error::{AnalysisError, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    Province,
    Department,
    District,
    Commune,
}

impl Level {
    pub const ALL: [Level; 4] = [
        Level::Province,
        Level::Department,
        Level::District,
        Level::Commune,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "province" => Some(Self::Province),
            "department" => Some(Self::Department),
            "district" => Some(Self::District),
            "commune" => Some(Self::Commune),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::Department => "department",
            Self::District => "district",
            Self::Commune => "commune",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Agencies {
    pub codes: Vec<String>,
    pub levels: Vec<Level>,
    pub parents: Vec<Option<u32>>,
    pub index: HashMap<String, u32>,
}

pub(super) fn agencies(table: &Table) -> Result<Agencies> {
    let codes = table.column("agency_code")?;
    table.require("name")?;
    let levels = table.column("level")?;
    let parents = table.column("parent_code")?;
    let mut out = Agencies::default();
    for row in 0..table.height() {
        let code = text(codes, row);
        let line = table.line(row);
        if code.is_empty() {
            return Err(AnalysisError::input(
                &table.name,
                line,
                "agency_code",
                "is empty",
            ));
        }
        if out.index.insert(code.to_owned(), row as u32).is_some() {
            return Err(AnalysisError::input(
                &table.name,
                line,
                "agency_code",
                format!("duplicate id {code:?}"),
            ));
        }
        let raw_level = text(levels, row);
        let level = Level::parse(raw_level).ok_or_else(|| {
            AnalysisError::input(&table.name, line, "level", format!("unknown level {raw_level:?}; expected province, department, district or commune"))
        })?;
        out.codes.push(code.to_owned());
        out.levels.push(level);
    }
    for row in 0..table.height() {
        let parent = text(parents, row);
        if parent.is_empty() {
            out.parents.push(None);
            continue;
        }
        let index = out.index.get(parent).copied().ok_or_else(|| {
            AnalysisError::input(
                &table.name,
                table.line(row),
                "parent_code",
                format!("unknown parent {parent:?}"),
            )
        })?;
        out.parents.push(Some(index));
    }
    Ok(out)
}

/// The index of the agency a row names.
pub(super) fn agency_at(
    table: &Table,
    row: usize,
    agency_of: &PlHashMap<&str, u32>,
    code: &str,
) -> std::result::Result<u32, RowError> {
    agency_of.get(code).copied().ok_or_else(|| {
        (
            row,
            AnalysisError::input(
                &table.name,
                table.line(row),
                "agency_code",
                format!("unknown agency {code:?}"),
            ),
        )
    })
}

/// Agency codes to their index, for lookups by text borrowed from a column.
pub(super) fn agency_lookup(agencies: &Agencies) -> PlHashMap<&str, u32> {
    agencies
        .index
        .iter()
        .map(|(code, i)| (code.as_str(), *i))
        .collect()
}
