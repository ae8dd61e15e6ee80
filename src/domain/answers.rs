//! A survey form as submitted, checked against the questionnaire: every item known, every value
//! in range. "Not applicable" and skipped items simply have no answer (METHODOLOGY §1).

use std::collections::BTreeMap;

use hailong_analysis::questionnaire::Questionnaire;

use super::text::nfc;

pub const MAX_COMMENT_CHARS: usize = 2_000;
/// The form value for "Không áp dụng" / "Not applicable".
pub const NOT_APPLICABLE: &str = "na";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidAnswers {
    /// item code → value
    pub values: BTreeMap<String, i32>,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerProblem {
    UnknownItem,
    OutOfRange,
    CommentTooLong,
    NothingAnswered,
    Repeated,
}

/// The form as it came, to show it again with the problems beside the fields.
#[derive(Debug, Clone, Default)]
pub struct FormInput {
    pub values: BTreeMap<String, String>,
    pub comment: String,
}

/// The answers of a form that asked every item of the questionnaire.
pub fn check(
    q: &Questionnaire,
    fields: &[(String, String)],
) -> (
    FormInput,
    Result<ValidAnswers, BTreeMap<String, AnswerProblem>>,
) {
    check_with(q, None, fields)
}

/// The answers of a form that asked only `asked` (matrix sampling, channels): an answer to any
/// other item is refused as unknown.
pub fn check_asked(
    q: &Questionnaire,
    asked: &std::collections::BTreeSet<String>,
    fields: &[(String, String)],
) -> (
    FormInput,
    Result<ValidAnswers, BTreeMap<String, AnswerProblem>>,
) {
    check_with(q, Some(asked), fields)
}

fn check_with(
    q: &Questionnaire,
    asked: Option<&std::collections::BTreeSet<String>>,
    fields: &[(String, String)],
) -> (
    FormInput,
    Result<ValidAnswers, BTreeMap<String, AnswerProblem>>,
) {
    let mut input = FormInput::default();
    let mut problems = BTreeMap::new();
    let mut values = BTreeMap::new();
    for (name, raw) in fields {
        if name == "comment" {
            input.comment = nfc(&super::text::without_controls(raw));
            continue;
        }
        if name == "csrf" || name == "lang" {
            continue;
        }
        let Some(item_code) = name.strip_prefix("q_") else {
            problems.insert(name.clone(), AnswerProblem::UnknownItem);
            continue;
        };
        if input
            .values
            .insert(item_code.to_owned(), raw.clone())
            .is_some()
        {
            problems.insert(item_code.to_owned(), AnswerProblem::Repeated);
            continue;
        }
        let Some(item) = q
            .item(item_code)
            .filter(|i| asked.is_none_or(|asked| asked.contains(&i.code)))
        else {
            problems.insert(item_code.to_owned(), AnswerProblem::UnknownItem);
            continue;
        };
        if raw == NOT_APPLICABLE {
            continue;
        }
        match raw.parse::<i64>() {
            Ok(v) if item.accepts(v) => {
                values.insert(item_code.to_owned(), i32::try_from(v).unwrap_or_default());
            }
            _ => {
                problems.insert(item_code.to_owned(), AnswerProblem::OutOfRange);
            }
        }
    }
    let comment = input.comment.trim().to_owned();
    if comment.chars().count() > MAX_COMMENT_CHARS {
        problems.insert("comment".into(), AnswerProblem::CommentTooLong);
    }
    if problems.is_empty() && values.is_empty() && comment.is_empty() {
        problems.insert("form".into(), AnswerProblem::NothingAnswered);
    }
    let result = if problems.is_empty() {
        Ok(ValidAnswers {
            values,
            // Screened before it is stored: nothing that could name or reach a person.
            comment: Some(comment)
                .filter(|c| !c.is_empty())
                .map(|c| super::comment_screen::screen(&c)),
        })
    } else {
        Err(problems)
    };
    (input, result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q() -> Questionnaire {
        Questionnaire::from_json(include_str!("../../data/questionnaires/2026.1.json")).unwrap()
    }

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn valid_answers_skip_not_applicable_and_keep_the_comment_in_nfc() {
        let (_, result) = check(
            &q(),
            &form(&[
                ("q_A1", "5"),
                ("q_A2", "na"),
                ("q_S5", "0"),
                ("comment", "Tốt la\u{300}m"),
            ]),
        );
        let answers = result.unwrap();
        assert_eq!(answers.values.len(), 2);
        assert_eq!(answers.values["S5"], 0);
        assert_eq!(answers.comment.as_deref(), Some("Tốt làm"));
    }

    #[test]
    fn out_of_range_unknown_and_empty_forms_are_refused() {
        let (_, r) = check(
            &q(),
            &form(&[("q_A1", "6"), ("q_S5", "2"), ("q_ZZ", "3"), ("x", "1")]),
        );
        let problems = r.unwrap_err();
        assert_eq!(problems["A1"], AnswerProblem::OutOfRange);
        assert_eq!(problems["S5"], AnswerProblem::OutOfRange);
        assert_eq!(problems["ZZ"], AnswerProblem::UnknownItem);
        assert_eq!(problems["x"], AnswerProblem::UnknownItem);
        let (_, r) = check(&q(), &form(&[("q_A1", "na")]));
        assert_eq!(r.unwrap_err()["form"], AnswerProblem::NothingAnswered);
        let (_, r) = check(&q(), &form(&[("comment", &"x".repeat(2001))]));
        assert_eq!(r.unwrap_err()["comment"], AnswerProblem::CommentTooLong);
    }

    #[test]
    fn a_comment_keeps_its_line_breaks_and_loses_other_control_characters() {
        let (_, r) = check(&q(), &form(&[("comment", "Tốt\u{0}\r\nlắm\u{7}\tạ")]));
        assert_eq!(r.unwrap().comment.as_deref(), Some("Tốt\r\nlắm\tạ"));
    }
}
