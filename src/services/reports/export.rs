//! The database as the analysis method's four tables (and the questionnaires): written as files
//! by `hailong export --out DIR`, or handed to the analysis library by the dashboards. Nothing
//! personal leaves: no identity hash, no contact, no token; responses carry no dossier id.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use anyhow::Context;
use hailong_analysis::tables::{Table, Tables};

use crate::db::export as rows;
use crate::db::{DbConnection, QueryResult};
use crate::services::reports::field_pins::{self, Released};

fn rfc3339(t: chrono::NaiveDateTime) -> String {
    t.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

pub use crate::db::export::{Quarters, Slice};

/// Reads the four tables from the database (released responses only: held ones are nobody's to
/// see yet).
pub fn tables(conn: &mut DbConnection) -> QueryResult<Tables> {
    tables_of(conn, Slice::default())
}

/// The four tables, with the dossiers, responses and answers of the slice only (every agency:
/// the tree is the same whatever the slice). A response generalised beyond its procedure
/// field belongs to no field.
pub fn tables_of(conn: &mut DbConnection, slice: Slice) -> QueryResult<Tables> {
    // One snapshot: a response released between two reads would otherwise leave its answers
    // without it (or it without its answers).
    conn.snapshot(|conn| read_tables(conn, slice))
}

fn read_tables(conn: &mut DbConnection, slice: Slice) -> QueryResult<Tables> {
    let mut out = Tables::default();
    let agency_rows = rows::agencies(conn)?;
    let code_of: HashMap<i32, String> = agency_rows.iter().map(|a| (a.0, a.1.clone())).collect();
    let procedure_of: HashMap<i32, String> = rows::procedure_codes(conn)?.into_iter().collect();
    let lookup = |map: &HashMap<i32, String>, id: i32| map.get(&id).cloned().unwrap_or_default();
    for (_, code, name, level, parent) in agency_rows.iter().cloned() {
        out.agencies.rows.push(vec![
            code,
            name,
            level,
            parent.map(|p| lookup(&code_of, p)).unwrap_or_default(),
        ]);
    }
    for (external, agency, procedure, kind, channel, received, due, completed, invited) in
        rows::dossiers(conn, slice)?
    {
        out.dossiers.rows.push(vec![
            external,
            lookup(&code_of, agency),
            lookup(&procedure_of, procedure),
            kind,
            channel,
            rfc3339(received),
            rfc3339(due),
            rfc3339(completed),
            invited.to_string(),
        ]);
    }
    let not_yet = not_yet_in_field_views(conn, slice)?;
    for (id, agency, procedure, kind, channel, quarter, version, mode) in
        rows::responses(conn, slice)?
    {
        if not_yet.contains(&id) {
            continue;
        }
        out.responses.rows.push(vec![
            id,
            lookup(&code_of, agency),
            // Empty when generalised (k-anonymity): the method does not read it.
            procedure
                .map(|p| lookup(&procedure_of, p))
                .unwrap_or_default(),
            kind,
            channel,
            quarter,
            version,
            mode,
        ]);
    }
    for (response, item, value) in rows::answers(conn, slice)? {
        if not_yet.contains(&response) {
            continue;
        }
        out.answers
            .rows
            .push(vec![response, item, value.to_string()]);
    }
    Ok(out)
}

/// The responses a field's view leaves out: those released after their agency's quarter's pin
/// (`field_pins`). None outside a field's view.
fn not_yet_in_field_views(conn: &mut DbConnection, slice: Slice) -> QueryResult<HashSet<String>> {
    let (Some(_), Some(k)) = (slice.field, slice.field_pins_k) else {
        return Ok(HashSet::new());
    };
    let parts = rows::released_parts(conn, slice.quarters)?;
    let released: Vec<Released> = parts.iter().map(Released::of_part).collect();
    let pins = field_pins::pins(&released, k);
    Ok(parts
        .into_iter()
        .zip(&released)
        .filter(|(_, r)| {
            pins.get(&(r.agency_id, r.quarter.clone()))
                .is_none_or(|pin| r.release > *pin)
        })
        .map(|((id, ..), _)| id)
        .collect())
}

/// Every published questionnaire as (version, JSON), oldest first.
pub fn questionnaire_versions(conn: &mut DbConnection) -> QueryResult<Vec<(String, String)>> {
    rows::questionnaire_versions(conn)
}

fn write_table(dir: &Path, name: &str, table: &Table) -> anyhow::Result<()> {
    let mut w =
        csv::Writer::from_path(dir.join(name)).with_context(|| format!("creating {name}"))?;
    w.write_record(table.header)?;
    for row in &table.rows {
        w.write_record(row)?;
    }
    w.flush()?;
    Ok(())
}

/// `successions.csv` (METHODOLOGY §1): every recorded merger or split of the agency tree, for
/// the lineage of §13; only the header when there is none.
fn write_successions(conn: &mut DbConnection, dir: &Path) -> anyhow::Result<()> {
    let mut w =
        csv::Writer::from_path(dir.join("successions.csv")).context("creating successions.csv")?;
    w.write_record(["predecessor_code", "successor_code", "effective_on"])?;
    for (predecessor, successor, effective_on) in crate::db::agencies::successions(conn)? {
        w.write_record([
            predecessor,
            successor,
            effective_on.format("%Y-%m-%d").to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

pub struct Exported {
    pub agencies: usize,
    pub dossiers: usize,
    pub responses: usize,
    pub answers: usize,
}

pub fn export(conn: &mut DbConnection, dir: &Path) -> anyhow::Result<Exported> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let t = tables(conn)?;
    write_table(dir, "agencies.csv", &t.agencies)?;
    write_table(dir, "dossiers.csv", &t.dossiers)?;
    write_table(dir, "responses.csv", &t.responses)?;
    write_table(dir, "answers.csv", &t.answers)?;
    write_successions(conn, dir)?;
    let versions = questionnaire_versions(conn)?;
    for (version, definition) in &versions {
        std::fs::write(
            dir.join(format!("questionnaire-{version}.json")),
            definition,
        )?;
    }
    if let Some((_, newest)) = versions.last() {
        std::fs::write(dir.join("questionnaire.json"), newest)?;
    }
    Ok(Exported {
        agencies: t.agencies.rows.len(),
        dossiers: t.dossiers.rows.len(),
        responses: t.responses.rows.len(),
        answers: t.answers.rows.len(),
    })
}
