//! The comments inbox: every released comment of an agency (or of the province) in a period,
//! tagged by topic (`domain::comment_topics`), filterable by topic, by dimension and by the
//! respondent's satisfaction on that dimension, with what the agency did about it. A comment is
//! shown only when its group (agency × quarter) has at least `MIN_CELL` released responses, as
//! the dashboards show a group (METHODOLOGY §8).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use hailong_analysis::questionnaire::{ItemKind, Questionnaire};

use super::dashboards::MIN_CELL;
use crate::db::comments::{self, CommentRow};
use crate::db::{DbConnection, QueryResult};
use crate::domain::comment_topics::{topics_of, Topic};
use crate::services::Refusal;

/// How the respondent rated the chosen dimension: the mean of their 1-5 answers on its items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leaning {
    /// Below 3: more dissatisfied than not.
    Low,
    /// 4 or more: satisfied (METHODOLOGY's "satisfied" is 4-5).
    High,
}

impl Leaning {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "low" => Some(Leaning::Low),
            "high" => Some(Leaning::High),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Leaning::Low => "low",
            Leaning::High => "high",
        }
    }

    fn fits(self, mean: f64) -> bool {
        match self {
            Leaning::Low => mean < 3.0,
            Leaning::High => mean >= 4.0,
        }
    }
}

/// What an agency did about a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkStatus {
    Noted,
    ActedOn,
}

impl MarkStatus {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "noted" => Some(MarkStatus::Noted),
            "acted_on" => Some(MarkStatus::ActedOn),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            MarkStatus::Noted => "noted",
            MarkStatus::ActedOn => "acted_on",
        }
    }
}

/// The longest action note kept: a line or two, not a report.
pub const NOTE_MAX_CHARS: usize = 500;

/// A mark as posted, checked: its status (`noted` or `acted_on`) and its note (NFC, at most
/// [`NOTE_MAX_CHARS`]); refused naming the field otherwise.
pub fn checked_mark(status: &str, note: &str) -> Result<(MarkStatus, String), Refusal> {
    let status = MarkStatus::parse(status)
        .ok_or_else(|| Refusal::new("status", "staff-comments-the-status-must-be-noted-or"))?;
    let note = crate::domain::text::nfc(note.trim());
    if note.chars().count() > NOTE_MAX_CHARS {
        return Err(
            Refusal::new("note", "staff-comments-note-too-long").with("max", NOTE_MAX_CHARS)
        );
    }
    Ok((status, note))
}

/// Which comments to show.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub agency_ids: Vec<i32>,
    pub quarters: Vec<String>,
    pub topic: Option<Topic>,
    /// A dimension's code: only respondents who rated it, with their mean shown.
    pub dimension: Option<String>,
    /// With `dimension`: only those whose mean on it leans this way.
    pub leaning: Option<Leaning>,
}

