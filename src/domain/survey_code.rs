//! The survey code printed on a receipt: ten digits a citizen types on a kiosk's keypad, and
//! staff copy from a paper form. Nine digits are derived from the survey link's token under the
//! server secret, so the code opens the same one-time survey as the link (answering either
//! spends both); the tenth is a Damm check digit, which catches every single mistyped digit and
//! every swap of two neighbours before anything is looked up. Kept only as a keyed hash.
//!
//! Nine digits make a billion codes: a guess must also hit an open survey of the kiosk's own
//! agency, and kiosks refuse after a few wrong codes (services::kiosks).

use crate::secret::SecretKey;

/// Digits of a code, check digit included.
pub const DIGITS: usize = 10;

/// The Damm algorithm's quasigroup (a totally anti-symmetric table of order 10).
const DAMM: [[u8; 10]; 10] = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
    [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
    [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
    [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
    [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
    [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

fn damm_interim(digits: &[u8]) -> u8 {
    digits
        .iter()
        .fold(0, |interim, d| DAMM[usize::from(interim)][usize::from(*d)])
}

/// A well-formed code: ten digits whose check digit holds.
#[derive(Clone, PartialEq, Eq)]
pub struct SurveyCode([u8; DIGITS]);

/// Why typed text is not a survey code; said to the citizen before anything is looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeProblem {
    #[error("a survey code has 10 digits")]
    Length,
    #[error("a survey code has only digits")]
    NotDigits,
    /// Ten digits that are not a code: one of them was mistyped, or two swapped.
    #[error("the code's check digit does not match")]
    Check,
}

impl std::fmt::Debug for SurveyCode {
    // A code opens a survey: it is never logged.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SurveyCode(..)")
    }
}

impl SurveyCode {
    /// The code of the survey behind `token`.
    pub fn of_token(secret: &SecretKey, token: &str) -> Self {
        let hash = secret.keyed_hash("survey-code", token.as_bytes());
        let mut value = u64::from_be_bytes(hash[..8].try_into().unwrap_or([0; 8])) % 1_000_000_000;
        let mut digits = [0u8; DIGITS];
        for slot in digits[..DIGITS - 1].iter_mut().rev() {
            *slot = (value % 10) as u8;
            value /= 10;
        }
        digits[DIGITS - 1] = damm_interim(&digits[..DIGITS - 1]);
        Self(digits)
    }

    /// Reads a code as typed or printed: digits, with any spaces, dots or dashes between them.
    pub fn parse(typed: &str) -> Result<Self, CodeProblem> {
        let mut digits = Vec::with_capacity(DIGITS);
        for c in typed.chars() {
            match c {
                '0'..='9' => digits.push(c as u8 - b'0'),
                ' ' | '.' | '-' | '\u{a0}' => {}
                _ => return Err(CodeProblem::NotDigits),
            }
        }
        let digits: [u8; DIGITS] = digits.try_into().map_err(|_| CodeProblem::Length)?;
        if damm_interim(&digits) != 0 {
            return Err(CodeProblem::Check);
        }
        Ok(Self(digits))
    }

    /// As printed: `123 456 7890`, easy to read out and to type.
    pub fn grouped(&self) -> String {
        let d: String = self.0.iter().map(|d| char::from(b'0' + d)).collect();
        format!("{} {} {}", &d[..3], &d[3..6], &d[6..])
    }

    /// What the invitation keeps to find its survey from a typed code.
    pub fn lookup_hash(&self, secret: &SecretKey) -> Vec<u8> {
        secret.keyed_hash("survey-code-lookup", &self.0).to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key() -> SecretKey {
        SecretKey::from_hex(&"07".repeat(32)).unwrap()
    }

    #[test]
    fn a_code_is_stable_for_its_token_and_reads_back_as_printed() {
        let code = SurveyCode::of_token(&key(), "token-a");
        assert_eq!(code, SurveyCode::of_token(&key(), "token-a"));
        assert_ne!(code, SurveyCode::of_token(&key(), "token-b"));
        let printed = code.grouped();
        assert_eq!(printed.len(), 12);
        assert_eq!(SurveyCode::parse(&printed), Ok(code.clone()));
        assert_eq!(SurveyCode::parse(&printed.replace(' ', ".")), Ok(code));
    }

    #[test]
    fn bad_input_says_what_is_wrong() {
        assert_eq!(SurveyCode::parse("123"), Err(CodeProblem::Length));
        assert_eq!(SurveyCode::parse("12345678901"), Err(CodeProblem::Length));
        assert_eq!(SurveyCode::parse("123a567890"), Err(CodeProblem::NotDigits));
        assert_eq!(SurveyCode::parse("٣٣٣٣٣٣٣٣٣٣"), Err(CodeProblem::NotDigits));
    }

    proptest! {
        #[test]
        fn every_single_typo_and_neighbour_swap_is_caught(token in "[A-Za-z0-9_-]{43}", at in 0usize..DIGITS, other in 0u8..10) {
            let code = SurveyCode::of_token(&key(), &token);
            let mut typo = code.0;
            prop_assume!(typo[at] != other);
            typo[at] = other;
            prop_assert_eq!(damm_interim(&typo) == 0, false);
            if at + 1 < DIGITS && code.0[at] != code.0[at + 1] {
                let mut swapped = code.0;
                swapped.swap(at, at + 1);
                prop_assert_eq!(damm_interim(&swapped) == 0, false);
            }
        }
    }
}
