//! Whether a released response is dissatisfied overall, counted per agency: the Decision 766
//! group's (c) (`group766`) reads these counts, and the dashboards compute them with each
//! quarter's scores.

use std::collections::{BTreeMap, HashMap, HashSet};

use hailong_analysis::questionnaire::{ItemKind, Questionnaire};

/// Whether a response is dissatisfied overall: its overall item (an item of the `overall`
/// dimension) at 2 or below; without one, a mean 1-5 answer below 3.
pub fn dissatisfied(overall: Option<i32>, likert: &[i32]) -> bool {
    match overall {
        Some(v) => v <= 2,
        None if likert.is_empty() => false,
        None => f64::from(likert.iter().sum::<i32>()) / (likert.len() as f64) < 3.0,
    }
}

/// Each agency's released responses of a quarter and how many are dissatisfied overall
/// (keyed by agency), from (agency, response) and (response, item, value) rows.
pub fn dissatisfied_counts<'a>(
    questionnaires: &[(String, String)],
    responses: impl IntoIterator<Item = (&'a str, &'a str)>,
    answers: impl IntoIterator<Item = (&'a str, &'a str, i32)>,
) -> BTreeMap<String, (u64, u64)> {
    let overall_items = item_codes(questionnaires, |d, _| d == "overall");
    let likert_items = item_codes(questionnaires, |_, kind| kind == ItemKind::Likert5);
    let agency_of: HashMap<&str, &str> = responses.into_iter().map(|(a, r)| (r, a)).collect();
    let mut counts: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for agency in agency_of.values() {
        counts.entry((*agency).to_owned()).or_default().0 += 1;
    }
    let mut per_response: HashMap<&str, (Option<i32>, Vec<i32>)> = HashMap::new();
    for (response, item, value) in answers {
        if !agency_of.contains_key(response) {
            continue;
        }
        let entry = per_response.entry(response).or_default();
        if overall_items.contains(item) {
            entry.0 = Some(value);
        } else if likert_items.contains(item) {
            entry.1.push(value);
        }
    }
    for (response, (overall, likert)) in per_response {
        if dissatisfied(overall, &likert) {
            if let Some(agency) = agency_of.get(response) {
                counts.entry((*agency).to_owned()).or_default().1 += 1;
            }
        }
    }
    counts
}

/// The codes of the items (of any version) whose dimension and kind pass `keep`.
fn item_codes(
    questionnaires: &[(String, String)],
    keep: impl Fn(&str, ItemKind) -> bool,
) -> HashSet<String> {
    questionnaires
        .iter()
        .filter_map(|(_, json)| Questionnaire::from_json(json).ok())
        .flat_map(|q| q.items)
        .filter(|i| keep(&i.dimension, i.kind))
        .map(|i| i.code)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dissatisfied_reads_the_overall_item_first_then_the_mean() {
        assert!(dissatisfied(Some(2), &[5, 5, 5]));
        assert!(!dissatisfied(Some(3), &[1, 1]));
        assert!(dissatisfied(None, &[2, 3, 3]));
        assert!(!dissatisfied(None, &[3, 3]));
        assert!(
            !dissatisfied(None, &[]),
            "nothing rated is not dissatisfied"
        );
    }

    #[test]
    fn responses_are_counted_dissatisfied_by_their_overall_item_or_their_mean() {
        let questionnaire = r#"{"version": "t", "dimensions": [
            {"code": "staff", "name_vi": "Cán bộ", "name_en": "Staff", "weight": 0.5},
            {"code": "overall", "name_vi": "Chung", "name_en": "Overall", "weight": 0.5}],
          "items": [
            {"code": "S1", "dimension": "staff", "kind": "likert5", "text_vi": "a", "text_en": "a"},
            {"code": "S2", "dimension": "staff", "kind": "yes_no", "direction": "positive", "text_vi": "b", "text_en": "b"},
            {"code": "O1", "dimension": "overall", "kind": "likert5", "text_vi": "c", "text_en": "c"}]}"#;
        let versions = vec![("t".to_owned(), questionnaire.to_owned())];
        let responses = [("A", "r1"), ("A", "r2"), ("A", "r3"), ("B", "r4")];
        let answers = [
            // Overall 2: dissatisfied, whatever the rest says.
            ("r1", "S1", 5),
            ("r1", "O1", 2),
            // No overall answer, mean 2 (a yes/no answer is no 1-5 answer).
            ("r2", "S1", 2),
            ("r2", "S2", 1),
            // Overall 4 with a low item: not dissatisfied.
            ("r3", "S1", 1),
            ("r3", "O1", 4),
            // Another agency; an answer of a response outside the set is ignored.
            ("r4", "S1", 3),
            ("r9", "S1", 1),
        ];
        let counts = dissatisfied_counts(&versions, responses, answers);
        assert_eq!(counts["A"], (3, 2));
        assert_eq!(counts["B"], (1, 0));
        assert_eq!(counts.len(), 2);
    }
}
