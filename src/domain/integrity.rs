//! Integrity signals: rules that mark a response as likely not a citizen's own, without
//! identifying anyone (docs/METHODOLOGY.md, "Addition: integrity"). A flagged response keeps
//! only the name of the first rule it broke (no identity, no time); the platform leaves it out
//! of the analysis inputs it builds and counts it per agency and quarter.

use std::collections::BTreeMap;

use hailong_analysis::questionnaire::{ItemKind, Questionnaire};

use super::text_enum;

text_enum! {
    /// `burst`: a kiosk took more answers in an hour than its agency completed dossiers in that
    /// hour and the one before, plus a slack; `too_fast`: sent sooner after the form was shown
    /// than anyone can read its questions; `straight_line`: many rated questions, every one the
    /// same; `one_address`: more link answers from one network address in a day than allowed.
    pub enum Flag {
        Burst => "burst",
        TooFast => "too_fast",
        StraightLine => "straight_line",
        OneAddress => "one_address",
    }
}

/// The rules' thresholds (configuration; 0 turns a rule off).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// Seconds a respondent needs at least per answered question.
    pub seconds_per_answer: u32,
    /// Rated (1-5) questions, all answered the same, from which a response is straight-lined.
    pub straight_line_items: u32,
    /// Link answers one network address may give in a day before the next are flagged.
    pub answers_per_address: u32,
    /// Answers a kiosk may take in an hour above the dossiers its agency completed in that
    /// hour and the one before.
    pub kiosk_slack: u32,
}

impl Thresholds {
    /// Every rule off.
    pub const OFF: Thresholds = Thresholds {
        seconds_per_answer: 0,
        straight_line_items: 0,
        answers_per_address: 0,
        kiosk_slack: 0,
    };
}

/// What is known of one submission when it is judged.
#[derive(Debug, Clone, Default)]
pub struct Signals {
    /// Seconds between the form being shown and sent, when the form said (never stored).
    pub seconds_on_form: Option<f64>,
    /// Link answers from this submission's address today, this one included.
    pub address_answers_today: Option<u32>,
    /// For a kiosk: its answers this hour (this one included), and the dossiers its agency
    /// completed in this hour and the one before.
    pub kiosk_hour: Option<(u32, u32)>,
}

/// The first rule a response breaks, in the order of [`Flag`]'s variants.
pub fn judge(
    q: &Questionnaire,
    values: &BTreeMap<String, i32>,
    signals: &Signals,
    t: &Thresholds,
) -> Option<Flag> {
    if let Some((answered, completed)) = signals.kiosk_hour {
        if t.kiosk_slack > 0 && answered > completed.saturating_add(t.kiosk_slack) {
            return Some(Flag::Burst);
        }
    }
    if let Some(seconds) = signals.seconds_on_form {
        let needed = f64::from(t.seconds_per_answer) * values.len() as f64;
        if t.seconds_per_answer > 0 && seconds < needed {
            return Some(Flag::TooFast);
        }
    }
    let rated: Vec<i32> = values
        .iter()
        .filter(|(code, _)| q.item(code).is_some_and(|i| i.kind == ItemKind::Likert5))
        .map(|(_, v)| *v)
        .collect();
    if t.straight_line_items > 0
        && rated.len() >= t.straight_line_items as usize
        && rated.windows(2).all(|w| w[0] == w[1])
    {
        return Some(Flag::StraightLine);
    }
    if let Some(today) = signals.address_answers_today {
        if t.answers_per_address > 0 && today > t.answers_per_address {
            return Some(Flag::OneAddress);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const ON: Thresholds = Thresholds {
        seconds_per_answer: 1,
        straight_line_items: 8,
        answers_per_address: 20,
        kiosk_slack: 3,
    };

    fn q() -> Questionnaire {
        Questionnaire::from_json(include_str!("../../data/questionnaires/2026.1.json")).unwrap()
    }

    /// Every rated question answered, varied as people answer.
    fn varied(q: &Questionnaire) -> BTreeMap<String, i32> {
        q.items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let v = match item.kind {
                    ItemKind::Likert5 => [4, 5, 3, 4][i % 4],
                    ItemKind::YesNo => 1,
                };
                (item.code.clone(), v)
            })
            .collect()
    }

    #[test]
    fn a_normal_answer_at_the_counter_raises_no_flag() {
        let q = q();
        let signals = Signals {
            seconds_on_form: Some(75.0),
            address_answers_today: None,
            kiosk_hour: Some((12, 11)),
        };
        assert_eq!(judge(&q, &varied(&q), &signals, &ON), None);
    }

    #[test]
    fn each_rule_flags_what_it_names() {
        let q = q();
        let answers = varied(&q);
        let burst = Signals {
            kiosk_hour: Some((15, 11)),
            ..Signals::default()
        };
        assert_eq!(judge(&q, &answers, &burst, &ON), Some(Flag::Burst));
        let fast = Signals {
            seconds_on_form: Some(4.0),
            ..Signals::default()
        };
        assert_eq!(judge(&q, &answers, &fast, &ON), Some(Flag::TooFast));
        let same: BTreeMap<String, i32> = q
            .items
            .iter()
            .filter(|i| i.kind == ItemKind::Likert5)
            .map(|i| (i.code.clone(), 5))
            .collect();
        assert_eq!(
            judge(&q, &same, &Signals::default(), &ON),
            Some(Flag::StraightLine)
        );
        let few_same: BTreeMap<String, i32> = same.into_iter().take(5).collect();
        assert_eq!(
            judge(&q, &few_same, &Signals::default(), &ON),
            None,
            "five alike is no pattern"
        );
        let crowded = Signals {
            address_answers_today: Some(21),
            ..Signals::default()
        };
        assert_eq!(judge(&q, &answers, &crowded, &ON), Some(Flag::OneAddress));
        let allowed = Signals {
            address_answers_today: Some(20),
            ..Signals::default()
        };
        assert_eq!(judge(&q, &answers, &allowed, &ON), None);
    }

    #[test]
    fn rules_turned_off_flag_nothing() {
        let q = q();
        let everything = Signals {
            seconds_on_form: Some(0.5),
            address_answers_today: Some(500),
            kiosk_hour: Some((500, 0)),
        };
        assert_eq!(judge(&q, &varied(&q), &everything, &Thresholds::OFF), None);
    }
}
