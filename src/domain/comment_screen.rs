//! Comments are screened before they are stored: whatever could name or reach a person is
//! replaced by a placeholder, so that neither staff reading the comment nor anyone holding the
//! database learns it. Masked: e-mail addresses, also written around the @ (`a @ gmail.com`,
//! `a(at)gmail.com`, `a a còng gmail chấm com`); vehicle plates; runs of at least eight digits
//! of any script however they are split (spaces, dots, dashes, parentheses, runs of them, a
//! leading +84): phone numbers, identity card numbers (CMND 9 and CCCD 12 digits), tax codes,
//! bank accounts, dossier numbers; and a name after a form of address ("anh", "chị", "ông",
//! "bà", "cô", "chú", "dì", "cậu", "cán bộ", … followed by capitalised words, or by a common
//! Vietnamese name in lower case). Amounts of money ("20.000.000 đồng") stay: they are what a
//! complaint about fees is about.
//!
//! The text is first brought to NFKC, so full-width digits and `＠` read as their plain forms;
//! format characters (zero-width spaces, soft hyphens) count as separators wherever they stand
//! inside a number, an address or a name.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::{Captures, Regex};
use unicode_normalization::UnicodeNormalization;

/// What replaces what is masked.
pub const MASK: &str = "[đã ẩn]";

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| unreachable!("a fixed pattern: {e}"))
}

/// The @ however it is written: `@`, `(at)`, `[a còng]`, ` a còng `.
const AT: &str = r"(?:\s*@\s*|\s*[(\[{]\s*(?:at|a\s*còng)\s*[)\]}]\s*|\s+a\s+còng\s+)";
/// The dot of a domain however it is written: `.`, ` . `, `(dot)`, ` chấm `.
const DOT: &str = r"(?:\s*\.\s*|\s*[(\[{]\s*(?:dot|chấm)\s*[)\]}]\s*|\s+(?:dot|chấm)\s+)";

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)[\p{{L}}\p{{N}}\p{{Cf}}._%+\-]+{AT}[\p{{L}}\p{{N}}\p{{Cf}}\-]+(?:{DOT}[\p{{L}}\p{{N}}\p{{Cf}}\-]+)+"
    ))
});
/// 51F-123.45, 59X1 234.56, 29A-12345.
static PLATE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\b\d{2}\s?[A-Z]{1,2}\d?\s?[-–]?\s?\d{3}(?:\.\d{2}|\d{1,2})\b"));
/// A run of digits (of any script: `\d` is Unicode's) with up to three separators between
/// two of them, optionally after +84 or an opening parenthesis.
static DIGITS: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?:\+[\s\p{Cf}]?|\(\s?)?\d(?:[\s.\-–—_()\p{Cf}]{0,3}\d)+"));
/// Amounts of money: thousands grouped by dots or commas, then a currency word.
static MONEY: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?i)^\d{1,3}(?:[.,]\d{3})+\s*(?:đ\b|đồng|vnd|vnđ|d\b|triệu|nghìn|ngàn)")
});
/// Forms of address, and titles a name follows.
const FORMS: &str = r"anh|chị|ông|bà|cô|chú|em|bác|dì|cậu|mợ|thím|dượng|thầy|bạn|cháu|cán\s+bộ|đồng\s+chí|nhân\s+viên|chuyên\s+viên";
/// A letter of a name, with the marks and format characters that may sit inside it.
const NAME_REST: &str = r"[\p{Ll}\p{M}\p{Cf}]*";
static NAME: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i:\b({FORMS}))\s+(\p{{Lu}}{NAME_REST}(?:\s+\p{{Lu}}{NAME_REST}){{0,3}})"
    ))
});
/// A form of address followed by lower-case words: masked when they are names (`LOWER_NAMES`).
static LOWER_NAME: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i:\b({FORMS}))\s+(\p{{Ll}}{NAME_REST}(?:\s+\p{{Ll}}{NAME_REST}){{0,3}})"
    ))
});

