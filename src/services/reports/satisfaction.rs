//! The satisfaction report of a period ("Báo cáo kết quả khảo sát sự hài lòng của người dân,
//! doanh nghiệp"), for the province or for one agency, as plain data that `views::report`
//! writes as a document. It holds only what the pages may show: the computed numbers with their
//! statuses (nothing from fewer than `MIN_CELL` responses), response counts at the release
//! pins, comment topics of groups large enough to show comments, never a comment's text. An
//! agency's report holds its own rows and where it stands, never another agency's detail.

use std::collections::BTreeMap;

use hailong_analysis::scores::Measure;

use super::dashboards::{self, kind_of, quarters_of, Indexed, Kind, MIN_CELL};
use super::delivery;
use super::group766::{self, Counted, Share};
use super::standing::standing;
use super::targets::OnlineShares;
use super::weakest::weakest_items;
use crate::db::agencies::Agency;
use crate::db::{DbConnection, QueryResult};
use crate::domain::comment_topics::Topic;
pub use crate::domain::satisfaction_report::{
    AgencyLine, Change, Figure, Group766Shares, Published, Ranking, Reach, SatisfactionReport,
    Span, Subject, TrendPoint, Weakness,
};

/// The levels a province report ranks, in the order it shows them.
pub const LEVELS: [&str; 3] = ["department", "commune", "district"];

/// The newest standing of each index, with its target.
fn published(plan: Option<&crate::domain::plan::Plan>) -> Vec<Published> {
    let mut newest: BTreeMap<&'static str, Published> = BTreeMap::new();
    for s in super::standings::reference_standings() {
        if newest.get(s.index).is_none_or(|p| p.year < s.year) {
            newest.insert(
                s.index,
                Published {
                    index: s.index,
                    year: s.year,
                    rank: s.rank,
                    of: u32::try_from(s.of).unwrap_or(u32::MAX),
                    target: super::standings::rank_target(s.index, plan),
                },
            );
        }
    }
    newest.into_values().collect()
}

/// What a report is asked for.
pub struct Asked<'a> {
    pub period: &'a str,
    /// `None`: the province.
    pub agency: Option<&'a Agency>,
    /// Every agency, for names and levels.
    pub agencies: &'a [Agency],
    pub province_name: &'a str,
    /// `HAILONG_ANONYMITY_K`: answers are counted at the pins for it.
    pub k: u32,
    /// The plan in force in the period's year.
    pub plan: Option<crate::domain::plan::Plan>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{0:?} is not a period: give a quarter (2026-Q3) or a year (2026)")]
    NotAPeriod(String),
    #[error("no agency has the code {0:?}")]
    UnknownAgency(String),
    #[error("nothing is computed for {0} yet: no completed dossier, or the dashboards have not computed it")]
    NothingComputed(String),
    #[error(transparent)]
    Database(#[from] crate::db::DbError),
    #[error(transparent)]
    Survey(#[from] crate::services::surveys::SurveyError),
}

impl ReportError {
    /// The refusal a reader is shown, when the report was refused rather than failed.
    pub fn refusal(&self) -> Option<crate::services::Refusal> {
        use crate::services::Refusal;
        match self {
            Self::NotAPeriod(_) => Some(Refusal::new("period", "refusal-report-period")),
            Self::NothingComputed(_) => Some(Refusal::new("period", "refusal-report-not-computed")),
            Self::UnknownAgency(_) | Self::Database(_) | Self::Survey(_) => None,
        }
    }
}

/// The report of `period` for the province or the agency `agency` (a code), from the
/// computed numbers `index`: agencies, item texts and counts read in one snapshot.
pub fn prepare(
    conn: &mut DbConnection,
    questionnaires: &crate::services::surveys::Questionnaires,
    index: &Indexed,
    period: &str,
    agency: Option<&str>,
    k: u32,
) -> Result<SatisfactionReport, ReportError> {
    if kind_of(period).is_none() {
        return Err(ReportError::NotAPeriod(period.to_owned()));
    }
    let newest = questionnaires.newest(conn)?;
    let item_texts: BTreeMap<String, String> = newest
        .map(|q| {
            q.items
                .iter()
                .map(|i| (i.code.clone(), i.text("vi").to_owned()))
                .collect()
        })
        .unwrap_or_default();
    conn.snapshot(|conn| -> Result<SatisfactionReport, ReportError> {
        let agencies = crate::db::agencies::all(conn)?;
        let province_name = agencies
            .iter()
            .find(|a| a.level.as_str() == "province" && a.valid_to.is_none())
            .map_or_else(String::new, |a| a.name_vi.clone());
        let subject = match agency {
            Some(code) => match agencies.iter().find(|a| a.code == code) {
                Some(found) => Some(found.clone()),
                None => return Err(ReportError::UnknownAgency(code.to_owned())),
            },
            None => None,
        };
        let year: i32 = period[..4].parse().unwrap_or_default();
        let asked = Asked {
            period,
            agency: subject.as_ref(),
            agencies: &agencies,
            province_name: &province_name,
            k,
            plan: crate::db::plans::in_force(conn, year)?,
        };
        assemble(conn, index, &asked, &item_texts)?
            .ok_or_else(|| ReportError::NothingComputed(period.to_owned()))
    })
}

/// Who a line is about: code, name, level (empty for the province).
struct Named<'a> {
    /// `None` for the province (all agencies).
    id: Option<i32>,
    code: &'a str,
    name: &'a str,
    level: &'a str,
}

