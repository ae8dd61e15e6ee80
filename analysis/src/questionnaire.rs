//! The questionnaire's JSON interchange form (METHODOLOGY §1): dimensions with weights, items
//! with their kind and, for yes/no items, their direction. Other keys are ignored.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Likert5,
    YesNo,
}

/// For a yes/no item: whether "yes" (1) is the good answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Positive,
    Negative,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dimension {
    pub code: String,
    /// The name per language code (`{"vi": …, "en": …, "km": …}`); older versions give
    /// `name_vi`/`name_en` instead, and both are read (see `Questionnaire::from_json`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub names: BTreeMap<String, String>,
    #[serde(default)]
    pub name_vi: String,
    #[serde(default)]
    pub name_en: String,
    pub weight: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub code: String,
    pub dimension: String,
    pub kind: ItemKind,
    pub direction: Option<Direction>,
    /// The question per language code; older versions give `text_vi`/`text_en` instead.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub texts: BTreeMap<String, String>,
    #[serde(default)]
    pub text_vi: String,
    #[serde(default)]
    pub text_en: String,
    /// The dossier channels (`online`, `counter`, `postal`) the item is asked for; every
    /// channel when absent (an online dossier is not asked about the counter's waiting area).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<String>>,
    /// How the no-answer option reads: "not applicable" (the default), or "don't know / prefer
    /// not to say" where "not applicable" does not fit (a yes/no or sensitive question). Either
    /// way the answer is absent (§4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub na: Option<NoAnswer>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoAnswer {
    NotApplicable,
    DontKnow,
}

/// The text in the language, else in Vietnamese.
fn in_language<'a>(texts: &'a BTreeMap<String, String>, language: &str) -> Option<&'a str> {
    texts
        .get(language)
        .or_else(|| texts.get("vi"))
        .map(String::as_str)
}

impl Dimension {
    /// The name in the language (a language code), else in Vietnamese.
    pub fn name(&self, language: &str) -> &str {
        in_language(&self.names, language).unwrap_or(&self.name_vi)
    }
}

impl Item {
    /// The question in the language (a language code), else in Vietnamese.
    pub fn text(&self, language: &str) -> &str {
        in_language(&self.texts, language).unwrap_or(&self.text_vi)
    }

    /// Whether a dossier of this channel is asked this item.
    pub fn asked_for(&self, channel: &str) -> bool {
        self.channels
            .as_ref()
            .is_none_or(|channels| channels.iter().any(|c| c == channel))
    }