/// Common Vietnamese family, middle and given names, as people type them in lower case. Words
/// that are also pronouns or forms of address ("anh", "em"), or verbs and words that often
/// follow one ("thu" phí, "tư" vấn, "bảo", "tính", "văn" phòng, "thanh" tra, "thị" trấn), are
/// left out: "chị em", "cán bộ thu phí" stay.
const NAMES: &[&str] = &[
    // family names
    "nguyễn",
    "trần",
    "lê",
    "phạm",
    "hoàng",
    "huỳnh",
    "phan",
    "vũ",
    "võ",
    "đặng",
    "bùi",
    "đỗ",
    "hồ",
    "ngô",
    "dương",
    "lý",
    "trương",
    "đinh",
    "lâm",
    "trịnh",
    "đoàn",
    "lưu",
    "thạch",
    "quách",
    // middle names
    "hữu",
    "đức",
    "ngọc",
    "minh",
    "quốc",
    "xuân",
    "bích",
    // given names
    "lan",
    "hoa",
    "hùng",
    "tuấn",
    "nam",
    "hương",
    "linh",
    "trang",
    "hà",
    "dũng",
    "hải",
    "long",
    "sơn",
    "mai",
    "thủy",
    "thuỷ",
    "hạnh",
    "phương",
    "thảo",
    "yến",
    "nga",
    "hằng",
    "vân",
    "loan",
    "hiền",
    "tâm",
    "bình",
    "hòa",
    "hoà",
    "quân",
    "tùng",
    "thắng",
    "cường",
    "việt",
    "khoa",
    "phúc",
    "lộc",
    "huy",
    "hiếu",
    "nhung",
    "oanh",
    "tú",
    "hậu",
    "duy",
    "khánh",
    "phong",
    "quang",
    "thịnh",
    "trí",
    "út",
    "giang",
    "hiệp",
    "huệ",
    "liên",
    "liễu",
    "my",
    "mỹ",
    "nhi",
    "ngân",
    "nguyệt",
    "quyên",
    "quỳnh",
    "thư",
    "thúy",
    "thuý",
    "tiên",
    "trinh",
    "uyên",
    "vy",
    "xuyến",
    "diễm",
    "dung",
    "điệp",
    "huyền",
    "lệ",
    "nhàn",
    "phượng",
    "tuyết",
    "cúc",
    "khải",
    "kiên",
    "nghĩa",
    "phước",
    "thiện",
    "vĩnh",
    "vinh",
];

static NAME_SET: LazyLock<HashSet<String>> =
    LazyLock::new(|| NAMES.iter().map(|n| n.nfc().collect::<String>()).collect());

fn is_lower_name(word: &str) -> bool {
    let plain: String = word
        .chars()
        .filter(|c| !is_format(*c))
        .collect::<String>()
        .to_lowercase()
        .nfc()
        .collect();
    NAME_SET.contains(&plain)
}

/// Unicode's format characters (category Cf): zero-width spaces and joiners, soft hyphens,
/// direction marks.
fn is_format(c: char) -> bool {
    static FORMAT: LazyLock<Regex> = LazyLock::new(|| regex(r"^\p{Cf}$"));
    let mut buf = [0u8; 4];
    FORMAT.is_match(c.encode_utf8(&mut buf))
}

/// Digits needed for a run to be masked: a phone number has ten, an old identity card nine.
const MIN_DIGITS: usize = 8;

/// The comment with everything that could identify someone replaced by [`MASK`], in NFKC.
pub fn screen(comment: &str) -> String {
    let comment: String = comment.nfkc().collect();
    let text = EMAIL.replace_all(&comment, MASK);
    let text = PLATE.replace_all(&text, MASK);
    let text = mask_digit_runs(&text);
    let text = NAME.replace_all(&text, |c: &Captures| format!("{} {MASK}", &c[1]));
    LOWER_NAME.replace_all(&text, mask_lower_names).into_owned()
}

/// `form words…`: the leading words that are names masked, the rest kept as written.
fn mask_lower_names(found: &Captures) -> String {
    let (form, words) = (&found[1], &found[2]);
    let parts: Vec<&str> = words.split_whitespace().collect();
    let names = parts.iter().take_while(|w| is_lower_name(w)).count();
    if names == 0 {
        return found[0].to_owned();
    }
    let mut out = format!("{form} {MASK}");
    for rest in &parts[names..] {
        out.push(' ');
        out.push_str(rest);
    }
    out
}

