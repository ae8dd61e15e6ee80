//! RFC 3339 times read fast: the dossiers carry three per row, millions of rows. The common
//! shape (`2026-03-31T17:30:00+07:00`, `…Z`, with or without a fraction of a second) is read
//! byte by byte into nanoseconds since the epoch; anything else goes to chrono's parser, so the
//! accepted forms are exactly chrono's.

use chrono::DateTime;

fn digits(bytes: &[u8]) -> Option<i64> {
    bytes.iter().try_fold(0i64, |n, b| {
        b.is_ascii_digit().then(|| n * 10 + i64::from(b - b'0'))
    })
}

/// Days from 1970-01-01 to the given civil date (proleptic Gregorian; Howard Hinnant's
/// algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month) of a day number since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month as u32)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

fn fast(s: &[u8], memo: &mut DayMemo) -> Option<i64> {
    if s.len() < 20
        || s[4] != b'-'
        || s[7] != b'-'
        || s[10] != b'T'
        || s[13] != b':'
        || s[16] != b':'
    {
        return None;
    }
    let days = memo.days_of(s.first_chunk::<10>()?)?;
    let (hour, minute, second) = (
        digits(&s[11..13])?,
        digits(&s[14..16])?,
        digits(&s[17..19])?,
    );
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut rest = &s[19..];
    let mut nanos = 0i64;
    if rest.first() == Some(&b'.') {
        let fraction_len = rest[1..].iter().take_while(|b| b.is_ascii_digit()).count();
        if fraction_len == 0 || fraction_len > 9 {
            return None;
        }
        nanos = digits(&rest[1..1 + fraction_len])? * 10i64.pow(9 - fraction_len as u32);
        rest = &rest[1 + fraction_len..];
    }
    let offset = match rest {
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (oh, om) = (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?);
            if oh > 23 || om > 59 {
                return None;
            }
            let seconds = oh * 3600 + om * 60;
            if *sign == b'-' {
                -seconds
            } else {
                seconds
            }
        }
        _ => return None,
    };
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
    seconds.checked_mul(1_000_000_000)?.checked_add(nanos)
}

/// The last month read (`YYYY-MM`), its first day's number and its length: a dossier's three
/// times usually fall in one month, and a row's times are read one after the other, so most
/// dates need only their day of the month read.
#[derive(Default)]
pub struct DayMemo {
    month: [u8; 7],
    /// The remembered month's first day number and its length in days.
    days: Option<(i64, i64)>,
}

impl DayMemo {
    /// The day number of `YYYY-MM-DD`, checked to be a real date.
    fn days_of(&mut self, date: &[u8; 10]) -> Option<i64> {
        let (month_text, day) = (date.first_chunk::<7>()?, digits(&date[8..10])?);
        // Compared as a fixed-size array: inline, no call to memcmp.
        let (first_day, length) = match self.days {
            Some(days) if self.month == *month_text => days,
            _ => {
                let (year, month) = (digits(&date[0..4])?, digits(&date[5..7])?);
                if !(1..=12).contains(&month) {
                    return None;
                }
                let days = (days_from_civil(year, month, 1), days_in_month(year, month));
                self.month = *month_text;
                self.days = Some(days);
                days
            }
        };
        (1..=length).contains(&day).then(|| first_day + day - 1)
    }
}

/// Nanoseconds since the epoch of an RFC 3339 time with offset; `None` when it is not one.
pub fn parse_rfc3339_nanos(raw: &str) -> Option<i64> {
    parse_rfc3339_nanos_with(raw, &mut DayMemo::default())
}

/// As [`parse_rfc3339_nanos`], remembering the last date in `memo` (for many times in a row).
pub fn parse_rfc3339_nanos_with(raw: &str, memo: &mut DayMemo) -> Option<i64> {
    fast(raw.as_bytes(), memo).or_else(|| {
        DateTime::parse_from_rfc3339(raw)
            .ok()
            .and_then(|t| t.timestamp_nanos_opt())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_path_agrees_with_chrono_and_odd_forms_still_parse() {
        for raw in [
            "2026-03-31T17:30:00Z",
            "2026-03-31T17:30:00+07:00",
            "2026-03-31T17:30:00.125-05:30",
            "2024-02-29T23:59:59.999999999+14:00",
            "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.5Z",
            "2026-01-01t00:00:00z",
            "2026-01-01 00:00:00+07:00",
        ] {
            let chrono = DateTime::parse_from_rfc3339(raw)
                .unwrap()
                .timestamp_nanos_opt();
            assert_eq!(parse_rfc3339_nanos(raw), chrono, "{raw}");
        }
        for bad in [
            "2026-02-30T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-03-31T17:30:00",
            "x",
            "",
        ] {
            assert_eq!(parse_rfc3339_nanos(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_remembered_date_reads_as_a_fresh_one_and_a_bad_date_is_never_remembered() {
        let mut memo = DayMemo::default();
        for raw in [
            "2026-03-31T17:30:00+07:00",
            "2026-03-31T08:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-03-31T23:59:59.5-05:00",
            "2024-02-29T00:00:00Z",
            "2026-03-31T00:00:00Z",
            "2026-02-28T00:00:00Z",
            "2026-02-29T00:00:00Z",
            "2026-02-00T00:00:00Z",
            "2026-02-01T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-00-01T00:00:00Z",
            "2026-02-01T00:00:00Z",
        ] {
            assert_eq!(
                parse_rfc3339_nanos_with(raw, &mut memo),
                parse_rfc3339_nanos(raw),
                "{raw}"
            );
        }
    }

    proptest::proptest! {
        /// Any run of dates, good and bad, read with one memo as chrono reads each alone.
        #[test]
        fn dates_read_with_a_memo_are_chronos(
            dates in proptest::collection::vec((1890u32..2110, 0u32..14, 0u32..33), 1..40)
        ) {
            let mut memo = DayMemo::default();
            for (year, month, day) in dates {
                let raw = format!("{year:04}-{month:02}-{day:02}T12:00:00+07:00");
                let chrono = DateTime::parse_from_rfc3339(&raw)
                    .ok()
                    .and_then(|t| t.timestamp_nanos_opt());
                proptest::prop_assert_eq!(parse_rfc3339_nanos_with(&raw, &mut memo), chrono, "{}", raw);
            }
        }
    }

    #[test]
    fn civil_dates_round_trip() {
        for days in [-800_000i64, -1, 0, 59, 365, 20_000, 2_932_896] {
            let (y, m) = civil_from_days(days);
            assert!(days_from_civil(y, i64::from(m), 1) <= days);
            assert!(days < days_from_civil(y, i64::from(m), 1) + 31);
        }
        assert_eq!(civil_from_days(days_from_civil(2026, 3, 31)), (2026, 3));
    }
}
