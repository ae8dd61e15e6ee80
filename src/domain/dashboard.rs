//! What the staff dashboards show, as plain data: a service assembles it from one read of the
//! database (`services::reports::dashboard_pages`) and a view renders it (`views::dashboard`).
//! Names are already in the reader's language; numbers are as computed, never rounded here.

use super::plan::Targets;
use super::response_mode::ResponseMode;
use super::standing::{Funnel, Standing};

/// A headline number with its 95 % interval and its status (`suppressed`, `low_reliability`,
/// `incomplete`, `unweighted`, or `ok`).
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub value: Option<f64>,
    pub interval: Option<(f64, f64)>,
    pub status: String,
}

/// One period of a trend line.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub label: String,
    pub value: Option<f64>,
    pub interval: Option<(f64, f64)>,
    /// A successor's lineage value (METHODOLOGY §13): its predecessors' numbers from before it
    /// existed, drawn hollow and dashed, never joined to its own.
    pub lineage: bool,
}

/// A unit directly below the agency shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Child {
    pub code: String,
    pub name: String,
    pub sat_index: Option<f64>,
    pub papi_total: Option<f64>,
    pub n: u32,
    pub status: String,
}

/// A dimension's score with the province median and the best agency of the same level.
#[derive(Debug, Clone, PartialEq)]
pub struct DimensionScore {
    pub name: String,
    pub value: Option<f64>,
    pub median: Option<f64>,
    pub best: Option<f64>,
}

/// An item to improve first: its wording, the agency's satisfaction with it (%, with its 95 %
/// interval), and the median of the agencies of its level.
#[derive(Debug, Clone, PartialEq)]
pub struct WeakRow {
    pub text: String,
    pub value: f64,
    pub ci: Option<(f64, f64)>,
    pub median: f64,
    pub n_agencies: usize,
}

/// A share of the Decision 766 group: part of a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Share766 {
    pub part: i64,
    pub of: i64,
}

impl Share766 {
    /// In percent; `None` without a denominator.
    pub fn percent(self) -> Option<f64> {
        (self.of > 0).then(|| 100.0 * self.part as f64 / self.of as f64)
    }
}

/// One agency's Decision 766 satisfaction group in the period (METHODOLOGY, addition); a
/// share is `None` where it is not shown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Group766Shares {
    /// (a) requests answered on time / due.
    pub on_time: Option<Share766>,
    /// (b) handling rated satisfied / rated; `None` under min_cell ratings.
    pub satisfied: Option<Share766>,
    /// (c) dossiers not rated dissatisfied nor complained about / completed.
    pub not_dissatisfied: Option<Share766>,
    /// Each month of the quarter: (a), (b).
    pub months: Vec<(String, Option<Share766>, Option<Share766>)>,
}

/// How responses reach staff (`privacy::release`): in steps of at least `k` per agency,
/// quarter and way of answering, released together once `batch` of the province are due or
/// once a day. How many wait is not shown: it moves by one at each submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    pub k: u32,
    pub batch: u32,
}

/// When the numbers shown were computed (in the background: a page never computes), and
/// whether newer data is being computed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AsOf {
    /// `None`: nothing is computed yet for what was asked.
    pub computed_at: Option<chrono::NaiveDateTime>,
    /// The numbers are those of the data as it is now.
    pub current: bool,
}

/// An agency's own page.
#[derive(Debug, Clone, PartialEq)]
pub struct AgencyDashboard {
    /// Only the responses given this way, when chosen.
    pub mode: Option<ResponseMode>,
    pub name: String,
    pub code: String,
    pub period: String,
    pub periods: Vec<String>,
    pub year_view: bool,
    pub sat_index: Figure,
    pub papi_total: Figure,
    pub responses: u32,
    pub on_time_rate: Option<f64>,
    pub response_rate: Option<f64>,
    /// Its place among the agencies of its level (rank with range, tier, funnel position).
    pub standing: Option<Standing>,
    pub level: String,
    pub dimensions: Vec<DimensionScore>,
    /// The items furthest below the median of the agencies of its level (at most three).
    pub weakest: Vec<WeakRow>,
    pub trend: Vec<Point>,
    /// `None` when the group is suppressed: its comments are not shown either.
    pub comments: Option<Vec<String>>,
    pub children: Vec<Child>,
    /// The Decision 766 group of a quarter (none in the year view).
    pub group766: Option<Group766Shares>,
    /// The 2025 reform's lineage: the units whose work this one took over, and those that
    /// took over its own, as (code, name).
    pub came_from: Vec<(String, String)>,
    pub went_to: Vec<(String, String)>,
    pub held: Held,
    pub as_of: AsOf,
    /// The plan's targets in force that year, and where the agency stands against them.
    pub targets: Option<Targets>,
}

/// A published national rank of the province, beside the plan's target for it.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    pub province: String,
    pub index: &'static str,
    pub year: i64,
    pub score: f64,
    pub rank: u32,
    pub of: usize,
    pub target: u32,
}

/// A unit of the agency tree of a period, with the units below it then.
#[derive(Debug, Clone, PartialEq)]
pub struct TreeNode {
    pub code: String,
    pub name: String,
    pub children: Vec<TreeNode>,
}

/// An agency's row in the province's table of a level.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub code: String,
    pub name: String,
    /// `None` outside the comparison set.
    pub standing: Option<Standing>,
    pub papi_total: Option<f64>,
    pub sat_index: Option<f64>,
    pub n: u32,
    pub status: String,
    pub dimensions: Vec<Option<f64>>,
}

impl Ranked {
    /// By rank (then name), or by funnel position, furthest above first (then funnel z).
    pub fn order(a: &Ranked, b: &Ranked, by_position: bool) -> std::cmp::Ordering {
        let rank = |r: &Ranked| r.standing.map_or(u32::MAX, |s| s.rank);
        let position = |r: &Ranked| {
            let s = r.standing;
            (
                s.and_then(|s| s.position()).map_or(0, |p| p.order()),
                s.and_then(|s| s.funnel_z).unwrap_or(0.0),
            )
        };
        let by_rank = rank(a).cmp(&rank(b));
        let first = if by_position {
            let (pa, pb) = (position(a), position(b));
            pb.0.cmp(&pa.0).then(pb.1.total_cmp(&pa.1)).then(by_rank)
        } else {
            by_rank
        };
        first.then(a.name.cmp(&b.name))
    }
}

/// The province's page: every agency of a level, ranked, with the province's own numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct ProvinceDashboard {
    /// Procedure fields to filter by, and the one chosen (all when `None`).
    pub fields: Vec<String>,
    pub field: Option<String>,
    /// Only the responses given this way, when chosen.
    pub mode: Option<ResponseMode>,
    pub history: Vec<History>,
    pub period: String,
    pub periods: Vec<String>,
    pub level: String,
    /// The ranking sorted by funnel position rather than rank.
    pub by_position: bool,
    /// The level's funnel plot, when it has a comparison set.
    pub funnel: Option<Funnel>,
    pub ranked: Vec<Ranked>,
    pub unranked: Vec<Ranked>,
    pub dimension_names: Vec<String>,
    pub trend: Vec<Point>,
    pub province_index: Figure,
    /// Each agency of the level with its Decision 766 group in the period (quarters only).
    pub group766: Vec<(String, Group766Shares)>,
    /// The agency tree as it was in the period (units valid on any of its days), roots first.
    pub tree: Vec<TreeNode>,
    pub held: Held,
    pub as_of: AsOf,
    /// The plan's targets in force that year, and where the province stands against them.
    pub targets: Option<Targets>,
}
