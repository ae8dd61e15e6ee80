//! Vietnamese text: stored and compared in NFC, and folded to ASCII where a name must be spelled
//! without diacritics (identifiers, English names of places).

use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// `s` without control characters but line breaks and tabs: a NUL cannot be stored in a
/// PostgreSQL text column (a fuzzed comment holding one failed its release), and the others
/// are never meant in a written answer.
pub fn without_controls(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .collect()
}

/// "Đặc khu Phú Quốc" → "Dac khu Phu Quoc".
pub fn ascii_fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposed_text_is_composed() {
        let decomposed = "Hoa\u{300} Lạc".nfd().collect::<String>();
        assert_ne!(decomposed, "Hoà Lạc");
        assert_eq!(nfc(&decomposed), "Hoà Lạc");
    }

    #[test]
    fn folding_drops_every_diacritic() {
        assert_eq!(ascii_fold("Đặc khu Phú Quốc"), "Dac khu Phu Quoc");
        assert_eq!(ascii_fold("Phường Vĩnh Tế"), "Phuong Vinh Te");
    }
}
