//! What a staff member types from a returned paper form: per question the digit the citizen
//! ticked (1-5; for a yes/no question 1 yes, 2 no; 0 not applicable; nothing when left blank),
//! and the comment as written. Two people enter each form; their entries must agree.

use std::collections::BTreeMap;

use hailong_analysis::questionnaire::{ItemKind, Questionnaire};

use super::answers::{self, AnswerProblem, ValidAnswers, NOT_APPLICABLE};

/// The prefix of a question's field on the entry form (`p_A1`).
pub const FIELD_PREFIX: &str = "p_";

/// One entry of one paper form, as it is compared and stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PaperEntry {
    /// The survey code printed on the form (ten digits).
    pub code: String,
    pub questionnaire_version: String,
    /// item code → value as stored (yes 1, no 0); blank and not applicable absent.
    pub values: BTreeMap<String, i32>,
    /// Screened as every comment is (`comment_screen`).
    pub comment: Option<String>,
}

impl PaperEntry {
    pub fn answers(&self) -> ValidAnswers {
        ValidAnswers {
            values: self.values.clone(),
            comment: self.comment.clone(),
        }
    }

    /// The questions two entries of a form disagree on (and `comment`), in the form's order.
    pub fn differences(&self, other: &PaperEntry, q: &Questionnaire) -> Vec<String> {
        let mut out: Vec<String> = q
            .items
            .iter()
            .filter(|i| self.values.get(&i.code) != other.values.get(&i.code))
            .map(|i| i.code.clone())
            .collect();
        if self.comment != other.comment {
            out.push("comment".to_owned());
        }
        out
    }
}

/// The digits typed for a questionnaire's questions, read as the survey form's fields: a
/// problem per question whose digit is not one the paper offers.
pub fn read(
    q: &Questionnaire,
    code: &str,
    typed: &BTreeMap<String, String>,
) -> Result<PaperEntry, BTreeMap<String, AnswerProblem>> {
    let mut fields = Vec::new();
    let mut problems = BTreeMap::new();
    for item in &q.items {
        let digit = typed
            .get(&format!("{FIELD_PREFIX}{}", item.code))
            .map_or("", |d| d.trim());
        let value = match (item.kind, digit) {
            (_, "") => continue,
            (_, "0") => NOT_APPLICABLE,
            (ItemKind::Likert5, "1" | "2" | "3" | "4" | "5") => digit,
            (ItemKind::YesNo, "1") => "1",
            (ItemKind::YesNo, "2") => "0",
            _ => {
                problems.insert(item.code.clone(), AnswerProblem::OutOfRange);
                continue;
            }
        };
        fields.push((format!("q_{}", item.code), value.to_owned()));
    }
    fields.push((
        "comment".to_owned(),
        typed.get("comment").cloned().unwrap_or_default(),
    ));
    let (_, checked) = answers::check(q, &fields);
    match (checked, problems.is_empty()) {
        (Ok(valid), true) => Ok(PaperEntry {
            code: code.to_owned(),
            questionnaire_version: q.version.clone(),
            values: valid.values,
            // Two people copy the same handwriting: spacing is not a disagreement.
            comment: valid
                .comment
                .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" ")),
        }),
        (Ok(_), false) => Err(problems),
        (Err(more), digits_fine) => {
            problems.extend(
                more.into_iter()
                    // "Nothing answered" only when nothing was typed wrong either.
                    .filter(|(k, _)| digits_fine || k != "form")
                    .map(|(k, v)| (k.strip_prefix("q_").unwrap_or(&k).to_owned(), v)),
            );
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q() -> Questionnaire {
        Questionnaire::from_json(include_str!("../../data/questionnaires/2026.1.json")).unwrap()
    }

    fn typed(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn digits_read_as_the_paper_offers_them() {
        let q = q();
        let yes_no = q
            .items
            .iter()
            .find(|i| i.kind == ItemKind::YesNo)
            .unwrap()
            .code
            .clone();
        let entry = read(
            &q,
            "1234567890",
            &typed(&[
                ("p_A1", "5"),
                ("p_A2", "0"),
                (&format!("p_{yes_no}"), "2"),
                ("comment", "  Cán bộ   nhiệt tình "),
            ]),
        )
        .unwrap();
        assert_eq!(entry.values.get("A1"), Some(&5));
        assert_eq!(entry.values.get("A2"), None, "0: not applicable");
        assert_eq!(entry.values.get(&yes_no), Some(&0), "2: no");
        assert_eq!(entry.comment.as_deref(), Some("Cán bộ nhiệt tình"));
    }

    #[test]
    fn a_digit_the_paper_does_not_offer_is_named() {
        let q = q();
        let problems = read(&q, "1234567890", &typed(&[("p_A1", "6"), ("p_A2", "x")])).unwrap_err();
        assert_eq!(problems.len(), 2);
        assert_eq!(problems["A1"], AnswerProblem::OutOfRange);
        let nothing = read(&q, "1234567890", &typed(&[])).unwrap_err();
        assert!(nothing.contains_key("form"));
    }

    #[test]
    fn entries_that_differ_name_their_questions() {
        let q = q();
        let a = read(&q, "1", &typed(&[("p_A1", "5"), ("p_A2", "4")])).unwrap();
        let b = read(
            &q,
            "1",
            &typed(&[("p_A1", "5"), ("p_A2", "3"), ("comment", "x")]),
        )
        .unwrap();
        assert_eq!(a.differences(&b, &q), ["A2", "comment"]);
        assert!(a.differences(&a, &q).is_empty());
    }
}
