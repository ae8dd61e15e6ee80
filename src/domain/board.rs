//! The public scoreboard's choices: find an agency by name (diacritics and case ignored), keep
//! one level, order by funnel position, index or name, and a page a phone can scroll.

use hailong_analysis::fair::{FunnelPosition, Side};

/// How the scoreboard is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoardOrder {
    /// Above the others first, then in line, then below; by name within each (no league
    /// table inside a position).
    Position,
    /// By index, highest first.
    Index,
    Name,
}

impl BoardOrder {
    pub fn of_str(s: &str) -> Option<Self> {
        match s {
            "position" => Some(Self::Position),
            "index" => Some(Self::Index),
            "name" => Some(Self::Name),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Position => "position",
            Self::Index => "index",
            Self::Name => "name",
        }
    }
}

/// Lines per page of the scoreboard: a phone's few screens, not forty.
pub const BOARD_PAGE: usize = 25;

/// What a citizen asked the scoreboard for: a name to find, a level, an order and a page.
#[derive(Debug, Clone)]
pub struct BoardAsk<'a> {
    pub find: Option<&'a str>,
    pub level: Option<&'a str>,
    pub order: BoardOrder,
    /// From 1.
    pub page: usize,
}

/// The part of `items` a citizen asked for, and how many pages there are: those of `level`
/// whose name holds `find` (case and diacritics ignored, so "oc eo" finds "Óc Eo"), ordered,
/// one page of them. `facts` gives an item's (names, level, index, position).
pub fn board_page<'i, 'n, T>(
    items: &'i [T],
    ask: &BoardAsk<'_>,
    facts: impl Fn(&T) -> (Vec<&'n str>, &'n str, f64, Option<FunnelPosition>),
) -> (Vec<&'i T>, usize) {
    let folded = |s: &str| crate::domain::text::ascii_fold(s).to_lowercase();
    let wanted = ask.find.map(|f| folded(f.trim())).filter(|f| !f.is_empty());
    // Each item's facts read once: (item, its first name folded, its side, its index).
    let mut chosen: Vec<(&T, String, Side, f64)> = items
        .iter()
        .filter_map(|item| {
            let (names, level, index, position) = facts(item);
            let folded_names: Vec<String> = names.iter().map(|n| folded(n)).collect();
            let kept = ask.level.is_none_or(|l| l == level)
                && wanted
                    .as_ref()
                    .is_none_or(|w| folded_names.iter().any(|n| n.contains(w.as_str())));
            let name = folded_names.into_iter().next().unwrap_or_default();
            kept.then_some((item, name, Side::of(position), index))
        })
        .collect();
    match ask.order {
        BoardOrder::Position => chosen.sort_by(|a, b| (a.2, &a.1).cmp(&(b.2, &b.1))),
        BoardOrder::Index => chosen.sort_by(|a, b| b.3.total_cmp(&a.3)),
        BoardOrder::Name => chosen.sort_by(|a, b| a.1.cmp(&b.1)),
    }
    let pages = chosen.len().div_ceil(BOARD_PAGE).max(1);
    let page = ask.page.clamp(1, pages);
    let shown = chosen
        .into_iter()
        .skip((page - 1) * BOARD_PAGE)
        .take(BOARD_PAGE)
        .map(|(item, ..)| item)
        .collect();
    (shown, pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    type Item = (&'static str, &'static str, f64, Option<FunnelPosition>);

    fn ask(find: Option<&'static str>, order: BoardOrder) -> BoardAsk<'static> {
        BoardAsk {
            find,
            level: None,
            order,
            page: 1,
        }
    }

    fn names(items: &[Item], ask: &BoardAsk<'_>) -> Vec<&'static str> {
        board_page(items, ask, |i| (vec![i.0], i.1, i.2, i.3))
            .0
            .into_iter()
            .map(|i| i.0)
            .collect()
    }

    #[test]
    fn a_name_is_found_without_its_diacritics_and_positions_come_before_names() {
        let items: [Item; 4] = [
            ("Xã Óc Eo", "commune", 80.0, Some(FunnelPosition::InLine)),
            ("Xã Vĩnh Tế", "commune", 90.0, Some(FunnelPosition::Below)),
            (
                "Phường Châu Đốc",
                "commune",
                70.0,
                Some(FunnelPosition::FarAbove),
            ),
            ("Sở Tư pháp", "department", 75.0, None),
        ];
        assert_eq!(
            names(&items, &ask(Some("oc eo"), BoardOrder::Name)),
            ["Xã Óc Eo"]
        );
        assert_eq!(
            names(&items, &ask(Some("ĐỐC"), BoardOrder::Name)),
            ["Phường Châu Đốc"]
        );
        assert_eq!(
            names(&items, &ask(None, BoardOrder::Position)),
            ["Phường Châu Đốc", "Sở Tư pháp", "Xã Óc Eo", "Xã Vĩnh Tế"]
        );
        assert_eq!(
            names(&items, &ask(None, BoardOrder::Index))[0],
            "Xã Vĩnh Tế"
        );
        let departments = BoardAsk {
            level: Some("department"),
            ..ask(None, BoardOrder::Name)
        };
        assert_eq!(names(&items, &departments), ["Sở Tư pháp"]);
    }

    #[test]
    fn pages_hold_at_most_a_page_and_a_page_too_far_is_the_last() {
        let items: Vec<Item> = (0..60).map(|_| ("Xã", "commune", 50.0, None)).collect();
        let far = BoardAsk {
            page: 9,
            ..ask(None, BoardOrder::Name)
        };
        let (shown, pages) = board_page(&items, &far, |i| (vec![i.0], i.1, i.2, i.3));
        assert_eq!((shown.len(), pages), (60 - 2 * BOARD_PAGE, 3));
    }
}
