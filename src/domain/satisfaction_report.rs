//! The satisfaction report of a period as plain data ("Báo cáo kết quả khảo sát sự hài lòng
//! của người dân, doanh nghiệp"): what `services::reports::satisfaction` assembles from the
//! computed numbers and `views::report` writes as a document.

use crate::domain::comment_topics::Topic;
use crate::domain::standing::{Funnel, Standing};

/// A quarter or a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Quarter,
    Year,
}

/// The Decision 766 group's three shares, in percent (`None` where not shown).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Group766Shares {
    pub on_time: Option<f64>,
    pub satisfied: Option<f64>,
    pub not_dissatisfied: Option<f64>,
}

/// Who the report is about: the province (`ALL`) or one agency.
#[derive(Debug, Clone)]
pub struct Subject {
    pub code: String,
    pub name: String,
    /// The agency's level; `None` for the province.
    pub level: Option<String>,
}

/// A shown value with its interval (§9) and the responses behind it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figure {
    pub value: f64,
    pub ci: Option<(f64, f64)>,
    pub n: u32,
}

/// The change since the previous period (§10).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub previous_period: String,
    pub previous_value: f64,
    pub delta: f64,
    pub significant: bool,
}

/// Invitations and responses of one way in (a dossier channel, or a mode of answering).
#[derive(Debug, Clone, PartialEq)]
pub struct Reach {
    pub name: String,
    pub invited: u64,
    /// `None` when fewer than `MIN_CELL` answered (not shown).
    pub answered: Option<u64>,
    pub rate: Option<f64>,
}

/// One agency's line in a ranking or in the appendix (A-11 §280 counts beside the scores).
#[derive(Debug, Clone)]
pub struct AgencyLine {
    pub code: String,
    pub name: String,
    pub level: String,
    /// Dossiers completed (customers served, §7).
    pub completed: Option<u64>,
    /// Surveys offered (invitations, §7).
    pub invitations: Option<u64>,
    /// Responses (§2 `n`).
    pub responses: u32,
    pub response_rate: Option<f64>,
    pub on_time_rate: Option<f64>,
    /// Dossiers received online, in % of those completed (the plan's online share).
    pub online_share: Option<f64>,
    pub sat_index: Option<f64>,
    pub papi_total: Option<f64>,
    /// The row's status (`suppressed`, `low_reliability`, …) of `sat_index`.
    pub status: String,
    pub standing: Option<Standing>,
}

/// One level's ranking: members of its comparison set by rank, and how many are left out.
#[derive(Debug, Clone)]
pub struct Ranking {
    pub level: String,
    pub ranked: Vec<AgencyLine>,
    /// Agencies of the level with responses but outside the comparison set (suppressed or
    /// incomplete): not ranked, and said so.
    pub unranked: usize,
}

/// An item on which the subject falls furthest below the median of its level.
#[derive(Debug, Clone)]
pub struct Weakness {
    pub agency: String,
    pub item: String,
    pub value: f64,
    pub median: f64,
}

#[derive(Debug, Clone)]
pub struct SatisfactionReport {
    pub period: String,
    pub span: Span,
    pub subject: Subject,
    pub issued_on: chrono::NaiveDate,
    pub min_cell: u32,
    /// The subject's own line: counts, rates, index and standing.
    pub own: AgencyLine,
    /// Invitations and responses by dossier channel and by mode of answering (the province's
    /// report only: an agency's quarter is too small to split further).
    pub by_channel: Vec<Reach>,
    pub by_mode: Vec<Reach>,
    pub index: Option<Figure>,
    pub change: Option<Change>,
    /// For a quarter: the change since the same quarter a year before, by §10's rule (both
    /// shown, one and the same questionnaire version in both).
    pub change_year: Option<Change>,
    /// The questionnaire's dimensions (the SIPAS elements): name and satisfaction.
    pub elements: Vec<(String, Option<f64>)>,
    pub rankings: Vec<Ranking>,
    /// The Decision 766 group (quarters only): the subject's, summed over its agencies for the
    /// province.
    pub group766: Option<Group766Shares>,
    /// Comment topics with their counts, from groups large enough to show comments.
    pub topics: Vec<(Topic, usize)>,
    pub weaknesses: Vec<Weakness>,
    /// Every agency's line (the province's report), or the subject's alone.
    pub appendix: Vec<AgencyLine>,
    /// Agencies with responses whose numbers are not shown (fewer than `min_cell`).
    pub suppressed: usize,
    /// The province's name (its People's Committee), for the header and the place line.
    pub province_name: String,
    /// The latest published PAPI and PCI standings against the plan's rank targets.
    pub published: Vec<Published>,
    /// The plan in force in the period's year, if one is set.
    pub plan: Option<crate::domain::plan::Plan>,
    /// Each level's funnel plot (the province's report; §14).
    pub funnels: Vec<(String, Funnel)>,
    /// The subject's index over the computed periods, oldest first.
    pub trend: Vec<TrendPoint>,
}

/// A published national standing of the province, and the plan's target for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    pub index: &'static str,
    pub year: i64,
    pub rank: u32,
    pub of: u32,
    pub target: u32,
}

/// One period of the subject's index trend.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendPoint {
    pub period: String,
    pub value: Option<f64>,
    pub ci: Option<(f64, f64)>,
}