#[derive(Debug, Clone)]
pub struct InboxComment {
    pub response_id: String,
    pub agency_id: i32,
    pub quarter: String,
    pub text: String,
    pub topics: Vec<Topic>,
    /// The respondent's mean on the filter's dimension.
    pub dimension_mean: Option<f64>,
    pub mark: Option<(MarkStatus, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct Inbox {
    pub comments: Vec<InboxComment>,
    /// Groups (agency × quarter) with comments that are not shown: under `MIN_CELL` responses.
    pub suppressed_groups: usize,
}

/// The agency a released comment's response belongs to; an agency's staff record what they
/// did about it (noted, acted on) with a note.
pub use crate::db::comments::{agency_of, mark};

/// An agency's latest released comments of some quarters (the dashboard's few).
pub use crate::db::responses::comments as latest_released;

/// The comments `filter` asks for; `questionnaires` are every version (a comment's dimension
/// items are those of the version it answered).
pub fn inbox(
    conn: &mut DbConnection,
    questionnaires: &[Arc<Questionnaire>],
    filter: &Filter,
) -> QueryResult<Inbox> {
    let sizes: HashMap<(i32, String), i64> =
        comments::group_sizes(conn, &filter.agency_ids, &filter.quarters)?
            .into_iter()
            .map(|(agency, quarter, n)| ((agency, quarter), n))
            .collect();
    let shown = |row: &CommentRow| {
        sizes
            .get(&(row.agency_id, row.quarter.clone()))
            .is_some_and(|n| *n >= i64::from(MIN_CELL))
    };
    let rows = comments::released(conn, &filter.agency_ids, &filter.quarters)?;
    let suppressed_groups = rows
        .iter()
        .filter(|r| !shown(r))
        .map(|r| (r.agency_id, r.quarter.clone()))
        .collect::<HashSet<_>>()
        .len();
    let mut candidates: Vec<(CommentRow, Vec<Topic>)> = rows
        .into_iter()
        .filter(|r| shown(r))
        .map(|r| {
            let topics = topics_of(&r.comment);
            (r, topics)
        })
        .filter(|(_, topics)| filter.topic.is_none_or(|t| topics.contains(&t)))
        .collect();
    let means = match &filter.dimension {
        Some(dimension) => {
            let means = dimension_means(conn, questionnaires, dimension, &candidates)?;
            candidates.retain(|(r, _)| {
                means
                    .get(&r.response_id)
                    .is_some_and(|mean| filter.leaning.is_none_or(|l| l.fits(*mean)))
            });
            means
        }
        None => HashMap::new(),
    };
    let comments = candidates
        .into_iter()
        .map(|(r, topics)| InboxComment {
            dimension_mean: means.get(&r.response_id).copied(),
            mark: r
                .mark_status
                .as_deref()
                .and_then(MarkStatus::parse)
                .map(|s| (s, r.mark_note.clone().unwrap_or_default())),
            response_id: r.response_id,
            agency_id: r.agency_id,
            quarter: r.quarter,
            text: r.comment,
            topics,
        })
        .collect();
    Ok(Inbox {
        comments,
        suppressed_groups,
    })
}

/// Each candidate's mean 1-5 answer on `dimension`'s items of its questionnaire version (none
/// when it answered none of them).
fn dimension_means(
    conn: &mut DbConnection,
    questionnaires: &[Arc<Questionnaire>],
    dimension: &str,
    candidates: &[(CommentRow, Vec<Topic>)],
) -> QueryResult<HashMap<String, f64>> {
    let items_of: HashMap<&str, HashSet<String>> = questionnaires
        .iter()
        .map(|q| {
            let items = q
                .items
                .iter()
                .filter(|i| i.dimension == dimension && i.kind == ItemKind::Likert5)
                .map(|i| i.code.clone())
                .collect();
            (q.version.as_str(), items)
        })
        .collect();
    let every_item: Vec<String> = items_of
        .values()
        .flatten()
        .cloned()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let version_of: HashMap<&str, &str> = candidates
        .iter()
        .map(|(r, _)| (r.response_id.as_str(), r.questionnaire_version.as_str()))
        .collect();
    let ids: Vec<String> = candidates
        .iter()
        .map(|(r, _)| r.response_id.clone())
        .collect();
    let mut sums: HashMap<String, (f64, u32)> = HashMap::new();
    for (response, item, value) in comments::answers_to(conn, &ids, &every_item)? {
        let counts = version_of
            .get(response.as_str())
            .and_then(|v| items_of.get(v))
            .is_some_and(|items| items.contains(&item));
        if counts {
            let sum = sums.entry(response).or_default();
            sum.0 += f64::from(value);
            sum.1 += 1;
        }
    }
    Ok(sums
        .into_iter()
        .map(|(id, (sum, n))| (id, sum / f64::from(n)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leanings_split_at_three_and_four() {
        assert!(Leaning::Low.fits(2.9));
        assert!(!Leaning::Low.fits(3.0));
        assert!(Leaning::High.fits(4.0));
        assert!(!Leaning::High.fits(3.9));
    }
}
