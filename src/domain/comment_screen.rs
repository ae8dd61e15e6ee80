//! Comments are screened before they are stored: whatever could name or reach a person is
//! replaced by a placeholder, so that neither staff reading the comment nor anyone holding the
//! database learns it. Masked: e-mail addresses; vehicle plates; runs of at least eight digits
//! however they are split (spaces, dots, dashes, a leading +84): phone numbers, identity card
//! numbers (CMND 9 and CCCD 12 digits), tax codes, bank accounts, dossier numbers; and a name
//! after a form of address ("anh", "chị", "ông", "bà", "cô", "chú", "em", "bác" followed by
//! capitalised words). Amounts of money ("20.000.000 đồng") stay: they are what a complaint
//! about fees is about.

use std::sync::LazyLock;

use regex::{Captures, Regex};

/// What replaces what is masked.
pub const MASK: &str = "[đã ẩn]";

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| unreachable!("a fixed pattern: {e}"))
}

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| regex(r"[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)+"));
/// 51F-123.45, 59X1 234.56, 29A-12345.
static PLATE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\b\d{2}\s?[A-Z]{1,2}\d?\s?[-–]?\s?\d{3}(?:\.\d{2}|\d{1,2})\b"));
/// A run of digits with single separators, optionally after +84.
static DIGITS: LazyLock<Regex> = LazyLock::new(|| regex(r"(?:\+\s?)?\d(?:[ .\-–]?\d)+"));
/// Amounts of money: thousands grouped by dots or commas, then a currency word.
static MONEY: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?i)^\d{1,3}(?:[.,]\d{3})+\s*(?:đ\b|đồng|vnd|vnđ|d\b|triệu|nghìn|ngàn)")
});
static NAME: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i:\b(anh|chị|ông|bà|cô|chú|em|bác))\s+(\p{Lu}[\p{Ll}\p{M}]*(?:\s+\p{Lu}[\p{Ll}\p{M}]*){0,3})",
    )
});

/// Digits needed for a run to be masked: a phone number has ten, an old identity card nine.
const MIN_DIGITS: usize = 8;

/// The comment with everything that could identify someone replaced by [`MASK`]. Give it NFC
/// text (as `domain::text::nfc` makes it).
pub fn screen(comment: &str) -> String {
    let text = EMAIL.replace_all(comment, MASK);
    let text = PLATE.replace_all(&text, MASK);
    let text = mask_digit_runs(&text);
    NAME.replace_all(&text, |c: &Captures| format!("{} {MASK}", &c[1]))
        .into_owned()
}

/// Masks runs of at least `MIN_DIGITS` digits, except amounts of money.
fn mask_digit_runs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for run in DIGITS.find_iter(text) {
        let digits = run.as_str().chars().filter(char::is_ascii_digit).count();
        let money = MONEY.is_match(&text[run.start()..]);
        if digits >= MIN_DIGITS && !money {
            out.push_str(&text[last..run.start()]);
            out.push_str(MASK);
            last = run.end();
        }
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::text::nfc;
    use proptest::prelude::*;

    #[test]
    fn what_reaches_a_person_is_masked() {
        let cases = [
            ("Gọi tôi: 0912 345 678 nhé", "Gọi tôi: [đã ẩn] nhé"),
            ("sđt +84 912.345.678", "sđt [đã ẩn]"),
            (
                "CCCD 089123456789, CMND 381234567",
                "CCCD [đã ẩn], CMND [đã ẩn]",
            ),
            ("MST 0312345678-001", "MST [đã ẩn]"),
            ("email: nguyen.van.a@gmail.com", "email: [đã ẩn]"),
            ("xe biển 51F-123.45 đỗ sai", "xe biển [đã ẩn] đỗ sai"),
            ("STK 0071 0001 2345 6", "STK [đã ẩn]"),
            ("Cảm ơn chị Lan rất nhiều", "Cảm ơn chị [đã ẩn] rất nhiều"),
            (
                "Ông Nguyễn Văn Tư hướng dẫn tận tình",
                "Ông [đã ẩn] hướng dẫn tận tình",
            ),
            ("0 9 1 2 3 4 5 6 7 8", "[đã ẩn]"),
        ];
        for (input, expected) in cases {
            assert_eq!(screen(&nfc(input)), expected, "{input}");
        }
    }

    #[test]
    fn what_a_complaint_is_about_stays() {
        for kept in [
            "Bị đòi 20.000.000 đồng ngoài quy định",
            "Phí 1.500.000đ là quá cao",
            "Chờ 45 phút, hẹn ngày 01/07/2025 lúc 08:30",
            "Cán bộ rất tận tình, chị em đều hài lòng",
            "Năm 2025 thủ tục nhanh hơn",
            "cô ấy hướng dẫn kỹ",
        ] {
            assert_eq!(screen(&nfc(kept)), nfc(kept), "{kept}");
        }
    }

    fn separator() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["", " ", ".", "-"])
    }

    proptest! {
        /// A Vietnamese phone number, however it is split, never survives, in NFC or NFD text.
        #[test]
        fn phone_numbers_never_survive(
            digits in "0[35789][0-9]{8}",
            seps in prop::collection::vec(separator(), 9),
            before in "[a-zA-Zà-ỹ ,]{0,20}",
            after in "[a-zà-ỹ ,]{0,20}",
            decomposed in any::<bool>(),
        ) {
            let mut number = String::new();
            for (i, d) in digits.chars().enumerate() {
                number.push(d);
                if i < 9 {
                    number.push_str(seps[i]);
                }
            }
            let raw = format!("{before} {number} {after}");
            let input = if decomposed {
                unicode_normalization::UnicodeNormalization::nfd(raw.as_str()).collect::<String>()
            } else {
                raw
            };
            let screened = screen(&nfc(&input));
            let kept: String = screened.chars().filter(char::is_ascii_digit).collect();
            prop_assert!(!kept.contains(&digits), "{screened}");
        }

        /// Text without digits, @ or a form of address followed by a capital is left alone.
        #[test]
        fn plain_text_is_untouched(text in "[a-zà-ỹ ,.!?]{0,80}") {
            let text = nfc(&text);
            prop_assert_eq!(screen(&text), text);
        }
    }
}