    /// The answer values this item accepts.
    pub fn accepts(&self, value: i64) -> bool {
        match self.kind {
            ItemKind::Likert5 => (1..=5).contains(&value),
            ItemKind::YesNo => value == 0 || value == 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Questionnaire {
    pub version: String,
    /// The survey page's title per language code; older versions give `title_vi`/`title_en`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub titles: BTreeMap<String, String>,
    #[serde(default)]
    pub title_vi: Option<String>,
    #[serde(default)]
    pub title_en: Option<String>,
    pub dimensions: Vec<Dimension>,
    pub items: Vec<Item>,
    /// Matrix sampling: the items every respondent is asked (one per dimension and an overall
    /// question, say); the others are asked `rotate` at a time, drawn per respondent. Items are
    /// then missing completely at random, so the estimates of §4-§5 stay unbiased. Absent (and
    /// `rotate` absent): every respondent is asked every item.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub core: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotate: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QuestionnaireError {
    #[error("not a questionnaire: {0}")]
    Json(String),
    #[error("field `version`: must not be empty")]
    NoVersion,
    #[error("field `dimensions`: dimension weights sum to {0}, not 1")]
    WeightsDoNotSumToOne(f64),
    #[error("field `dimensions`: weight of `{0}` is negative or not a number")]
    BadWeight(String),
    #[error("field `{field}`: code `{code}` appears twice")]
    DuplicateCode { field: &'static str, code: String },
    #[error("field `items`: item `{item}` names an unknown dimension `{dimension}`")]
    UnknownDimension { item: String, dimension: String },
    #[error("field `items`: item `{0}` is yes_no and needs a direction (positive or negative)")]
    MissingDirection(String),
    #[error("field `items`: item `{0}` is likert5 and must have direction null")]
    UnexpectedDirection(String),
    #[error("field `items`: dimension `{0}` has no item")]
    EmptyDimension(String),
    #[error("field `items`: {0} items; a questionnaire has at most 65,535")]
    TooManyItems(usize),
    #[error("field `core`: `{0}` is not an item")]
    UnknownCoreItem(String),
    #[error("field `items`: item `{item}` names an unknown channel `{channel}` (online, counter, postal)")]
    UnknownChannel { item: String, channel: String },
    #[error("field `{0}`: `{1}` has no Vietnamese text (`texts.vi`, or `text_vi`/`name_vi`)")]
    MissingVietnamese(&'static str, String),
    #[error("field `rotate`: {rotate} is more than the {others} items outside the core")]
    RotateTooLarge { rotate: u32, others: usize },
}

impl Questionnaire {
    pub fn from_json(text: &str) -> Result<Self, QuestionnaireError> {
        let mut q: Self =
            serde_json::from_str(text).map_err(|e| QuestionnaireError::Json(e.to_string()))?;
        q.merge_languages();
        q.validate()?;
        Ok(q)
    }

    /// One place for each text in every language: the per-language maps hold `vi` and `en`
    /// too (from `text_vi`/`text_en` where a version has only those), and `text_vi`/`text_en`
    /// are filled from the maps (the staff pages read those).
    fn merge_languages(&mut self) {
        fn merge(map: &mut BTreeMap<String, String>, vi: &mut String, en: &mut String) {
            for (code, field) in [("vi", &mut *vi), ("en", &mut *en)] {
                if field.is_empty() {
                    *field = map.get(code).cloned().unwrap_or_default();
                } else {
                    map.entry(code.to_owned()).or_insert_with(|| field.clone());
                }
            }
            if en.is_empty() {
                *en = vi.clone();
            }
        }
        for d in &mut self.dimensions {
            merge(&mut d.names, &mut d.name_vi, &mut d.name_en);
        }
        for i in &mut self.items {
            merge(&mut i.texts, &mut i.text_vi, &mut i.text_en);
        }
        let (mut vi, mut en) = (
            self.title_vi.take().unwrap_or_default(),
            self.title_en.take().unwrap_or_default(),
        );
        merge(&mut self.titles, &mut vi, &mut en);
        self.title_vi = Some(vi).filter(|t| !t.is_empty());
        self.title_en = Some(en).filter(|t| !t.is_empty());
    }

    pub fn validate(&self) -> Result<(), QuestionnaireError> {
        // Answers keep their item's position in 16 bits.
        if self.items.len() > usize::from(u16::MAX) {
            return Err(QuestionnaireError::TooManyItems(self.items.len()));
        }
        if self.version.trim().is_empty() {
            return Err(QuestionnaireError::NoVersion);
        }
        let mut dimension_codes = HashSet::new();
        for d in &self.dimensions {
            if !dimension_codes.insert(d.code.as_str()) {
                return Err(QuestionnaireError::DuplicateCode {
                    field: "dimensions",
                    code: d.code.clone(),
                });
            }
            if !(d.weight >= 0.0 && d.weight.is_finite()) {
                return Err(QuestionnaireError::BadWeight(d.code.clone()));
            }
        }
        let sum: f64 = self.dimensions.iter().map(|d| d.weight).sum();
        if (sum - 1.0).abs() > 1e-9 {
            return Err(QuestionnaireError::WeightsDoNotSumToOne(sum));
        }
        let mut item_codes = HashSet::new();
        for item in &self.items {
            if !item_codes.insert(item.code.as_str()) {
                return Err(QuestionnaireError::DuplicateCode {
                    field: "items",
                    code: item.code.clone(),
                });
            }
            if !dimension_codes.contains(item.dimension.as_str()) {
                return Err(QuestionnaireError::UnknownDimension {
                    item: item.code.clone(),
                    dimension: item.dimension.clone(),
                });
            }
            match (item.kind, item.direction) {
                (ItemKind::YesNo, None) => {
                    return Err(QuestionnaireError::MissingDirection(item.code.clone()))
                }
                (ItemKind::Likert5, Some(_)) => {
                    return Err(QuestionnaireError::UnexpectedDirection(item.code.clone()))
                }
                _ => {}
            }
        }
        for d in &self.dimensions {
            if d.name_vi.trim().is_empty() {
                return Err(QuestionnaireError::MissingVietnamese(
                    "dimensions",
                    d.code.clone(),
                ));
            }
        }
        for i in &self.items {
            if i.text_vi.trim().is_empty() {
                return Err(QuestionnaireError::MissingVietnamese(
                    "items",
                    i.code.clone(),
                ));
            }
        }
        for d in &self.dimensions {
            if !self.items.iter().any(|i| i.dimension == d.code) {
                return Err(QuestionnaireError::EmptyDimension(d.code.clone()));
            }
        }
        for item in &self.items {
            for channel in item.channels.iter().flatten() {
                if !crate::cells::CHANNELS.contains(&channel.as_str()) {
                    return Err(QuestionnaireError::UnknownChannel {
                        item: item.code.clone(),
                        channel: channel.clone(),
                    });
                }
            }
        }
        for code in &self.core {
            if !item_codes.contains(code.as_str()) {
                return Err(QuestionnaireError::UnknownCoreItem(code.clone()));
            }
        }
        if let Some(rotate) = self.rotate {
            let core: HashSet<&str> = self.core.iter().map(String::as_str).collect();
            let others = self
                .items
                .iter()
                .filter(|i| !core.contains(i.code.as_str()))
                .count();
            if rotate as usize > others {
                return Err(QuestionnaireError::RotateTooLarge { rotate, others });
            }
        }
        Ok(())
    }

    /// The survey page's title in the language, if the version has one (else in Vietnamese).
    pub fn title(&self, language: &str) -> Option<&str> {
        in_language(&self.titles, language)
    }

    pub fn item(&self, code: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.code == code)
    }

    pub fn items_of<'a>(&'a self, dimension: &'a str) -> impl Iterator<Item = &'a Item> + 'a {
        self.items.iter().filter(move |i| i.dimension == dimension)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULT: &str = include_str!("../../data/questionnaires/2026.1.json");

    #[test]
    fn the_shipped_questionnaire_is_valid_sipas_shaped_and_nfc() {
        let q = Questionnaire::from_json(DEFAULT).unwrap();
        assert_eq!(q.version, "2026.1");
        let codes: Vec<_> = q.dimensions.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(
            codes,
            ["access", "procedure", "staff", "result", "feedback"]
        );
        assert!((18..=24).contains(&q.items.len()));
        assert!(q.dimensions.iter().all(|d| (d.weight - 0.2).abs() < 1e-12));
        use unicode_normalization::is_nfc;
        assert!(is_nfc(DEFAULT));
    }

    fn tweak(f: impl FnOnce(&mut serde_json::Value)) -> Result<Questionnaire, QuestionnaireError> {
        let mut v: serde_json::Value = serde_json::from_str(DEFAULT).unwrap();
        f(&mut v);
        Questionnaire::from_json(&v.to_string())
    }

    #[test]
    fn each_rule_is_enforced() {
        assert!(matches!(
            tweak(|v| v["dimensions"][0]["weight"] = 0.3.into()),
            Err(QuestionnaireError::WeightsDoNotSumToOne(_))
        ));
        assert!(matches!(
            tweak(|v| v["items"][0]["dimension"] = "nope".into()),
            Err(QuestionnaireError::UnknownDimension { .. })
        ));
        assert!(matches!(
            tweak(|v| v["items"][1]["code"] = "A1".into()),
            Err(QuestionnaireError::DuplicateCode { .. })
        ));
        assert!(matches!(
            tweak(|v| v["items"][13]["direction"] = serde_json::Value::Null),
            Err(QuestionnaireError::MissingDirection(_))
        ));
        assert!(matches!(
            tweak(|v| v["items"][0]["direction"] = "positive".into()),
            Err(QuestionnaireError::UnexpectedDirection(_))
        ));
        assert!(matches!(
            tweak(|v| v["items"][0]["kind"] = "stars".into()),
            Err(QuestionnaireError::Json(_))
        ));
    }

    #[test]
    fn matrix_sampling_and_channels_are_checked() {
        let base: serde_json::Value =
            serde_json::from_str(include_str!("../../data/questionnaires/2026.1.json")).unwrap();
        let with = |change: &dyn Fn(&mut serde_json::Value)| {
            let mut q = base.clone();
            change(&mut q);
            Questionnaire::from_json(&q.to_string())
        };
        let fine = with(&|q| {
            q["core"] = serde_json::json!(["A1", "P1"]);
            q["rotate"] = serde_json::json!(3);
            q["items"][9]["channels"] = serde_json::json!(["counter"]);
        })
        .unwrap();
        assert_eq!(fine.core, ["A1", "P1"]);
        assert!(fine.items[9].asked_for("counter") && !fine.items[9].asked_for("online"));
        assert!(fine.items[0].asked_for("online"), "no list: every channel");
        assert_eq!(
            with(&|q| q["core"] = serde_json::json!(["Z9"])),
            Err(QuestionnaireError::UnknownCoreItem("Z9".into()))
        );
        assert!(matches!(
            with(&|q| q["items"][0]["channels"] = serde_json::json!(["fax"])),
            Err(QuestionnaireError::UnknownChannel { .. })
        ));
        assert!(matches!(
            with(&|q| q["rotate"] = serde_json::json!(99)),
            Err(QuestionnaireError::RotateTooLarge {
                rotate: 99,
                others: 21
            })
        ));
    }
}
