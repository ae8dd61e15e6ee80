//! Which questions one respondent is asked. A questionnaire without matrix sampling asks
//! everyone everything its dossier's channel is asked; one with `core` and `rotate` asks the
//! core and `rotate` of the other items, drawn from a seed of the respondent's own (the same
//! for a link however often it is opened), so that items are missing completely at random.

use std::collections::BTreeSet;

use hailong_analysis::questionnaire::Questionnaire;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;

/// The codes of the items asked, for a dossier of `channel`. `seed` is called only for a
/// questionnaire that draws (it is a keyed hash, on the survey page's path).
pub fn asked(
    q: &Questionnaire,
    channel: &str,
    seed: impl FnOnce() -> [u8; 32],
) -> BTreeSet<String> {
    let for_channel = q.items.iter().filter(|i| i.asked_for(channel));
    let Some(rotate) = q.rotate else {
        return for_channel.map(|i| i.code.clone()).collect();
    };
    let core: BTreeSet<&str> = q.core.iter().map(String::as_str).collect();
    let (mut asked, mut others): (BTreeSet<String>, Vec<&str>) = (BTreeSet::new(), Vec::new());
    for item in for_channel {
        if core.contains(item.code.as_str()) {
            asked.insert(item.code.clone());
        } else {
            others.push(item.code.as_str());
        }
    }
    others.shuffle(&mut StdRng::from_seed(seed()));
    asked.extend(others.into_iter().take(rotate as usize).map(str::to_owned));
    asked
}

/// An honest time estimate: about 6 seconds a question, in whole minutes (at least one).
pub fn minutes_for(questions: usize) -> usize {
    (questions * 6).div_ceil(60).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sampled() -> Questionnaire {
        let mut q: serde_json::Value =
            serde_json::from_str(include_str!("../../data/questionnaires/2026.1.json")).unwrap();
        q["core"] = serde_json::json!(["A1", "P1", "S1", "R1", "F2"]);
        q["rotate"] = serde_json::json!(4);
        q["items"][1]["channels"] = serde_json::json!(["counter"]);
        Questionnaire::from_json(&q.to_string()).unwrap()
    }

    #[test]
    fn without_sampling_everyone_is_asked_what_their_channel_is_asked() {
        let q = Questionnaire::from_json(include_str!("../../data/questionnaires/2026.1.json"))
            .unwrap();
        assert_eq!(asked(&q, "online", || [1; 32]).len(), q.items.len());
    }

    #[test]
    fn the_core_and_a_stable_draw_of_the_rest_and_never_another_channels_item() {
        let q = sampled();
        let counter_only = q.items[1].code.clone();
        let mut seen = BTreeSet::new();
        for seed in 0..200u8 {
            let online = asked(&q, "online", || [seed; 32]);
            assert_eq!(online.len(), 9, "five core, four drawn");
            for core in &q.core {
                assert!(online.contains(core));
            }
            assert!(!online.contains(&counter_only));
            assert_eq!(
                online,
                asked(&q, "online", || [seed; 32]),
                "the same seed, the same draw"
            );
            seen.extend(asked(&q, "counter", || [seed; 32]));
        }
        assert_eq!(seen.len(), q.items.len(), "every item is drawn for someone");
    }

    #[test]
    fn the_estimate_grows_with_the_questions() {
        assert_eq!(minutes_for(3), 1);
        assert_eq!(minutes_for(10), 1);
        assert_eq!(minutes_for(21), 3);
    }

    #[test]
    fn the_shipped_short_version_asks_at_most_ten_and_no_other_channels_items() {
        let q = Questionnaire::from_json(include_str!("../../data/questionnaires/2026.2.json"))
            .unwrap();
        for channel in ["online", "counter", "postal"] {
            for seed in 0..100u8 {
                let asked = asked(&q, channel, || [seed; 32]);
                assert!(asked.len() <= 10, "{channel}: {} questions", asked.len());
                for core in &q.core {
                    assert!(asked.contains(core), "{channel}: the core's {core}");
                }
                for code in &asked {
                    assert!(
                        q.item(code).unwrap().asked_for(channel),
                        "{channel}: {code}"
                    );
                }
            }
        }
    }
}