/// Masks runs of at least `MIN_DIGITS` digits, except amounts of money.
fn mask_digit_runs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for run in DIGITS.find_iter(text) {
        let digits = run.as_str().chars().filter(|c| c.is_numeric()).count();
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
            // Issue #33: what the first screen let through.
            ("số ０９１２３４５６７８ nhé", "số [đã ẩn] nhé"),
            ("số 0912\u{200b}345\u{00ad}678", "số [đã ẩn]"),
            ("gọi 0912 - 345 - 678", "gọi [đã ẩn]"),
            ("gọi (091) 234 5678", "gọi [đã ẩn]"),
            ("លេខ ០៩១២៣៤៥៦៧៨", "លេខ [đã ẩn]"),
            ("thư a @ gmail.com nhé", "thư [đã ẩn] nhé"),
            ("thư nguyenvana(at)gmail.com", "thư [đã ẩn]"),
            ("thư a＠gmail.com", "thư [đã ẩn]"),
            ("thư lan [at] yahoo [dot] com", "thư [đã ẩn]"),
            ("thư lan a còng gmail chấm com", "thư [đã ẩn]"),
            ("cảm ơn chị lan nhiều", "cảm ơn chị [đã ẩn] nhiều"),
            ("anh nguyễn hùng giúp tôi", "anh [đã ẩn] giúp tôi"),
            ("Cảm ơn dì Tư", "Cảm ơn dì [đã ẩn]"),
            ("cậu Bảo rất nhiệt tình", "cậu [đã ẩn] rất nhiệt tình"),
            ("cán bộ Trần Văn Nam làm chậm", "cán bộ [đã ẩn] làm chậm"),
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
            "cán bộ thu phí đúng quy định",
            "anh tư vấn rất rõ, chị bảo chờ",
            "nhân viên văn phòng và cán bộ thanh tra",
            "Tôi nộp hồ sơ tại quầy 3 lúc 8 giờ",
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

        /// A phone number in full-width or Khmer digits, split by runs of separators and
        /// format characters, never survives either.
        #[test]
        fn phone_numbers_in_any_digits_and_separators_never_survive(
            digits in "0[35789][0-9]{8}",
            seps in prop::collection::vec(
                prop::sample::select(vec!["", " - ", "  ", "\u{200b}", "\u{00ad}", " . ", "\u{2060}", "_"]),
                9,
            ),
            script in 0usize..3,
        ) {
            let shift = |d: char| -> char {
                let n = d.to_digit(10).unwrap_or(0);
                let base = match script { 0 => '0', 1 => '\u{ff10}', _ => '\u{17e0}' };
                char::from_u32(base as u32 + n).unwrap_or(d)
            };
            let mut number = String::new();
            for (i, d) in digits.chars().enumerate() {
                number.push(shift(d));
                if i < 9 {
                    number.push_str(seps[i]);
                }
            }
            let screened = screen(&format!("gọi {number} nhé"));
            prop_assert_eq!(screened, format!("gọi {MASK} nhé"));
        }

        /// An e-mail address, however its @ and dots are written, never survives.
        #[test]
        fn e_mail_addresses_never_survive(
            user in "[a-z][a-z0-9.]{1,10}[a-z0-9]",
            domain in "[a-z]{2,8}",
            at in prop::sample::select(vec!["@", " @ ", "(at)", " [at] ", "＠", " a còng ", "{at}"]),
            dot in prop::sample::select(vec![".", " . ", "(dot)", " [dot] ", " chấm "]),
            tld in prop::sample::select(vec!["com", "vn", "gov.vn"]),
        ) {
            let address = format!("{user}{at}{domain}{dot}{tld}");
            let screened = screen(&format!("thư: {address} nhé"));
            prop_assert_eq!(screened, format!("thư: {MASK} nhé"));
        }

        /// A name after any form of address, capitalised or not, never survives.
        #[test]
        fn names_after_a_form_of_address_never_survive(
            form in prop::sample::select(vec![
                "anh", "chị", "ông", "bà", "cô", "chú", "dì", "cậu", "bác", "cán bộ", "thầy",
            ]),
            name in prop::sample::select(vec!["lan", "hùng", "trang", "phương", "nguyễn", "quỳnh"]),
            capitalised in any::<bool>(),
        ) {
            let written = if capitalised {
                let mut chars = name.chars();
                chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
            } else {
                name.to_owned()
            };
            let screened = screen(&nfc(&format!("cảm ơn {form} {written} đã giúp")));
            prop_assert!(!screened.to_lowercase().contains(name), "{screened}");
            prop_assert!(screened.contains(MASK), "{screened}");
        }

        /// Text without digits, @ or a form of address followed by a capital is left alone.
        #[test]
        fn plain_text_is_untouched(text in "[a-zà-ỹ ,.!?]{0,80}") {
            let text = nfc(&text);
            prop_assert_eq!(screen(&text), text.nfkc().collect::<String>());
        }
    }
}
