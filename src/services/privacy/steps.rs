//! The other half of `hailong privacy audit`: what staff and the public could learn by
//! comparing what they saw before and after a release. For every output that counts released
//! responses (an agency's quarter and year, each way of answering and its complement, flagged
//! responses, a parent's subtree, a field's view), the release history (`responses.released_in`)
//! says by how many responses it moved at each release; the smallest such step, over all of
//! them, must be at least k (docs/PRIVACY.md, "What staff can learn").

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crate::db::export::{self, ReleasedPart};
use crate::db::{agencies, DbConnection, QueryResult};
use crate::services::reports::field_pins::{self, Released};

/// The smallest step of one kind of output, and where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Smallest {
    pub output: &'static str,
    pub step: u64,
    /// The output's key: agency code, period and filter.
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Steps {
    pub k: u32,
    /// Per kind of output, its smallest step (none: it never moved).
    pub smallest: Vec<Smallest>,
}

impl Steps {
    pub fn passes(&self) -> bool {
        self.smallest.iter().all(|s| s.step >= u64::from(self.k))
    }
}

/// One output's counts per release: key → release → responses it gained.
type Series = BTreeMap<String, BTreeMap<i32, u64>>;

fn add(series: &mut Series, key: String, release: i32) {
    *series.entry(key).or_default().entry(release).or_default() += 1;
}

fn smallest_of(output: &'static str, series: &Series) -> Option<Smallest> {
    series
        .iter()
        .flat_map(|(key, steps)| steps.values().map(move |step| (*step, key)))
        .min()
        .map(|(step, key)| Smallest {
            output,
            step,
            at: key.clone(),
        })
}

pub fn steps(conn: &mut DbConnection, k: u32) -> QueryResult<Steps> {
    let all = agencies::all(conn)?;
    let code: HashMap<i32, &str> = all.iter().map(|a| (a.id, a.code.as_str())).collect();
    let parent: HashMap<i32, Option<i32>> = all.iter().map(|a| (a.id, a.parent_id)).collect();
    let name = |id: i32| code.get(&id).copied().unwrap_or("?").to_owned();
    let modes = ["link", "kiosk", "paper"];

    let mut outputs: Vec<(&'static str, Series)> = [
        "agency, quarter, way of answering (the released cell)",
        "agency, quarter (its page)",
        "agency, quarter, one way of answering (?mode=)",
        "agency, quarter, the other ways of answering (the complement of ?mode=)",
        "agency, year",
        "agency and the units under it, quarter",
        "agency, quarter, flagged responses (integrity page)",
    ]
    .into_iter()
    .map(|name| (name, Series::new()))
    .collect();
    let unflagged: Vec<ReleasedPart> = export::released_parts(conn, None)?;
    for (_, agency, quarter, mode, _, release) in &unflagged {
        let (agency, release) = (*agency, *release);
        let at = |more: &str| format!("{} {quarter}{more}", name(agency));
        add(&mut outputs[0].1, at(&format!(" {mode}")), release);
        add(&mut outputs[1].1, at(""), release);
        add(&mut outputs[2].1, at(&format!(" mode={mode}")), release);
        for other in modes.iter().filter(|m| **m != mode) {
            add(&mut outputs[3].1, at(&format!(" mode≠{other}")), release);
        }
        let year = quarter.split('-').next().unwrap_or(quarter);
        add(
            &mut outputs[4].1,
            format!("{} {year}", name(agency)),
            release,
        );
        let mut above = Some(agency);
        while let Some(unit) = above {
            add(
                &mut outputs[5].1,
                format!("{} {quarter}", name(unit)),
                release,
            );
            above = parent.get(&unit).copied().flatten();
        }
    }
    for (agency, quarter, release) in export::flagged_releases(conn)? {
        add(
            &mut outputs[6].1,
            format!("{} {quarter} flagged", name(agency)),
            release,
        );
    }
    let mut smallest: Vec<Smallest> = outputs
        .iter()
        .filter_map(|(output, series)| smallest_of(output, series))
        .collect();
    smallest.extend(field_view_steps(&unflagged, k, &name));
    Ok(Steps { k, smallest })
}

/// A field's view moves only at its agency's quarter's pins: by what each field moved between
/// two pins.
fn field_view_steps(
    unflagged: &[ReleasedPart],
    k: u32,
    name: &dyn Fn(i32) -> String,
) -> Option<Smallest> {
    let released: Vec<Released> = unflagged.iter().map(Released::of_part).collect();
    // A field's view is the sum of its parts (one per way of answering) at each pin.
    let mut series = Series::new();
    let mut shown: HashMap<(i32, String, Option<String>), u64> = HashMap::new();
    field_pins::walk(&released, k, |agency, quarter, release, parts| {
        let mut fields: BTreeMap<Option<&str>, u64> = BTreeMap::new();
        for ((_, field), count) in parts {
            *fields.entry(*field).or_default() += count;
        }
        for (field, count) in fields {
            let key = (agency, quarter.to_owned(), field.map(str::to_owned));
            let before = shown.insert(key, count).unwrap_or(0);
            if count > before {
                let at = format!(
                    "{} {quarter} field={}",
                    name(agency),
                    field.unwrap_or("(none)")
                );
                *series.entry(at).or_default().entry(release).or_default() += count - before;
            }
        }
    });
    smallest_of("agency, quarter, one procedure field (?field=)", &series)
}

impl fmt::Display for Steps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "steps by which what staff and the public see moved at a release (k = {}):",
            self.k
        )?;
        for s in &self.smallest {
            let mark = if s.step >= u64::from(self.k) {
                ""
            } else {
                "  << under k"
            };
            writeln!(
                f,
                "  {}: smallest step {} ({}){mark}",
                s.output, s.step, s.at
            )?;
        }
        Ok(())
    }
}
