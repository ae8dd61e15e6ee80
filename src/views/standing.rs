//! How a page says where an agency stands (METHODOLOGY §14): a rank always with its range, a
//! tier only beside it, and "above", "in line" or "below" only from the funnel position.

use hailong_analysis::fair::{FunnelPosition, Side};
use maud::{html, Markup};

use super::format::number;
use super::i18n::Lang;
use crate::domain::standing::Standing;

/// "43 (18–71) / 95": the rank, the range its standard error allows, and the set's size.
pub fn rank_with_range(s: &Standing) -> String {
    if s.best == s.worst {
        format!("{} / {}", s.rank, s.of)
    } else {
        format!("{} ({}–{}) / {}", s.rank, s.best, s.worst, s.of)
    }
}

/// "the other communes", by level.
fn others(lang: Lang, level: &str) -> &'static str {
    match level {
        "department" => lang.staff_text("staff-standing-others-department"),
        "district" => lang.staff_text("staff-standing-others-district"),
        _ => lang.staff_text("staff-standing-others-commune"),
    }
}

/// A clerk's sentence: "In line with the other communes", "Below the other communes at 95%".
pub fn position_sentence(lang: Lang, position: Option<FunnelPosition>, level: &str) -> String {
    let others = others(lang, level);
    let at = |id: &str, confidence: &str| {
        lang.text_with(
            id,
            &[
                ("others", others.into()),
                ("confidence", confidence.to_owned().into()),
            ],
        )
    };
    // The confidence of the limit passed, with the page's decimal mark.
    let (at95, at998) = ("95%".to_owned(), format!("{}%", number(lang, 99.8, 1)));
    match position {
        None => lang.staff_text("staff-standing-unplaced").to_owned(),
        Some(FunnelPosition::InLine) => {
            lang.text_with("staff-standing-in-line", &[("others", others.into())])
        }
        Some(FunnelPosition::Above) => at("staff-standing-above", &at95),
        Some(FunnelPosition::FarAbove) => at("staff-standing-above", &at998),
        Some(FunnelPosition::Below) => at("staff-standing-below", &at95),
        Some(FunnelPosition::FarBelow) => at("staff-standing-below", &at998),
    }
}

/// The public's three words, from the position at 95 % (§14: never from a tier).
pub fn public_words(lang: Lang, position: Option<FunnelPosition>) -> &'static str {
    match Side::of(position) {
        Side::Above => lang.staff_text("staff-public-above"),
        Side::InLine => lang.staff_text("staff-public-in-line"),
        Side::Below => lang.staff_text("staff-public-below"),
    }
}

/// A position as a class of the stylesheet (the colour beside the words, never instead).
pub fn position_class(position: Option<FunnelPosition>) -> &'static str {
    match Side::of(position) {
        Side::Above => "pos-above",
        Side::InLine => "pos-in-line",
        Side::Below => "pos-below",
    }
}

/// The one explanation of rank ranges, under a table or card that shows them.
pub fn range_note(lang: Lang) -> Markup {
    html! { p.flag { (lang.staff_text("staff-standing-range-note")) } }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standing(rank: u32, best: u32, worst: u32) -> Standing {
        Standing {
            rank,
            best,
            worst,
            of: 95,
            tier: Some(2),
            funnel_z: None,
        }
    }

    #[test]
    fn a_rank_is_said_with_its_range() {
        assert_eq!(rank_with_range(&standing(43, 18, 71)), "43 (18–71) / 95");
        assert_eq!(rank_with_range(&standing(1, 1, 1)), "1 / 95");
    }

    #[test]
    fn positions_are_said_in_a_clerk_s_words() {
        assert_eq!(
            position_sentence(Lang::EN, Some(FunnelPosition::InLine), "commune"),
            "In line with the other communes"
        );
        assert_eq!(
            position_sentence(Lang::EN, Some(FunnelPosition::Below), "commune"),
            "Below the other communes at 95%"
        );
        assert_eq!(
            position_sentence(Lang::VI, Some(FunnelPosition::FarAbove), "department"),
            "Cao hơn các sở, ngành khác (độ tin cậy 99,8%)"
        );
        assert_eq!(
            public_words(Lang::EN, Some(FunnelPosition::FarBelow)),
            "Below the others"
        );
        assert_eq!(public_words(Lang::EN, None), "In line with the others");
    }
}