impl<'a> Named<'a> {
    fn of(agency: &'a Agency) -> Self {
        Self {
            id: Some(agency.id),
            code: &agency.code,
            name: &agency.name_vi,
            level: agency.level.as_str(),
        }
    }
}

/// The line of one agency (or the province, `ALL`); `None` without a computed row (no
/// completed dossier in the period).
fn line(index: &Indexed, period: &str, who: &Named, online: &OnlineShares) -> Option<AgencyLine> {
    let value = |measure| index.value(period, who.code, measure, "");
    let completed = index.row(period, who.code, Measure::Completed, "")?;
    let count = |measure| value(measure).map(|v| v.round() as u64);
    Some(AgencyLine {
        code: who.code.to_owned(),
        name: who.name.to_owned(),
        level: who.level.to_owned(),
        completed: count(Measure::Completed),
        invitations: count(Measure::Invitations),
        responses: completed.n,
        response_rate: value(Measure::ResponseRate),
        on_time_rate: value(Measure::OnTimeRate),
        online_share: online.share(who.id),
        sat_index: value(Measure::SatIndex),
        papi_total: value(Measure::PapiTotal),
        status: index
            .row(period, who.code, Measure::SatIndex, "")
            .map_or_else(|| "suppressed".to_owned(), |r| r.status.clone()),
        standing: (!who.level.is_empty())
            .then(|| standing(index, period, who.code, who.level))
            .flatten(),
    })
}

/// A line for someone with nothing computed in the period.
fn empty_line(who: &Named) -> AgencyLine {
    AgencyLine {
        code: who.code.to_owned(),
        name: who.name.to_owned(),
        level: who.level.to_owned(),
        completed: None,
        invitations: None,
        responses: 0,
        response_rate: None,
        on_time_rate: None,
        online_share: None,
        sat_index: None,
        papi_total: None,
        status: "suppressed".into(),
        standing: None,
    }
}

fn add_share(sum: &mut Share, part: Option<Share>) {
    if let Some(part) = part {
        sum.part += part.part;
        sum.of += part.of;
    }
}

