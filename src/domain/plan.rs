//! The province's yearly plan: the targets of its administrative reform plan (the 2020 plan
//! of `../shared/seeds`: every procedure resolved on time, at least 80 % of procedures with
//! dossiers received online, every transaction electronically authenticated, PAR INDEX, PAPI
//! and PCI in the top 15, 20 and 15) and a satisfaction target (Decision 1565/QĐ-TTg: 95 %
//! for online public services by 2026), read from a TOML file or a form and checked here.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub year: i32,
    /// The document the targets come from ("Kế hoạch số …/KH-UBND").
    pub source: String,
    pub on_time_percent: Option<f64>,
    pub online_percent: Option<f64>,
    pub e_authenticated_percent: Option<f64>,
    /// The satisfaction index (0-100) to reach.
    pub satisfaction_index: Option<f64>,
    /// Ranks among the provinces to reach (1 = best).
    pub par_index_rank: Option<u32>,
    pub papi_rank: Option<u32>,
    pub pci_rank: Option<u32>,
}

/// Why a plan was refused: the field, and on which line of the file when it came from one.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}{field}: {message}", line.map(|l| format!("line {l}: ")).unwrap_or_default())]
pub struct PlanError {
    pub field: String,
    pub line: Option<usize>,
    pub message: String,
}

impl PlanError {
    fn of(field: &str, message: &str) -> Self {
        Self {
            field: field.to_owned(),
            line: None,
            message: message.to_owned(),
        }
    }
}

/// A target the scores are measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal {
    /// Dossiers resolved on time, % (METHODOLOGY §7).
    OnTime,
    /// Dossiers received online, % of those completed.
    Online,
    /// The satisfaction index (0-100).
    Satisfaction,
}

/// Where a figure stands against its target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    pub goal: Goal,
    pub target: f64,
    /// `None` when the figure is not shown (no dossier, or too few responses).
    pub actual: Option<f64>,
}

impl Progress {
    /// Actual minus target (negative: short of it).
    pub fn gap(&self) -> Option<f64> {
        self.actual.map(|a| a - self.target)
    }

    pub fn met(&self) -> Option<bool> {
        self.actual.map(|a| a >= self.target)
    }
}

/// A plan's targets for one agency (or the province) in one period, and where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Targets {
    pub plan: Plan,
    pub progress: Vec<Progress>,
    /// The same for each agency of a level (the province page), by name.
    pub agencies: Vec<(String, Vec<Progress>)>,
}

impl Plan {
    /// The figures of an agency (or the province) against the plan's targets, for the
    /// targets the plan sets: on time, online, satisfaction.
    pub fn progress(
        &self,
        on_time: Option<f64>,
        online: Option<f64>,
        satisfaction: Option<f64>,
    ) -> Vec<Progress> {
        [
            (Goal::OnTime, self.on_time_percent, on_time),
            (Goal::Online, self.online_percent, online),
            (Goal::Satisfaction, self.satisfaction_index, satisfaction),
        ]
        .into_iter()
        .filter_map(|(goal, target, actual)| {
            Some(Progress {
                goal,
                target: target?,
                actual,
            })
        })
        .collect()
    }

    /// Reads a plan from TOML text, checked.
    pub fn from_toml(text: &str) -> Result<Self, PlanError> {
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let plan: Plan = toml::from_str(text).map_err(|e| {
            let message = e.message().to_owned();
            // toml names an unknown or missing field in its message; else the key at the span.
            let field = e
                .span()
                .map(|span| {
                    text[span.clone()]
                        .split('=')
                        .next()
                        .unwrap_or_default()
                        .trim()
                        .to_owned()
                })
                .filter(|f| !f.is_empty() && !f.contains('\n'))
                .unwrap_or_else(|| "plan".to_owned());
            PlanError {
                field,
                line: e.span().map(|span| line_of(span.start)),
                message,
            }
        })?;
        plan.checked().map_err(|mut e| {
            // The line of the refused key, when the file has it on a line of its own.
            e.line = text
                .lines()
                .position(|l| {
                    l.trim_start().starts_with(&format!("{} ", e.field))
                        || l.trim_start().starts_with(&format!("{}=", e.field))
                })
                .map(|i| i + 1);
            e
        })
    }

    /// The plan if every target is in its range.
    pub fn checked(self) -> Result<Self, PlanError> {
        if !(2000..=2100).contains(&self.year) {
            return Err(PlanError::of("year", "a year between 2000 and 2100"));
        }
        if self.source.trim().is_empty() {
            return Err(PlanError::of(
                "source",
                "the plan document the targets come from (e.g. \"Kế hoạch số 123/KH-UBND\")",
            ));
        }
        for (field, value) in [
            ("on_time_percent", self.on_time_percent),
            ("online_percent", self.online_percent),
            ("e_authenticated_percent", self.e_authenticated_percent),
            ("satisfaction_index", self.satisfaction_index),
        ] {
            if value.is_some_and(|v| !(0.0..=100.0).contains(&v)) {
                return Err(PlanError::of(field, "a percentage from 0 to 100"));
            }
        }
        for (field, value) in [
            ("par_index_rank", self.par_index_rank),
            ("papi_rank", self.papi_rank),
            ("pci_rank", self.pci_rank),
        ] {
            if value.is_some_and(|v| !(1..=100).contains(&v)) {
                return Err(PlanError::of(field, "a rank from 1 to 100"));
            }
        }
        Ok(Self {
            source: crate::domain::text::nfc(self.source.trim()),
            ..self
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = r#"year = 2026
source = "Kế hoạch cải cách hành chính năm 2026"
on_time_percent = 100
online_percent = 80
e_authenticated_percent = 100
satisfaction_index = 95
par_index_rank = 15
papi_rank = 20
pci_rank = 15
"#;

    #[test]
    fn the_seed_s_targets_read_as_a_plan() {
        let plan = Plan::from_toml(SEED).unwrap();
        assert_eq!(plan.online_percent, Some(80.0));
        assert_eq!(plan.papi_rank, Some(20));
    }

    #[test]
    fn a_bad_plan_names_its_line_and_field() {
        let bad = SEED.replace("online_percent = 80", "online_percent = 180");
        let e = Plan::from_toml(&bad).unwrap_err();
        assert_eq!((e.field.as_str(), e.line), ("online_percent", Some(4)));
        let typo = SEED.replace("papi_rank", "papi_rnak");
        let e = Plan::from_toml(&typo).unwrap_err();
        assert_eq!(e.line, Some(8), "{e}");
        assert!(e.to_string().contains("papi_rnak"), "{e}");
        let wrong_type = SEED.replace("pci_rank = 15", "pci_rank = \"top 15\"");
        assert_eq!(Plan::from_toml(&wrong_type).unwrap_err().line, Some(9));
    }
}
