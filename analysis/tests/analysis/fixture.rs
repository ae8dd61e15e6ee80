//! Small data sets written as the four files, for hand-computed cases.

use std::fmt::Write;

use hailong_analysis::report::Report;
use hailong_analysis::scores::{Measure, ScoreRow, Status};
use hailong_analysis::{analyze, read_inputs, read_questionnaire, Options};

/// Two dimensions of equal weight: d1 = two likert items, d2 = a positive and a negative yes/no.
pub const QUESTIONNAIRE: &str = r#"{"version": "t1", "dimensions": [
  {"code": "d1", "name_vi": "Một", "name_en": "One", "weight": 0.5},
  {"code": "d2", "name_vi": "Hai", "name_en": "Two", "weight": 0.5}],
 "items": [
  {"code": "L1", "dimension": "d1", "kind": "likert5", "direction": null, "text_vi": "a", "text_en": "a"},
  {"code": "L2", "dimension": "d1", "kind": "likert5", "direction": null, "text_vi": "b", "text_en": "b"},
  {"code": "Y1", "dimension": "d2", "kind": "yes_no", "direction": "positive", "text_vi": "c", "text_en": "c"},
  {"code": "N1", "dimension": "d2", "kind": "yes_no", "direction": "negative", "text_vi": "d", "text_en": "d"}]}"#;

#[derive(Default, Clone)]
pub struct Fixture {
    pub agencies: Vec<String>,
    pub dossiers: Vec<String>,
    pub responses: Vec<String>,
    pub answers: Vec<String>,
    pub questionnaire: Option<String>,
    /// `predecessor_code,successor_code,effective_on` rows; no file when empty.
    pub successions: Vec<String>,
    next_id: usize,
}

impl Fixture {
    /// A province `P` with communes `A`, `B`, … as given.
    pub fn new(communes: &[&str]) -> Self {
        let mut f = Fixture {
            agencies: vec!["P,Tỉnh,province,".into()],
            ..Fixture::default()
        };
        for c in communes {
            f.agencies.push(format!("{c},Xã {c},commune,P"));
        }
        f
    }

    /// `count` on-time dossiers completed at `completed` (RFC 3339), invited.
    pub fn dossiers(
        &mut self,
        agency: &str,
        channel: &str,
        kind: &str,
        completed: &str,
        count: usize,
    ) -> &mut Self {
        for _ in 0..count {
            self.next_id += 1;
            self.dossiers.push(format!("D{},{agency},1.0,{kind},{channel},2020-01-01T00:00:00+07:00,{completed},{completed},true", self.next_id));
        }
        self
    }

    /// One response with `answers` as (item, value); returns its id.
    pub fn respond(
        &mut self,
        agency: &str,
        channel: &str,
        kind: &str,
        quarter: &str,
        answers: &[(&str, i32)],
    ) -> String {
        self.respond_version(agency, channel, kind, quarter, "t1", answers)
    }

    pub fn respond_version(
        &mut self,
        agency: &str,
        channel: &str,
        kind: &str,
        quarter: &str,
        version: &str,
        answers: &[(&str, i32)],
    ) -> String {
        self.next_id += 1;
        let id = format!("R{}", self.next_id);
        self.responses.push(format!(
            "{id},{agency},1.0,{kind},{channel},{quarter},{version}"
        ));
        for (item, value) in answers {
            self.answers.push(format!("{id},{item},{value}"));
        }
        id
    }

    /// The same answers from `count` people.
    pub fn respond_many(
        &mut self,
        count: usize,
        agency: &str,
        channel: &str,
        kind: &str,
        quarter: &str,
        answers: &[(&str, i32)],
    ) -> &mut Self {
        for _ in 0..count {
            self.respond(agency, channel, kind, quarter, answers);
        }
        self
    }

    pub fn write(&self, dir: &std::path::Path) {
        let file = |name: &str, header: &str, rows: &[String]| {
            let mut text = String::new();
            writeln!(text, "{header}").unwrap();
            for r in rows {
                writeln!(text, "{r}").unwrap();
            }
            std::fs::write(dir.join(name), text).unwrap();
        };
        file(
            "agencies.csv",
            "agency_code,name,level,parent_code",
            &self.agencies,
        );
        file("dossiers.csv", "dossier_id,agency_code,procedure_code,applicant_kind,channel,received_at,due_at,completed_at,invited", &self.dossiers);
        file("responses.csv", "response_id,agency_code,procedure_code,applicant_kind,channel,quarter,questionnaire_version", &self.responses);
        file("answers.csv", "response_id,item_code,value", &self.answers);
        if !self.successions.is_empty() {
            file(
                "successions.csv",
                "predecessor_code,successor_code,effective_on",
                &self.successions,
            );
        }
        std::fs::write(
            dir.join("q.json"),
            self.questionnaire.as_deref().unwrap_or(QUESTIONNAIRE),
        )
        .unwrap();
    }

    pub fn run(&self, options: &Options) -> Result<Report, String> {
        let dir = tempfile::tempdir().unwrap();
        self.write(dir.path());
        let q = read_questionnaire(&dir.path().join("q.json")).map_err(|e| e.to_string())?;
        let inputs = read_inputs(dir.path(), q).map_err(|e| e.to_string())?;
        analyze(&inputs, options).map_err(|e| e.to_string())
    }
}

pub fn options(min_cell: u32) -> Options {
    Options {
        min_cell,
        bootstrap: 0,
        ..Options::default()
    }
}

pub fn find<'a>(
    report: &'a Report,
    period: &str,
    agency: &str,
    measure: Measure,
    key: &str,
) -> Option<&'a ScoreRow> {
    find_in(report, &report.scores, period, agency, measure, key)
}

/// As [`find`], among `rows` (the report's scores or lineage).
pub fn find_in<'a>(
    report: &Report,
    rows: &'a [ScoreRow],
    period: &str,
    agency: &str,
    measure: Measure,
    key: &str,
) -> Option<&'a ScoreRow> {
    rows.iter().find(|r| {
        r.period.to_string() == period
            && report.agency_code(r.agency) == agency
            && r.measure == measure
            && r.key == key
    })
}

pub fn value(
    report: &Report,
    period: &str,
    agency: &str,
    measure: Measure,
    key: &str,
) -> Option<f64> {
    find(report, period, agency, measure, key).and_then(|r| r.value)
}

pub fn status(report: &Report, period: &str, agency: &str, measure: Measure, key: &str) -> Status {
    find(report, period, agency, measure, key)
        .map(|r| r.status)
        .unwrap_or_else(|| panic!("no {measure:?} {key} row for {agency} in {period}"))
}

pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}
