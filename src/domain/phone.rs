//! Vietnamese phone numbers as stored (`0912345678`, `+84912345678`, with or without spaces)
//! in the one form that compares equal and that Zalo wants.

/// 84 and the number without its leading 0: `0912 345 678` and `+84912345678` are both
/// `84912345678`.
pub fn international(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix('0') {
        Some(rest) => format!("84{rest}"),
        None => digits,
    }
}

/// A phone number as given, checked: 9 to 15 digits once spaces, dots, dashes and brackets are
/// dropped, optionally after `+`.
pub fn parse(raw: &str) -> Result<String, String> {
    let digits: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
        .collect();
    let body = digits.strip_prefix('+').unwrap_or(&digits);
    if (9..=15).contains(&body.len()) && body.chars().all(|c| c.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err("must be a phone number of 9 to 15 digits, e.g. 0912345678 or +84912345678".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_number_written_two_ways_is_one_number() {
        assert_eq!(international("0912 345 678"), "84912345678");
        assert_eq!(international("+84912345678"), "84912345678");
    }
}
