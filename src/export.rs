//! `hailong export --out DIR`: the database as the analysis method's four files plus the
//! questionnaires, so that `hailong analyze` (or a researcher) runs on real data. Nothing
//! personal leaves: no identity hash, no contact, no token; responses carry no dossier id.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use anyhow::Context;
use diesel::prelude::*;

use crate::db::schema::{
    agencies, answers, dossiers, invitations, procedures, questionnaires, responses,
};
use crate::db::DbConnection;

pub struct Exported {
    pub agencies: usize,
    pub dossiers: usize,
    pub responses: usize,
    pub answers: usize,
}

fn writer(dir: &Path, name: &str) -> anyhow::Result<csv::Writer<std::fs::File>> {
    csv::Writer::from_path(dir.join(name)).with_context(|| format!("creating {name}"))
}

fn rfc3339(t: chrono::NaiveDateTime) -> String {
    t.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

pub fn export(conn: &mut DbConnection, dir: &Path) -> anyhow::Result<Exported> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let agency_rows: Vec<(i32, String, String, String, Option<i32>)> = agencies::table
        .select((
            agencies::id,
            agencies::code,
            agencies::name_vi,
            agencies::level,
            agencies::parent_id,
        ))
        .order(agencies::id)
        .load(conn)?;
    let code_of: HashMap<i32, String> = agency_rows.iter().map(|a| (a.0, a.1.clone())).collect();
    let procedure_of: HashMap<i32, String> = procedures::table
        .select((procedures::id, procedures::code))
        .load::<(i32, String)>(conn)?
        .into_iter()
        .collect();
    let lookup = |map: &HashMap<i32, String>, id: i32| map.get(&id).cloned().unwrap_or_default();

    let mut w = writer(dir, "agencies.csv")?;
    w.write_record(["agency_code", "name", "level", "parent_code"])?;
    for (_, code, name, level, parent) in &agency_rows {
        let parent = parent.map(|p| lookup(&code_of, p)).unwrap_or_default();
        w.write_record([
            code.as_str(),
            name.as_str(),
            level.as_str(),
            parent.as_str(),
        ])?;
    }
    w.flush()?;

    let invited: HashSet<i32> = invitations::table
        .select(invitations::dossier_id)
        .load::<i32>(conn)?
        .into_iter()
        .collect();
    type DossierRow = (
        i32,
        String,
        i32,
        i32,
        String,
        String,
        chrono::NaiveDateTime,
        chrono::NaiveDateTime,
        chrono::NaiveDateTime,
    );
    let dossier_rows: Vec<DossierRow> = dossiers::table
        .select((
            dossiers::id,
            dossiers::external_id,
            dossiers::agency_id,
            dossiers::procedure_id,
            dossiers::applicant_kind,
            dossiers::channel,
            dossiers::received_at,
            dossiers::due_at,
            dossiers::completed_at,
        ))
        .order(dossiers::id)
        .load(conn)?;
    let mut w = writer(dir, "dossiers.csv")?;
    w.write_record([
        "dossier_id",
        "agency_code",
        "procedure_code",
        "applicant_kind",
        "channel",
        "received_at",
        "due_at",
        "completed_at",
        "invited",
    ])?;
    for (id, external, agency, procedure, kind, channel, received, due, completed) in &dossier_rows
    {
        w.write_record([
            external.clone(),
            lookup(&code_of, *agency),
            lookup(&procedure_of, *procedure),
            kind.clone(),
            channel.clone(),
            rfc3339(*received),
            rfc3339(*due),
            rfc3339(*completed),
            invited.contains(id).to_string(),
        ])?;
    }
    w.flush()?;

    let response_rows: Vec<(String, i32, i32, String, String, String, String)> = responses::table
        .select((
            responses::id,
            responses::agency_id,
            responses::procedure_id,
            responses::applicant_kind,
            responses::channel,
            responses::quarter,
            responses::questionnaire_version,
        ))
        .order(responses::id)
        .load(conn)?;
    let mut w = writer(dir, "responses.csv")?;
    w.write_record([
        "response_id",
        "agency_code",
        "procedure_code",
        "applicant_kind",
        "channel",
        "quarter",
        "questionnaire_version",
    ])?;
    for (id, agency, procedure, kind, channel, quarter, version) in &response_rows {
        w.write_record([
            id.clone(),
            lookup(&code_of, *agency),
            lookup(&procedure_of, *procedure),
            kind.clone(),
            channel.clone(),
            quarter.clone(),
            version.clone(),
        ])?;
    }
    w.flush()?;

    let answer_rows: Vec<(String, String, i32)> = answers::table
        .select((answers::response_id, answers::item_code, answers::value))
        .order((answers::response_id, answers::item_code))
        .load(conn)?;
    let mut w = writer(dir, "answers.csv")?;
    w.write_record(["response_id", "item_code", "value"])?;
    for (response, item, value) in &answer_rows {
        w.write_record([response.as_str(), item.as_str(), &value.to_string()])?;
    }
    w.flush()?;

    let versions: Vec<(String, String)> = questionnaires::table
        .select((questionnaires::version, questionnaires::definition))
        .order((questionnaires::published_at, questionnaires::id))
        .load(conn)?;
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
        agencies: agency_rows.len(),
        dossiers: dossier_rows.len(),
        responses: response_rows.len(),
        answers: answer_rows.len(),
    })
}