/// Assembles the report of `asked` from the computed numbers of its period (`index`) and the
/// counts the database keeps; `None` when nothing is computed for the period.
pub fn assemble(
    conn: &mut DbConnection,
    index: &Indexed,
    asked: &Asked,
    item_texts: &BTreeMap<String, String>,
) -> QueryResult<Option<SatisfactionReport>> {
    let period = asked.period;
    let (Some(kind), Some(loaded)) = (kind_of(period), index.period(period)) else {
        return Ok(None);
    };
    let subject_code = asked.agency.map_or("ALL", |a| a.code.as_str());
    let who = match asked.agency {
        Some(agency) => Named::of(agency),
        None => Named {
            id: None,
            code: "ALL",
            name: asked.province_name,
            level: "",
        },
    };
    let quarters = quarters_of(period, kind);
    let online = OnlineShares::read(conn, &quarters)?;
    let own = line(index, period, &who, &online).unwrap_or_else(|| empty_line(&who));
    let all_lines: Vec<AgencyLine> = asked
        .agencies
        .iter()
        .filter_map(|a| line(index, period, &Named::of(a), &online))
        .collect();

    // Reach: invitations and answers by channel and mode (the province), or the agency's own.
    let mut by_channel: BTreeMap<String, delivery::Answered> = BTreeMap::new();
    let mut by_mode: BTreeMap<String, delivery::Answered> = BTreeMap::new();
    if asked.agency.is_none() {
        for quarter in &quarters {
            let report = delivery::of_quarter(conn, *quarter, asked.k)?;
            for (into, from) in [
                (&mut by_channel, report.by_channel),
                (&mut by_mode, report.by_mode),
            ] {
                for (name, answered) in from {
                    let sum = into.entry(name).or_default();
                    sum.invited += answered.invited;
                    sum.answered += answered.answered;
                }
            }
        }
    }
    let reach = |counts: BTreeMap<String, delivery::Answered>| -> Vec<Reach> {
        counts
            .into_iter()
            .map(|(name, a)| Reach {
                name,
                invited: a.invited,
                answered: (a.answered >= u64::from(MIN_CELL)).then_some(a.answered),
                rate: a.rate(u64::from(MIN_CELL)),
            })
            .collect()
    };

    let index_row = index.row(period, subject_code, Measure::SatIndex, "");
    let figure = index_row.and_then(|r| {
        Some(Figure {
            value: r.value?,
            ci: r.ci,
            n: r.n,
        })
    });
    let change = index
        .trend(period, subject_code, Measure::SatIndex, "")
        .map(|t| Change {
            previous_period: t.previous_period.clone(),
            previous_value: t.previous_value,
            delta: t.delta,
            significant: t.significant,
        });
    let change_year = dashboards::year_before(period).and_then(|before| {
        let (now, then) = (
            index.row(period, subject_code, Measure::SatIndex, "")?,
            index.row(&before, subject_code, Measure::SatIndex, "")?,
        );
        let version_of = |p: &str| {
            let used = index.period(p)?.report.versions.get(subject_code)?;
            (used.len() == 1)
                .then(|| used.iter().next().cloned())
                .flatten()
        };
        if version_of(period)? != version_of(&before)? {
            return None;
        }
        let (value, previous_value) = (now.value?, then.value?);
        let delta = value - previous_value;
        Some(Change {
            previous_period: before,
            previous_value,
            delta,
            significant: hailong_analysis::trends::significant(delta, now.ci, then.ci),
        })
    });
    let elements = loaded
        .report
        .dimensions
        .iter()
        .map(|d| {
            (
                d.name_vi.clone(),
                index.value(period, subject_code, Measure::SatDim, &d.code),
            )
        })
        .collect();

    // Rankings: every level for the province; the agency's own place for an agency.
    let rankings: Vec<Ranking> = LEVELS
        .iter()
        .filter(|level| asked.agency.is_none_or(|a| a.level.as_str() == **level))
        .filter_map(|level| {
            let of_level: Vec<&AgencyLine> =
                all_lines.iter().filter(|l| l.level == *level).collect();
            if of_level.is_empty() {
                return None;
            }
            let mut ranked: Vec<AgencyLine> = of_level
                .iter()
                .filter(|l| l.standing.is_some())
                .filter(|l| asked.agency.is_none_or(|a| a.code == l.code))
                .map(|l| (*l).clone())
                .collect();
            ranked.sort_by_key(|l| {
                (
                    l.standing.as_ref().map_or(u32::MAX, |s| s.rank),
                    l.name.clone(),
                )
            });
            let unranked = of_level.iter().filter(|l| l.standing.is_none()).count();
            Some(Ranking {
                level: (*level).to_owned(),
                ranked,
                unranked,
            })
        })
        .collect();

    // The Decision 766 group: per agency of the subject, summed for the province.
    let group766 = match (kind, quarters.first()) {
        (Kind::Quarter, Some(quarter)) => {
            let members: Vec<(i32, String)> = asked
                .agencies
                .iter()
                .filter(|a| asked.agency.is_none_or(|own| own.id == a.id))
                .map(|a| (a.id, a.code.clone()))
                .collect();
            let counted = Counted::of_period(index, period, &members);
            let groups = group766::of_quarter(conn, &members, *quarter, counted.as_ref())?;
            // Shown shares only (each agency's own rules: MIN_CELL ratings, responses),
            // numerators and denominators added.
            let mut on_time = Share::default();
            let mut satisfied = Share::default();
            let mut not_dissatisfied = Share::default();
            for g in groups.values() {
                add_share(&mut on_time, Some(g.on_time));
                add_share(&mut satisfied, g.satisfied);
                add_share(&mut not_dissatisfied, g.not_dissatisfied);
            }
            Some(Group766Shares {
                on_time: on_time.percent(),
                satisfied: satisfied.percent(),
                not_dissatisfied: not_dissatisfied.percent(),
            })
        }
        _ => None,
    };

    // What citizens wrote: topics of the comments the inbox would show (groups of at least
    // MIN_CELL responses), counted; never the text.
    let filter = super::comments::Filter {
        agency_ids: asked
            .agencies
            .iter()
            .filter(|a| asked.agency.is_none_or(|own| own.id == a.id))
            .map(|a| a.id)
            .collect(),
        quarters: quarters.iter().map(ToString::to_string).collect(),
        ..Default::default()
    };
    let inbox = super::comments::inbox(conn, &[], &filter)?;
    let mut topic_counts: BTreeMap<Topic, usize> = BTreeMap::new();
    for comment in &inbox.comments {
        for topic in &comment.topics {
            *topic_counts.entry(*topic).or_default() += 1;
        }
    }
    let mut topics: Vec<(Topic, usize)> = topic_counts.into_iter().collect();
    topics.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));

    // Recommendations: the items furthest below the median of the level.
    let weak_of = |agency: &AgencyLine| -> Vec<Weakness> {
        let peers: Vec<&str> = all_lines
            .iter()
            .filter(|l| l.level == agency.level)
            .map(|l| l.code.as_str())
            .collect();
        weakest_items(&loaded.report, &agency.code, &peers, 3)
            .into_iter()
            .map(|w| Weakness {
                agency: agency.name.clone(),
                item: item_texts.get(&w.key).cloned().unwrap_or(w.key.clone()),
                value: w.value,
                median: w.median,
            })
            .collect()
    };
    let weaknesses = match asked.agency {
        Some(_) => weak_of(&own),
        // The province: the weakest agency of each level, by its position in the funnel.
        None => rankings_weakest(&all_lines)
            .into_iter()
            .flat_map(|l| weak_of(l).into_iter().take(2))
            .collect(),
    };

    // The funnels of the province's report: the members of each level's comparison set.
    let funnels = match asked.agency {
        Some(_) => Vec::new(),
        None => rankings
            .iter()
            .filter_map(|r| {
                let members: Vec<(&str, &str)> = r
                    .ranked
                    .iter()
                    .map(|l| (l.code.as_str(), l.name.as_str()))
                    .collect();
                super::standing::funnel(index, period, &r.level, &members)
                    .map(|f| (r.level.clone(), f))
            })
            .collect(),
    };
    let suppressed = all_lines
        .iter()
        .filter(|l| asked.agency.is_none_or(|a| a.code == l.code))
        .filter(|l| l.responses > 0 && l.responses < MIN_CELL)
        .count();
    let appendix = match asked.agency {
        Some(_) => vec![own.clone()],
        None => all_lines.clone(),
    };
    Ok(Some(SatisfactionReport {
        period: period.to_owned(),
        span: match kind {
            Kind::Quarter => Span::Quarter,
            Kind::Year => Span::Year,
        },
        subject: Subject {
            code: subject_code.to_owned(),
            name: own.name.clone(),
            level: asked.agency.map(|a| a.level.as_str().to_owned()),
        },
        issued_on: crate::domain::period::today(),
        min_cell: MIN_CELL,
        own,
        by_channel: reach(by_channel),
        by_mode: reach(by_mode),
        index: figure,
        change,
        change_year,
        elements,
        rankings,
        group766,
        topics,
        weaknesses,
        appendix,
        suppressed,
        province_name: asked.province_name.to_owned(),
        published: published(asked.plan.as_ref()),
        plan: asked.plan.clone(),
        funnels,
        trend: index
            .periods
            .iter()
            .filter(|p| kind_of(p) == Some(kind))
            .map(|p| {
                let row = index.row(p, subject_code, Measure::SatIndex, "");
                TrendPoint {
                    period: p.clone(),
                    value: row.and_then(|r| r.value),
                    ci: row.and_then(|r| r.ci),
                }
            })
            .collect(),
    }))
}

/// The lowest-placed agency of each level (by funnel z, the fair comparison), if any.
fn rankings_weakest(lines: &[AgencyLine]) -> Vec<&AgencyLine> {
    LEVELS
        .iter()
        .filter_map(|level| {
            lines
                .iter()
                .filter(|l| l.level == *level)
                .filter_map(|l| Some((l, l.standing.as_ref()?.funnel_z?)))
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(l, _)| l)
        })
        .collect()
}
